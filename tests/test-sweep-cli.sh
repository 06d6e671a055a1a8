#!/usr/bin/env bash
# test-sweep-cli.sh - the contract of `pcsim sweep`, `merge`, `plot` and replay's time series,
# as a TAP script run by `make check`.
#
# What is tested: a sweep's rows are the reports of separate `pcsim replay` runs with the same
# parameters (configuration and statistics compared as text); the output is the same bytes with
# -j 1 and -j 2; --list-jobs + --job-index + merge give the in-process output byte for byte
# (JSON Lines and CSV, a failed job included) and a rerun skips finished jobs; --mrc equals
# per-size lru replays (--reclaim-batch 1 --readahead 0) exactly; bad grids are usage errors
# (exit 2) found before any work (the trace given does not even exist); --interval/--timeline
# rows; plots are PNG/SVG/ASCII when gnuplot is in PATH, and without it (PATH stripped) the
# data and the script are still written with the install hint and exit 2; a gnuplot error
# shows gnuplot's message and leaves no image.
#
# Environment (set by Makefile.am): PCSIM, the binary; PCSIM_SRCDIR, the source tree (the
# sample trace and plots/). Every file is written under one mktemp -d directory.
set -u

if [ -z "${PCSIM:-}" ] || [ ! -x "$PCSIM" ]; then
	echo "1..0 # SKIP PCSIM is not set to the pcsim binary"
	exit 0
fi
case $PCSIM in /*) ;; *) PCSIM=$(pwd)/$PCSIM ;; esac
SRC=${PCSIM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TRACE=$SRC/tests/data/cloudPhysicsIO.oracleGeneral.bin
export PCSIM_PLOTS_DIR=$SRC/plots

T=$(mktemp -d "${TMPDIR:-/tmp}/pcsim-sweep.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
cp "$TRACE" cp.bin

### Helpers (as tests/test-cli.sh) ##########################################################

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
	# RUN_PATH: the PATH pcsim runs with (the helpers keep the test's own)
	timeout 600 env ${RUN_PATH:+PATH="$RUN_PATH"} "$PCSIM" "$@" >out 2>err </dev/null || rc=$?
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
	elif [ "$want" = 2 ] && ! head -n 1 err | grep -q '^pcsim'; then
		not_ok "$desc" "the error message on stderr must start with 'pcsim'"
	elif [ "$want" = 2 ] && [ -s out ]; then
		not_ok "$desc" "a usage error printed on stdout: $(head -c 200 out)"
	else
		ok "$desc"
	fi
}
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi; }
# The value of column $1 in row $2 (1 = first data row) of CSV file $3 (no quoted commas).
csvcol() { awk -F, -v k="$1" -v r="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i }
	NR == r + 1 && c { print $c }' "$3"; }
# "config":{...} and "stats":{...} of a sweep row / a replay report (no warm-up in these).
row_part() { sed -n "$2p" "$3" | sed 's/.*"'"$1"'":\({[^}]*}\).*/\1/'; }
stats_of_row() { sed -n "${1}p" "$2" | sed 's/.*"stats":\(.*\),"job":.*/\1/'; }
stats_of_replay() { sed 's/.*"stats":\(.*\)}$/\1/' "$1"; }

### Sweep rows are replays ##################################################################

GRID=(--set cache=512K,2M --set policy=two-list,lru --set reclaim_batch=32,8)
expect_exit 0 "sweep: a 2x2x2 grid runs" sweep cp.bin "${GRID[@]}" -j 2 --inactive-ratio 2
cp out grid.jsonl
is "sweep: one JSON line per job" "$(wc -l <grid.jsonl | tr -d ' ')" 8
is "sweep: rows in grid order" "$(sed 's/.*"job":\([0-9]*\).*/\1/' grid.jsonl | tr '\n' ' ')" \
	"0 1 2 3 4 5 6 7 "
i=0
for c in 512K 2M; do for p in two-list lru; do for b in 32 8; do
	i=$((i + 1))
	run replay cp.bin --cache $c --policy $p --reclaim-batch $b --inactive-ratio 2 \
		--output-format json
	cp out replay.json
	if [ "$(stats_of_row $i grid.jsonl)" = "$(stats_of_replay replay.json)" ] &&
	   [ "$(row_part config $i grid.jsonl)" = "$(row_part config 1 replay.json)" ]; then
		ok "sweep: row $i (cache $c, $p, batch $b) is the replay's stats and config"
	else
		not_ok "sweep: row $i (cache $c, $p, batch $b) is the replay's stats and config" \
			"row:    $(stats_of_row $i grid.jsonl | head -c 300)" \
			"replay: $(stats_of_replay replay.json | head -c 300)"
	fi
done; done; done
expect_exit 0 "sweep -j 1" sweep cp.bin "${GRID[@]}" -j 1 --inactive-ratio 2
check "sweep: -j 1 and -j 2 give the same bytes (JSON Lines)" cmp -s out grid.jsonl
expect_exit 0 "sweep -j 2 csv" sweep cp.bin "${GRID[@]}" -j 2 --output-format csv
cp out grid2.csv
expect_exit 0 "sweep -j 1 csv" sweep cp.bin "${GRID[@]}" -j 1 --output-format csv -o grid1.csv
check "sweep: -j 1 and -j 2 give the same bytes (CSV, --output)" cmp -s grid1.csv grid2.csv
is "sweep: CSV has a header and 8 rows" "$(wc -l <grid1.csv | tr -d ' ')" 9
is "sweep: CSV job column" "$(csvcol job 8 grid1.csv)" 7
is "sweep: CSV hit ratio of row 3 = JSON's" "$(csvcol hit_ratio 3 grid1.csv)" \
	"$(sed -n 3p grid.jsonl | sed 's/.*"stats":{[^}]*"hit_ratio":\([^,]*\),.*/\1/')"

### A failing job ###########################################################################

expect_exit 1 "sweep: a job that cannot build its cache fails alone (exit 1)" \
	sweep cp.bin --set cache=128K,1M --set reclaim_batch=32,64 -j 2
cp out fail.jsonl
is "sweep: the others' rows are there" "$(grep -c '"error":null' fail.jsonl)" 3
check "sweep: the failed row names its configuration and error" \
	grep -q '"reclaim_batch":64.*"job":1,"error":"a cache of 32 pages' fail.jsonl
check "sweep: the failure is reported on stderr" grep -q 'job 1 failed' err

### Cluster: --list-jobs, --job-index, merge ################################################

for fmt in jsonl csv; do
	expect_exit 0 "list-jobs ($fmt)" sweep cp.bin --set cache=128K,1M,4M \
		--set reclaim_batch=32,64 --output-format $fmt --list-jobs --result-dir res-$fmt
	cp out jobs-$fmt.txt
	is "list-jobs: one line per job ($fmt)" "$(wc -l <jobs-$fmt.txt | tr -d ' ')" 6
	# run them in reverse order, as a cluster might
	status=0
	tac jobs-$fmt.txt | sed "s|^pcsim |\"\$PCSIM\" |" | while read -r line; do
		eval "$line" 2>/dev/null
	done
	is "job-index: one result file per job ($fmt)" "$(ls res-$fmt | wc -l | tr -d ' ')" 6
	expect_exit 1 "sweep in process ($fmt, one job fails)" sweep cp.bin \
		--set cache=128K,1M,4M --set reclaim_batch=32,64 --output-format $fmt -j 2
	cp out inproc-$fmt
	expect_exit 0 "merge ($fmt)" merge res-$fmt
	check "merge: the in-process sweep byte for byte ($fmt)" cmp -s out inproc-$fmt
done
touch -d '2000-01-01' res-jsonl/job-000002.jsonl
line=$(sed -n 3p jobs-jsonl.txt | sed "s|^pcsim ||; s| -q||")
eval "run $line"
check "job-index: a finished job is skipped on a rerun" \
	test "$(stat -c %Y res-jsonl/job-000002.jsonl)" = "$(date -d 2000-01-01 +%s)"
check "job-index: the skip is said" grep -q 'skipped' err
rm res-jsonl/job-000003.jsonl
expect_exit 1 "merge: a missing job is reported (exit 1)" merge res-jsonl
check "merge: ... and named" grep -q 'missing before job 4' err
expect_exit 1 "merge: JSON Lines and CSV mixed" merge res-jsonl/job-000000.jsonl \
	res-csv/job-000001.csv
expect_exit 2 "merge: --output-format other than the inputs'" merge --output-format csv \
	res-jsonl
expect_exit 2 "job-index out of the grid" sweep cp.bin --set cache=1M,2M --job-index 2 \
	--result-dir res-x
expect_exit 2 "job-index without result-dir" sweep cp.bin --set cache=1M,2M --job-index 1

### One-pass miss-ratio curve ###############################################################

expect_exit 0 "mrc: a curve over 8 sizes" sweep cp.bin --mrc --set cache=128K..16M:x2 \
	--output-format csv
cp out mrc.csv
is "mrc: one row per size" "$(wc -l <mrc.csv | tr -d ' ')" 9
i=0
all=ok
for c in 128K 256K 512K 1M 2M 4M 8M 16M; do
	i=$((i + 1))
	run replay cp.bin --cache $c --policy lru --reclaim-batch 1 --readahead 0 \
		--output-format csv
	for k in hits request_hits misses evictions; do
		if [ "$(csvcol $k 1 out)" != "$(csvcol $k $i mrc.csv)" ]; then
			all="cache $c: $k $(csvcol $k $i mrc.csv), replay $(csvcol $k 1 out)"
		fi
	done
done
is "mrc: equals lru replays at every size (hits, request hits, misses, evictions)" "$all" ok
expect_exit 0 "mrc: JSON Lines" sweep cp.bin --mrc --set cache=1M,128K
check "mrc: JSON row has the hit count" grep -q '"cache":1048576,.*"hits":' out
check "mrc: JSON rows say the trace level (oracleGeneral: block)" \
	test "$(grep -c '"format":"oracle-general","level":"block"}' out)" = 2
is "mrc: CSV trace_level" "$(csvcol trace_level 1 mrc.csv)" block
expect_exit 2 "mrc: without cache sizes" sweep cp.bin --mrc
expect_exit 2 "mrc: with another parameter" sweep cp.bin --mrc --set cache=1M \
	--set policy=lru,two-list

### Bad grids: usage errors before any work #################################################

for spec in nosuch=1 cache= cache=1M,,2M cache=, cache=lots cache=1K cache=1G..1M:x2 \
	cache=1M..1G:x1 cache=1M..1G:+0 cache=1M..1G cache=1M..2G:y2 policy=lru..two-list \
	cache=128K..1T:+4K noequals; do
	expect_exit 2 "bad --set $spec: usage error before reading the trace" \
		sweep /nonexistent/trace --set "$spec"
done
expect_exit 2 "a name set twice" sweep /nonexistent/trace --set cache=1M --set cache=2M
expect_exit 2 "more jobs than --max-jobs" sweep /nonexistent/trace --set cache=1M..64M:x2 \
	--set reclaim_batch=1..20 --max-jobs 100
check "... says so" grep -q 'more than 100 jobs' err
expect_exit 2 "bad --max-jobs" sweep cp.bin --set cache=1M --max-jobs 0
expect_exit 2 "bad -j" sweep cp.bin --set cache=1M -j -1
expect_exit 2 "bad --output-format" sweep cp.bin --set cache=1M --output-format xml
expect_exit 2 "no trace" sweep --set cache=1M
expect_exit 1 "a missing trace is a runtime failure" sweep /nonexistent/trace --set cache=1M
printf '# pcsim trace v1\n0 read a 0 4096\n1000 raed a 0 4096\n2000 read a 0 4096\n' >bad.trace
expect_exit 1 "a bad record stops the sweep (exit 1)" sweep bad.trace --set cache=1M,2M -j 2
check "... names FILE:LINE" grep -q 'bad.trace:3:' err
check "... and prints no row" test ! -s out
expect_exit 0 "--skip-bad 1 in the base lets every job through" sweep bad.trace \
	--set cache=1M,2M --skip-bad 1
is "... each row counts the bad record" "$(grep -c '"bad_records":1' out)" 2
expect_exit 1 "--set skip_bad=1,0: the job without budget fails alone" sweep bad.trace \
	--set skip_bad=1,0
check "... with the replay's message" grep -q '"job":1,"error":".*bad.trace:3:' out

### Time series #############################################################################

expect_exit 0 "replay --interval 10000req --timeline x.csv" replay cp.bin --cache 1M \
	--interval 10000req --timeline tl.csv
is "timeline: one row per 10000 requests, and the end" "$(wc -l <tl.csv | tr -d ' ')" 13
is "timeline: interval requests add up" \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "interval_requests") c = i }
		NR > 1 { s += $c } END { print s }' tl.csv)" 113872
check "timeline: every field of the stats is a column" \
	grep -q '^interval,t_ns,interval_requests,.*,hit_ratio,.*,active_pages,inactive_pages' tl.csv
expect_exit 0 "replay --interval 600s --timeline x.jsonl" replay cp.bin --cache 1M \
	--interval 600s --timeline tl.jsonl
is "timeline: JSON Lines rows every 600 s of trace time" "$(wc -l <tl.jsonl | tr -d ' ')" 13
check "timeline: rows are JSON objects with t_ns" grep -q '^{"interval":2,"t_ns":1200000000000,' tl.jsonl
expect_exit 0 "--timeline-format csv overrides the name" replay cp.bin --interval 50000req \
	--timeline tl.txt --timeline-format csv
check "... CSV" grep -q '^interval,' tl.txt
expect_exit 2 "--interval without a unit" replay cp.bin --interval 100 --timeline x.csv
expect_exit 2 "--timeline without --interval" replay cp.bin --timeline x.csv
expect_exit 2 "--interval alone" replay cp.bin --interval 1s

### Plots ###################################################################################

png_magic() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
if command -v gnuplot >/dev/null 2>&1; then
	expect_exit 0 "plot --kind mrc -o mrc.png" plot mrc.csv --kind mrc -o mrc.png
	check "plot: mrc.png is a PNG" png_magic mrc.png
	check "plot: the data and the script are kept beside it" test -s mrc-plot.csv -a -s mrc-plot.gp
	expect_exit 0 "plot --kind mrc of a sweep, one line per policy" plot grid1.csv --kind mrc \
		-o lines.svg
	check "plot: lines.svg is SVG" grep -q '<svg' lines.svg
	check "plot: ... with a series per policy and batch" \
		grep -q "titles = 'policy=two-list,reclaim_batch=32 " lines.gp
	expect_exit 0 "plot --kind heatmap" sweep cp.bin --set cache=512K,1M,2M \
		--set reclaim_batch=1,8,32 --output-format csv -o heat.csv
	expect_exit 0 "plot --kind heatmap -o heat.png" plot heat.csv --kind heatmap -o heat.png
	check "plot: heat.png is a PNG" png_magic heat.png
	expect_exit 0 "plot --kind timeline -o - (ASCII)" plot tl.csv --kind timeline -o -
	check "plot: ASCII plot on stdout" grep -q 'interval hit ratio' out
	expect_exit 0 "plot --kind lists -o lists.svg" plot tl.csv --kind lists -o lists.svg
	check "plot: lists.svg is SVG" grep -q '<svg' lists.svg
	expect_exit 0 "replay --plot DIR" replay cp.bin --cache 1M --plot rp -q
	check "replay --plot: timeline and lists images, data, scripts" \
		png_magic rp/timeline.png -a -s rp/timeline.csv -a -s rp/timeline.gp
	check "replay --plot: lists" png_magic rp/lists.png
	expect_exit 0 "sweep --mrc --plot DIR" sweep cp.bin --mrc --set cache=128K..4M:x2 --plot sp -q
	check "sweep --plot: mrc.png" png_magic sp/mrc.png
	check "sweep --plot: the script redraws alone" sh -c 'cd sp && rm mrc.png && gnuplot mrc.gp && test -s mrc.png'
	expect_exit 0 "sweep --plot DIR (cache x policy)" sweep cp.bin --set cache=128K,1M \
		--set policy=lru,two-list --plot sp2 -q
	check "sweep --plot: mrc and heatmap" png_magic sp2/mrc.png
	check "sweep --plot: heatmap" png_magic sp2/heatmap.png
	# a gnuplot error: its message, no image
	mkdir bad && printf 'plot nosuchfunction(x)\n' >bad/mrc.gp
	PCSIM_PLOTS_DIR=$T/bad expect_exit 1 "plot: a gnuplot error fails" plot mrc.csv --kind mrc \
		-o broken.png
	check "plot: gnuplot's message is shown" grep -q 'gnuplot failed.*nosuchfunction' err
	check "plot: no image is left" test ! -e broken.png
else
	ok "# SKIP gnuplot not installed: plot images not checked"
fi
# without gnuplot (PATH stripped): data and script written, install hint, exit 2
mkdir nobin
RUN_PATH=$T/nobin expect_exit 2 "plot without gnuplot: exit 2" plot mrc.csv --kind mrc -o nog.png
check "plot without gnuplot: says how to install it" grep -q 'apt-get install gnuplot-nox' err
check "plot without gnuplot: data and script written" test -s nog.csv -a -s nog.gp
check "plot without gnuplot: no image" test ! -e nog.png
RUN_PATH=$T/nobin expect_exit 2 "replay --plot without gnuplot: exit 2" replay cp.bin --plot np -q \
	-o report.txt
check "replay --plot without gnuplot: data and script in DIR" test -s np/timeline.csv -a -s np/timeline.gp
expect_exit 2 "plot: unknown kind" plot mrc.csv --kind pie -o x.png
expect_exit 2 "plot: unknown image type" plot mrc.csv --kind mrc -o x.jpg
expect_exit 2 "plot: data without the columns" plot tl.csv --kind mrc -o x.png
expect_exit 2 "plot: a heatmap needs two parameters" plot mrc.csv --kind heatmap -o x.png

echo "1..$n"
[ "$nr_failed" -eq 0 ]
