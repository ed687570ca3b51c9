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

# The lab measurements of probes.sh and ipv6.sh: a tool's peak RSS, and the wire as tcpdump sees it on
# node's vpc0.
peak_rss() {  # peak_rss CMDLINE: KiB (CMDLINE is split into words on purpose)
  # shellcheck disable=SC2086
  in_node /usr/bin/time -v timeout 5 $1 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}
# timeout(1) is the parent of the tool; GNU time reports the largest RSS among children, i.e. the
# tool's own (timeout itself stays well below 1 MiB).

CAP_PID=
capture_start() {  # capture_start FILTER: tcpdump on node's vpc0 into $TMP/cap.pcap
  rm -f "$TMP/cap.pcap" "$TMP/cap.err"
  in_node tcpdump -i vpc0 -nn -U --immediate-mode --time-stamp-precision=nano -w "$TMP/cap.pcap" "$1" 2>"$TMP/cap.err" &
  CAP_PID=$!
  for _ in $(seq 200); do grep -q "listening on" "$TMP/cap.err" 2>/dev/null && return 0; sleep 0.02; done
  die "tcpdump did not start: $(cat "$TMP/cap.err")"
}
capture_stop() {  # prints the capture as text with nanosecond epoch stamps
  sleep 0.1; kill -INT "$CAP_PID" 2>/dev/null || true; wait "$CAP_PID" 2>/dev/null || true
  tcpdump -r "$TMP/cap.pcap" -nn -tt --time-stamp-precision=nano 2>/dev/null
}

# tcpdump's stamps in microseconds since the first, split at the dot so that doubles keep ns.
AWK_US='function us(t,  a) { split(t, a, "."); if (!base) base = a[1]; return (a[1] - base) * 1e6 + a[2] / 1000 }'
