#!/usr/bin/env bash
# Fuzzes one harness for a while from its seed corpus and reports what it did:
#   tests/fuzz/run.sh TARGET SECONDS      e.g. tests/fuzz/run.sh netlink 60
# TARGET is a harness name (ethernet_arp arp_match ipv4 icmp tcp netlink app), built by the fuzz preset:
#   cmake --preset fuzz && cmake --build --preset fuzz
# The seeds in tests/fuzz/corpus/TARGET are read, never written: new inputs, the log and any crashing
# input go to a fresh work folder (build/fuzz/tests/fuzz/work/TARGET). Prints executions, coverage
# (cov: edges, ft: features, from libFuzzer's last status line) and crashes; exits 1 on a crash.
# VPCPROBE_FUZZ_BIN and VPCPROBE_FUZZ_WORK override the harness binary and the work folder (CTest
# sets both).
set -uo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET SECONDS" >&2
  exit 2
fi
target=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${VPCPROBE_FUZZ_BIN:-$root/build/fuzz/tests/fuzz/fuzz_$target}
work=${VPCPROBE_FUZZ_WORK:-$root/build/fuzz/tests/fuzz/work/$target}
seeds=$here/corpus/$target
if [ ! -x "$bin" ]; then
  echo "fuzz $target: no harness at $bin (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
  exit 2
fi
if [ ! -d "$seeds" ]; then
  echo "fuzz $target: no seed corpus at $seeds" >&2
  exit 2
fi
rm -rf "$work"
mkdir -p "$work/corpus" "$work/crashes"

# Sanitizer reports are symbolized only with llvm-symbolizer given by a real, absolute path.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for s in /usr/lib/llvm-16/bin/llvm-symbolizer "$(command -v llvm-symbolizer)"; do
    if [ -n "$s" ] && [ -x "$s" ]; then
      ASAN_SYMBOLIZER_PATH=$(readlink -f "$s")
      export ASAN_SYMBOLIZER_PATH
      break
    fi
  done
fi

# -timeout: an input that takes a second is a hang for decoders like these.
"$bin" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
status=$(grep -E '^#[0-9]+' "$work/log" | grep ' cov: ' | tail -n 1)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$status")
crashes=$(find "$work/crashes" -type f | wc -l)

echo "fuzz $target: ${seconds}s, execs ${execs:-?} (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, crashes $crashes"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
  echo "fuzz $target: FAILED (libFuzzer exit $rc); log $work/log"
  for f in "$work"/crashes/*; do
    [ -f "$f" ] && echo "  input $f: $(od -An -tx1 -v "$f" | tr -s ' \n' ' ' | cut -c1-600)"
  done
  grep -E -A25 '^==[0-9]+==ERROR|runtime error|deadly signal' "$work/log" | head -n 60
  exit 1
fi
exit 0
