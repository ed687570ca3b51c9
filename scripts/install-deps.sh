#!/usr/bin/env bash
# Installs everything vpcprobe needs to build, test and run its lab on Debian 12. Idempotent:
# packages already present are not fetched again.
set -euo pipefail
PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  libboost-dev libcli11-dev libfmt-dev doctest-dev nlohmann-json3-dev libmnl-dev libcap-dev libpcap-dev libtomlplusplus-dev libssl-dev
  # fuzzing (the fuzz preset): Clang 16 (14 and 15 cannot compile libstdc++ 12's std::expected);
  # libclang-rt-16-dev holds the libFuzzer runtime that -fsanitize=fuzzer links, and the sanitizers
  clang-16 libclang-rt-16-dev
  # lab and tests
  iproute2 nftables socat iputils-ping jq util-linux libcap2-bin procps python3 time strace openssl
  # standard tools the benchmarks compare against
  arping tcpdump netcat-openbsd
  # promtool, to check the Prometheus output and test the shipped rules
  prometheus
  # Node.js, to validate the Kubernetes manifests against the API schemas (tests/k8s; npm below)
  nodejs
  # packaging and documentation checks: lintian on the .debs, the RPM generator (rpmbuild), man
  # page lint, the Kubernetes manifests (YAML), bash completion, readelf/objdump and file
  lintian rpm mandoc python3-yaml bash-completion binutils file
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs comes without npm (NodeSource's nodejs includes it): Debian's npm only then.
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root" >&2
  exit 3
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
