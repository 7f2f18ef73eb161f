#!/usr/bin/env bash
# Installs the Debian packages bingads-budgets needs, and only those that are missing.
# Runs apt-get as root, or through sudo when run as another user.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ca-certificates
  gsoap libgsoap-dev            # wsdl2h/soapcpp2 and the gSOAP runtime
  libcurl4-openssl-dev          # the one HTTP transport
  libpugixml-dev rapidjson-dev  # emulator XML, JSON on both sides
  zlib1g-dev                    # the emulator gzips responses
  libzip-dev                    # report files: the client reads the ZIP, the emulator writes it
  libcpp-httplib-dev            # hostile and TLS test servers
  doctest-dev                   # tests
  libxml2-utils                 # xmllint: tests validate requests against the official WSDL
  clang-format                  # tests check the formatting of hand-written code
  doxygen                       # tests check that every public declaration is documented
  openssl                       # tests make a self-signed certificate for the TLS check
  clang libclang-rt-14-dev      # libFuzzer targets (scripts/fuzz.sh) and their sanitizers
  libsimdjson-dev nlohmann-json3-dev  # the bench's peers of the REST reader
  python3-zeep python3-suds hyperfine # bench/peers.sh: the Python peers, timed
  scdoc man-db                  # man pages: built from their scdoc sources, rendered by tests
  lintian file                  # Debian packages: cpack finds ELF files with file; lintian checks
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo; missing: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
