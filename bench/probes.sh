#!/usr/bin/env bash
# Benchmark: vpcprobe ping/tcp against iputils ping, nmap and hping3, inside a lab of network
# namespaces (tests/lab/lab.sh) that this script brings up and always tears down.
#
#   bench/probes.sh [PATH_TO_VPCPROBE]     (as root, from the repo root)
#
# Measures against db 10.124.0.5 (on-link) and app 10.125.0.5 (routed via the VPC router):
#   wall   median wall time of a one-probe run, REPS runs (timed inside the node namespace)
#   rtt    mean absolute error of each tool's reported per-probe RTT against the request->reply
#          delta tcpdump saw on vpc0 for the same packets (COUNT probes, 50 ms apart)
#   rss    peak RSS of a one-probe run (GNU time -v, "Maximum resident set size")
# A benchmark, not a test: exit 0 when it ran, non-zero only when it could not run.
set -euo pipefail

VPCPROBE=$(realpath -m "${1:-build/release/apps/vpcprobe}")
REPS=${REPS:-20}
COUNT=${COUNT:-20}
TARGETS=(10.124.0.5 10.125.0.5)
PORT=5432
export VPCLAB_PREFIX="vpb$$"
BENCH=probes
source bench/common.sh
install_missing nmap hping3 tcpdump iputils-ping time
lab_up

# --- the commands under test (TARGET is substituted per run) -------------------------------------
cmd_for() {  # cmd_for TOOL TARGET: one-probe command line
  case "$1" in
    vpcprobe-ping) echo "$VPCPROBE ping -c 1 $2" ;;
    ping)          echo "ping -c 1 -W 1 $2" ;;
    vpcprobe-tcp)  echo "$VPCPROBE tcp $2:$PORT -c 1" ;;
    nmap)          echo "nmap -sS -Pn -n -p $PORT --max-retries 0 $2" ;;
    hping3)        echo "hping3 -S -p $PORT -c 1 $2" ;;
  esac
}
TOOLS=(vpcprobe-ping ping vpcprobe-tcp nmap hping3)

# --- helpers ---------------------------------------------------------------------------------------
wall_medians() {  # wall_medians TARGET: "TOOL MEDIAN_MS" lines, REPS runs each, timed inside node
  # Round-robin (tool 1, tool 2, ..., tool 1, ...) so background load hits every tool alike.
  # bash's EPOCHREALTIME (µs) needs no fork: the timing adds only the tool's own fork+exec, which
  # the "floor" entry (/bin/true) shows.
  local args=(floor true) tool
  for tool in "${TOOLS[@]}"; do args+=("$tool" "$(cmd_for "$tool" "$1")"); done
  round_robin "$REPS" 5 "${args[@]}"
}

# peak_rss, capture_start/capture_stop and AWK_US: common.sh.
# wire_icmp / wire_tcp read tcpdump text and print "ORDER KEY DELTA_US", one line per request that
# got a reply, ORDER = 1.. in request order.
wire_icmp() {  # KEY = ICMP seq
  awk "$AWK_US"'
    /echo request/ { k = $NF; for (i = 1; i < NF; i++) if ($i == "seq") k = $(i+1); sub(",", "", k)
                     if (!(k in req)) { req[k] = us($1); ord[++n] = k } }
    /echo reply/   { k = $NF; for (i = 1; i < NF; i++) if ($i == "seq") k = $(i+1); sub(",", "", k)
                     if (!(k in rep)) rep[k] = us($1) }
    END { for (i = 1; i <= n; i++) if (ord[i] in rep) printf "%d %s %.3f\n", i, ord[i], rep[ord[i]] - req[ord[i]] }'
}
wire_tcp() {  # KEY = node-side port; SYN out, SYN-ACK back to the latest unanswered SYN from that port
  # (vpcprobe hashes a source port per attempt from 20000: two of 20 attempts may share one)
  awk "$AWK_US"'
    $7 == "[S],"  { split($3, a, "."); ord[++n] = a[5]; req[n] = us($1); open[a[5]] = n }
    $7 == "[S.]," { p = $5; sub(":", "", p); split(p, a, "."); if (a[5] in open) { rep[open[a[5]]] = us($1); delete open[a[5]] } }
    END { for (i = 1; i <= n; i++) if (i in rep) printf "%d %s %.3f\n", i, ord[i], rep[i] - req[i] }'
}

compare() {  # compare WIRE_FILE COLUMN TOOL_FILE: "MAE BIAS WIRE_MEAN MATCHED", µs; bias = mean(tool - wire)
  # TOOL_FILE has "KEY RTT_MS"; COLUMN picks the wire key: 1 = request order, 2 = ICMP seq
  awk -v col="$2" 'NR == FNR { w[$col] = $3; next }
    ($1 in w) { d = $2 * 1000 - w[$1]; s += d; a += (d < 0 ? -d : d); ws += w[$1]; n++ }
    END { if (n) printf "%.1f %.1f %.1f %d\n", a / n, s / n, ws / n, n; else print "nan nan nan 0" }' "$1" "$3"
}

rtt_run() {  # rtt_run TOOL TARGET: compare's line for COUNT probes 50 ms apart
  local tool=$1 t=$2 col
  case "$tool" in
    vpcprobe-ping) capture_start "icmp and host $t"
      in_node "$VPCPROBE" ping -c "$COUNT" -i 0.05 --json "$t" | jq -r '.probes[] | "\(.seq) \(.rtt_ms)"' >"$TMP/tool" || true
      capture_stop | wire_icmp >"$TMP/wire"; col=1 ;;
    ping) capture_start "icmp and host $t"
      in_node ping -c "$COUNT" -i 0.05 -W 1 "$t" | sed -n 's/.*icmp_seq=\([0-9]*\).*time=\([0-9.]*\) ms.*/\1 \2/p' >"$TMP/tool" || true
      capture_stop | wire_icmp >"$TMP/wire"; col=2 ;;
    vpcprobe-tcp) capture_start "tcp port $PORT and host $t and tcp[tcpflags] & tcp-syn != 0"
      in_node "$VPCPROBE" tcp "$t:$PORT" -c "$COUNT" -i 0.05 --json | jq -r '.probes[] | "\(.attempt) \(.rtt_ms)"' >"$TMP/tool" || true
      capture_stop | wire_tcp >"$TMP/wire"; col=1 ;;
    hping3) capture_start "tcp port $PORT and host $t and tcp[tcpflags] & tcp-syn != 0"
      # hping3's seq=N (0-based) is the N-th SYN it sent (it counts source ports up from a base)
      in_node timeout 5 hping3 -S -p "$PORT" -c "$COUNT" -i u50000 "$t" 2>/dev/null \
        | sed -n 's/.* seq=\([0-9]*\) .*rtt=\([0-9.]*\) ms.*/\1 \2/p' | awk '{print $1 + 1, $2}' >"$TMP/tool" || true
      capture_stop | wire_tcp >"$TMP/wire"; col=1 ;;
    *) echo "n/a n/a n/a 0"; return ;;
  esac
  compare "$TMP/wire" "$col" "$TMP/tool"
}

# --- run -------------------------------------------------------------------------------------------
declare -A WALL RSS MAE BIAS WIRE
echo "probes: vpcprobe=$VPCPROBE reps=$REPS rtt-probes=$COUNT lab=$VPCLAB_PREFIX" >&2
for t in "${TARGETS[@]}"; do
  echo "probes: $t wall time, $REPS rounds" >&2
  while read -r tool ms; do WALL[$t,$tool]=$ms; done < <(wall_medians "$t")
  for tool in "${TOOLS[@]}"; do
    echo "probes: $t $tool: rss, rtt" >&2
    RSS[$t,$tool]=$(peak_rss "$(cmd_for "$tool" "$t")")
    rtt_run "$tool" "$t" >"$TMP/res"
    read -r mae bias wire matched <"$TMP/res"
    MAE[$t,$tool]=$mae BIAS[$t,$tool]=$bias WIRE[$t,$tool]=$wire
    [ "$tool" = nmap ] || [ "$matched" = "$COUNT" ] || echo "probes: $t $tool: only $matched of $COUNT probes matched the capture" >&2
  done
done

# --- report ----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }
printf '\n%-11s %-14s %12s %11s %12s %12s %13s\n' target tool "wall ms(med)" "wire RTT us" "RTT MAE us" "RTT bias us" "peak RSS KiB"
for t in "${TARGETS[@]}"; do
  for tool in "${TOOLS[@]}"; do
    printf '%-11s %-14s %12s %11s %12s %12s %13s\n' "$t" "$tool" "${WALL[$t,$tool]:-n/a}" "${WIRE[$t,$tool]:-n/a}" "${MAE[$t,$tool]:-n/a}" "${BIAS[$t,$tool]:-n/a}" "${RSS[$t,$tool]:-n/a}"
  done
done
printf '\nratios (vpcprobe / other; < 1 means vpcprobe is lower)\n%-11s %-24s %6s %6s %6s\n' target pair wall MAE RSS
for t in "${TARGETS[@]}"; do
  for pair in vpcprobe-ping/ping vpcprobe-tcp/nmap vpcprobe-tcp/hping3; do
    a=${pair%/*} b=${pair#*/}
    printf '%-11s %-24s %6s %6s %6s\n' "$t" "$pair" "$(ratio "${WALL[$t,$a]:-n/a}" "${WALL[$t,$b]:-n/a}")" \
      "$(ratio "${MAE[$t,$a]:-n/a}" "${MAE[$t,$b]:-n/a}")" "$(ratio "${RSS[$t,$a]:-n/a}" "${RSS[$t,$b]:-n/a}")"
  done
done
echo
echo "launch floor (fork+exec of /bin/true, same timing): ${WALL[${TARGETS[0]},floor]:-n/a} / ${WALL[${TARGETS[1]},floor]:-n/a} ms"
echo "wire RTT = mean request->reply delta tcpdump saw on vpc0; RTT bias = mean(tool - wire)"
echo "nmap reports no per-probe RTT (its 'latency' is a smoothed estimate): RTT columns n/a"
