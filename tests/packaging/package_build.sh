#!/usr/bin/env bash
# Builds the packages from a build directory with CPack into OUT_DIR (a fixture for lintian.sh and
# deb_install.sh): the three .debs always; the three RPMs too where rpmbuild exists. Checks their
# names, the Depends between them and the maintainer scripts.
# Usage: package_build.sh BUILD_DIR OUT_DIR
set -uo pipefail
BUILD=${1:?usage: $0 BUILD_DIR OUT_DIR}
OUT=${2:?usage: $0 BUILD_DIR OUT_DIR}
passed=0 failed=0
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "FAIL - $name"; fi
}
rm -rf "$OUT"
mkdir -p "$OUT"
log=$OUT/cpack-deb.log
cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$OUT" >"$log" 2>&1
rc=$?
ok "cpack -G DEB (rc $rc)" test "$rc" = 0 || cat "$log"
deb() { echo "$OUT/$1_0.1.0_amd64.deb"; }
for p in vpcprobe libvpcprobe0 libvpcprobe-dev; do
  ok "$p .deb built" test -f "$(deb $p)"
done
field() { dpkg-deb -f "$(deb "$1")" "$2" 2>/dev/null; }
ok "vpcprobe: Depends libc6 (shlibdeps), libpcap0.8 (>= 1.5) (loaded for --pcap) and libssl3 (for TLS), not libvpcprobe0" \
  bash -c '[[ $0 == *libc6* && $0 == *"libpcap0.8 (>= 1.5)"* && $0 == *libssl3* && $0 != *libvpcprobe0* ]]' "$(field vpcprobe Depends)"
ok "vpcprobe: no libstdc++6 (linked in) and no libfmt (header-only)" \
  bash -c '[[ $0 != *libstdc++* && $0 != *libfmt* ]]' "$(field vpcprobe Depends)"
ok "vpcprobe: Recommends libcap2-bin (setcap)" test "$(field vpcprobe Recommends)" = libcap2-bin
ok "libvpcprobe0: Depends from shlibdeps (libmnl0, libcap2) and libpcap0.8 (>= 1.5)" \
  bash -c '[[ $0 == *libmnl0* && $0 == *libcap2* && $0 == *"libpcap0.8 (>= 1.5)"* ]]' "$(field libvpcprobe0 Depends)"
ok "libvpcprobe-dev: Depends libvpcprobe0 (= 0.1.0), libboost-dev, libfmt-dev" \
  bash -c '[[ $0 == *"libvpcprobe0 (= 0.1.0)"* && $0 == *libboost-dev* && $0 == *libfmt-dev* ]]' "$(field libvpcprobe-dev Depends)"
ok "sections net, libs, libdevel" test "$(field vpcprobe Section) $(field libvpcprobe0 Section) $(field libvpcprobe-dev Section)" = "net libs libdevel"
ctl=$(mktemp -d)
trap 'rm -rf "$ctl"' EXIT
dpkg-deb -e "$(deb vpcprobe)" "$ctl/cli"
dpkg-deb -e "$(deb libvpcprobe0)" "$ctl/lib"
ok "vpcprobe postinst: setcap cap_net_raw+ep /usr/bin/vpcprobe, if setcap exists" \
  bash -c 'grep -q "command -v setcap" "$0" && grep -q "setcap cap_net_raw+ep /usr/bin/vpcprobe" "$0" && [ -x "$0" ]' "$ctl/cli/postinst"
ok "vpcprobe postinst: no setuid fallback" bash -c '! grep -qE "chmod [ug]?\+?[0-7]*s|u\+s|4755" "$0"' "$ctl/cli/postinst"
ok "libvpcprobe0: ldconfig trigger" grep -qx "activate-noawait ldconfig" "$ctl/lib/triggers"
ok "libvpcprobe0: shlibs names libvpcprobe 0" grep -q "^libvpcprobe 0 libvpcprobe0 (>= 0.1.0)" "$ctl/lib/shlibs"
files() { dpkg-deb -c "$(deb "$1")" | awk '{print $6}' | sed 's|^\./|/|'; }
ok "vpcprobe: the CLI, man pages, bash completion" bash -c 'grep -qx /usr/bin/vpcprobe <<<"$0" &&
  grep -qx /usr/share/man/man1/vpcprobe-neigh.1.gz <<<"$0" && grep -qx /usr/share/bash-completion/completions/vpcprobe <<<"$0"' "$(files vpcprobe)"
ok "libvpcprobe0: only the runtime library (SONAME file and its link) and docs" \
  bash -c '[ -z "$(grep -v -e "^/usr/lib/[a-z0-9_-]*/libvpcprobe\.so\.0" -e "^/usr/share/doc/libvpcprobe0" -e "/$" <<<"$0")" ] &&
  grep -q "libvpcprobe\.so\.0\.1\.0$" <<<"$0"' "$(files libvpcprobe0)"
ok "libvpcprobe-dev: headers, .so link, vpcprobe.pc, CMake config" bash -c 'grep -q "^/usr/include/vpcprobe/probe/tcp.hpp$" <<<"$0" &&
  grep -q "/libvpcprobe\.so -> libvpcprobe\.so\.0$" <<<"$1" && grep -q "/pkgconfig/vpcprobe\.pc$" <<<"$0" &&
  grep -q "/cmake/vpcprobe/vpcprobeConfig\.cmake$" <<<"$0" && grep -q "/cmake/vpcprobe/vpcprobeConfigVersion\.cmake$" <<<"$0"' \
  "$(files libvpcprobe-dev)" "$(dpkg-deb -c "$(deb libvpcprobe-dev)")"

if command -v rpmbuild >/dev/null; then
  cpack --config "$BUILD/CPackConfig.cmake" -G RPM -B "$OUT/rpm" >"$OUT/cpack-rpm.log" 2>&1
  rc=$?
  ok "cpack -G RPM (rc $rc)" test "$rc" = 0 || cat "$OUT/cpack-rpm.log"
  rpm_of() { ls "$OUT"/rpm/"$1"-0.1.0-*.rpm 2>/dev/null | head -1; }
  for p in vpcprobe vpcprobe-libs vpcprobe-devel; do ok "$p .rpm built" test -n "$(rpm_of $p)"; done
  ok "vpcprobe.rpm: Requires libpcap >= 1.5, not vpcprobe-libs" \
    bash -c 'r=$(rpm -qpR "$0" 2>/dev/null); grep -q "^libpcap >= 1.5" <<<"$r" && ! grep -q "^vpcprobe-libs" <<<"$r"' "$(rpm_of vpcprobe)"
  ok "vpcprobe.rpm: %post runs setcap" bash -c 'rpm -qp --scripts "$0" 2>/dev/null | grep -q "setcap cap_net_raw+ep /usr/bin/vpcprobe"' "$(rpm_of vpcprobe)"
  ok "vpcprobe-libs.rpm: provides libvpcprobe.so.0" bash -c 'rpm -qp --provides "$0" 2>/dev/null | grep -q "^libvpcprobe.so.0()"' "$(rpm_of vpcprobe-libs)"
else
  echo "skip - rpmbuild not installed: RPMs not built (the RPM generator is configured in packaging/cpack.cmake)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
