#!/usr/bin/env bash
# Benchmark: `vpcprobe neigh --verify` against arp-scan and nmap's ARP ping, inside network
# namespaces (tests/lab/lab.sh) that this script brings up and always tears down.
#
#   bench/neigh.sh [PATH_TO_VPCPROBE]                 (as root, from the repo root)
#   SCENARIO="crowd 4096 100k" bench/neigh.sh ...     which scenarios (default: crowd 4096)
#
# Scenarios:
#   crowd  the crowded VPC segment (lab.sh up + crowd: 210 entries with planted problems)
#   4096   lab.sh big 4096: 4096 PERMANENT entries (plus db and the VPC router), all answered by one
#          proxy-ARP host; at each rate R in RATES_4096 (1000 4000), side by side at the same
#          packet rate: vpcprobe --rate R, arp-scan -r1 --interval=1e6/R us, nmap --max-rate R
#   100k   lab.sh big 100000: vpcprobe at --rate RATE_100K (20000) --timeout 1, and arp-scan -r1 at
#          the same packet rate for reference; REPS_100K (3) runs; only when asked
#
# crowd: all tools run inside node over exactly the IPv4 addresses of node's neighbor table on vpc0
# (read once, right after `lab.sh crowd`), each run starting from that same table (restored before
# every run; see bench/README.md for why). Reported per tool: median wall time over REPS
# round-robin runs, and the live hosts found:
#   vpcprobe  entries whose class is ok, stale or conflict   (--rate in RATES; --timeout 1 --json)
#   arp-scan  the addresses that answered                     (arp-scan -I vpc0 --file TARGETS)
#   nmap      the hosts reported up                           (nmap -sn -PR -n -iL TARGETS)
# The issue's expectation, printed as information: the same live hosts, vpcprobe's wall time at
# most arp-scan's.
# 4096 and 100k: the same, plus each run's peak RSS (GNU time -f %M, inside node) and, for
# vpcprobe, its own duration_ms and class counts. Expectations printed: 4096 entries verified in no
# more wall time than arp-scan -r1 at the same packet rate; 100 000 at --rate 20000 in under 10 s,
# every entry classified.
# A benchmark, not a test: exit 0 when it ran, non-zero only when it could not run.
set -euo pipefail

VPCPROBE=$(realpath -m "${1:-build/release/apps/vpcprobe}")
REPS=${REPS:-5}
# 200: 2.5x gentler than arp-scan. 500: arp-scan's default packet rate (256000 bit/s over 64-byte
# frames, a 2 ms interval); at 500 both send about as many requests at the same rate: vpcprobe
# --verify one broadcast per entry, then a broadcast and a unicast to the cached MAC only for the
# entries whose broadcast went unanswered; arp-scan one per host and pass, a second pass for the
# unanswered. 1000: vpcprobe's default, twice arp-scan's packet rate.
read -ra RATES <<<"${RATES:-200 500 1000}"
read -ra RATES_4096 <<<"${RATES_4096:-1000 4000}"
RATE_100K=${RATE_100K:-20000}
REPS_100K=${REPS_100K:-3}
SCENARIO=${SCENARIO:-crowd 4096}
read -ra SCENARIOS <<<"${SCENARIO//,/ }"  # "crowd,4096" works too
export VPCLAB_PREFIX="vpn$$"

BENCH=neigh
source bench/common.sh
for s in "${SCENARIOS[@]}"; do
  case $s in crowd | 4096 | 100k) ;; *) die "unknown scenario '$s' (crowd, 4096, 100k)" ;; esac
done
install_missing arp-scan nmap time

scenario_crowd() {
echo "== scenario crowd: lab.sh crowd"
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
}

# --- 4096 and 100k: one proxy-ARP host behind a big PERMANENT table ---------------------------------
scenario_big() {  # scenario_big LABEL N REPS TIMEOUT_S NMAP(0|1) RATE...
  local label=$1 n=$2 reps=$3 tmo=$4 with_nmap=$5
  shift 5
  local rates=("$@") dir="$TMP/big-$label" r tool
  mkdir -p "$dir/out"
  echo
  echo "== scenario $label: lab.sh big $n"
  "$LAB" up >/dev/null || die "lab did not come up"
  local line; line=$("$LAB" big "$n") || die "lab big $n failed"
  NS=$("$LAB" ns node)
  echo "$line"
  # the targets: every IPv4 entry on vpc0 (the N PERMANENT ones, plus db and the VPC router that
  # the plain lab has); nothing to restore between runs: PERMANENT entries do not change, and the
  # two kernel-managed ones stay answered and below gc_thresh1
  in_node ip -4 neigh show dev vpc0 nud all | awk '{ print $1 }' >"$dir/targets"
  local nt; nt=$(wc -l <"$dir/targets")
  [ "$nt" -ge "$n" ] || die "node has $nt entries on vpc0, expected at least $n"

  local -A cmd=([floor]=true)
  local tools=()
  for r in "${rates[@]}"; do
    cmd[vpcprobe-r$r]="$VPCPROBE neigh -I vpc0 --verify --rate $r --timeout 1 --json"
    cmd[arp-scan-r$r]="arp-scan -q -I vpc0 -r1 --interval=$((1000000 / r))u --file $dir/targets"
    tools+=("vpcprobe-r$r" "arp-scan-r$r")
    if [ "$with_nmap" = 1 ]; then
      cmd[nmap-r$r]="nmap -sn -PR -n --max-rate $r -iL $dir/targets -oG -"
      tools+=("nmap-r$r")
    fi
  done
  local args=(floor "${cmd[floor]}")
  for tool in "${tools[@]}"; do args+=("$tool" "${cmd[$tool]}"); done
  echo "$label: vpcprobe=$VPCPROBE reps=$reps rates=${rates[*]} targets=$nt lab=$VPCLAB_PREFIX" >&2
  # round-robin, timed inside node; peak RSS of the tool alone by GNU time (its own fork included
  # in the wall time, the same for every tool)
  # shellcheck disable=SC2016  # expands in the inner bash
  in_node bash -c 'reps=$1 out=$2 tmo=$3; shift 3
    for rep in $(seq "$reps"); do
      for ((i = 1; i < $#; i += 2)); do
        j=$((i + 1)) f="$out/${!i}.$rep"
        sleep 0.2
        s=${EPOCHREALTIME/./}
        timeout "$tmo" /usr/bin/time -f %M -o "$f.rss" ${!j} >"$f" 2>"$f.err"; rc=$?
        e=${EPOCHREALTIME/./}
        echo "${!i} $((e - s)) $(tail -n 1 "$f.rss" 2>/dev/null | grep -x "[0-9]*" || echo 0) $rc"
      done
    done' _ "$reps" "$dir/out" "$tmo" "${args[@]}" >"$dir/times"

  median() { sort -n | awk '{ v[++n] = $1 } END { if (!n) { print "n/a"; exit } print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }'; }
  live_count() {  # live_count TOOL FILE
    case "$1" in
      vpcprobe-*) jq -r '.entries[] | select(.class == "ok" or .class == "stale" or .class == "conflict") | .ip' "$2" 2>/dev/null ;;
      arp-scan-*) awk -F'\t' '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { print $1 }' "$2" ;;
      nmap-*)     awk '/Status: Up/ { print $2 }' "$2" ;;
    esac | sort -u | wc -l
  }
  local -A wall rss live codes
  for tool in floor "${tools[@]}"; do
    wall[$tool]=$(awk -v t="$tool" '$1 == t { print $2 / 1000 }' "$dir/times" | median)
    rss[$tool]=$(awk -v t="$tool" '$1 == t { print $3 }' "$dir/times" | median)
    codes[$tool]=$(awk -v t="$tool" '$1 == t { print $4 }' "$dir/times" | sort -u | paste -sd,)
    [ "$tool" = floor ] && continue
    live[$tool]=$(for rep in $(seq "$reps"); do live_count "$tool" "$dir/out/$tool.$rep"; done | sort -n | uniq | paste -sd/)
  done

  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "-"; else printf "%.2f", a / b }'; }
  echo
  echo "targets: $nt addresses from node's neighbor table on vpc0 ($n big entries); $reps runs per tool"
  printf '%-16s %13s %12s %13s %15s %11s %s\n' tool "wall ms(med)" "live hosts" "peak RSS KiB" "/arp-scan wall" "/nmap wall" exit
  for tool in "${tools[@]}"; do
    local ra=- rn=-
    if [[ $tool == vpcprobe-r* ]]; then
      r=${tool#vpcprobe-r}
      ra=$(ratio "${wall[$tool]}" "${wall[arp-scan-r$r]}")
      [ "$with_nmap" = 1 ] && rn=$(ratio "${wall[$tool]}" "${wall[nmap-r$r]}")
    fi
    printf '%-16s %13s %12s %13s %15s %11s %s\n' "$tool" "${wall[$tool]}" "${live[$tool]}" "${rss[$tool]}" "$ra" "$rn" "${codes[$tool]}"
  done
  echo "launch floor (fork+exec of /bin/true under GNU time, same timing): ${wall[floor]} ms"
  echo "live hosts: vpcprobe = class ok/stale/conflict; arp-scan = answered; nmap = up ('a/b': differed between runs)"
  echo "rates: vpcprobe --rate R (requests/s); arp-scan -r1 --interval=1e6/R us (one request per host); nmap --max-rate R"
  for r in "${rates[@]}"; do
    tool=vpcprobe-r$r
    echo "$tool per run: $(for rep in $(seq "$reps"); do
      jq -r '.summary as $s | "entries=\($s.entries) classified=\([$s.ok, $s.stale, $s.silent, $s.conflict, $s.not_verifiable] | add) ok=\($s.ok) stale=\($s.stale) silent=\($s.silent) conflict=\($s.conflict) not_verifiable=\($s.not_verifiable) unchecked=\($s.unchecked // 0)"' \
        "$dir/out/$tool.$rep" 2>/dev/null || echo "no JSON ($(head -c 200 "$dir/out/$tool.$rep.err" | tr '\n' ' '))"
    done | sort | uniq -c | awk '{ c = $1; $1 = ""; printf "%s%s (%d runs)", (NR > 1 ? "; " : ""), substr($0, 2), c }')"
    echo "$tool duration_ms (its own JSON, per run): $(for rep in $(seq "$reps"); do
      jq -r '.duration_ms | floor' "$dir/out/$tool.$rep" 2>/dev/null || echo n/a; done | paste -sd' ')"
  done

  echo
  for r in "${rates[@]}"; do
    tool=vpcprobe-r$r
    local all; all=$(for rep in $(seq "$reps"); do
      jq -r --argjson n "$n" '.summary | (.entries >= $n and ([.ok, .stale, .silent, .conflict, .not_verifiable] | add) == .entries and (.unchecked // 0) == 0)' "$dir/out/$tool.$rep" 2>/dev/null || echo false
    done | sort -u | paste -sd,)
    local same; same=$([ "${live[$tool]}" = "${live[arp-scan-r$r]}" ] && echo held || echo "did NOT hold (${live[$tool]} vs ${live[arp-scan-r$r]})")
    local f; f=$(awk -v a="${wall[$tool]}" -v b="${wall[arp-scan-r$r]}" 'BEGIN { print (a != "n/a" && b != "n/a" && a <= b) }')
    if [ "$label" = 100k ]; then
      local u; u=$(awk -v a="${wall[$tool]}" 'BEGIN { print (a != "n/a" && a < 10000) }')
      echo "expectation at --rate $r: $n entries in under 10 s (${wall[$tool]} ms): $([ "$u" = 1 ] && echo held || echo 'did NOT hold');" \
        "every entry classified in every run: $([ "$all" = true ] && echo held || echo 'did NOT hold');" \
        "as many live hosts as arp-scan: $same; peak RSS ${rss[$tool]} KiB;" \
        "arp-scan -r1 at the same rate: ${wall[arp-scan-r$r]} ms (ratio $(ratio "${wall[$tool]}" "${wall[arp-scan-r$r]}"))"
    else
      echo "expectation at --rate $r: every entry classified in every run: $([ "$all" = true ] && echo held || echo 'did NOT hold');" \
        "as many live hosts as arp-scan: $same; wall time at most arp-scan -r1's at the same packet rate (${wall[$tool]} vs ${wall[arp-scan-r$r]} ms," \
        "ratio $(ratio "${wall[$tool]}" "${wall[arp-scan-r$r]}")): $([ "$f" = 1 ] && echo held || echo 'did NOT hold')"
    fi
  done
}

for s in "${SCENARIOS[@]}"; do
  case $s in
    crowd) scenario_crowd ;;
    4096) scenario_big 4096 4096 "$REPS" 60 1 "${RATES_4096[@]}" ;;
    100k) scenario_big 100k 100000 "$REPS_100K" 120 0 "$RATE_100K" ;;
  esac
done
