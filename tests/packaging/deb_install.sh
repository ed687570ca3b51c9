#!/usr/bin/env bash
# Installs the three .debs that package_build.sh wrote into this system with dpkg (CI runs as root
# on a throwaway machine) and checks what the issue asks: `vpcprobe --version` runs from the
# installed path with its capability set (getcap; a raw-socket probe of 127.0.0.1 by an
# unprivileged user), the library is in the ldconfig cache, the -dev package serves pkg-config and
# find_package(vpcprobe) from /usr; then purges them again, also when a check fails.
# Usage: deb_install.sh DEB_DIR BUILD_DIR SOURCE_DIR
set -uo pipefail
DIR=${1:?usage: $0 DEB_DIR BUILD_DIR SOURCE_DIR}
BUILD=${2:?usage: $0 DEB_DIR BUILD_DIR SOURCE_DIR}
SRC=${3:?usage: $0 DEB_DIR BUILD_DIR SOURCE_DIR}
PKGS=(vpcprobe libvpcprobe-dev libvpcprobe0)
passed=0 failed=0 out="" rc=0
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "FAIL - $name"; echo "  rc=$rc out: ${out:0:2000}"; fi
}
run() { out=$("$@" 2>&1); rc=$?; }
if [ "$(id -u)" != 0 ]; then
  echo "FAIL - installing packages needs root"; echo "0 passed, 1 failed"; exit 1
fi
# One package test at a time on this machine (debug and release builds, other checkouts).
exec 9>/run/lock/vpcprobe-deb-install-test.lock
flock -w 900 9 || { echo "FAIL - another deb_install test holds the lock"; echo "0 passed, 1 failed"; exit 1; }
for p in "${PKGS[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "# note: $p $(dpkg-query -W -f='${Version}' "$p") was installed before this test; it is replaced, and removed at the end"
  fi
done
tmp=$(mktemp -d)
listener=""
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null
  dpkg --purge "${PKGS[@]}" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
# The debug build's binaries carry ASan; LeakSanitizer cannot stop the threads of a process that
# gained file capabilities (it is not dumpable), so leak checking is off for the installed binary.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

run dpkg -i "$DIR"/vpcprobe_0.1.0_amd64.deb "$DIR"/libvpcprobe0_0.1.0_amd64.deb "$DIR"/libvpcprobe-dev_0.1.0_amd64.deb
ok "dpkg -i vpcprobe libvpcprobe0 libvpcprobe-dev (dependencies met)" test "$rc" = 0
for p in "${PKGS[@]}"; do
  ok "$p: install ok installed, version 0.1.0" \
    test "$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null)" = "install ok installed 0.1.0"
done
run getcap /usr/bin/vpcprobe
ok "postinst: /usr/bin/vpcprobe has cap_net_raw=ep (getcap)" test "$out" = "/usr/bin/vpcprobe cap_net_raw=ep"
ok "/usr/bin/vpcprobe is not setuid" test ! -u /usr/bin/vpcprobe
run /usr/bin/vpcprobe --version
ok "/usr/bin/vpcprobe --version: vpcprobe 0.1.0" test "$rc/$out" = "0/vpcprobe 0.1.0"
run as_nobody /usr/bin/vpcprobe --version
ok "as nobody: /usr/bin/vpcprobe --version" test "$rc/$out" = "0/vpcprobe 0.1.0"
run as_nobody /usr/bin/vpcprobe self-check --json
ok "as nobody: self-check sees CAP_NET_RAW from the file capability (ARP and raw ICMP full)" \
  test "$(jq -r '[.layers[] | select(.area == "neighbor (ARP)" or .area == "network (ICMP echo)") | .full] | all' <<<"$out" 2>/dev/null)" = true
ok "as nobody: ... and no CAP_NET_ADMIN (neigh --fix needs root)" \
  test "$(jq -r '.layers[] | select(.area == "neighbor repair") | .available' <<<"$out" 2>/dev/null)" = false
run as_nobody /usr/bin/vpcprobe ping -c 1 -w 1 127.0.0.1 --json
ok "as nobody: ping 127.0.0.1 through a raw socket, answered" \
  test "$(jq -r '"\(.method) \(.summary.received)"' <<<"$out" 2>/dev/null)" = "raw 1"
run ldconfig -p
ok "ldconfig trigger: libvpcprobe.so.0 in the cache" grep -q "libvpcprobe\.so\.0 (" <<<"$out"
ok "man pages installed" test -f /usr/share/man/man1/vpcprobe.1.gz -a -f /usr/share/man/man1/vpcprobe-self-check.1.gz
run bash -c 'source /usr/share/bash-completion/completions/vpcprobe && complete -p vpcprobe'
ok "bash completion installed and loads" test "$out" = "complete -F _vpcprobe vpcprobe"
run pkg-config --modversion vpcprobe
ok "pkg-config --modversion vpcprobe: 0.1.0 (from /usr)" test "$out" = 0.1.0
run pkg-config --cflags --libs vpcprobe
ok "pkg-config --libs vpcprobe: -lvpcprobe" grep -q -- "-lvpcprobe" <<<"$out"

# find_package(vpcprobe) from the -dev package alone (no CMAKE_PREFIX_PATH), and the example
# consumer run on loopback against a listener of its own.
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
flags=()
if grep -q "^VPCPROBE_SANITIZE:BOOL=ON" "$BUILD/CMakeCache.txt"; then
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined")
fi
run cmake -S "$SRC/tests/consumer" -B "$tmp/consumer" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" "${flags[@]}"
ok "find_package(vpcprobe) finds the -dev package under /usr" test "$rc" = 0
run cmake --build "$tmp/consumer"
ok "the example consumer builds against it" test "$rc" = 0
port_file=$tmp/port
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.close()
' "$port_file" &
listener=$!
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
run "$tmp/consumer/vpcprobe-consumer" 127.0.0.1 "$(cat "$port_file" 2>/dev/null)"
ok "the consumer (with /usr/lib's libvpcprobe.so.0) finds 127.0.0.1's port open" \
  bash -c '[ "$0" = 0 ] && grep -q "^tcp [0-9]*: open" <<<"$1" && grep -q "^echo: reply" <<<"$1"' "$rc" "$out"

run dpkg --purge "${PKGS[@]}"
ok "dpkg --purge: removed" test "$rc" = 0 -a ! -e /usr/bin/vpcprobe
run ldconfig -p
ok "... and libvpcprobe.so.0 left the ldconfig cache" bash -c '! grep -q "libvpcprobe\.so\.0 (" <<<"$0"' "$out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
