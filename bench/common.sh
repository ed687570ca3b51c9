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
