#!/usr/bin/env bash
# test-copybench-cli.sh - `pcsim copybench` on a small file, as a TAP script run by `make check`.
#
# What is tested: on a 4 MiB file in 64 KiB blocks, every available method moves exactly the
# file's bytes over both sockets (the reader counts them); the JSON is one valid line with
# all ten method/socket results; the model figures are the hand-computed ones (64 blocks:
# read-write 128 syscalls, 256 switches, 8 MiB copied by the CPU, ...); every loop made at
# least one system call per block; the CSV agrees with the JSON; a warm run found every page
# resident, and a cold run says how many runs kept pages; a given --file is read, not
# written (same bytes, same mtime) and an unaligned size still moves exactly; bad options
# are usage errors (exit 2, a message, nothing on stdout); no temporary file is left behind
# (TMPDIR points at an empty directory); --plot draws a PNG when gnuplot is in PATH and,
# without it, stops before the benchmark (exit 2). Figures are reported, never timed.
#
# Environment (set by Makefile.am): PCSIM, the binary; PCSIM_SRCDIR, the source tree (the JSON
# helpers of tests/test-cli.sh, plots/). Every file is written under one mktemp -d directory.
set -u

if [ -z "${PCSIM:-}" ] || [ ! -x "$PCSIM" ]; then
	echo "1..0 # SKIP PCSIM is not set to the pcsim binary"
	exit 0
fi
case $PCSIM in /*) ;; *) PCSIM=$(pwd)/$PCSIM ;; esac
SRC=${PCSIM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
export PCSIM_PLOTS_DIR=$SRC/plots

T=$(mktemp -d "${TMPDIR:-/tmp}/pcsim-copybench.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
mkdir tmp
export TMPDIR=$T/tmp

### Helpers #################################################################################

n=0
nr_failed=0
last_cmd=""
rc=0

diag() { sed 's/^/#   /'; }
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	nr_failed=$((nr_failed + 1))
	echo "not ok $n - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | diag
	echo "#   last command: $last_cmd (exit $rc)"
	[ -s err ] && head -n 8 err | diag
}
run() {
	last_cmd="pcsim $*"
	rc=0
	timeout 300 env ${RUN_PATH:+PATH="$RUN_PATH"} "$PCSIM" "$@" >out 2>err </dev/null || rc=$?
}
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi
}
expect_exit() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" -ne "$want" ]; then
		not_ok "$desc" "exit $rc, want $want"
	elif [ "$want" -ne 0 ] && ! grep -q '^pcsim copybench: ' err; then
		not_ok "$desc" "no 'pcsim copybench: ...' message on stderr"
	elif [ "$want" -ne 0 ] && [ -s out ]; then
		not_ok "$desc" "a failure printed on stdout"
	elif grep -qE 'Sanitizer|runtime error:' err; then
		not_ok "$desc" "a sanitizer report"
	else
		ok "$desc"
	fi
}
# jflat, jget, jvalid: the JSON helpers of tests/test-cli.sh, taken from there unchanged.
eval "$(sed -n '/^jflat() {/,/^}/p; /^jget() /p; /^jvalid() /p' "$SRC/tests/test-cli.sh")"
if ! declare -F jflat >/dev/null || ! declare -F jget >/dev/null; then
	echo "Bail out! cannot take the JSON helpers from $SRC/tests/test-cli.sh"
	exit 99
fi
# results FILE: one line per result, "method socket available bytes syscalls model_*..."
results() {
	jflat "$1" | awk -F= '
		$1 ~ /^results\.[0-9]+\./ {
			split($1, p, "."); i = p[2]; k = substr($1, length("results." i ".") + 1)
			v[i, k] = $2; if (i + 1 > nr) nr = i + 1
		}
		END {
			for (i = 0; i < nr; i++)
				print v[i, "method"], v[i, "socket"], v[i, "available"], v[i, "bytes"],
				      v[i, "syscalls"], v[i, "model.blocks"], v[i, "model.dma_transfers"],
				      v[i, "model.cpu_copy_bytes"], v[i, "model.syscalls"],
				      v[i, "model.context_switches"], v[i, "model.page_faults"],
				      v[i, "resident_pages"], v[i, "reason"]
		}'
}
empty_tmp() { [ -z "$(ls -A "$TMPDIR")" ]; }

### A 4 MiB file, both sockets ##############################################################

expect_exit 0 "copybench --size 4M --block 64K runs" \
	copybench --size 4M --block 64K --output-format json
cp out run.json
check "the JSON is one line of valid JSON" eval '[ "$(wc -l < run.json)" -eq 1 ] && jvalid run.json'
is "the JSON says the size" "$(jget size run.json)" 4194304
is "the JSON says the block" "$(jget block run.json)" 65536
is "the JSON says the cache state (warm by default)" "$(jget cache run.json)" warm
is "the file was created" "$(jget created run.json)" true
results run.json > res
is "ten results: five methods on two sockets" "$(wc -l < res)" 10
is "every method on both sockets, in order" "$(awk '{ printf "%s/%s ", $1, $2 }' res)" \
	"read-write/unix mmap-write/unix sendfile/unix splice/unix direct/unix read-write/tcp mmap-write/tcp sendfile/tcp splice/tcp direct/tcp "
is "every available method moved exactly 4194304 bytes" \
	"$(awk '$3 == "true" && $4 != 4194304' res)" ""
is "at least read-write, mmap-write, sendfile and splice are available" \
	"$(awk '$3 == "true" && $1 != "direct"' res | wc -l)" 8
is "an unavailable method says why" "$(awk '$3 == "false" && $13 == ""' res)" ""
# The fewest system calls each loop can make for 64 blocks (more when a call moves less):
# read-write and direct: 64 reads + 64 sends + shutdown; mmap-write: mmap + 64 sends + munmap
# + shutdown; sendfile: 64 + shutdown; splice: pipe + its size + 64 x 2 splices + 2 closes +
# shutdown.
is "each loop counted at least its minimum of system calls" \
	"$(awk 'BEGIN { m["read-write"] = 129; m["direct"] = 129; m["mmap-write"] = 67
			m["sendfile"] = 65; m["splice"] = 133 }
		$3 == "true" && $5 < m[$1]' res)" ""
is "a warm run found all 1024 pages resident" "$(awk '$12 != 1024' res)" ""
# Hand-computed: 4 MiB / 64 KiB = 64 blocks; DMA 2 a block; switches 2 a system call.
#   read-write: 2 syscalls, 2 copies a block -> 128 syscalls, 256 switches, 8 MiB copied
#   mmap-write: 2 syscalls, 1 copy, + 1024 page faults -> 128, 256, 4 MiB, 1024
#   sendfile, splice: 1 syscall, 1 copy -> 64, 128, 4 MiB
#   direct: 2 syscalls, 1 copy (user buffer to socket) -> 128, 256, 4 MiB
cat > want-model <<'EOF'
read-write 64 128 8388608 128 256 0
mmap-write 64 128 4194304 128 256 1024
sendfile 64 128 4194304 64 128 0
splice 64 128 4194304 64 128 0
direct 64 128 4194304 128 256 0
EOF
for s in unix tcp; do
	is "the model's figures over $s are the hand-computed ones" \
		"$(awk -v s="$s" '$2 == s { print $1, $6, $7, $8, $9, $10, $11 }' res)" \
		"$(cat want-model)"
done
check "no temporary file left behind" empty_tmp

expect_exit 0 "--output-format csv" copybench --size 4M --block 64K --socket unix \
	--output-format csv
cp out run.csv
is "CSV: a header and five rows" "$(wc -l < run.csv)" 6
is "CSV: every row as wide as the header" \
	"$(awk -F, 'NR == 1 { w = NF } NF != w' run.csv)" ""
is "CSV: available rows moved 4194304 bytes" \
	"$(awk -F, 'NR == 1 { for (f = 1; f <= NF; f++) c[$f] = f; next }
		$c["available"] == "true" && $c["bytes"] != 4194304' run.csv)" ""
is "CSV: the model columns agree with the JSON's" \
	"$(awk -F, 'NR == 1 { for (f = 1; f <= NF; f++) c[$f] = f; next }
		{ print $c["method"], $c["model_blocks"], $c["model_dma_transfers"],
		  $c["model_cpu_copy_bytes"], $c["model_syscalls"],
		  $c["model_context_switches"], $c["model_page_faults"] }' run.csv)" \
	"$(cat want-model)"
check "no temporary file left behind (csv)" empty_tmp

expect_exit 0 "the normal table" copybench --size 1M --socket tcp
check "the table names every method" eval 'for m in read-write mmap-write sendfile splice direct; do grep -q "^$m  *tcp " out || exit 1; done'
check "the table has the model columns" grep -q 'CPU copied' out

expect_exit 0 "--cold" copybench --size 1M --cold --socket unix --output-format json
is "--cold: the JSON says cold" "$(jget cache)" cold
results out > res-cold
is "--cold: runs_not_dropped counts the runs that kept resident pages" \
	"$(jget runs_not_dropped)" "$(awk '$12 != 0' res-cold | wc -l)"
is "--cold: every available method moved exactly 1048576 bytes" \
	"$(awk '$3 == "true" && $4 != 1048576' res-cold)" ""

### A given file: read, never written #######################################################

head -c $((1048576 + 123)) /dev/urandom > given.bin
sum_before=$(cksum < given.bin)
mtime_before=$(stat -c %Y.%y given.bin)
sleep 1
expect_exit 0 "--file PATH with an unaligned size" \
	copybench --file given.bin --block 64K --cold --output-format json
is "--file: not created" "$(jget created)" false
is "--file: the JSON names the file" "$(jget file)" given.bin
is "--file: every available method moved exactly its 1048699 bytes" \
	"$(results out | awk '$3 == "true" && $4 != 1048699')" ""
is "--file: the model counts 17 blocks" "$(results out | awk '{ print $6 }' | sort -u)" 17
is "--file: the file's bytes are unchanged" "$(cksum < given.bin)" "$sum_before"
is "--file: the file's mtime is unchanged" "$(stat -c %Y.%y given.bin)" "$mtime_before"
check "--file: nothing created in TMPDIR" empty_tmp

### Usage errors ###########################################################################

expect_exit 2 "--block 1K is refused" copybench --size 1M --block 1K
check "the message names --block" grep -q -- --block err
expect_exit 2 "--block 128M is refused" copybench --size 1M --block 128M
expect_exit 2 "--block 6K (not a multiple of 4K) is refused" copybench --size 1M --block 6K
expect_exit 2 "--size 0 is refused" copybench --size 0
expect_exit 2 "--size 65G is refused" copybench --size 65G
check "the message names --size" grep -q -- --size err
expect_exit 2 "--size that does not parse" copybench --size lots
expect_exit 2 "--size and --file together" copybench --size 1M --file given.bin
expect_exit 2 "--cold and --warm together" copybench --size 1M --cold --warm
expect_exit 2 "--socket udp" copybench --size 1M --socket udp
expect_exit 2 "--output-format xml" copybench --size 1M --output-format xml
expect_exit 2 "--file that does not exist" copybench --file "$T/nope"
check "the message names the missing file" grep -q nope err
expect_exit 2 "--file that is a directory" copybench --file "$T"
expect_exit 2 "an unexpected argument" copybench --size 1M extra
expect_exit 2 "an unknown option" copybench --frobnicate
check "no temporary file left behind after the errors" empty_tmp

### --plot ##################################################################################

if command -v gnuplot >/dev/null 2>&1; then
	expect_exit 0 "--plot FILE.png" copybench --size 1M --socket both --plot bars.png
	check "--plot wrote a PNG" eval '[ "$(head -c 4 bars.png | od -An -c | tr -d " ")" = "211PNG" ]'
else
	ok "# SKIP gnuplot is not installed: no PNG"
	ok "# SKIP gnuplot is not installed: no PNG check"
fi
mkdir -p nognuplot
ln -sf "$(command -v timeout)" nognuplot/timeout
ln -sf "$(command -v env)" nognuplot/env
RUN_PATH=$T/nognuplot expect_exit 2 "--plot without gnuplot in PATH stops before the run" \
	copybench --size 1M --plot bars2.png
check "the message says gnuplot is needed" grep -q gnuplot err
check "no image without gnuplot" test ! -e bars2.png
check "no temporary file left behind at the end" empty_tmp

echo "1..$n"
[ "$nr_failed" -eq 0 ]
