#!/usr/bin/env bash
# The incident, replayed end to end: build vpcprobe, bring up the lab, break the private path the
# way the managed-database update did (new NIC MAC, node keeps a PERMANENT entry for the old one),
# and let `vpcprobe diagnose` compare the private and the public path and name the failing layer.
# The lab is torn down on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
VPCPROBE=$PWD/build/release/apps/vpcprobe
export VPCLAB_PREFIX="vpcdemo$$"
LAB=tests/lab/lab.sh
trap '$LAB down' EXIT
$LAB up

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
say "lab fault stale-neighbor   # db gets a new NIC; node keeps a PERMANENT entry for the old MAC"
$LAB fault stale-neighbor
say "timeout 2 nc -z 10.124.0.5 5432   # private path"
$LAB exec node timeout 2 nc -z -w 1 10.124.0.5 5432 && echo open || echo "no answer"
say "nc -z 198.51.100.10 5432   # public path"
$LAB exec node nc -z -w 1 198.51.100.10 5432 && echo open || echo "no answer"
say "vpcprobe diagnose --private db.vpc.internal:5432 --public db.public.example:5432"
set +e
$LAB exec node "$VPCPROBE" diagnose --private db.vpc.internal:5432 --public db.public.example:5432 --color="${COLOR:-auto}"
rc=$?
set -e
echo "(exit code $rc)"
say "vpcprobe arp db.vpc.internal   # the neighbor layer up close"
set +e
$LAB exec node "$VPCPROBE" arp db.vpc.internal
set -e
if [ "$rc" != 2 ]; then
  echo "demo: expected diagnose to report the failing private path with exit 2" >&2
  exit 1
fi
