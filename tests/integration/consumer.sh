#!/usr/bin/env bash
# libvpcprobe as a library: the build is installed into a temp prefix (`cmake --install --prefix`),
# the example consumer (tests/consumer) is built against it twice, with find_package(vpcprobe)
# (CMAKE_PREFIX_PATH) and with `pkg-config --cflags --libs vpcprobe` (PKG_CONFIG_PATH), and both
# builds run one route lookup, ICMP echo and TCP connect probe in the lab's node namespace.
# Usage: consumer.sh PATH_TO_VPCPROBE BUILD_DIR
source "$(dirname "$0")/lib.sh"
BUILD=${2:?usage: $0 PATH_TO_VPCPROBE BUILD_DIR}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/vpcprobe-consumer.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"; "$LAB" down' EXIT
prefix=$tmp/prefix

run cmake --install "$BUILD" --prefix "$prefix"
ok "cmake --install BUILD --prefix DIR" rc_is 0
lib=$(find "$prefix" -name 'libvpcprobe.so.0.*' | head -1)
ok "installed: libvpcprobe.so.0.1.0, the .so.0 and .so links" \
  test -f "$lib" -a -L "$(dirname "$lib")/libvpcprobe.so.0" -a -L "$(dirname "$lib")/libvpcprobe.so"
ok "its SONAME is libvpcprobe.so.0" bash -c 'objdump -p "$0" | grep -q "SONAME *libvpcprobe\.so\.0$"' "$lib"
ok "installed: headers, CMake config and version file, vpcprobe.pc" bash -c '
  test -f "$0/include/vpcprobe/probe/tcp.hpp" || exit 1
  for f in vpcprobeConfig.cmake vpcprobeConfigVersion.cmake vpcprobeTargets.cmake vpcprobe.pc; do
    [ -n "$(find "$0" -name "$f")" ] || exit 1
  done' "$prefix"
ok "installed: the CLI, its man pages and bash completion" \
  test -x "$prefix/bin/vpcprobe" -a -f "$prefix/share/man/man1/vpcprobe-neigh.1.gz" -a -f "$prefix/share/bash-completion/completions/vpcprobe"
libdir=$(dirname "$lib")
run env LD_LIBRARY_PATH="$libdir" "$prefix/bin/vpcprobe" --version
ok "the installed CLI runs with the installed library" bash -c '[ "$0" = 0 ] && [ "$1" = "vpcprobe 0.1.0" ]' "$rc" "$out"

# The compiler of the build, and its sanitizers: an ASan library needs an ASan program.
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
san=""
grep -q "^VPCPROBE_SANITIZE:BOOL=ON" "$BUILD/CMakeCache.txt" && san="-fsanitize=address,undefined"

run cmake -S "$SRC/tests/consumer" -B "$tmp/cmake-build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san"
ok "find_package(vpcprobe 0.1) with CMAKE_PREFIX_PATH=DIR" rc_is 0
run cmake --build "$tmp/cmake-build"
ok "target_link_libraries(... vpcprobe::vpcprobe) compiles and links" rc_is 0

mkdir -p "$tmp/too-new"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES CXX)\nfind_package(vpcprobe 0.2 REQUIRED)\n' > "$tmp/too-new/CMakeLists.txt"
run cmake -S "$tmp/too-new" -B "$tmp/too-new/b" -DCMAKE_PREFIX_PATH="$prefix"
ok "find_package(vpcprobe 0.2) refuses 0.1.0 (version file)" bash -c '[ "$0" != 0 ] && grep -q "0.1.0" <<<"$1"' "$rc" "$out$err"

export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name vpcprobe.pc | head -1)")
run pkg-config --modversion vpcprobe
ok "pkg-config --modversion vpcprobe (PKG_CONFIG_PATH=DIR/.../pkgconfig): 0.1.0" test "$out" = 0.1.0
run pkg-config --cflags --libs vpcprobe
ok "pkg-config --cflags --libs vpcprobe: -I and -L of DIR, -lvpcprobe, fmt" \
  bash -c 'grep -q -- "-I$1/include" <<<"$0" && grep -q -- "-L$2 " <<<"$0 " && grep -q -- "-lvpcprobe" <<<"$0" && grep -q -- "-lfmt" <<<"$0"' \
  "$out" "$prefix" "$libdir"
pc_flags=$out
# shellcheck disable=SC2086
run "$cxx" -std=c++23 $san -o "$tmp/pc-consumer" "$SRC/tests/consumer/main.cpp" $pc_flags -Wl,-rpath,"$libdir"
ok "the consumer builds with nothing but pkg-config's flags" rc_is 0

lab up
for bin in "$tmp/cmake-build/vpcprobe-consumer" "$tmp/pc-consumer"; do
  name=$([ "$bin" = "$tmp/pc-consumer" ] && echo "pkg-config build" || echo "CMake build")
  run in_node "$bin" 10.124.0.5 5432
  ok "$name 10.124.0.5 5432 in node: exit 0" rc_is 0
  ok "$name: route via the kernel (unicast dev vpc0)" has "route: unicast dev vpc0"
  ok "$name: ICMP echo answered" has "echo: reply"
  ok "$name: TCP 5432 open" has "tcp 5432: open"
done
run in_node "$tmp/cmake-build/vpcprobe-consumer" 10.124.0.5 5433
ok "consumer 10.124.0.5 5433: closed (RST), exit 2" bash -c '[ "$0" = 2 ] && grep -q "tcp 5433: closed" <<<"$1"' "$rc" "$out"
finish
