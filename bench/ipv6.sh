#!/usr/bin/env bash
# Benchmark: vpcprobe over IPv6 against the standard IPv6 tools, inside a lab of network namespaces
# (tests/lab/lab.sh, dual-stack) that this script brings up and always tears down.
#
#   bench/ipv6.sh [PATH_TO_VPCPROBE]     (as root, from the repo root)
#
# Measures against db fd00:7c::5 (on-link, VPC) and, for diagnose, db's public 2001:db8:100::10:
#   wall   median wall time of a one-probe run, REPS runs (timed inside the node namespace):
#          vpcprobe ping -6 / iputils ping -6, vpcprobe arp (NDP) / ndisc6, vpcprobe tcp / nmap -6,
#          and vpcprobe diagnose of both paths (no other tool does that: its time alone)
#   rtt    mean absolute error of each ping's reported per-echo RTT against the request->reply
#          delta tcpdump saw on vpc0 for the same packets (COUNT echoes, 50 ms apart)
#   rss    peak RSS of a one-probe run (GNU time -v, "Maximum resident set size")
# ndisc6 (Debian package ndisc6) is installed when missing; when it cannot be, its row says so.
# A benchmark, not a test: exit 0 when it ran, non-zero only when it could not run.
set -euo pipefail

VPCPROBE=$(realpath -m "${1:-build/release/apps/vpcprobe}")
REPS=${REPS:-20}
COUNT=${COUNT:-20}
T=fd00:7c::5
PUB=2001:db8:100::10
PORT=5432
export VPCLAB_PREFIX="vp6$$"
BENCH=ipv6
source bench/common.sh
install_missing nmap tcpdump iputils-ping time
HAVE_NDISC6=1
if ! command -v ndisc6 >/dev/null; then
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ndisc6 >/dev/null 2>&1 &&
    command -v ndisc6 >/dev/null; } || HAVE_NDISC6=0
fi
[ "$HAVE_NDISC6" = 1 ] || echo "$BENCH: ndisc6 is not installed and could not be (apt-get install ndisc6): the arp/ndisc6 row is skipped" >&2
lab_up

# --- the commands under test -----------------------------------------------------------------------
# One probe each. vpcprobe arp -c 1 is one round: a multicast solicitation plus a unicast one to the
# cached MAC; ndisc6 -1 -r 1 one multicast solicitation, first answer wins.
cmd_for() {
  case "$1" in
    vpcprobe-ping) echo "$VPCPROBE ping -6 -c 1 $T" ;;
    ping)          echo "ping -6 -c 1 -W 1 $T" ;;
    vpcprobe-arp)  echo "$VPCPROBE arp -c 1 $T" ;;
    ndisc6)        echo "ndisc6 -1 -n -r 1 $T vpc0" ;;
    vpcprobe-tcp)  echo "$VPCPROBE tcp [$T]:$PORT -c 1" ;;
    nmap)          echo "nmap -6 -sS -p $PORT $T -n -Pn --max-retries 0" ;;
    vpcprobe-diagnose) echo "$VPCPROBE diagnose --private [$T]:$PORT --public [$PUB]:$PORT" ;;
  esac
}
TOOLS=(vpcprobe-ping ping vpcprobe-arp ndisc6 vpcprobe-tcp nmap vpcprobe-diagnose)
[ "$HAVE_NDISC6" = 1 ] || TOOLS=("${TOOLS[@]/ndisc6/}")

# peak_rss, capture_start/capture_stop and AWK_US: common.sh.

# wire_icmp: tcpdump text -> "ORDER SEQ DELTA_US", one line per echo request that got a reply
# (tcpdump prints ICMPv6 echoes as "ICMP6, echo request, id I, seq N, length L").
wire_icmp() {
  awk "$AWK_US"'
    /echo request/ { k = ""; for (i = 1; i < NF; i++) if ($i == "seq") k = $(i+1); sub(",", "", k)
                     if (k != "" && !(k in req)) { req[k] = us($1); ord[++n] = k } }
    /echo reply/   { k = ""; for (i = 1; i < NF; i++) if ($i == "seq") k = $(i+1); sub(",", "", k)
                     if (k != "" && !(k in rep)) rep[k] = us($1) }
    END { for (i = 1; i <= n; i++) if (ord[i] in rep) printf "%d %s %.3f\n", i, ord[i], rep[ord[i]] - req[ord[i]] }'
}
compare() {  # compare WIRE_FILE COLUMN TOOL_FILE: "MAE BIAS WIRE_MEAN MATCHED", µs; bias = mean(tool - wire)
  awk -v col="$2" 'NR == FNR { w[$col] = $3; next }
    ($1 in w) { d = $2 * 1000 - w[$1]; s += d; a += (d < 0 ? -d : d); ws += w[$1]; n++ }
    END { if (n) printf "%.1f %.1f %.1f %d\n", a / n, s / n, ws / n, n; else print "nan nan nan 0" }' "$1" "$3"
}
rtt_run() {  # rtt_run TOOL: compare's line for COUNT echoes 50 ms apart
  local col
  case "$1" in
    vpcprobe-ping) capture_start "icmp6 and host $T"
      in_node "$VPCPROBE" ping -6 -c "$COUNT" -i 0.05 --json "$T" | jq -r '.probes[] | "\(.seq) \(.rtt_ms)"' >"$TMP/tool" || true
      capture_stop | wire_icmp >"$TMP/wire"; col=1 ;;
    ping) capture_start "icmp6 and host $T"
      in_node ping -6 -c "$COUNT" -i 0.05 -W 1 "$T" | sed -n 's/.*icmp_seq=\([0-9]*\).*time=\([0-9.]*\) ms.*/\1 \2/p' >"$TMP/tool" || true
      capture_stop | wire_icmp >"$TMP/wire"; col=2 ;;
    *) echo "n/a n/a n/a 0"; return ;;
  esac
  compare "$TMP/wire" "$col" "$TMP/tool"
}

# --- run -------------------------------------------------------------------------------------------
declare -A WALL RSS MAE BIAS WIRE
echo "$BENCH: vpcprobe=$VPCPROBE reps=$REPS rtt-echoes=$COUNT lab=$VPCLAB_PREFIX" >&2
# One run of each first: the neighbor entries exist and are REACHABLE for every timed round.
in_node "$VPCPROBE" diagnose --private "[$T]:$PORT" --public "[$PUB]:$PORT" >/dev/null 2>&1 || true
echo "$BENCH: wall time, $REPS rounds" >&2
args=(floor true)
for tool in "${TOOLS[@]}"; do [ -n "$tool" ] && args+=("$tool" "$(cmd_for "$tool")"); done
while read -r tool ms; do WALL[$tool]=$ms; done < <(round_robin "$REPS" 5 "${args[@]}")
for tool in "${TOOLS[@]}"; do
  [ -n "$tool" ] || continue
  echo "$BENCH: $tool: rss, rtt" >&2
  RSS[$tool]=$(peak_rss "$(cmd_for "$tool")")
  rtt_run "$tool" >"$TMP/res"
  read -r mae bias wire matched <"$TMP/res"
  MAE[$tool]=$mae BIAS[$tool]=$bias WIRE[$tool]=$wire
  case "$tool" in vpcprobe-ping | ping) [ "$matched" = "$COUNT" ] || echo "$BENCH: $tool: only $matched of $COUNT echoes matched the capture" >&2 ;; esac
done

# --- report ----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }
printf '\n%-18s %12s %11s %12s %12s %13s\n' tool "wall ms(med)" "wire RTT us" "RTT MAE us" "RTT bias us" "peak RSS KiB"
for tool in vpcprobe-ping ping vpcprobe-arp ndisc6 vpcprobe-tcp nmap vpcprobe-diagnose; do
  if [ "$tool" = ndisc6 ] && [ "$HAVE_NDISC6" = 0 ]; then printf '%-18s %s\n' ndisc6 "not installed (apt-get install ndisc6 failed): skipped"; continue; fi
  printf '%-18s %12s %11s %12s %12s %13s\n' "$tool" "${WALL[$tool]:-n/a}" "${WIRE[$tool]:-n/a}" "${MAE[$tool]:-n/a}" "${BIAS[$tool]:-n/a}" "${RSS[$tool]:-n/a}"
done
printf '\nratios (vpcprobe / other; < 1 means vpcprobe is lower)\n%-28s %6s %6s %6s\n' pair wall MAE RSS
for pair in vpcprobe-ping/ping vpcprobe-arp/ndisc6 vpcprobe-tcp/nmap; do
  a=${pair%/*} b=${pair#*/}
  if [ "$b" = ndisc6 ] && [ "$HAVE_NDISC6" = 0 ]; then printf '%-28s %s\n' "$pair" "skipped (no ndisc6)"; continue; fi
  printf '%-28s %6s %6s %6s\n' "$pair" "$(ratio "${WALL[$a]:-n/a}" "${WALL[$b]:-n/a}")" \
    "$(ratio "${MAE[$a]:-n/a}" "${MAE[$b]:-n/a}")" "$(ratio "${RSS[$a]:-n/a}" "${RSS[$b]:-n/a}")"
done
echo
echo "target $T (on-link); diagnose: --private [$T]:$PORT --public [$PUB]:$PORT (all layers of both paths)"
echo "launch floor (fork+exec of /bin/true, same timing): ${WALL[floor]:-n/a} ms"
echo "wire RTT = mean echo request->reply delta tcpdump saw on vpc0; RTT bias = mean(tool - wire)"
echo "arp, tcp, nmap and diagnose report no per-probe RTT comparable on the wire here: RTT columns n/a"
