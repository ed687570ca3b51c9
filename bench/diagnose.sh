#!/usr/bin/env bash
# Benchmark: `vpcprobe diagnose` against the same checks done by hand (bench/diagnose-by-hand.sh:
# ip route get, arping, ping, nc, one after another for both paths), inside a lab of network
# namespaces (tests/lab/lab.sh) that this script brings up and always tears down.
#
#   bench/diagnose.sh [PATH_TO_VPCPROBE]     (as root, from the repo root)
#   BASELINE=PATH_TO_OLDER_VPCPROBE [BASELINE_LIB=DIR_OF_ITS_LIBVPCPROBE] bench/diagnose.sh
#     adds the older build to the same round robin: before/after in one run, on one machine state
#
# A third scenario, loss-private (70 % of what enters db's VPC NIC dropped at random), shows what
# a lossy path costs: vpcprobe uses its timeout to gather a sample, by design.
#
# Two scenarios: the healthy lab, and the dead-pair fault (neither 10.124.0.5 nor 198.51.100.10
# answers anything). For each, the median wall time over REPS_OK / REPS_DEAD round-robin runs,
# timed inside the node namespace, and the ratio script / vpcprobe.
# The issue's expectations, printed as information: dead pair, vpcprobe at least 3x faster than
# the script; healthy pair, vpcprobe under 100 ms.
# A benchmark, not a test: exit 0 when it ran, non-zero only when it could not run.
set -euo pipefail

VPCPROBE=$(realpath -m "${1:-build/release/apps/vpcprobe}")
REPS_OK=${REPS_OK:-10}
REPS_DEAD=${REPS_DEAD:-5}
PRIVATE=db.vpc.internal:5432
PUBLIC=db.public.example:5432
BYHAND=$(realpath bench/diagnose-by-hand.sh)
export VPCLAB_PREFIX="vpd$$"

BENCH=diagnose
source bench/common.sh
[ -f "$BYHAND" ] || die "bench/diagnose-by-hand.sh not found"
# either arping works: keep the one that is installed, else take Habets' (scripts/install-deps.sh)
if installed arping || installed iputils-arping; then install_missing iputils-ping netcat-openbsd
else install_missing arping iputils-ping netcat-openbsd; fi
if arping --help 2>&1 | grep -q Habets; then ARPING_FLAVOR=habets; else ARPING_FLAVOR=iputils; fi
export ARPING_FLAVOR
lab_up

# --- the commands under test -----------------------------------------------------------------------
declare -A CMD=(
  [floor]="true"
  [vpcprobe]="$VPCPROBE diagnose --private $PRIVATE --public $PUBLIC --timeout 1"
  [script]="bash $BYHAND $PRIVATE $PUBLIC"
)
TOOLS=(vpcprobe script)
if [ -n "${BASELINE:-}" ]; then
  BASELINE=$(realpath "$BASELINE")
  CMD[baseline]="env LD_LIBRARY_PATH=${BASELINE_LIB:-} $BASELINE diagnose --private $PRIVATE --public $PUBLIC --timeout 1"
  TOOLS+=(baseline)
fi
if [ "$ARPING_FLAVOR" = habets ]; then
  # Habets arping -c 1 waits out its 1 s interval even after the reply; -C 1 returns at the reply
  CMD[script-C1]="bash $BYHAND -C $PRIVATE $PUBLIC"
  TOOLS+=(script-C1)
fi

wall_medians() {  # wall_medians REPS: "TOOL MEDIAN_MS" lines, timed inside node (as bench/probes.sh)
  # Round-robin (tool 1, 2, ..., 1, 2, ...): background load and the kernel's neighbor state
  # (entries go REACHABLE -> STALE -> FAILED between runs) hit every tool alike.
  local args=(floor "${CMD[floor]}") tool
  for tool in "${TOOLS[@]}"; do args+=("$tool" "${CMD[$tool]}"); done
  round_robin "$1" 30 "${args[@]}"
}


verdicts() {  # one run of each, untimed: what each concluded
  local v
  v=$(in_node timeout 30 "$VPCPROBE" diagnose --private "$PRIVATE" --public "$PUBLIC" --timeout 1 --json 2>/dev/null |
    jq -r '"\(.verdict.status) layer=\(.verdict.layer) path=\(.verdict.path) (\(.duration_ms | floor) ms inside)"' || true)
  echo "  vpcprobe: ${v:-no JSON}"
  in_node timeout 30 bash "$BYHAND" "$PRIVATE" "$PUBLIC" 2>&1 | sed 's/^/  script:   /' || true
}

# --- run -------------------------------------------------------------------------------------------
declare -A WALL
SCENARIOS=(healthy dead-pair loss-private)
echo "diagnose: vpcprobe=$VPCPROBE arping=$ARPING_FLAVOR reps=$REPS_OK/$REPS_DEAD lab=$VPCLAB_PREFIX" >&2
for sc in "${SCENARIOS[@]}"; do
  if [ "$sc" = healthy ]; then reps=$REPS_OK; else reps=$REPS_DEAD; "$LAB" heal >/dev/null; "$LAB" fault "$sc" >/dev/null; fi
  echo "diagnose: $sc: $reps rounds" >&2
  all_tools=("${TOOLS[@]}")
  if [ "$sc" = loss-private ]; then  # the script's own timeouts say nothing new here
    TOOLS=(vpcprobe)
    [ -n "${BASELINE:-}" ] && TOOLS+=(baseline)
  fi
  while read -r tool ms; do WALL[$sc,$tool]=$ms; done < <(wall_medians "$reps")
  TOOLS=("${all_tools[@]}")
  echo "$sc:" >&2
  verdicts >&2
done

# --- report ----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "-"; else printf "%.2f", a / b }'; }
printf '\n%-12s %-10s %6s %13s %18s\n' scenario tool runs "wall ms(med)" "ratio tool/vpcprobe"
for sc in "${SCENARIOS[@]}"; do
  [ "$sc" = healthy ] && reps=$REPS_OK || reps=$REPS_DEAD
  for tool in "${TOOLS[@]}"; do
    [ "$sc" = loss-private ] && [ "${tool#script}" != "$tool" ] && continue  # the script's own timeouts say nothing here
    printf '%-12s %-10s %6s %13s %18s\n' "$sc" "$tool" "$reps" "${WALL[$sc,$tool]:-n/a}" \
      "$(ratio "${WALL[$sc,$tool]:-n/a}" "${WALL[$sc,vpcprobe]:-n/a}")"
  done
done
echo
echo "launch floor (fork+exec of /bin/true, same timing): ${WALL[healthy,floor]:-n/a} / ${WALL[dead-pair,floor]:-n/a} ms"
echo "script = bench/diagnose-by-hand.sh: getent, ip route get, arping -c1 -w1, ping -c1 -W1, nc -z -w1, private then public"
[ "$ARPING_FLAVOR" = habets ] && echo "script-C1 = the same with arping -C 1 (Habets arping returns at the first reply)"
echo
held() { awk -v c="$1" 'BEGIN { print (c ? "held" : "did NOT hold") }'; }
r=$(ratio "${WALL[dead-pair,script]:-n/a}" "${WALL[dead-pair,vpcprobe]:-n/a}")
echo "expectation: dead pair, vpcprobe >= 3x faster than the script: ${r}x -> $(held "$(awk -v r="$r" 'BEGIN { print (r != "-" && r >= 3) }')")"
if [ -n "${WALL[dead-pair,script-C1]:-}" ]; then
  r=$(ratio "${WALL[dead-pair,script-C1]}" "${WALL[dead-pair,vpcprobe]:-n/a}")
  echo "             (against script-C1: ${r}x -> $(held "$(awk -v r="$r" 'BEGIN { print (r != "-" && r >= 3) }')"))"
fi
m=${WALL[healthy,vpcprobe]:-n/a}
echo "expectation: healthy pair, vpcprobe under 100 ms: $m ms -> $(held "$(awk -v m="$m" 'BEGIN { print (m != "n/a" && m < 100) }')")"
if [ -n "${WALL[healthy,baseline]:-}" ]; then
  d=$(awk -v a="$m" -v b="${WALL[healthy,baseline]}" 'BEGIN { printf "%+.2f", a - b }')
  echo "expectation: healthy pair, at most ~5 ms slower than the baseline: ${d} ms -> $(held "$(awk -v d="$d" 'BEGIN { print (d <= 5) }')")"
fi
l=${WALL[loss-private,vpcprobe]:-n/a}
echo "expectation: any diagnosis within --timeout + 0.3 s: dead ${WALL[dead-pair,vpcprobe]:-n/a} ms, lossy $l ms -> $(held "$(awk \
  -v a="${WALL[dead-pair,vpcprobe]:-n/a}" -v b="$l" 'BEGIN { print (a != "n/a" && b != "n/a" && a < 1300 && b < 1300) }')")"
