#!/usr/bin/env bash
# Regenerates generated/ from wsdl/ with the exact gSOAP flags. Never edit generated/ by hand.
#   scripts/regen-soap.sh           rewrite generated/
#   scripts/regen-soap.sh --check   regenerate into a temporary folder and fail if generated/ differs
#
# Both contracts, Campaign Management (budgets) and Reporting (budget usage), go through one
# wsdl2h run into one interface header (bingads_budgets.h), so there is one set of stubs: one
# soapC.cpp, one SOAP_ENV__Header holding both services' header members (cm__*, rep__*), one
# SOAP_ENV__Detail, and one .nsmap per service, all with the same table.
#
# wsdl2h  -k  no SOAP-ENV:mustUnderstand on the request headers (the service's documented requests
#             carry none); -t our typemap (pins the prefixes cm, rep, adapi, arr, sys, scg);
#             -o the interface header.
# soapcpp2 -1 SOAP 1.1 envelope (the service's only binding is BasicHttpBinding)
#          -C client side only   -x no sample XML   -L no soapClientLib   -w no .wsdl/.xsd copies
#          -d output folder      -I gSOAP's import folder
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=0
[ "${1:-}" = "--check" ] && check=1
for tool in wsdl2h soapcpp2; do
  command -v "$tool" >/dev/null || { echo "regen-soap: $tool not found (Debian package gsoap)" >&2; exit 2; }
done
import=/usr/share/gsoap/import
[ -d "$import" ] || { echo "regen-soap: $import missing (Debian package gsoap)" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$out"
wsdls=(CampaignManagementService.budgets.wsdl ReportingService.usage.wsdl)
for w in "${wsdls[@]}"; do cp "$root/wsdl/$w" .; done
cp "$root/wsdl/typemap.dat" .
wsdl2h -k -t typemap.dat -o bingads_budgets.h "${wsdls[@]}" >wsdl2h.log 2>&1 \
  || { cat wsdl2h.log >&2; exit 1; }
mkdir gen
cp bingads_budgets.h gen/
soapcpp2 -1 -C -x -L -w -d gen -I"$import" bingads_budgets.h >soapcpp2.log 2>&1 \
  || { cat soapcpp2.log >&2; exit 1; }
# soapcpp2 stamps the generation time into SOAP_SOURCE_STAMP; drop the time so output is reproducible.
# wsdl2h writes the time into the interface header's banner the same way.
sed -i -E 's/(SOAP_SOURCE_STAMP\("@\(#\) [A-Za-z]+\.cpp ver [0-9.]+) [0-9-]+ [0-9:]+ GMT/\1/' gen/*.cpp
sed -i -E '1,5{/^   [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/d}' gen/bingads_budgets.h

if [ "$check" = 1 ]; then
  if diff -r "$root/generated" gen >diff.txt; then
    echo "regen-soap: generated/ is up to date"
  else
    echo "regen-soap: generated/ differs from what wsdl/ produces; run scripts/regen-soap.sh and commit" >&2
    head -40 diff.txt >&2
    exit 1
  fi
else
  rm -rf "$root/generated"
  mkdir -p "$root/generated"
  cp gen/* "$root/generated/"
  echo "regen-soap: wrote $(ls "$root/generated" | wc -l) files to generated/"
fi
