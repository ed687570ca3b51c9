#!/usr/bin/env bash
# Benchmark: what the application layer costs a healthy diagnosis, and how its one exchange
# compares with the standard client of each protocol, inside a lab of network namespaces
# (tests/lab/lab.sh) that this script brings up and always tears down.
#
#   bench/app.sh [PATH_TO_VPCPROBE]     (as root, from the repo root)
#
# Rows, each the median wall time of REPS round-robin runs timed inside the node namespace:
#   - diagnose db:PORT on both paths with --app none, and with the protocol of the port (auto):
#     the difference is what the application layer adds (issue: "within a few ms");
#   - the standard client against the private address alone, one exchange:
#     openssl s_client (443), curl -I (80), redis-cli PING (6379);
#     and vpcprobe's own exchange time (details.application.total_ms) for the same.
# A benchmark, not a test: exit 0 when it ran.
set -euo pipefail

VPCPROBE=$(realpath -m "${1:-build/release/apps/vpcprobe}")
REPS=${REPS:-21}
export VPCLAB_PREFIX="vpa$$"
BENCH=app
source bench/common.sh
install_missing openssl curl redis-tools
lab_up

PORTS=(5432 443 80 6379 3306)
declare -A CMD=([floor]="true")
TOOLS=()
for port in "${PORTS[@]}"; do
  CMD[none-$port]="$VPCPROBE diagnose --private db.vpc.internal:$port --public db.public.example:$port --app none"
  CMD[auto-$port]="$VPCPROBE diagnose --private db.vpc.internal:$port --public db.public.example:$port"
  TOOLS+=("none-$port" "auto-$port")
done
CMD[openssl-443]="openssl s_client -connect 10.124.0.5:443 -servername db.vpc.internal -brief"
CMD[curl-80]="curl -sSI --max-time 1 http://10.124.0.5/"
CMD[redis-cli-6379]="redis-cli -h 10.124.0.5 -p 6379 PING"
TOOLS+=(openssl-443 curl-80 redis-cli-6379)

wall_medians() {  # "TOOL MEDIAN_MS" lines (bench/common.sh: round_robin)
  local args=(floor "${CMD[floor]}") tool
  for tool in "${TOOLS[@]}"; do args+=("$tool" "${CMD[$tool]}"); done
  round_robin "$REPS" 10 "${args[@]}"
}


inner() {  # inner PORT: vpcprobe's own exchange on the private path, median of REPS runs (ms)
  for _ in $(seq "$REPS"); do
    in_node "$VPCPROBE" diagnose --private "db.vpc.internal:$1" --json 2>/dev/null | jq -r '.paths.private.details.application.total_ms'
  done | sort -n | awk '{ v[++n] = $1 } END { printf "%.2f", n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

echo "app: vpcprobe=$VPCPROBE reps=$REPS lab=$VPCLAB_PREFIX" >&2
declare -A WALL
while read -r tool ms; do WALL[$tool]=$ms; done < <(wall_medians)

printf '\n%-6s %-22s %12s %12s %10s %18s\n' port protocol "--app none" "--app auto" "added ms" "exchange ms (own)"
for port in "${PORTS[@]}"; do
  proto=$(in_node "$VPCPROBE" diagnose --private "db.vpc.internal:$port" --json 2>/dev/null | jq -r '.paths.private.layers.application.summary')
  n=${WALL[none-$port]:-n/a} a=${WALL[auto-$port]:-n/a}
  printf '%-6s %-22.22s %12s %12s %10s %18s\n' "$port" "$proto" "$n" "$a" "$(awk -v a="$a" -v n="$n" 'BEGIN { printf "%+.2f", a - n }')" "$(inner "$port")"
done
printf '\n%-16s %12s   %s\n' "standard client" "wall ms" "(one exchange with the private address, process included)"
for t in openssl-443 curl-80 redis-cli-6379; do printf '%-16s %12s\n' "$t" "${WALL[$t]:-n/a}"; done
echo
echo "launch floor (fork+exec of /bin/true, same timing): ${WALL[floor]:-n/a} ms"
worst=$(for port in "${PORTS[@]}"; do awk -v a="${WALL[auto-$port]}" -v n="${WALL[none-$port]}" 'BEGIN { print a - n }'; done | sort -n | tail -1)
echo "expectation: the application layer adds a few ms at most to a healthy diagnosis: worst ${worst} ms -> $(awk -v w="$worst" 'BEGIN { print (w <= 5 ? "held" : "did NOT hold") }')"
