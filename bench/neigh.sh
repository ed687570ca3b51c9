#!/usr/bin/env bash
# Benchmark: `vpcprobe neigh --verify` against arp-scan and nmap's ARP ping on a crowded VPC segment
# (tests/lab/lab.sh up + crowd), inside network namespaces that this script brings up and always
# tears down.
#
#   bench/neigh.sh [PATH_TO_VPCPROBE]     (as root, from the repo root)
#
# All tools run inside node over exactly the IPv4 addresses of node's neighbor table on vpc0 (read
# once, right after `lab.sh crowd`), each run starting from that same table (restored before every
# run; see bench/README.md for why). Reported per tool: median wall time over REPS round-robin runs,
# and the live hosts found:
#   vpcprobe  entries whose class is ok, stale or conflict   (--rate in RATES; --timeout 1 --json)
#   arp-scan  the addresses that answered                     (arp-scan -I vpc0 --file TARGETS)
#   nmap      the hosts reported up                           (nmap -sn -PR -n -iL TARGETS)
# The issue's expectation, printed as information: the same live hosts, vpcprobe's wall time at
# most arp-scan's.
# A benchmark, not a test: exit 0 when it ran, non-zero only when it could not run.
set -euo pipefail

VPCPROBE=$(realpath -m "${1:-build/release/apps/vpcprobe}")
REPS=${REPS:-5}
# 200: vpcprobe's default. 500: arp-scan's default packet rate (256000 bit/s over 64-byte frames,
# a 2 ms interval). 1000: arp-scan's default *host* rate (vpcprobe --verify sends two requests per
# entry, a broadcast and a unicast to the cached MAC; arp-scan one per host and pass).
read -ra RATES <<<"${RATES:-200 500 1000}"
export VPCLAB_PREFIX="vpn$$"

BENCH=neigh
source bench/common.sh
install_missing arp-scan nmap
lab_up crowd

# --- the targets: node's neighbor table on vpc0 ----------------------------------------------------
# `nud all`: a plain `ip neigh show` hides NOARP entries (10.124.3.1), which vpcprobe does list.
in_node ip -4 neigh show dev vpc0 nud all >"$TMP/table"
awk '{ print $1 }' "$TMP/table" >"$TMP/targets"
NT=$(wc -l <"$TMP/targets")
[ "$NT" -gt 0 ] || die "node has no neighbor entries on vpc0"
# The restore batch: flush vpc0's entries, then put every snapshot entry back as it was.
{
  echo "neigh flush dev vpc0"
  awk '{ mac = ""; ext = ""; st = tolower($NF)
         for (i = 2; i < NF; i++) { if ($i == "lladdr") mac = $(i + 1); if ($i == "extern_learn") ext = " extern_learn" }
         if (mac != "") printf "neigh replace %s lladdr %s dev vpc0 nud %s%s\n", $1, mac, st, ext }' "$TMP/table"
} >"$TMP/restore"

# --- the commands under test -----------------------------------------------------------------------
declare -A CMD=(
  [floor]="true"
  [arp-scan]="arp-scan -I vpc0 --file $TMP/targets"
  [nmap]="nmap -sn -PR -n -iL $TMP/targets -oG -"
)
TOOLS=()
for r in "${RATES[@]}"; do
  CMD[vpcprobe-r$r]="$VPCPROBE neigh -I vpc0 --verify --rate $r --timeout 1 --json"
  TOOLS+=("vpcprobe-r$r")
done
TOOLS+=(arp-scan nmap)

# --- run: round-robin, timed inside node; every run starts from the snapshot table ------------------
mkdir -p "$TMP/out"
echo "neigh: vpcprobe=$VPCPROBE reps=$REPS rates=${RATES[*]} targets=$NT lab=$VPCLAB_PREFIX" >&2
args=(floor "${CMD[floor]}")
for tool in "${TOOLS[@]}"; do args+=("$tool" "${CMD[$tool]}"); done
# shellcheck disable=SC2016  # expands in the inner bash
in_node bash -c 'reps=$1 out=$2 restore=$3; shift 3
  for rep in $(seq "$reps"); do
    for ((i = 1; i < $#; i += 2)); do
      j=$((i + 1))
      ip -batch "$restore" >/dev/null 2>&1 || echo "restore failed before ${!i} $rep" >&2
      sleep 0.2
      s=${EPOCHREALTIME/./}; timeout 60 ${!j} >"$out/${!i}.$rep" 2>/dev/null || true; e=${EPOCHREALTIME/./}
      echo "${!i} $((e - s))"
    done
  done' _ "$REPS" "$TMP/out" "$TMP/restore" "${args[@]}" >"$TMP/times"
in_node ip -batch "$TMP/restore" >/dev/null 2>&1 || true

declare -A WALL
while read -r tool ms; do WALL[$tool]=$ms; done < <(sort -k1,1 -k2,2n "$TMP/times" |
  awk '{ v[$1, ++n[$1]] = $2 }
    END { for (k in n) { c = n[k]; m = c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2; printf "%s %.2f\n", k, m / 1000 } }')

# --- live hosts per run: "$TMP/live/TOOL.REP", sorted ------------------------------------------------
mkdir -p "$TMP/live"
live_of() {  # live_of TOOL FILE
  case "$1" in
    vpcprobe-*) jq -r '.entries[] | select(.class == "ok" or .class == "stale" or .class == "conflict") | .ip' "$2" 2>/dev/null ;;
    arp-scan)   awk -F'\t' '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { print $1 }' "$2" ;;
    nmap)       awk '/Status: Up/ { print $2 }' "$2" ;;
  esac | sort -u
}
declare -A NLIVE STABLE
for tool in "${TOOLS[@]}"; do
  for rep in $(seq "$REPS"); do live_of "$tool" "$TMP/out/$tool.$rep" >"$TMP/live/$tool.$rep"; done
  sort "$TMP/live/$tool".[0-9]* | uniq -c | awk -v n="$REPS" '$1 == n { print $2 }' >"$TMP/live/$tool.always"
  sort -u "$TMP/live/$tool".[0-9]* >"$TMP/live/$tool.any"
  a=$(wc -l <"$TMP/live/$tool.always") u=$(wc -l <"$TMP/live/$tool.any")
  if [ "$a" = "$u" ]; then NLIVE[$tool]=$a STABLE[$tool]=1; else NLIVE[$tool]="$a-$u" STABLE[$tool]=0; fi
done

# --- report ----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "-"; else printf "%.2f", a / b }'; }
same() { cmp -s "$TMP/live/$1.any" "$TMP/live/$2.any" && [ "${STABLE[$1]}${STABLE[$2]}" = 11 ]; }
echo
echo "targets: $NT addresses from node's neighbor table on vpc0; $REPS runs per tool"
printf '%-15s %13s %11s %15s %11s %12s %10s\n' tool "wall ms(med)" "live hosts" "/arp-scan wall" "/nmap wall" "= arp-scan" "= nmap"
for tool in "${TOOLS[@]}"; do
  if [[ $tool == vpcprobe-* ]]; then
    ra=$(ratio "${WALL[$tool]:-n/a}" "${WALL[arp-scan]:-n/a}") rn=$(ratio "${WALL[$tool]:-n/a}" "${WALL[nmap]:-n/a}")
    sa=$(same "$tool" arp-scan && echo yes || echo NO) sn=$(same "$tool" nmap && echo yes || echo NO)
  else ra=- rn=- sa=- sn=-; fi
  [ "$tool" = nmap ] && sa=$(same nmap arp-scan && echo yes || echo NO)
  printf '%-15s %13s %11s %15s %11s %12s %10s\n' "$tool" "${WALL[$tool]:-n/a}" "${NLIVE[$tool]}" "$ra" "$rn" "$sa" "$sn"
done
echo
echo "launch floor (fork+exec of /bin/true, same timing): ${WALL[floor]:-n/a} ms"
echo "live hosts: vpcprobe = class ok/stale/conflict; arp-scan = answered; nmap = up. 'a-b' = a in every run, b in some run"

# what differs, and where the tools disagree with themselves
for tool in "${TOOLS[@]}"; do
  [ "${STABLE[$tool]}" = 1 ] || echo "note: $tool found different hosts in different runs: $(comm -13 "$TMP/live/$tool.always" "$TMP/live/$tool.any" | tr '\n' ' ')"
done
for a in "${TOOLS[@]}"; do
  for b in arp-scan nmap; do
    [ "$a" = "$b" ] && continue
    [ "$a" = arp-scan ] && [ "$b" = nmap ] && continue
    only_a=$(comm -23 "$TMP/live/$a.any" "$TMP/live/$b.any" | tr '\n' ' ')
    only_b=$(comm -13 "$TMP/live/$a.any" "$TMP/live/$b.any" | tr '\n' ' ')
    [ -n "$only_a" ] && echo "difference: only $a found: $only_a"
    [ -n "$only_b" ] && echo "difference: only $b found (not $a): $only_b"
  done
done
[ "$(comm -3 "$TMP/live/arp-scan.any" "$TMP/live/nmap.any" | wc -l)" = 0 ] ||
  echo "difference: arp-scan vs nmap: $(comm -3 "$TMP/live/arp-scan.any" "$TMP/live/nmap.any" | tr -s '\t\n' '  ')"
unanswered=$(comm -23 <(sort -u "$TMP/targets") "$TMP/live/arp-scan.any" | tr '\n' ' ')
echo "not live for arp-scan (no answer): ${unanswered:-none}"

echo
for tool in "${TOOLS[@]}"; do
  [[ $tool == vpcprobe-* ]] || continue
  echo "$tool classes: $(for rep in $(seq "$REPS"); do
    jq -r '.summary | "ok=\(.ok) stale=\(.stale) conflict=\(.conflict) silent=\(.silent) not_verifiable=\(.not_verifiable)"' "$TMP/out/$tool.$rep" 2>/dev/null || echo "no JSON"
  done | sort | uniq -c | awk '{ c = $1; $1 = ""; printf "%s%s (%d runs)", (NR > 1 ? "; " : ""), substr($0, 2), c }')"
done
dups=$(awk -F'\t' '/\(DUP: [0-9]+\)/ { print $1 }' "$TMP/out/arp-scan".* | sort -u | tr '\n' ' ')
echo "arp-scan duplicate answers (DUP): ${dups:-none}"
conf=$(jq -r '.entries[] | select(.class == "conflict") | "\(.ip) (\(.answering_macs | length) MACs)"' "$TMP/out/vpcprobe-r${RATES[0]}.1" 2>/dev/null | tr '\n' ' ')
echo "vpcprobe conflicts: ${conf:-none}; nmap reports no duplicates"

echo
for tool in "${TOOLS[@]}"; do
  [[ $tool == vpcprobe-* ]] || continue
  r=${tool#vpcprobe-r}
  s=$(same "$tool" arp-scan && same "$tool" nmap && echo 1 || echo 0)
  f=$(awk -v a="${WALL[$tool]:-n/a}" -v b="${WALL[arp-scan]:-n/a}" 'BEGIN { print (a != "n/a" && b != "n/a" && a <= b) }')
  echo "expectation at --rate $r: same live hosts as arp-scan and nmap: $([ "$s" = 1 ] && echo held || echo 'did NOT hold');" \
    "wall time at most arp-scan's (${WALL[$tool]:-n/a} vs ${WALL[arp-scan]:-n/a} ms): $([ "$f" = 1 ] && echo held || echo 'did NOT hold')"
done
