# Sourced by the bench scripts: checks, package installs, and a lab that is always torn down.
# The sourcing script sets BENCH (its name, for messages), VPCPROBE and VPCLAB_PREFIX first.
LAB=tests/lab/lab.sh
export LC_ALL=C

die() { echo "$BENCH: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$LAB" ] || die "run from the repo root ($LAB not found)"
[ -x "$VPCPROBE" ] || die "no vpcprobe at $VPCPROBE (build it: cmake --preset release && cmake --build --preset release)"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

install_missing() {  # install_missing PKG...: apt-get only what is not installed yet
  local missing=() p
  for p in "$@" jq iproute2 socat nftables; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$BENCH: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

TMP=$(mktemp -d)
cleanup() {
  "$LAB" down >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if ip netns list | grep -q "^$VPCLAB_PREFIX-"; then echo "$BENCH: WARNING: namespaces left behind" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lab_up() {  # lab_up [crowd]: the lab (and the crowded segment), and in_node for the node namespace
  "$LAB" up >/dev/null || die "lab did not come up"
  if [ "${1:-}" = crowd ]; then "$LAB" crowd >/dev/null || die "lab crowd failed"; fi
  NS=$("$LAB" ns node)
}
in_node() { ip netns exec "$NS" "$@"; }

# round_robin REPS SECONDS NAME CMD [NAME CMD]...: "NAME MEDIAN_MS" lines. Each command runs REPS
# times, round-robin (1, 2, ..., 1, 2, ...) so background load and the kernel's neighbor state hit
# every command alike, timed inside node with bash's EPOCHREALTIME (no fork: the timing adds only
# the command's own fork+exec, which a `true` entry shows), stdin from /dev/null, each at most
# SECONDS. CMD is split into words on purpose.
round_robin() {
  local reps=$1 seconds=$2
  shift 2
  # shellcheck disable=SC2016  # expands in the inner bash
  in_node bash -c 'reps=$1; seconds=$2; shift 2
    for _ in $(seq "$reps"); do
      for ((i = 1; i < $#; i += 2)); do
        j=$((i + 1)); s=${EPOCHREALTIME/./}; timeout "$seconds" ${!j} </dev/null >/dev/null 2>&1 || true; e=${EPOCHREALTIME/./}
        echo "${!i} $((e - s))"
      done
    done' _ "$reps" "$seconds" "$@" |
    sort -k1,1 -k2,2n |
    awk '{ v[$1, ++n[$1]] = $2 }
      END { for (k in n) { c = n[k]; m = c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2; printf "%s %.2f\n", k, m / 1000 } }'
}
