# bash completion for bingads-budgets: commands, options, the values of --protocol,
# --environment and usage's --time-zone, and file names for --file, --ca-file, --html and @FILE
# id lists.
_bingads_budgets() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n @ || return
  else
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi
  local commands="get add update delete campaigns usage compare migrate-check"
  local options="--protocol --environment --endpoint --developer-token --access-token
    --customer-id --account-id --timeout --connect-timeout --max-attempts --ca-file --proxy
    --max-response-mb --no-gzip --no-reconcile --allow-insecure-http --parallel --accounts --shadow
    --shadow-strict --record --replay --verbose --pretty --version --help"
  case $prev in
    --protocol) mapfile -t COMPREPLY < <(compgen -W "soap rest" -- "$cur"); return ;;
    --environment) mapfile -t COMPREPLY < <(compgen -W "production sandbox" -- "$cur"); return ;;
    --time-zone)  # the Reporting service's ReportTimeZone names (wsdl/ReportingService.usage.wsdl)
      local zones="
    AbuDhabiMuscat Adelaide Alaska AlmatyNovosibirsk AmsterdamBerlinBernRomeStockholmVienna Arizona
    AstanaDhaka AthensIslandanbulMinsk AtlanticTimeCanada AucklandWellington Azores Baghdad
    BakuTbilisiYerevan BangkokHanoiJakarta BeijingChongqingHongKongUrumqi
    BelgradeBratislavaBudapestLjubljanaPrague BogotaLimaQuito Brasilia Brisbane
    BrusselsCopenhagenMadridParis Bucharest BuenosAiresGeorgetown Cairo CanberraMelbourneSydney
    CapeVerdeIsland CaracasLaPaz CasablancaMonrovia CentralAmerica CentralTimeUSCanada
    ChennaiKolkataMumbaiNewDelhi ChihuahuaLaPazMazatlan Darwin EasternTimeUSCanada Ekaterinburg
    FijiKamchatkaMarshallIsland Greenland GreenwichMeanTimeDublinEdinburghLisbonLondon
    GuadalajaraMexicoCityMonterrey GuamPortMoresby HararePretoria Hawaii
    HelsinkiKyivRigaSofiaTallinnVilnius Hobart IndianaEast InternationalDateLineWest
    IrkutskUlaanBataar IslandamabadKarachiTashkent Jerusalem Kabul Kathmandu Krasnoyarsk
    KualaLumpurSingapore KuwaitRiyadh MagadanSolomonIslandNewCaledonia MidAtlantic
    MidwayIslandandSamoa MoscowStPetersburgVolgograd MountainTimeUSCanada Nairobi Newfoundland
    Nukualofa OsakaSapporoTokyo PacificTimeUSCanadaTijuana Perth Rangoon Santiago
    SarajevoSkopjeWarsawZagreb Saskatchewan Seoul SriJayawardenepura Taipei Tehran Vladivostok
    WestCentralAfrica Yakutsk
"
      mapfile -t COMPREPLY < <(compgen -W "$zones" -- "$cur")
      return ;;
    --file | --ca-file | --html)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      [ "$prev" = --file ] && [[ "-" == "$cur"* ]] && COMPREPLY+=(-)
      compopt -o filenames 2>/dev/null || true
      return ;;
    --record | --replay)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      compopt -o filenames 2>/dev/null || true
      return ;;
    --ids | --accounts)
      if [[ $cur == @* ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "${cur#@}" | sed 's/^/@/')
        compopt -o filenames 2>/dev/null || true
      fi
      return ;;
    --endpoint | --developer-token | --access-token | --customer-id | --account-id | \
      --timeout | --connect-timeout | --max-attempts | --proxy | --max-response-mb | \
      --parallel | --repeat | --date | --from | --to | --report-timeout)
      return ;;  # a value of the user's
  esac
  # The command (and compare's operation) given so far decides what follows.
  local command="" operation="" i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      get | add | update | delete | campaigns | usage)
        [ -z "$command" ] && command=${words[i]}
        operation=${words[i]} ;;
      compare | migrate-check) [ -z "$command" ] && command=${words[i]} ;;
    esac
  done
  local extra=""
  case $operation in
    get | delete | campaigns) extra="--ids" ;;
    usage) extra="--ids --date --from --to --month --time-zone --report-timeout" ;;
    add | update) extra="--file" ;;
  esac
  case $command in
    compare) extra+=" --repeat --json --html --keep --help" ;;
    migrate-check) extra="--json --html --keep --help" ;;
    "") ;;
    *) extra+=" --help" ;;
  esac
  if [[ $cur == -* ]]; then
    [ -n "$command" ] && options=$extra
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  elif [ -z "$command" ]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
  elif [ "$command" = compare ] && [ -z "$operation" ]; then
    mapfile -t COMPREPLY < <(compgen -W "get add update delete campaigns usage" -- "$cur")
  fi
}
complete -F _bingads_budgets bingads-budgets
