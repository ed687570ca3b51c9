#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 checkout: install dependencies, build the debug
# (ASan+UBSan) and release presets, run unit tests, lint and the network-namespace lab tests with
# both, and the packaging checks (the .debs built, linted with lintian, installed with dpkg and
# purged again; the library used from a temp prefix); then the static preset (the CLI linked
# statically: unit tests, the lab tests with the static binary, and the binary alone in an empty
# root); then the fuzz preset (Clang): unit tests and lint again, and a short libFuzzer run of each
# decoder harness from its seed corpus (tests/fuzz). Needs root: the lab creates network
# namespaces (and removes them again), and the package test installs and removes the packages.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
for preset in ${VPCPROBE_PRESETS:-debug release static fuzz}; do
  echo "=== preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
