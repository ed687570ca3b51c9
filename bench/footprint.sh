#!/usr/bin/env bash
# Benchmark: what one vpcprobe run costs next to the standard tools doing the same work, in one
# run, side by side, inside a lab of network namespaces (tests/lab/lab.sh) that this script brings
# up and always tears down.
#
#   bench/footprint.sh [VPCPROBE...]     (as root, from the repo root)
#     default: build/release/apps/vpcprobe, and build/static/apps/vpcprobe when it exists
#   BASELINE=PATH_TO_OLDER_VPCPROBE [BASELINE_LIB=DIR] bench/footprint.sh
#     adds an older build to the same round robin (before/after in one run)
#
# Work (each vpcprobe build against its anchors):
#   echo       vpcprobe ping -c 1            ping -c 1 (iputils), fping -c 1
#   syn        vpcprobe tcp -c 1             nc -z, hping3 -S -c 1
#   healthy    vpcprobe diagnose (a pair)    bare: ping -c 1 + nc -z per path, one after another;
#                                            bare+arping: the same plus arping of each next hop
#   dead       the same with the dead-pair fault (every probe waits its 1 s timeout)
#   floor      /bin/true: the cost of fork+exec+exit alone
# Every run is timed by bench/launch (built here, static, so that it maps nothing itself): wall
# time from fork() to the end of wait4() -- the child fully gone, its last file closed -- and the
# child's peak RSS. REPS (31) round-robin runs per cell (REPS_DEAD, 5, for the dead pair); the
# table shows medians and the ratio to the cell's anchor (the first standard tool). "objs" is the
# number of shared objects the program maps at start (ldd; 0 = static). A benchmark, not a test:
# exit 0 when it ran, non-zero only when it could not run.
set -euo pipefail

BUILDS=("$@")
if [ ${#BUILDS[@]} -eq 0 ]; then
  BUILDS=(build/release/apps/vpcprobe)
  [ -x build/static/apps/vpcprobe ] && BUILDS+=(build/static/apps/vpcprobe)
fi
VPCPROBE=$(realpath -m "${BUILDS[0]}")
REPS=${REPS:-31}
REPS_DEAD=${REPS_DEAD:-5}
export VPCLAB_PREFIX="vpf$$"

BENCH=footprint
source bench/common.sh
command -v cc >/dev/null || die "needs a C compiler (gcc) for bench/launch.c"
if installed arping || installed iputils-arping; then install_missing iputils-ping netcat-openbsd fping hping3
else install_missing arping iputils-ping netcat-openbsd fping hping3; fi
if arping --help 2>&1 | grep -q Habets; then ARPING=(arping -q -C 1 -c 1 -w 1 -i); else ARPING=(arping -q -f -c 1 -w 1 -I); fi
LAUNCH="$TMP/launch"
cc -O2 -static -o "$LAUNCH" bench/launch.c 2>/dev/null || cc -O2 -o "$LAUNCH" bench/launch.c
lab_up

DB=10.124.0.5 PUB=198.51.100.10 PORT=5432
PRIV_NAME=db.vpc.internal PUB_NAME=db.public.example
declare -A NAME=()  # label -> binary (and environment)
labels=()
for b in "${BUILDS[@]}"; do
  [ -x "$b" ] || die "no vpcprobe at $b"
  l="vpcprobe-$(basename "$(dirname "$(dirname "$b")")")"  # build/release/apps/vpcprobe -> vpcprobe-release
  [ -n "${NAME[$l]:-}" ] && l="$l-${#labels[@]}"
  NAME[$l]="$(realpath "$b")"
  labels+=("$l")
done
if [ -n "${BASELINE:-}" ]; then
  NAME[vpcprobe-before]="env LD_LIBRARY_PATH=${BASELINE_LIB:-} $(realpath "$BASELINE")"
  labels+=(vpcprobe-before)
fi

# CELLS: "work|tool|command" (a command may be a sequence: COMMAND :: COMMAND ...)
CELLS=("floor|true|/bin/true")
for l in "${labels[@]}"; do
  v=${NAME[$l]}
  CELLS+=("echo|$l|$v ping -c 1 $DB"
          "syn|$l|$v tcp $DB:$PORT -c 1"
          "healthy|$l|$v diagnose --private $PRIV_NAME:$PORT --public $PUB_NAME:$PORT --timeout 1")
done
BARE="ping -c 1 -W 1 $PRIV_NAME :: nc -z -w 1 $PRIV_NAME $PORT :: ping -c 1 -W 1 $PUB_NAME :: nc -z -w 1 $PUB_NAME $PORT"
CELLS+=("echo|ping|ping -c 1 -W 1 $DB" "echo|fping|fping -c 1 -t 1000 $DB"
        "syn|nc-z|nc -z -w 1 $DB $PORT" "syn|hping3|hping3 -q -S -p $PORT -c 1 $DB"
        "healthy|bare|$BARE"
        "healthy|bare+arping|$BARE :: ${ARPING[*]} vpc0 $DB :: ${ARPING[*]} pub0 192.0.2.1")

run_cells() {  # run_cells REPS WORK...: "work|tool WALL_US RSS_KIB EXIT" lines, round-robin
  local reps=$1; shift
  local want=" $* " cell list=()
  for cell in "${CELLS[@]}"; do [[ $want == *" ${cell%%|*} "* ]] && list+=("$cell"); done
  # shellcheck disable=SC2016  # expands in the inner bash
  in_node bash -c 'launch=$1 reps=$2; shift 2
    for _ in $(seq "$reps"); do
      for cell in "$@"; do
        IFS="|" read -r work tool cmd <<<"$cell"
        # shellcheck disable=SC2086  # the command is split on purpose
        echo "$work|$tool $(timeout 30 "$launch" $cmd)"
      done
    done' _ "$LAUNCH" "$reps" "${list[@]}"
}

median() { sort -n | awk '{ v[++n] = $1 } END { if (!n) { print "n/a"; exit } print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }'; }

objs() {  # objs COMMAND: shared objects mapped at start (0 = static), "-" for a sequence
  local cmd=$1 bin
  [[ $cmd == *" :: "* ]] && { echo "-"; return; }
  bin=${cmd%% *}
  [ "$bin" = env ] && bin=$(awk '{print $3}' <<<"$cmd")
  bin=$(command -v "$bin" || echo "$bin")
  local env_lib="" out
  [[ $cmd == env\ LD_LIBRARY_PATH=* ]] && env_lib=$(awk '{sub("LD_LIBRARY_PATH=", "", $2); print $2}' <<<"$cmd")
  out=$(LD_LIBRARY_PATH=$env_lib ldd "$bin" 2>&1 || true)
  if grep -q "not a dynamic" <<<"$out"; then echo 0; else grep -c '/' <<<"$out" || true; fi
}

"$LAB" heal >/dev/null
run_cells "$REPS" floor echo syn healthy >"$TMP/ok"
"$LAB" fault dead-pair >/dev/null
# the dead pair: the same cells (arping, too, waits out its 1 s)
ALL_CELLS=("${CELLS[@]}")
CELLS=("${CELLS[@]/#healthy|/dead|}")
run_cells "$REPS_DEAD" dead >"$TMP/dead"
CELLS+=("${ALL_CELLS[@]}")
"$LAB" heal >/dev/null

printf '%-8s %-20s %12s %8s %12s %8s %5s %s\n' work tool "wall ms" ratio "peak RSS KiB" ratio objs "exit"
for work in floor echo syn healthy dead; do
  anchor_wall="" anchor_rss=""
  # anchors first (the standard tools), then the vpcprobe builds
  mapfile -t tools < <(grep -h "^$work|" "$TMP/ok" "$TMP/dead" | cut -d' ' -f1 | cut -d'|' -f2 | awk '!seen[$0]++' |
    awk '/^vpcprobe/ { v[++nv] = $0; next } { print } END { for (i = 1; i <= nv; i++) print v[i] }')
  for tool in "${tools[@]}"; do
    lines=$(grep -h "^$work|$tool " "$TMP/ok" "$TMP/dead" | cut -d' ' -f2-)
    wall=$(awk '{ print $1 / 1000 }' <<<"$lines" | median)
    rss=$(awk '{ print $2 }' <<<"$lines" | median)
    codes=$(awk '{ print $3 }' <<<"$lines" | sort -u | tr '\n' ',' | sed 's/,$//')
    if [ -z "$anchor_wall" ]; then anchor_wall=$wall anchor_rss=$rss; fi
    cmd=""
    for cell in "${CELLS[@]}"; do [[ $cell == "$work|$tool|"* ]] && cmd=${cell#"$work|$tool|"}; done
    printf '%-8s %-20s %12.2f %8s %12d %8s %5s %s\n' "$work" "$tool" "$wall" \
      "$(awk -v a="$wall" -v b="$anchor_wall" 'BEGIN { printf "%.2fx", a / b }')" "$rss" \
      "$(awk -v a="$rss" -v b="$anchor_rss" 'BEGIN { printf "%.2fx", a / b }')" "$(objs "$cmd")" "$codes"
  done
done
echo "ratio: to the first tool of the same work (echo: ping; syn: nc -z; healthy and dead: the bare commands)"
echo "REPS=$REPS (dead: $REPS_DEAD), medians; arping: ${ARPING[0]} ($(arping --help 2>&1 | grep -q Habets && echo Habets || echo iputils))"
