#!/usr/bin/env bash
# lintian on the .debs that package_build.sh wrote: no error (warnings are listed, and allowed).
# Usage: lintian.sh DEB_DIR
set -uo pipefail
DIR=${1:?usage: $0 DEB_DIR}
debs=("$DIR"/*.deb)
if [ ! -f "${debs[0]}" ]; then
  echo "FAIL - no .deb in $DIR (package_build.sh runs first)"
  echo "0 passed, 1 failed"
  exit 1
fi
out=$(lintian --fail-on error --tag-display-limit 0 "${debs[@]}" 2>&1)
rc=$?
[ -n "$out" ] && echo "$out"
if [ "$rc" = 0 ]; then
  echo "ok - lintian --fail-on error: no error in ${#debs[@]} packages ($(grep -c '^W: ' <<<"$out") warnings)"
  echo "1 passed, 0 failed"
else
  echo "FAIL - lintian --fail-on error (rc $rc)"
  echo "0 passed, 1 failed"
  exit 1
fi
