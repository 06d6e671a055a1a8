#!/usr/bin/env bash
# test-cli.sh - the contract of the pcsim command line, as a TAP script run by `make check`.
#
# What is tested: every option of `pcsim replay` (accepted values reach the reported
# configuration, bad values are usage errors), exit statuses (0 success, 1 runtime failure,
# 2 usage error), error messages (on stderr, starting with "pcsim", naming FILE:LINE: for bad
# records), the report formats (JSON is valid and complete, CSV agrees with it column by column,
# json,csv is both in a fixed order, the same run gives the same bytes), atomic --output,
# --config files and their precedence, warm-up, --skip-bad, several traces into one cache, and
# that pcsim-text, pcsim-bin and oracleGeneral traces of the same accesses give the same stats
# (without readahead), that --readahead auto resolves by the first trace's level, and the
# serving what-ifs: gen web, --serve all against transfer.c's table and against --serve METHOD,
# --directio-threshold raising the small files' hit ratio (--group), and the footprint `trace
# info` counts (by hand, against awk on random reads, across 513 files, and its upper bound).
# The list model has its own unit tests (tests/test-lists.c, tests/test-cache.c); the few model
# numbers checked here are derived beside their traces, plus one published LRU result.
#
# Environment (set by Makefile.am): PCSIM, the binary; PCSIM_SRCDIR, the source directory (read
# for tests/data/ and traces/); PCSIM_BUILDDIR (unused). Every file is written under one mktemp -d
# directory, removed on exit; the source directory may be read-only (make distcheck).
# By hand: PCSIM=./pcsim PCSIM_SRCDIR=$PWD bash tests/test-cli.sh
#
# To add a test: write its input below (heredoc), then use the helpers:
#   run ARGS...                  runs pcsim; stdout in ./out, stderr in ./err, status in $rc
#   expect_exit CODE DESC ARGS... runs pcsim and checks the status, the absence of sanitizer
#                                reports and, for a failure, a "pcsim..." message and no stdout
#   check DESC COMMAND...        ok when COMMAND succeeds
#   is DESC GOT WANT             string equality;  is_num: numeric equality (awk)
#   jget KEY [FILE]              a value of the one-line JSON report (FILE defaults to ./out),
#                                KEY as a path: stats.hits, traces.0.path, config.policy
#   csvget COLUMN [FILE]         a value of the CSV report's row
set -u

if [ -z "${PCSIM:-}" ] || [ ! -x "$PCSIM" ]; then
	echo "Bail out! PCSIM is not set to the pcsim binary ('${PCSIM:-}')"
	exit 99
fi
case $PCSIM in /*) ;; *) PCSIM=$(pwd)/$PCSIM ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/pcsim-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99

### Helpers #################################################################################

n=0
nr_failed=0
last_cmd=""
rc=0

diag() { sed 's/^/#   /'; }

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	nr_failed=$((nr_failed + 1))
	echo "not ok $n - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | diag
	echo "#   last command: $last_cmd (exit $rc)"
	if sanitizer_report; then
		echo "#   its stderr (a sanitizer report):"
		head -n 40 err | diag
	elif [ -s err ]; then
		echo "#   its stderr:"
		head -n 8 err | diag
	fi
}

run() {
	last_cmd="pcsim $*"
	rc=0
	timeout 300 "$PCSIM" "$@" >out 2>err </dev/null || rc=$?
}

sanitizer_report() { grep -qE 'Sanitizer|runtime error:' err 2>/dev/null; }

expect_exit() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" != "$want" ]; then
		not_ok "$desc" "expected exit $want, got $rc"
	elif sanitizer_report; then
		not_ok "$desc" "sanitizer report on stderr"
	elif [ "$want" != 0 ] && ! head -n 1 err | grep -q '^pcsim'; then
		not_ok "$desc" "the error message on stderr must start with 'pcsim'"
	elif [ "$want" != 0 ] && [ -s out ]; then
		not_ok "$desc" "a failed run printed on stdout: $(head -c 200 out)"
	else
		ok "$desc"
	fi
}

check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}

is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi
}

is_num() {
	if [ -n "$2" ] && awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; exit !(d < 1e-9 && d > -1e-9) }'
	then ok "$1"; else not_ok "$1" "got:  '$2'" "want: $3"; fi
}

# Flattens the first line of a JSON file into "path=value" lines (strings unquoted, escapes
# kept as written), and "!error ..." lines when the text is not valid JSON.
jflat() {
	head -n 1 "${1:-out}" | awk '
	function ws() { while (i <= n && index(" \t\r\n", substr(s, i, 1))) i++ }
	function str(   r, c) {
		if (substr(s, i, 1) != "\"") { bad("expected a string"); return "" }
		i++; r = ""
		while (i <= n) {
			c = substr(s, i, 1)
			if (c == "\\") { r = r substr(s, i, 2); i += 2; continue }
			if (c == "\"") { i++; return r }
			if (c < " ") { bad("control character in a string"); return r }
			r = r c; i++
		}
		bad("unterminated string"); return r
	}
	function bad(what) { if (!err) print "!error at " i ": " what; err = 1; i = n + 1 }
	function value(path,   c, k, idx, start, tok) {
		ws(); c = substr(s, i, 1)
		if (c == "{") {
			i++; ws()
			if (substr(s, i, 1) == "}") { i++; print path "={}"; return }
			while (i <= n) {
				ws(); k = str(); ws()
				if (substr(s, i, 1) != ":") { bad("expected :"); return }
				i++; value(path == "" ? k : path "." k); ws(); c = substr(s, i, 1); i++
				if (c == "}") return
				if (c != ",") { bad("expected , or }"); return }
			}
			bad("unterminated object"); return
		}
		if (c == "[") {
			i++; ws()
			if (substr(s, i, 1) == "]") { i++; print path "=[]"; return }
			for (idx = 0; i <= n; idx++) {
				value(path "." idx); ws(); c = substr(s, i, 1); i++
				if (c == "]") return
				if (c != ",") { bad("expected , or ]"); return }
			}
			bad("unterminated array"); return
		}
		if (c == "\"") { k = str(); if (!err) print path "=" k; return }
		start = i
		while (i <= n && !index(",}] \t\r\n", substr(s, i, 1))) i++
		tok = substr(s, start, i - start)
		if (tok !~ /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)$/) {
			bad("bad value \"" tok "\""); return
		}
		print path "=" tok
	}
	{ s = $0 }
	END {
		n = length(s); i = 1; err = 0
		if (n == 0) { print "!error: empty"; exit }
		value(""); ws()
		if (!err && i <= n) print "!error: trailing text at " i
	}'
}

jget() { jflat "${2:-out}" | awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }

jvalid() { [ -s "${1:-out}" ] && ! jflat "${1:-out}" | grep -q '^!error'; }

csvget() {
	awk -F, -v k="$1" '
		NR == 1 { for (f = 1; f <= NF; f++) { gsub(/"/, "", $f); if ($f == k) col = f } }
		NR == 2 && col { v = $col; gsub(/"/, "", v); print v }' "${2:-out}"
}

# le NBYTES VALUE: VALUE as NBYTES little-endian bytes (two's complement for negatives).
le() {
	local i v=$2
	for ((i = 0; i < $1; i++)); do
		# shellcheck disable=SC2059 # the format is the escape
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
	done
}

# og_record TIME OBJ_ID: one 24-byte libCacheSim oracleGeneral record of a 4 KiB object.
og_record() { le 4 "$1"; le 8 "$2"; le 4 4096; le 8 -1; }

files_in() { (cd "$1" && ls -A); }

### Inputs ##################################################################################

# two.trace: one page read through two streams. The first read misses and brings the page in
# (inactive, referenced); the second, on another stream, hits it and activates it.
# requests 2, accesses 2, hits 1, misses 1, request_hits 1, activations 1, one file.
cat >two.trace <<'EOF'
# pcsim trace v1
# one page, two streams
0 read a 0 4096 stream=1
1000 read a 0 4096 stream=2
EOF

# a.trace then b.trace: the same page of file "a" from two traces, each on its "stream=1"
# (rebased per trace). Replayed together into one cache: 2 requests, 1 hit.
printf '0 read a 0 4096 stream=1\n' >a.trace
printf '0 read a 0 4096 stream=1\n' >b.trace

# allops.trace: every op of the text format once, with '-' times, trailing comments and a
# blank line. Requests are read, write, sendfile and the mmap touches: 5 (2 writes: write and
# mmap-write). With --readahead 0: the read misses pages 0-1, the write page 2; the mmap-read
# (page 0), mmap-write (page 1) and sendfile (page 0) hit cached pages, so no major fault;
# truncate f 4096 drops pages 1 and 2 (dropped_pages 2), page 0 stays.
cat >allops.trace <<'EOF'
# pcsim trace v1

0 open f - - stream=3
1 read f 0 8192 stream=3        # two pages
2 write f 8192 4096 stream=3
3 fsync f - -
4 fdatasync f - -
5 sync - - -
6 fadvise f 0 4096 advice=willneed
7 mmap-read f 0 4096
8 mmap-write f 4096 4096
9 direct-read g 0 4096
10 direct-write g 4096 4096
11 sendfile f 0 4096
12 truncate f 4096 -
- close f - - stream=3
EOF

# bad.trace: bad records on lines 3 (unknown op) and 5 (offset not a number), 3 good reads.
cat >bad.trace <<'EOF'
# pcsim trace v1
0 read a 0 4096
1 reed a 0 4096
2 read a 0 4096 stream=1
3 read a zero 4096
4 read a 4096 4096
EOF

# timed.trace: 4 reads of distinct pages at 0, 0.5 s, 3 s and 4 s: a 1 s (or 2-request)
# warm-up holds the first two.
cat >timed.trace <<'EOF'
0 read w 0 4096
500000000 read w 4096 4096
3000000000 read w 8192 4096
4000000000 read w 12288 4096
EOF

# og.bin / og.trace: blocks 1 2 1 3 1 2 as oracleGeneral records and as text reads of one
# file. No eviction in 128K (32 pages): 6 requests, 3 misses, 3 hits, in both formats when
# both replay without readahead (--readahead auto gives the text trace 128K, the block trace 0).
: >og.bin
t=0
for id in 1 2 1 3 1 2; do
	og_record "$t" "$id" >>og.bin
	printf '%d read blk %d 4096 stream=1\n' "$t" $((id * 4096)) >>og.trace
	t=$((t + 1))
done

# seq.trace / seq.bin: pages 0-15 of one file read in order, 4 KiB at a time, as text reads and
# as oracleGeneral records. --readahead auto: the block trace gets no readahead (16 misses);
# the text trace gets 128K (ra_pages 32), as in mm/readahead.c:
#   read 0: initial window, get_init_ra_size(1, 32) = 4 pages [0,4), async_size 3: one sync
#           window, 3 pages read ahead (1-3), the marker on page 1;
#   read 1: marker, async window get_next_ra_size(4, 32) = 8 pages [4,12), marker on 4;
#   read 4: async [12,28) (16 pages), marker on 12;  read 12: async [28,60) (32, the maximum).
# So 1 miss, 15 hits, ra_sync_windows 1, ra_async_windows 3, ra_pages 3+8+16+32 = 59, ra_used 15.
: >seq.bin
: >seq.trace
for i in $(seq 0 15); do
	og_record "$i" "$i" >>seq.bin
	printf '%d read s %d 4096\n' "$i" $((i * 4096)) >>seq.trace
done

: >empty.trace
printf '# pcsim trace v1\n# nothing but comments\n' >comments.trace
printf '\001\002\003\000\377' >garbage.bin
# badkey.trace: no header line (detected by its records), an unknown key on line 2.
printf '0 read a 0 4096\n1 read a 0 4096 colour=blue\n' >badkey.trace
mkdir adir

cat >cfg.ini <<'EOF'
# pcsim configuration
[pcsim]
cache = 256K
policy = lru
reclaim_batch = 8
inactive-ratio = 3
workingset = off
skip_bad = 2
EOF
printf '[pcsim]\nwarmup = 1\n' >warmup.ini
printf '[pcsim]\nfrobnicate = 1\n' >unknown-key.ini
printf '[pcsim]\ncache = lots\n' >bad-value.ini
printf 'this is not an INI file\n' >not-ini.ini

json=(-q --progress never --output-format json)
csv=(-q --progress never --output-format csv)

### Subcommands, help, missing and unknown arguments #######################################

expect_exit 2 "no arguments: usage error"
expect_exit 2 "unknown subcommand: usage error" frobnicate
expect_exit 2 "replay without a TRACE: usage error" replay
expect_exit 2 "unknown option: usage error" replay --frobnicate two.trace
expect_exit 2 "option missing its value: usage error" replay two.trace --cache
expect_exit 0 "pcsim --version" --version
check "--version prints 'pcsim VERSION' on stdout" grep -q '^pcsim [0-9]' out
expect_exit 0 "pcsim --help" --help
check "--help lists the replay command" grep -q replay out
expect_exit 0 "pcsim replay --help" replay --help
check "replay --help shows the options" grep -q -- --output-format out
expect_exit 0 "pcsim replay --help-all" replay --help-all
for opt in --cache --policy --inactive-ratio --reclaim-batch --workingset --warmup --skip-bad \
	--readahead --io-pages --format --output-format --output --config --progress -q -v; do
	check "replay --help-all documents $opt" grep -qe "${opt}[ ,=]" out
done

### A replay and its JSON report ############################################################

expect_exit 0 "replay a text trace, JSON report" replay two.trace "${json[@]}"
cp out two.json
check "JSON report is one line of valid JSON" jvalid two.json
is "JSON report is one line" "$(wc -l <two.json | tr -d ' ')" 1
check "nothing on stderr with -q" test ! -s err
is "format_version is 1" "$(jget format_version two.json)" 1
is "command is replay" "$(jget command two.json)" replay
is "trace.path is the path given" "$(jget trace.path two.json)" two.trace
is "trace.format is detected as pcsim-text" "$(jget trace.format two.json)" pcsim-text
is "trace.level of a pcsim-text trace is file" "$(jget trace.level two.json)" file
is "trace.bytes is the file size" "$(jget trace.bytes two.json)" "$(wc -c <two.trace | tr -d ' ')"
is "trace.sha256 is the sha256 of the first MiB" "$(jget trace.sha256 two.json)" \
	"$(head -c 1048576 two.trace | sha256sum | cut -d' ' -f1)"
is "traces[] holds the one trace" "$(jget traces.0.path two.json)|$(jget traces.1.path two.json)" \
	"two.trace|"
is "config.cache defaults to 1G in bytes" "$(jget config.cache two.json)" 1073741824
is "config.policy defaults to two-list" "$(jget config.policy two.json)" two-list
is "config.reclaim_batch defaults to 32" "$(jget config.reclaim_batch two.json)" 32
is "config.workingset defaults to on" "$(jget config.workingset two.json)" true
is "config.readahead: auto, resolved to 128K for a text trace" "$(jget config.readahead two.json)" \
	131072
is "config.io_pages defaults to 1280K" "$(jget config.io_pages two.json)" 1310720
check "no warmup object without --warmup" eval '! jflat two.json | grep -q "^warmup\."'
is "stats.requests" "$(jget stats.requests two.json)" 2
is "stats.read_requests" "$(jget stats.read_requests two.json)" 2
is "stats.write_requests" "$(jget stats.write_requests two.json)" 0
is "stats.accesses" "$(jget stats.accesses two.json)" 2
is "stats.hits" "$(jget stats.hits two.json)" 1
is "stats.misses" "$(jget stats.misses two.json)" 1
is "stats.request_hits" "$(jget stats.request_hits two.json)" 1
is_num "stats.hit_ratio" "$(jget stats.hit_ratio two.json)" 0.5
is "stats.activations: a hit from another stream activates" "$(jget stats.activations two.json)" 1
is "stats.active_pages" "$(jget stats.active_pages two.json)" 1
is "stats.ops.read" "$(jget stats.ops.read two.json)" 2
is "stats.files" "$(jget stats.files two.json)" 1
for key in deactivations evictions refaults refault_activations inactive_pages ra_sync_windows \
	ra_async_windows ra_mmap_windows ra_pages ra_used ra_wasted ra_hit_ratio major_faults \
	dropped_pages; do
	check "stats.$key is reported" test -n "$(jget "stats.$key" two.json)"
done

expect_exit 0 "the same replay again" replay two.trace "${json[@]}"
check "the same run gives the same JSON, byte for byte" cmp -s out two.json

### CSV, normal, and several formats at once ###############################################

expect_exit 0 "replay with --output-format csv" replay two.trace "${csv[@]}"
cp out two.csv
is "CSV is a header and one row" "$(wc -l <two.csv | tr -d ' ')" 2
is "CSV header and row have as many fields" \
	"$(awk -F, '{ print NF }' two.csv | sort -u | wc -l | tr -d ' ')" 1
is "CSV trace_level of a pcsim-text trace" "$(csvget trace_level two.csv)" file
is "CSV hits" "$(csvget hits two.csv)" 1
is "CSV requests" "$(csvget requests two.csv)" 2
is "CSV readahead (resolved, bytes)" "$(csvget readahead two.csv)" 131072
is "CSV io_pages" "$(csvget io_pages two.csv)" 1310720
# Every CSV column holds what the JSON report says under the same name: stats.COL, config.COL,
# COL, trace.X for trace_X, stats.ops.OP for ops_OP ('-' spelt '_').
compare_csv_json() {
	local header row i=0 same=0 differ=0 col v j key op
	IFS=, read -r -a header < <(sed -n 1p two.csv | tr -d '"')
	IFS=, read -r -a row < <(sed -n 2p two.csv | tr -d '"')
	jflat two.json >two.flat
	for col in "${header[@]}"; do
		v=${row[$i]:-}
		i=$((i + 1))
		op=${col#ops_}
		j=""
		for key in "stats.$col" "config.$col" "$col" "${col/_/.}" "stats.ops.${op//_/-}"; do
			j=$(awk -v k="$key" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' \
				two.flat)
			[ -n "$j" ] && break
		done
		[ -n "$j" ] || continue
		if [ "$v" = "$j" ] || awk -v a="$v" -v b="$j" 'BEGIN { d = a - b
			exit !(a ~ /^[-0-9.eE+]+$/ && b ~ /^[-0-9.eE+]+$/ && d < 1e-9 && d > -1e-9) }'
		then same=$((same + 1))
		else differ=$((differ + 1)); echo "column $col: csv '$v', json $key '$j'"
		fi
	done
	echo "$same of ${#header[@]} columns same, $differ different"
	[ "$differ" -eq 0 ] && [ "$same" -ge 40 ]
}
if compare_csv_json >cmp.txt; then
	ok "CSV and JSON agree on every column ($(tail -n 1 cmp.txt))"
else
	not_ok "CSV and JSON agree on every column" "$(cat cmp.txt)"
fi

expect_exit 0 "--output-format json,csv" replay two.trace -q --progress never --output-format json,csv
cat two.json two.csv >expected
check "json,csv is the JSON report then the CSV report" cmp -s out expected
expect_exit 0 "--output-format csv,json (order of the list)" replay two.trace -q --progress never \
	--output-format csv,json
check "formats come out in a fixed order (json before csv)" cmp -s out expected
expect_exit 0 "--output-format normal" replay two.trace --progress never --output-format normal
check "the normal report mentions hits" grep -qi hit out
expect_exit 0 "default output format (normal)" replay two.trace --progress never
check "the default output is the normal report" grep -qi hit out
expect_exit 0 "normal,json,csv" replay two.trace -q --progress never --output-format normal,json,csv
check "normal,json,csv ends with the JSON and CSV reports" \
	eval 'tail -n 3 out | cmp -s - expected'
expect_exit 2 "--output-format xml: usage error" replay two.trace --output-format xml
expect_exit 2 "--output-format json,xml: usage error" replay two.trace --output-format json,xml
expect_exit 0 "-v" replay two.trace -v --progress never
check "-v prints the normal report" grep -qi hit out

### --output: atomic ########################################################################

mkdir outdir
expect_exit 0 "--output FILE" replay two.trace "${json[@]}" --output outdir/r.json
check "--output: nothing on stdout" test ! -s out
check "--output: the file holds the report" cmp -s outdir/r.json two.json
is "--output leaves no temporary file" "$(files_in outdir)" r.json
ino=$(stat -c %i outdir/r.json)
expect_exit 0 "--output over an existing file" replay two.trace "${csv[@]}" --output outdir/r.json
check "--output replaced the old report" cmp -s outdir/r.json two.csv
check "--output replaced the file by rename (new inode)" test "$(stat -c %i outdir/r.json)" != "$ino"
is "--output over a file leaves no temporary file" "$(files_in outdir)" r.json
echo old >outdir/keep.json
expect_exit 1 "--output with a missing trace: runtime failure" \
	replay missing.trace "${json[@]}" --output outdir/keep.json
is "a failed replay leaves --output untouched" "$(cat outdir/keep.json)" old
expect_exit 1 "--output with a bad record: runtime failure" \
	replay bad.trace "${json[@]}" --output outdir/keep.json
is "a replay stopped by a bad record leaves --output untouched" "$(cat outdir/keep.json)" old
is "failed replays leave no temporary file" "$(files_in outdir | tr '\n' ' ')" "keep.json r.json "
expect_exit 1 "--output into a missing directory: runtime failure" \
	replay two.trace "${json[@]}" --output nodir/r.json
check "--output into a missing directory creates nothing" test ! -e nodir

### --cache ##################################################################################

for pair in 128K=131072 128k=131072 128KB=131072 128KiB=131072 131072=131072 1M=1048576 \
	1m=1048576 1mib=1048576 1MB=1048576 2G=2147483648 2g=2147483648; do
	expect_exit 0 "--cache ${pair%%=*}" replay two.trace "${json[@]}" --cache "${pair%%=*}"
	is "--cache ${pair%%=*} is ${pair#*=} bytes" "$(jget config.cache)" "${pair#*=}"
done
for bad in 0 -1 4K 127K 99999999T 9T 12Q K "" 1.1K "1 M"; do
	expect_exit 2 "--cache '$bad': usage error" replay two.trace "${json[@]}" --cache "$bad"
done
check "a bad --cache value is named in the message" grep -q -- "1 M" err

### --policy, --inactive-ratio, --reclaim-batch, --workingset ###############################

for v in two-list lru; do
	expect_exit 0 "--policy $v" replay two.trace "${json[@]}" --policy "$v"
	is "--policy $v is reported" "$(jget config.policy)" "$v"
done
is "--policy lru: the hit is still a hit" "$(jget stats.hits)" 1
for bad in fifo "" LRU2; do
	expect_exit 2 "--policy '$bad': usage error" replay two.trace "${json[@]}" --policy "$bad"
done

expect_exit 0 "--inactive-ratio auto" replay two.trace "${json[@]}" --inactive-ratio auto
expect_exit 0 "--inactive-ratio 3" replay two.trace "${json[@]}" --inactive-ratio 3
is "--inactive-ratio 3 is reported" "$(jget config.inactive_ratio)" 3
for bad in x -1 3x; do
	expect_exit 2 "--inactive-ratio '$bad': usage error" replay two.trace "${json[@]}" \
		--inactive-ratio "$bad"
done

for v in 1 32 4096; do
	expect_exit 0 "--reclaim-batch $v" replay two.trace "${json[@]}" --reclaim-batch "$v"
	is "--reclaim-batch $v is reported" "$(jget config.reclaim_batch)" "$v"
done
for bad in 0 4097 -1 x; do
	expect_exit 2 "--reclaim-batch '$bad': usage error" replay two.trace "${json[@]}" \
		--reclaim-batch "$bad"
done

expect_exit 0 "--workingset off" replay two.trace "${json[@]}" --workingset off
is "--workingset off is reported" "$(jget config.workingset)" false
expect_exit 0 "--workingset on" replay two.trace "${json[@]}" --workingset on
is "--workingset on is reported" "$(jget config.workingset)" true
expect_exit 2 "--workingset maybe: usage error" replay two.trace "${json[@]}" --workingset maybe

### --readahead, --io-pages ################################################################

for pair in 0=0 0K=0 4K=4096 128K=131072 16k=16384 1.5M=1572864 1G=1073741824; do
	expect_exit 0 "--readahead ${pair%%=*}" replay two.trace "${json[@]}" --readahead "${pair%%=*}"
	is "--readahead ${pair%%=*} is ${pair#*=} bytes" "$(jget config.readahead)" "${pair#*=}"
done
for bad in 2G 1025M -1 x "" 1.1K automatic "128 K"; do
	expect_exit 2 "--readahead '$bad': usage error" replay two.trace "${json[@]}" --readahead "$bad"
done
check "a bad --readahead value is named in the message" grep -q -- "128 K" err
for pair in 4K=4096 256K=262144 1280K=1310720 1G=1073741824; do
	expect_exit 0 "--io-pages ${pair%%=*}" replay two.trace "${json[@]}" --io-pages "${pair%%=*}"
	is "--io-pages ${pair%%=*} is ${pair#*=} bytes" "$(jget config.io_pages)" "${pair#*=}"
done
for bad in 0 4095 2G auto x; do
	expect_exit 2 "--io-pages '$bad': usage error" replay two.trace "${json[@]}" --io-pages "$bad"
done
printf '[pcsim]\nreadahead = 64K\nio_pages = 512K\n' >ra.ini
expect_exit 0 "readahead and io_pages from a config file" replay two.trace "${json[@]}" --config ra.ini
is "config file: readahead/io_pages" "$(jget config.readahead)/$(jget config.io_pages)" 65536/524288
expect_exit 0 "--readahead auto overrides the config file" \
	replay two.trace "${json[@]}" --config ra.ini --readahead auto
is "--readahead auto after --config: resolved for a text trace" "$(jget config.readahead)" 131072

# --readahead auto (the default) resolves by the level of the first trace: 128K for a
# file-level trace (pcsim-text), 0 for a block-level one (oracleGeneral). Numbers: see seq.trace.
ra_of() { echo "$(jget stats.ra_sync_windows)/$(jget stats.ra_async_windows)/$(jget stats.ra_pages)"; }
expect_exit 0 "sequential text trace, --readahead auto" replay seq.trace "${json[@]}" --readahead auto
is "text trace, auto: readahead 128K" "$(jget config.readahead)" 131072
check "text trace, auto: ra_sync_windows > 0" test "$(jget stats.ra_sync_windows)" -gt 0
is "text trace, auto: sync/async windows, pages read ahead" "$(ra_of)" 1/3/59
is "text trace, auto: ra_used, misses, hits" \
	"$(jget stats.ra_used)/$(jget stats.misses)/$(jget stats.hits)" 15/1/15
is_num "text trace, auto: ra_hit_ratio is ra_used / ra_pages" "$(jget stats.ra_hit_ratio)" \
	"$(awk 'BEGIN { printf "%.17g", 15 / 59 }')"
cp out seq-auto.json
expect_exit 0 "sequential text trace, default readahead" replay seq.trace "${json[@]}"
check "the default is --readahead auto" cmp -s out seq-auto.json
expect_exit 0 "sequential oracleGeneral trace, --readahead auto" \
	replay seq.bin "${json[@]}" --readahead auto
is "block trace, auto: readahead 0" "$(jget config.readahead)" 0
is "block trace, auto: ra_sync_windows 0" "$(jget stats.ra_sync_windows)" 0
is "block trace, auto: no readahead at all" "$(ra_of)/$(jget stats.ra_used)" 0/0/0/0
is "block trace, auto: every read misses" "$(jget stats.misses)/$(jget stats.hits)" 16/0
expect_exit 0 "sequential oracleGeneral trace, --readahead 128K" \
	replay seq.bin "${json[@]}" --readahead 128K
is "block trace, --readahead 128K: as the text trace" "$(ra_of)" 1/3/59
expect_exit 0 "sequential text trace, --readahead 0" replay seq.trace "${json[@]}" --readahead 0
is "text trace, --readahead 0: no readahead, every read misses" \
	"$(ra_of)/$(jget stats.misses)" 0/0/0/16
expect_exit 0 "block trace first, then text: auto" replay seq.bin seq.trace "${json[@]}"
is "the first trace decides auto (block: 0)" "$(jget config.readahead)/$(jget stats.ra_pages)" 0/0
is "block then text: each trace keeps its level" \
	"$(jget trace.level)|$(jget traces.0.level)|$(jget traces.1.level)" "block|block|file"
expect_exit 0 "text trace first, then block: auto" replay seq.trace seq.bin "${json[@]}"
is "the first trace decides auto (text: 128K)" "$(jget config.readahead)" 131072
check "text first: readahead windows" test "$(jget stats.ra_sync_windows)" -gt 0

### --warmup ################################################################################

expect_exit 0 "--warmup 1 (requests)" replay two.trace "${json[@]}" --warmup 1
check "--warmup: the report is valid JSON" jvalid
is "--warmup 1: warmup.requests" "$(jget warmup.requests)" 1
is "--warmup 1: warmup.misses (the first read)" "$(jget warmup.misses)" 1
is "--warmup 1: stats.requests counts the rest" "$(jget stats.requests)" 1
is "--warmup 1: stats.hits (the second read)" "$(jget stats.hits)" 1
is "--warmup 1: stats.misses" "$(jget stats.misses)" 0
expect_exit 0 "--warmup 2 on timed.trace" replay timed.trace "${json[@]}" --warmup 2
is "--warmup 2: warmup/measured requests" "$(jget warmup.requests)/$(jget stats.requests)" 2/2
expect_exit 0 "--warmup 1s (trace time)" replay timed.trace "${json[@]}" --warmup 1s
is "--warmup 1s: warmup/measured requests" "$(jget warmup.requests)/$(jget stats.requests)" 2/2
expect_exit 0 "--warmup 1000ms" replay timed.trace "${json[@]}" --warmup 1000ms
is "--warmup 1000ms: warmup/measured requests" "$(jget warmup.requests)/$(jget stats.requests)" 2/2
expect_exit 0 "--warmup 1s with CSV" replay timed.trace "${csv[@]}" --warmup 1s
is "--warmup: CSV reports the measured phase" "$(csvget requests)" 2
for bad in abc -1 5parsecs ""; do
	expect_exit 2 "--warmup '$bad': usage error" replay two.trace "${json[@]}" --warmup "$bad"
done

### --skip-bad, bad records and bad traces ##################################################

expect_exit 1 "a bad record: runtime failure" replay bad.trace "${json[@]}"
check "the message names FILE:LINE: of the first bad record" grep -q 'bad\.trace:3:' err
expect_exit 1 "--skip-bad 1 with 2 bad records: runtime failure" replay bad.trace "${json[@]}" \
	--skip-bad 1
check "the message names the record past --skip-bad" grep -q 'bad\.trace:5:' err
expect_exit 0 "--skip-bad 2 with 2 bad records" replay bad.trace "${json[@]}" --skip-bad 2
is "--skip-bad: stats.bad_records" "$(jget stats.bad_records)" 2
is "--skip-bad: the good records are replayed" "$(jget stats.requests)" 3
check "-q: no warning about skipped records" test ! -s err
expect_exit 0 "--skip-bad 2 without -q" replay bad.trace --progress never --output-format json \
	--skip-bad 2
check "without -q, each skipped record is named on stderr" \
	eval 'grep -q "bad\.trace:3:" err && grep -q "bad\.trace:5:" err'
for bad in -1 x; do
	expect_exit 2 "--skip-bad '$bad': usage error" replay bad.trace "${json[@]}" --skip-bad "$bad"
done
expect_exit 1 "an unknown record key: runtime failure" replay badkey.trace "${json[@]}"
check "the message names badkey.trace:2: and the key" \
	eval 'grep -q "badkey\.trace:2:" err && grep -q colour err'
expect_exit 1 "a missing trace: runtime failure" replay missing.trace "${json[@]}"
check "the message names the missing trace" grep -q 'missing\.trace' err
expect_exit 1 "a directory as trace: runtime failure" replay adir "${json[@]}"
expect_exit 1 "an empty trace: runtime failure" replay empty.trace "${json[@]}"
check "the message names the empty trace" grep -q 'empty\.trace' err
expect_exit 1 "a trace of comments only: runtime failure" replay comments.trace "${json[@]}"
expect_exit 1 "a file in no known format: runtime failure" replay garbage.bin "${json[@]}"
check "the message names the file" grep -q 'garbage\.bin' err

### --format and formats that agree ##########################################################

expect_exit 0 "--format pcsim-text" replay two.trace "${json[@]}" --format pcsim-text
check "--format pcsim-text gives the detected format's report" cmp -s out two.json
expect_exit 2 "--format nosuch: usage error" replay two.trace "${json[@]}" --format nosuch
expect_exit 1 "--format pcsim-bin on a text trace: runtime failure" \
	replay two.trace "${json[@]}" --format pcsim-bin
expect_exit 0 "an oracleGeneral trace, detected" replay og.bin "${json[@]}" --cache 128K
cp out og.json
is "oracleGeneral trace.format" "$(jget trace.format og.json)" oracle-general
is "oracleGeneral requests/hits/misses" \
	"$(jget stats.requests og.json)/$(jget stats.hits og.json)/$(jget stats.misses og.json)" 6/3/3
expect_exit 0 "--format oracle-general" replay og.bin "${json[@]}" --cache 128K --format oracle-general
check "--format oracle-general gives the detected format's report" cmp -s out og.json
expect_exit 0 "the same accesses as a text trace, without readahead" \
	replay og.trace "${json[@]}" --cache 128K --readahead 0
is "text and oracleGeneral traces agree on requests/hits/misses" \
	"$(jget stats.requests)/$(jget stats.hits)/$(jget stats.misses)" 6/3/3
cp og.bin og-trunc.bin
printf 'junk' >>og-trunc.bin
expect_exit 1 "a truncated oracleGeneral record: runtime failure" \
	replay og-trunc.bin "${json[@]}" --format oracle-general
expect_exit 0 "every op of the text format" replay allops.trace "${json[@]}"
cp out allops.json
for op in read write fsync fdatasync sync open close fadvise mmap-read mmap-write direct-read \
	direct-write sendfile truncate; do
	is "ops.$op counted once" "$(jget "stats.ops.$op" allops.json)" 1
done
is "requests are read, write, sendfile, mmap-read and mmap-write" \
	"$(jget stats.requests allops.json)" 5
is "two write requests (write, mmap-write)" "$(jget stats.write_requests allops.json)" 2
is "three read requests (read, mmap-read, sendfile)" "$(jget stats.read_requests allops.json)" 3
expect_exit 0 "every op, --readahead 0" replay allops.trace "${json[@]}" --readahead 0
is "allops: accesses/hits/misses" "$(jget stats.accesses)/$(jget stats.hits)/$(jget stats.misses)" \
	6/3/3
is "allops: mmap touches of cached pages are no major faults" "$(jget stats.major_faults)" 0
is "allops: truncate drops the pages past the new size" "$(jget stats.dropped_pages)" 2

# The same trace in pcsim-bin (pcsim trace convert) and back in pcsim-text: the same stats.
stats_of() { jflat "$1" | grep '^stats\.'; }
expect_exit 0 "trace convert to pcsim-bin" trace convert allops.trace -o allops.pcsb
expect_exit 0 "replay a pcsim-bin trace, detected" replay allops.pcsb "${json[@]}"
is "pcsim-bin trace.format" "$(jget trace.format)" pcsim-bin
check "pcsim-bin and pcsim-text give the same stats" eval 'cmp -s <(stats_of out) <(stats_of allops.json)'
expect_exit 0 "--format pcsim-bin" replay allops.pcsb "${json[@]}" --format pcsim-bin
check "pcsim-bin, forced: the same stats" eval 'cmp -s <(stats_of out) <(stats_of allops.json)'
expect_exit 0 "trace convert back to pcsim-text" \
	trace convert allops.pcsb --to pcsim-text -o allops2.trace
expect_exit 0 "replay the round-tripped text trace" replay allops2.trace "${json[@]}"
check "the round trip keeps the stats" eval 'cmp -s <(stats_of out) <(stats_of allops.json)'

# trace info's footprint: distinct (file, page) pairs of the data ops, counted in 4096-page
# blocks behind a cache of 512 (sim/cli/trace.c). fp.trace, by hand: pages 0-1, then 1-2 (one
# new), 4095-4096 across a block boundary, page 2097152 (block 512, which takes block 0's
# cache entry), page 0 again (found in the table, not counted twice), pages 0 and 1 of a
# second file, an fadvise (not data), then 40 pages of b in 40 blocks (the table grows at 32),
# each read twice: 3 + 2 + 1 + 2 + 40 = 48 pages.
{
	printf '# pcsim trace v1\n0 read a 0 8192\n1 read a 4096 8192\n2 read a 16773120 8192\n'
	printf '3 read a 8589934592 4096\n4 read a 0 4096\n5 read b 0 4096\n6 write b 4096 4096\n'
	printf '7 fadvise a 0 1048576 advice=willneed\n'
	for k in $(seq 2 41) $(seq 2 41); do echo "8 read b $((k * 16777216)) 4096"; done
} >fp.trace
expect_exit 0 "trace info: the footprint of a hand-checked trace" trace info fp.trace
check "trace info: 48 pages, 196608 bytes" grep -qx 'footprint: 48 pages, 196608 bytes' out
expect_exit 0 "trace info, JSON" trace info fp.trace --output-format json
check "trace info, JSON: footprint_pages 48" grep -q '"footprint_pages": 48,' out
# 20,000 random reads of 1-3 pages over 16 GiB of three files: the count awk makes.
awk 'BEGIN { srand(7); print "# pcsim trace v1"
	for (i = 0; i < 20000; i++) {
		f = substr("abc", 1 + int(rand() * 3), 1); pg = int(rand() * 4194304)
		np = 1 + int(rand() * 3); printf "%d read %s %.0f %d\n", i, f, pg * 4096, np * 4096
		for (j = 0; j < np; j++) seen[f " " pg + j] = 1
	}
	for (k in seen) n++; print n >"fp-random.count" }' >fp-random.trace
expect_exit 0 "trace info: 20,000 random reads" trace info fp-random.trace
is "trace info: the footprint of random reads is the distinct pages" \
	"$(sed -n 's/^footprint: \([0-9]*\) pages.*/\1/p' out)" "$(cat fp-random.count)"
# 513 files reading their page 0: files 0 and 512 share a cache entry (file * 97 is a
# multiple of 512), so only the file tells their blocks apart.
{ t=0; for i in $(seq 0 512) 0 512; do echo "$((t++)) read f$i 0 4096"; done; } >fp-files.trace
expect_exit 0 "trace info: 513 files" trace info fp-files.trace
check "trace info: page 0 of 513 files is 513 pages" grep -qx 'footprint: 513 pages, 2101248 bytes' out
printf '0 read c 0 68719480832\n1 read c 0 4096\n' >huge.trace
expect_exit 0 "trace info: a request of 2^24 + 1 pages" trace info huge.trace
check "trace info: such a request is an upper bound, not enumerated" \
	grep -qx 'footprint: at most 16777218 pages, 68719484928 bytes' out

# A bad binary record is named by its number and the byte it starts at: the CloudPhysics vscsi
# sample (v1, 32-byte records) with record 3's SCSI command (at byte 64 + 12) zeroed.
vs_sample=${PCSIM_SRCDIR:-}/tests/data/cloudPhysicsIO-head4000.vscsi
if [ -f "$vs_sample" ]; then
	cp "$vs_sample" bad.vscsi && chmod u+w bad.vscsi
	printf '\000' | dd of=bad.vscsi bs=1 seek=76 conv=notrunc 2>/dev/null
	expect_exit 1 "trace info: a vscsi record with a bad command" trace info bad.vscsi
	check "the error names the record and its byte" \
		grep -q 'bad.vscsi: record 3 (byte 64): expected a SCSI READ' err
	expect_exit 0 "trace info --skip-bad 1 skips it" trace info --skip-bad 1 bad.vscsi
	check "3,999 records are left" grep -qx 'records:  3999' out
else
	n=$((n + 1))
	echo "ok $n # SKIP $vs_sample is missing (PCSIM_SRCDIR not set?)"
fi

# A path JSON must escape.
cp two.trace 'we"ird\name.trace'
expect_exit 0 "a trace path with a quote and a backslash" replay 'we"ird\name.trace' "${json[@]}"
check "the report is still valid JSON" jvalid
is "the path is escaped" "$(jget trace.path)" 'we\"ird\\name.trace'

### --config ################################################################################

expect_exit 0 "--config FILE" replay bad.trace "${json[@]}" --config cfg.ini
is "config file: cache" "$(jget config.cache)" 262144
is "config file: policy" "$(jget config.policy)" lru
is "config file: reclaim_batch" "$(jget config.reclaim_batch)" 8
is "config file: inactive-ratio (dash spelling)" "$(jget config.inactive_ratio)" 3
is "config file: workingset" "$(jget config.workingset)" false
is "config file: skip_bad took effect" "$(jget stats.bad_records)" 2
expect_exit 0 "--config=FILE" replay bad.trace "${json[@]}" --config=cfg.ini
is "--config=FILE: cache" "$(jget config.cache)" 262144
expect_exit 0 "command-line options override the config file" \
	replay bad.trace "${json[@]}" --config cfg.ini --policy two-list --cache 1M
is "override: policy" "$(jget config.policy)" two-list
is "override: cache" "$(jget config.cache)" 1048576
is "override: other keys still from the file" "$(jget config.reclaim_batch)" 8
expect_exit 0 "options before --config still win" \
	replay bad.trace "${json[@]}" --reclaim-batch 4 --config cfg.ini
is "options before --config: reclaim_batch" "$(jget config.reclaim_batch)" 4
expect_exit 0 "warmup from a config file" replay two.trace "${json[@]}" --config warmup.ini
is "config warmup: warmup.requests" "$(jget warmup.requests)" 1
expect_exit 2 "a missing config file: usage error" replay two.trace "${json[@]}" --config nofile.ini
expect_exit 2 "an unknown config key: usage error" replay two.trace "${json[@]}" --config unknown-key.ini
check "the message names the unknown key" grep -q frobnicate err
expect_exit 2 "a bad config value: usage error" replay two.trace "${json[@]}" --config bad-value.ini
check "the message names the bad value" grep -q lots err
expect_exit 2 "a file that is not INI: usage error" replay two.trace "${json[@]}" --config not-ini.ini

### --progress, -q ##########################################################################

for v in auto always never; do
	expect_exit 0 "--progress $v" replay two.trace --output-format json --progress "$v"
	check "--progress $v does not change the report" cmp -s out two.json
done
expect_exit 2 "--progress sometimes: usage error" replay two.trace --progress sometimes

### Several traces, one cache ################################################################

expect_exit 0 "two traces" replay a.trace b.trace "${json[@]}"
is "two traces: traces[] in order" "$(jget traces.0.path)|$(jget traces.1.path)|$(jget traces.2.path)" \
	"a.trace|b.trace|"
is "two traces: trace is the first" "$(jget trace.path)" a.trace
is "two traces: requests add up" "$(jget stats.requests)" 2
is "two traces share one cache (the second read hits)" "$(jget stats.hits)" 1
is "two traces: one file" "$(jget stats.files)" 1
expect_exit 0 "three traces with a warm-up across them" replay a.trace b.trace two.trace \
	"${json[@]}" --warmup 2
is "warm-up across traces: warmup/measured requests" \
	"$(jget warmup.requests)/$(jget stats.requests)" 2/2
expect_exit 1 "a missing trace among several: runtime failure" \
	replay a.trace missing.trace "${json[@]}"
check "the message names the missing one" grep -q 'missing\.trace' err

### The trace level of real samples #########################################################
# Every result says whether it replayed a block trace (what got past a page cache already) or
# a file trace, in JSON (trace.level, traces[].level), CSV (trace_level) and the normal header.

data=${PCSIM_SRCDIR:-}/tests/data
if [ -f "$data/msr-cambridge1-sample.csv" ] && [ -f "$data/tar_extract.head.strace" ]; then
	for pair in msr-cambridge1-sample.csv=msr=block spc-sample.spc=spc=block \
		nvme-dmcrypt.blkparse.txt=blkparse=block cloudPhysicsIO-head4000.txt=lcs-txt=block \
		tar_extract.head.strace=strace=file zipf_randrw.head.v3.iolog=fio-iolog=file; do
		f=${pair%%=*} rest=${pair#*=}
		fmt=${rest%%=*} lvl=${rest#*=}
		expect_exit 0 "$f: replay, JSON" replay "$data/$f" "${json[@]}"
		is "$f: trace.format/level, traces.0.level" \
			"$(jget trace.format)/$(jget trace.level)/$(jget traces.0.level)" "$fmt/$lvl/$lvl"
		expect_exit 0 "$f: replay, CSV" replay "$data/$f" "${csv[@]}"
		is "$f: CSV trace_format/trace_level" \
			"$(csvget trace_format)/$(csvget trace_level)" "$fmt/$lvl"
		expect_exit 0 "$f: replay, normal" replay "$data/$f" -q --progress never
		check "$f: the normal header says $lvl level" \
			grep -q "^pcsim replay: .*$f ($fmt, $lvl level, " out
	done
else
	n=$((n + 1))
	echo "ok $n # SKIP $data is missing (PCSIM_SRCDIR not set?)"
fi

### The shipped sample trace ################################################################
# traces/small.trace derives its numbers in its header comments. They are the list model's
# alone: readahead changes them (the sequential reads of a.db bring pages in ahead, so fewer
# misses), hence --readahead 0 (the default, auto, gives a pcsim-text trace 128K).

small_trace=${PCSIM_SRCDIR:-}/traces/small.trace
if [ -f "$small_trace" ]; then
	expect_exit 0 "traces/small.trace, --readahead 0" replay "$small_trace" "${json[@]}" \
		--readahead 0
	for pair in requests=13 read_requests=8 write_requests=5 accesses=37 hits=17 misses=20 \
		activations=16 active_pages=16 inactive_pages=4 request_hits=5; do
		is "small.trace: stats.${pair%%=*}" "$(jget "stats.${pair%%=*}")" "${pair#*=}"
	done
	is "small.trace, --readahead 0: nothing read ahead" "$(jget stats.ra_pages)" 0
	expect_exit 0 "traces/small.trace with the defaults (readahead 128K)" \
		replay "$small_trace" "${json[@]}"
	check "small.trace: readahead saves misses" test "$(jget stats.misses)" -lt 20
	is "small.trace: requests do not depend on readahead" "$(jget stats.requests)" 13
else
	n=$((n + 1))
	echo "ok $n # SKIP $small_trace is missing (PCSIM_SRCDIR not set?)"
fi

### Writeback at the end of the trace ########################################################
# Three dirty pages and no fsync: the final sync writes them, unless --no-final-sync (or
# --final-sync off) leaves them, as a crash would. A write of 0 bytes is a bad record.
printf '0 write w 0 12288\n1000 read w 0 4096\n' >wb.trace
expect_exit 0 "final sync" replay wb.trace "${json[@]}"
is "final sync: dirty_end_pages/wb_sync_pages" \
	"$(jget stats.dirty_end_pages)/$(jget stats.wb_sync_pages)/$(jget stats.dirty_pages)" 3/3/0
expect_exit 0 "--no-final-sync" replay wb.trace "${json[@]}" --no-final-sync
is "--no-final-sync: dirty pages stay" \
	"$(jget stats.dirty_end_pages)/$(jget stats.wb_sync_pages)/$(jget stats.dirty_pages)" 3/0/3
is "--no-final-sync is --final-sync off" "$(jget config.final_sync)" false
printf '0 write w 0 0\n' >wb0.trace
expect_exit 1 "a write of 0 bytes" replay wb0.trace "${json[@]}"
check "a write of 0 bytes: the record named" grep -q "wb0.trace: record 1: a write of 0 bytes" err

### Fidelity against the kernel (tests/data/fidelity/SOURCE.md) ###############################
# tar_extract replayed with the recording machine's settings predicts the recorded data reads
# exactly: 9 queued read I/Os (15 once split at 1280 KiB) of 16,900,096 bytes. With the default
# 128K readahead the I/O count is visibly wrong. sqlite_build reads no data (every page it
# reads it wrote); the recording has 20 KiB of metadata reads only.

fid=${PCSIM_SRCDIR:-}/tests/data/fidelity
sys=(--exclude-path /usr --exclude-path /lib --exclude-path /etc --exclude-path /proc
	--exclude-path /dev)
host=(--readahead 2560K --io-pages 1280K --folios on)
if [ -f "$fid/tar_extract.strace.zst" ]; then
	expect_exit 0 "fidelity tar_extract" fidelity "$fid/tar_extract.strace.zst" \
		"$fid/tar_extract.blkparse.txt.zst" "${host[@]}" "${sys[@]}" --output-format json
	is "tar_extract: queued data reads recorded/predicted" \
		"$(jget rows.0.recorded)/$(jget rows.0.predicted)" 9/9
	is "tar_extract: dispatched data reads recorded/predicted" \
		"$(jget rows.1.recorded)/$(jget rows.1.predicted)" 15/15
	is "tar_extract: data read bytes recorded/predicted" \
		"$(jget rows.2.recorded)/$(jget rows.2.predicted)" 16900096/16900096
	is "tar_extract: filtered records" "$(jget filtered_records)" 101
	expect_exit 0 "fidelity tar_extract, 128K readahead" fidelity \
		"$fid/tar_extract.strace.zst" "$fid/tar_extract.blkparse.txt.zst" --readahead 128K \
		--io-pages 1280K --folios on "${sys[@]}" --output-format csv
	is "tar_extract at 128K: the I/O count is visibly wrong" \
		"$(sed -n 2p out)" '"data reads queued (I/Os)",9,65,6.2222'
	expect_exit 0 "fidelity sqlite_build" fidelity "$fid/sqlite_build.strace.zst" \
		"$fid/sqlite_build.blkparse.txt.zst" "${host[@]}" "${sys[@]}" --output-format json
	is "sqlite_build: no data reads recorded or predicted" \
		"$(jget rows.2.recorded)/$(jget rows.2.predicted)" 0/0
	is "sqlite_build: metadata read bytes recorded, not predicted" \
		"$(jget rows.7.name)/$(jget rows.7.recorded)/$(jget rows.7.predicted)" \
		"metadata read bytes/20480/null"
	expect_exit 0 "fidelity normal table, --series" fidelity "$fid/tar_extract.strace.zst" \
		"$fid/tar_extract.blkparse.txt.zst" "${host[@]}" "${sys[@]}" --series fid.csv
	is "--series: header" "$(head -n 1 fid.csv)" \
		time_s,recorded_read_bytes,predicted_read_bytes
	is "--series: both end at the bytes read" "$(tail -n 1 fid.csv | cut -d, -f2-)" \
		16900096,16900096
	check "fidelity table: metadata reported apart" grep -q '^metadata reads (I/Os) .*(not seen)' out
	expect_exit 1 "fidelity: the traces swapped" fidelity "$fid/tar_extract.blkparse.txt.zst" \
		"$fid/tar_extract.strace.zst"
	check "fidelity swapped: says the block side must be blkparse" \
		grep -q 'the block side of a fidelity check must be blkparse' err
	expect_exit 1 "fidelity: a pair from two runs" fidelity "$fid/tar_extract.strace.zst" \
		"$fid/sqlite_build.blkparse.txt.zst" "${sys[@]}"
	check "two runs: said, not a misleading table" \
		grep -q 'the traces do not look like one run: .* spans 1.42 s, .* 12.54 s' err
	expect_exit 0 "fidelity --force shows it anyway" fidelity "$fid/tar_extract.strace.zst" \
		"$fid/sqlite_build.blkparse.txt.zst" "${sys[@]}" --force
	printf '  7,1    0        0     0.000000000 1  D   R 8 + 8 [x]\n' >donly.blkparse.txt
	expect_exit 1 "fidelity: a block trace without Q events" fidelity \
		"$fid/tar_extract.strace.zst" donly.blkparse.txt
	check "fidelity without Q: says so" grep -q 'no Q events' err
	expect_exit 0 "replay with path filters" replay "$fid/tar_extract.strace.zst" \
		"${json[@]}" "${sys[@]}"
	is "replay: records left out by the path filters" "$(jget stats.filtered_records)" 101
	expect_exit 0 "replay with --include-path" replay "$fid/tar_extract.strace.zst" \
		"${json[@]}" --include-path 'mnt/*'
	is "--include-path mnt/*: the system files left out" "$(jget stats.filtered_records)" 101
	expect_exit 0 "replay --group 'mnt/*'" replay "$fid/tar_extract.strace.zst" "${json[@]}" \
		"${host[@]}" "${sys[@]}" --group 'mnt/*'
	is "--group: the archive's reads are the group's" \
		"$(jget stats.group_requests)/$(jget stats.group_accesses)" \
		"$(jget stats.requests)/$(jget stats.accesses)"
	expect_exit 0 "replay --group /etc" replay "$fid/tar_extract.strace.zst" "${json[@]}" \
		--group /etc
	check "--group /etc: a part of the requests" test "$(jget stats.group_requests)" -gt 0 -a \
		"$(jget stats.group_requests)" -lt "$(jget stats.requests)"
	expect_exit 1 "path filters on a block trace" replay "$fid/tar_extract.blkparse.txt.zst" \
		--exclude-path /usr
	check "path filters on a block trace: said" grep -q 'are for file-level traces' err
else
	n=$((n + 1))
	echo "ok $n # SKIP $fid is missing (PCSIM_SRCDIR not set?)"
fi

### Serving what-ifs: gen web, --serve all, --directio-threshold ##############################
# A small file-serving trace: Zipf small files (f*) and one streamed video. The accounting
# per method is transfer.c's table: CPU copies per served byte read-write 2, mmap-write,
# sendfile, splice and direct 1, sendfile-sg 0; system calls per read 2, 2, 1, 1, 1, 2; two
# context switches per call; page faults only through mmap.

web_args=(gen web --requests 3000 --files 300 --size 8M --large-files 1 --large-share 0.1
	--segment 256K --seed 7)
expect_exit 0 "gen web" "${web_args[@]}" -o web.pcsb
expect_exit 0 "gen web, the same seed again" "${web_args[@]}" -o web2.pcsb
check "gen web: the same seed gives the same bytes" cmp -s web.pcsb web2.pcsb
expect_exit 0 "replay --serve all, CSV" replay web.pcsb --cache 4M --serve all -q \
	--output-format csv
cp out serve.csv
# serve_rows: "method hit_ratio served_bytes cpu_copy_bytes syscalls context_switches
# page_faults served_requests resident_pages dev_read_bytes dma_bytes", one row per method
serve_rows() {
	awk -F, 'NR == 1 { for (f = 1; f <= NF; f++) { gsub(/"/, "", $f); col[$f] = f }; next }
		{ print $col["serve"], $col["hit_ratio"], $col["served_bytes"],
		        $col["cpu_copy_bytes"], $col["syscalls"], $col["context_switches"],
		        $col["page_faults"], $col["served_requests"], $col["resident_pages"],
		        $col["dev_read_bytes"], $col["dma_bytes"] }' "$1"
}
is "--serve all: a row per method, in order" "$(serve_rows serve.csv | awk '{ printf "%s ", $1 }')" \
	"read-write mmap-write sendfile sendfile-sg splice direct "
check "--serve all: the cached methods hit alike, and do hit" eval \
	'[ "$(serve_rows serve.csv | head -n 5 | awk "{ print \$2 }" | sort -u | wc -l)" -eq 1 ] &&
	 awk "NR == 1 && \$2 > 0.5 { ok = 1 } END { exit !ok }" <(serve_rows serve.csv)'
check "--serve all: the cached methods read the device alike" eval \
	'[ "$(serve_rows serve.csv | head -n 5 | awk "{ print \$10 }" | sort -u | wc -l)" -eq 1 ]'
check "--serve all: copies, calls, switches and faults per the table" eval \
	'serve_rows serve.csv | awk "
		BEGIN { split(\"2 1 1 0 1 1\", cp); split(\"2 2 1 1 1 2\", sc) }
		{ i++; bad += \$4 != cp[i] * \$3 || \$5 != sc[i] * \$8 || \$6 != 2 * \$5 ||
		          (\$1 == \"mmap-write\") != (\$7 > 0) || \$3 != s3 && i > 1; s3 = \$3 }
		END { exit bad || i != 6 }"'
check "--serve all: DMA is the device reads plus the send" eval \
	'serve_rows serve.csv | awk "{ bad += \$11 != \$10 + \$3 } END { exit bad }"'
check "--serve all: direct caches nothing and hits nothing" eval \
	'serve_rows serve.csv | awk "\$1 == \"direct\" { ok = \$9 == 0 && \$2 == 0 && \$10 >= \$3 }
		END { exit !ok }"'
expect_exit 0 "replay --serve sendfile alone" replay web.pcsb --cache 4M --serve sendfile -q \
	--output-format csv
is "--serve all's sendfile row is --serve sendfile's" "$(serve_rows out)" \
	"$(serve_rows serve.csv | grep '^sendfile ')"
expect_exit 0 "replay --serve all, JSON" replay web.pcsb --cache 4M --serve all -q \
	--output-format json
check "--serve all, JSON: six valid lines" eval '[ "$(wc -l < out)" -eq 6 ] &&
	for i in 1 2 3 4 5 6; do sed -n "${i}p" out > line.json; jvalid line.json || exit 1; done'
is "--serve all, JSON: the sixth is direct" "$(sed -n 6p out > line.json; jget config.serve line.json)" direct
expect_exit 0 "replay --serve all, table" replay web.pcsb --cache 4M --serve all -q
check "--serve all, table: the six methods head it" eval \
	'sed -n 2p out | grep -qE "read-write +mmap-write +sendfile +sendfile-sg +splice +direct"'
expect_exit 2 "--serve all with --device" replay web.pcsb --serve all --device dev.img
check "--serve all with --device: no device made" test ! -e dev.img
expect_exit 0 "--group f*, no direct I/O threshold" replay web.pcsb --cache 4M --group 'f*' -q \
	--output-format json
g0=$(jget stats.group_hit_ratio)
expect_exit 0 "--group f*, --directio-threshold 1M" replay web.pcsb --cache 4M --group 'f*' -q \
	--directio-threshold 1M --output-format json
g1=$(jget stats.group_hit_ratio)
check "--directio-threshold 1M: the small files hit more ($g0 -> $g1)" \
	awk -v a="$g0" -v b="$g1" 'BEGIN { exit !(a > 0 && b > a) }'

### The README's scan-hot example ##########################################################
# traces/scan-hot.pcsb at 12 MiB without readahead: two-list keeps the hot set through the
# scan, LRU loses it (README.md, traces/README.md: hit ratios 0.7053 and 0.6899).

sh_trace=${PCSIM_SRCDIR:-}/traces/scan-hot.pcsb
if [ -f "$sh_trace" ]; then
	expect_exit 0 "scan-hot, two-list, 12M, --readahead 0" replay "$sh_trace" "${json[@]}" \
		--cache 12M --readahead 0 --policy two-list
	is "scan-hot, two-list: requests/hits" "$(jget stats.requests)/$(jget stats.hits)" 60000/42317
	expect_exit 0 "scan-hot, lru, 12M, --readahead 0" replay "$sh_trace" "${json[@]}" \
		--cache 12M --readahead 0 --policy lru
	is "scan-hot, lru: requests/hits" "$(jget stats.requests)/$(jget stats.hits)" 60000/41392
else
	n=$((n + 1))
	echo "ok $n # SKIP $sh_trace is missing (PCSIM_SRCDIR not set?)"
fi

### A published result ######################################################################
# The CloudPhysics sample of libCacheSim (tests/data/SOURCE.md), plain LRU at 5,000 pages:
# miss ratio 0.803771 in libCacheSim and in bench/floor_lru.c, i.e. 22,345 hits of 113,872.

cp_trace=${PCSIM_SRCDIR:-}/tests/data/cloudPhysicsIO.oracleGeneral.bin
if [ -f "$cp_trace" ]; then
	expect_exit 0 "CloudPhysics sample, lru --reclaim-batch 1, 5000 pages" replay "$cp_trace" \
		"${json[@]}" --policy lru --reclaim-batch 1 --cache $((5000 * 4096))
	is "CloudPhysics sample: requests/hits as libCacheSim's LRU" \
		"$(jget stats.requests)/$(jget stats.hits)" 113872/22345
else
	n=$((n + 1))
	echo "ok $n # SKIP $cp_trace is missing (PCSIM_SRCDIR not set?)"
fi

echo "1..$n"
[ "$nr_failed" -eq 0 ]
