#!/usr/bin/env bash
# test-device-cli.sh - the simulated device on the command line (`pcsim replay --device...`,
# `pcsim verify`), as a TAP script run by `make check`.
#
# What is tested: the temporary device has no name in TMPDIR while pcsim runs and leaves none
# after exit or SIGTERM (pcsim is held inside the run by a FIFO trace and killed there);
# --device FILE is created and gets its journal, an existing FILE is refused byte for byte
# untouched without --device-reuse, a directory is refused (exit 1); bad --device-param,
# --device-size and --stop-after values are usage errors (exit 2) naming the key; --stop-after
# stops the replay and turns the final sync off; `pcsim verify` sorts journaled pages into
# match / lost / corrupt (journals written here by hand, with the figures derived beside
# them), in both output formats, with exit 0 / 1 / 2.
#
# Environment (set by Makefile.am): PCSIM, the binary; PCSIM_SRCDIR, the source tree.
set -u

if [ -z "${PCSIM:-}" ] || [ ! -x "$PCSIM" ]; then
	echo "1..0 # SKIP PCSIM is not set to the pcsim binary"
	exit 0
fi
case $PCSIM in /*) ;; *) PCSIM=$(pwd)/$PCSIM ;; esac
SRC=${PCSIM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TRACE=$SRC/traces/small.trace

T=$(mktemp -d "${TMPDIR:-/tmp}/pcsim-device.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
mkdir tmp

### Helpers (the subset of tests/test-cli.sh this script needs) #############################

n=0
nr_failed=0
rc=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); nr_failed=$((nr_failed + 1))
	echo "not ok $n - $1"; shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	[ -s err ] && sed 's/^/#   stderr: /' err | head -n 5
}
# run ARGS...: pcsim with TMPDIR=./tmp; stdout in ./out, stderr in ./err, status in $rc
run() { rc=0; TMPDIR=$T/tmp timeout 120 "$PCSIM" "$@" >out 2>err </dev/null || rc=$?; }
expect_exit() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" != "$want" ]; then not_ok "$desc" "expected exit $want, got $rc: pcsim $*"
	elif grep -qE 'Sanitizer|runtime error:' err; then not_ok "$desc" "sanitizer report"
	else ok "$desc"; fi
}
check() { local desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi; }
# jnum KEY: the first number or literal after "KEY": in ./out (after "stats": if KEY is
# stats.NAME)
jnum() {
	case $1 in
	stats.*) sed 's/.*"stats":{//' out | grep -o "\"${1#stats.}\":[a-z0-9]*" | head -n 1 | cut -d: -f2 ;;
	*) grep -o "\"$1\":[a-z0-9]*" out | head -n 1 | cut -d: -f2 ;;
	esac
}
empty_tmp() { [ -z "$(ls -A "$T/tmp")" ]; }

### The temporary device ####################################################################

expect_exit 0 "replay with the temporary device" replay "$TRACE" -q
check "the temporary device leaves nothing in TMPDIR" empty_tmp

# pcsim opens the device, then blocks opening the FIFO (the trace): it is inside the run.
mkfifo trace.fifo
TMPDIR=$T/tmp "$PCSIM" replay trace.fifo --format pcsim-text -q >out 2>err &
pid=$!
held=no
for _ in $(seq 50); do
	if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$T/tmp"; then held=yes; break; fi
	sleep 0.1
done
is "during the run the device is an open file in TMPDIR" "$held" yes
check "... with no name there" empty_tmp
kill -TERM "$pid"
wait "$pid"
is "SIGTERM ends pcsim (128 + 15)" "$?" 143
check "after SIGTERM nothing is left in TMPDIR" empty_tmp

### --device FILE ###########################################################################

expect_exit 0 "--device FILE creates FILE" replay "$TRACE" -q --device dev.img
check "FILE exists and is a regular file" test -f dev.img
check "FILE.pcsim-journal is written" grep -q '^pcsim-device-journal 1$' dev.img.pcsim-journal
check "... nothing left in TMPDIR" empty_tmp

printf 'precious data\n' > keep.img
cp keep.img keep.orig
expect_exit 1 "an existing FILE without --device-reuse: runtime failure" replay "$TRACE" -q \
	--device keep.img
check "the message says how to reuse it" grep -q 'keep.img exists; pass --device-reuse' err
check "the existing FILE is untouched" cmp -s keep.img keep.orig
check "... and got no journal" test ! -e keep.img.pcsim-journal
expect_exit 0 "--device-reuse uses it" replay "$TRACE" -q --device keep.img --device-reuse
expect_exit 1 "a directory: runtime failure" replay "$TRACE" -q --device "$T/tmp"
check "the message names the directory" grep -q "$T/tmp: is a directory" err
expect_exit 1 "a FILE in a missing directory: runtime failure" replay "$TRACE" -q \
	--device no/such/dev.img
check "the message names the path" grep -q 'no/such/dev.img: No such file' err
expect_exit 2 "--device-reuse without --device: usage error" replay "$TRACE" -q --device-reuse

### Parameters ##############################################################################

expect_exit 2 "--device-param with an unknown key: usage error" replay "$TRACE" -q \
	--device-model hdd --device-param seek=8ms,color=blue
check "the message names the key and lists the model's keys" \
	grep -q "unknown key 'color' for model hdd (its keys: seek=8ms, track=0.5ms, rpm=7200" err
expect_exit 2 "--device-param with a bad value: usage error" replay "$TRACE" -q \
	--device-param read=soon
check "the message names the key" grep -q 'read=soon' err
expect_exit 0 "--device-param overrides are accepted" replay "$TRACE" -q --device-model nvme \
	--device-param read=10us,bw=2G
expect_exit 2 "--device-size with a bad size: usage error" replay "$TRACE" -q --device-size 1Q
expect_exit 2 "--stop-after with a bad count: usage error" replay "$TRACE" -q --stop-after -1
expect_exit 2 "--verify on with --data off: usage error" replay "$TRACE" -q --verify on \
	--data off

expect_exit 0 "--stop-after 3" replay "$TRACE" -q --stop-after 3 --output-format json
is "--stop-after 3: 3 requests" "$(jnum stats.requests)" 3
is "--stop-after: no final sync" "$(jnum final_sync)" false

### pcsim verify ############################################################################
# A journal written by hand over a sparse 16K device (all zeros, as a page never written):
#   page 0: dirtied 1, written 0  -> lost: zeros are generation 0, the device is behind
#   page 1: dirtied 2, written 2  -> corrupt: zeros are not generation 2's content
truncate -s 16K dev2.img
cat > dev2.img.pcsim-journal <<'J'
pcsim-device-journal 1
stamped 0
reused 0
# file page offset_bytes dirtied written
0 0 0 1 0
0 1 4096 2 2
J
expect_exit 1 "verify: a lost and a corrupt page: exit 1" verify --device dev2.img
check "the summary counts them" grep -qE '^  lost +1 ' out
check "the lost page's row" grep -qE '^lost +0 +0 +0 +1 +0  holds generation 0 of 1$' out
check "the corrupt page's row" \
	grep -qE '^corrupt +0 +1 +4096 +2 +2  byte 0 differs from generation 2$' out
expect_exit 1 "verify --output-format json" verify --device dev2.img --output-format json
is "json: pages/match/lost/corrupt" \
	"$(jnum pages)/$(jnum match)/$(jnum lost)/$(jnum corrupt)" 2/0/1/1
check "json: the lost page" grep -q '{"state":"lost","file":0,"page":0,"offset_bytes":0,"dirtied":1,"written":0,"detail":"holds generation 0 of 1"}' out

expect_exit 0 "verify: a run's device with nothing lost: exit 0" verify --device dev.img
check "... says 0 lost" grep -qE '^  lost +0 ' out
expect_exit 2 "verify without --device: usage error" verify
expect_exit 2 "verify of a device without a journal: exit 2" verify --device keep.orig
check "... the message names the journal" grep -q 'keep.orig.pcsim-journal' err
expect_exit 2 "verify with a bad --output-format" verify --device dev.img --output-format csv

# End to end: a replay stopped with --stop-after leaves exactly its dirty pages unwritten, and
# verify lists them as lost. Requests: 1 writes a's pages 0-2 (written by the fsync), 2 writes
# a's pages 3-4, 3 writes b's page 0; the stop comes after request 3, so a:3, a:4 and b:0 were
# dirty: 3 lost, 3 match. Without the stop the final sync writes them: nothing lost.
cat > crash.trace <<'T'
0       write a 0     12288
1000000 fsync a -     -
2000000 write a 12288 8192
3000000 write b 0     4096
4000000 read  a 0     4096
T
expect_exit 0 "replay --stop-after 3 --verify on --device" replay crash.trace --device crash.img \
	--stop-after 3 --verify on -q --progress never --output-format json
expect_exit 1 "verify after the stop: pages lost" verify --device crash.img --output-format json
is "after the stop: pages/match/lost/corrupt" \
	"$(jnum pages)/$(jnum match)/$(jnum lost)/$(jnum corrupt)" 6/3/3/0
expect_exit 0 "replay to the end (final sync) --device-reuse" replay crash.trace \
	--device crash2.img --verify on -q --progress never
expect_exit 0 "verify after a full run: nothing lost" verify --device crash2.img
check "... says 0 lost" grep -qE '^  lost +0 ' out

# --data on and --data off give the same numbers on every shipped trace (the stats objects of
# the JSON reports are compared byte for byte; only the config's "data" differs).
for tr in "$SRC"/traces/*.trace "$SRC"/traces/*.pcsb "$SRC"/tests/data/*.* \
	"$SRC"/tests/data/fidelity/*.zst; do
	case $tr in *.md) continue ;; esac
	name=${tr#"$SRC"/}
	if ! "$PCSIM" replay "$tr" --data off --cache 4M -q --progress never --output-format json \
		>off.json 2>off.err; then
		n=$((n + 1))
		echo "ok $n # SKIP $name needs reader options to replay: $(head -c 120 off.err)"
		continue
	fi
	"$PCSIM" replay "$tr" --data on --verify on --cache 4M -q --progress never \
		--output-format json >on.json 2>on.err
	is "--data on = --data off, --verify clean: $name" \
		"$(sed 's/.*"stats"://' on.json | md5sum)" "$(sed 's/.*"stats"://' off.json | md5sum)"
done

echo "1..$n"
[ "$nr_failed" -eq 0 ]
