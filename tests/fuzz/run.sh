#!/bin/sh
# run.sh - fuzz every trace reader with libFuzzer, ASan and UBSan, for a bounded time each.
#
#   tests/fuzz/run.sh [SECONDS [FORMAT...]]
#
# SECONDS per format (default 20); FORMATs default to every registered format plus "auto"
# (sniffing). Builds tests/fuzz/fuzz-trace.c with the trace layer's sources using
# clang -fsanitize=fuzzer,address,undefined into $PCSIM_FUZZ_DIR (default a temporary
# directory, removed when nothing was found), seeds a corpus with the heads (16 KiB) of tests/data/*, traces/* and ../shared/traces/*
# (when present), runs each format, and fails on any crash, leak, timeout or sanitizer report
# (printing the fuzzer's log). The last line is the total number of executions. The fuzzer's
# seed is fixed (PCSIM_FUZZ_SEED, default 1) so that a run explores the same inputs in the same
# order wherever it runs; a longer run explores a superset of a shorter one.
#
# Needs clang with libFuzzer (Debian 12: clang libclang-rt-14-dev) and a
# configured tree (config.h from ./configure) at the top of the source tree or in $BUILDDIR.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
[ $# -gt 0 ] && shift
builddir=${BUILDDIR:-$top}
cc=${CLANG:-clang}
keep=${PCSIM_FUZZ_DIR:+yes}
work=${PCSIM_FUZZ_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/pcsim-fuzz.XXXXXX")}
mkdir -p "$work"

command -v "$cc" >/dev/null 2>&1 || { echo "run.sh: $cc not found (apt-get install clang)" >&2; exit 2; }
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }\n' \
	>"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>/dev/null; then
	echo "run.sh: $cc cannot link libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
[ -f "$builddir/config.h" ] || { echo "run.sh: no config.h in $builddir: run ./configure first" >&2; exit 2; }

# 1. Build: the harness, the trace layer and what it uses (core: event, files, util).
libs=$(pkg-config --libs glib-2.0)
for p in zlib libzstd; do
	if pkg-config --exists "$p" 2>/dev/null; then libs="$libs $(pkg-config --libs $p)"; fi
done
if [ -f "$top/sim/trace/input.c" ] && grep -q bzlib.h "$top/sim/trace/input.c"; then
	libs="$libs -lbz2"
fi
srcs="$top/tests/fuzz/fuzz-trace.c $top/sim/trace.c $top/sim/trace/*.c $top/sim/event.c \
	$top/sim/files.c $top/sim/util.c"
# shellcheck disable=SC2086
"$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$builddir" -I"$top/include" -I"$top/sim" $(pkg-config --cflags glib-2.0) \
	$srcs -o "$work/fuzz-trace" $libs -lm

# 2. Seeds: the head of every sample trace (tests/data, traces/: the only pcsim-bin one, and
# ../shared/traces), for every format (mixed seeds exercise refusals).
corpus="$work/seeds"
mkdir -p "$corpus"
for f in "$top"/tests/data/* "$top"/traces/* "$top"/../shared/traces/*/*; do
	[ -f "$f" ] || continue
	# Compressed samples are left out: a mutated zstd or gzip stream can expand to gigabytes
	# of data, which reads slowly but correctly (not a finding; see the fuzz notes).
	case "$f" in *.md|*.zst|*.gz|*.bz2) continue ;; esac
	head -c 16384 "$f" >"$corpus/$(echo "$f" | sed 's|.*/||; s|[^A-Za-z0-9._-]|_|g')"
done

# 3. Run each format; any non-zero exit is a finding.
if [ $# -eq 0 ]; then
	set -- auto $(PCSIM_FUZZ_LIST=1 "$work/fuzz-trace")
fi
total=0
failed=""
for fmt in "$@"; do
	mkdir -p "$work/corpus-$fmt"
	log="$work/$fmt.log"
	if PCSIM_FUZZ_FORMAT=$fmt ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$work/fuzz-trace" -max_total_time="$secs" -seed="${PCSIM_FUZZ_SEED:-1}" \
		-max_len=16384 -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/$fmt-" \
		"$work/corpus-$fmt" "$corpus" \
		>"$log" 2>&1; then
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		n=${n:-0}
		total=$((total + n))
		printf 'fuzz %-16s %10s executions, ok\n' "$fmt" "$n"
	else
		printf 'fuzz %-16s FAILED (log: %s; reproducer: %s)\n' "$fmt" "$log" \
			"$(ls "$work/$fmt-"* 2>/dev/null | head -1)"
		tail -60 "$log"
		failed="$failed $fmt"
	fi
done
echo "total executions: $total"
if [ -n "$failed" ]; then
	echo "run.sh: findings in:$failed (logs and reproducers in $work)" >&2
	exit 1
fi
[ -n "$keep" ] || rm -rf "$work"
