#!/usr/bin/env bash
# bench/run.sh PCSIM_BINARY BENCH_SRCDIR - pcsim's throughput against the cost floor.
#
# Called by `make bench` from the build directory. Builds the shared references
# (gen_block_trace, floor_lru) into bench/out/, generates the standard trace once (20,000,000
# requests over 1,959,341 distinct 4 KiB blocks; reused when present), then at 10% and 50% of
# the footprint replays it 3 times each with floor_lru, pcsim two-list and pcsim lru with
# --reclaim-batch 1 (metadata only, --data off), and prints medians; then readahead's cost
# (off vs 128K, also in one process with bench/ra_ab), writeback's (a 30%-write variant with
# an fsync every 10,000 requests against the read-only trace), the device data path's
# (--data on vs off, with peak RSS, and --data on against a device filled with resident
# pages), and parsing throughput of `pcsim trace info` on the trace in four encodings.
# Throughput is reported as a ratio to floor_lru in the same run, since absolute numbers only
# describe the machine. Exits non-zero when pcsim's lru does not hit exactly as often as
# floor_lru (which matches libCacheSim's LRU). The table is also written to
# bench/out/results.txt. Needs bash, gcc, awk, sed and /usr/bin/time.
# `make bench` runs this with $(SHELL), which is dash on Debian: carry on under bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 PCSIM_BINARY BENCH_SRCDIR" >&2
	exit 2
fi
pcsim=$1
src=$2
ra_ab=$(dirname "$pcsim")/bench/ra_ab  # built next to pcsim by make bench
out=bench/out
trace=$out/synth.oracleGeneral.bin
trace_bytes=$((20000000 * 24))
footprint=1959341
sizes="195934 979670" # 10% and 50% of the footprint, in pages
runs=3

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$pcsim" ] || die "$pcsim is not an executable"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian: apt-get install time)"
mkdir -p "$out"

# build NAME EXTRA_LIBS: gcc -O2 a reference tool, when missing or older than its source.
build() {
	if [ ! -x "$out/$1" ] || [ "$src/$1.c" -nt "$out/$1" ]; then
		echo "bench: building $out/$1"
		gcc -O2 -o "$out/$1" "$src/$1.c" ${2:+"$2"}
	fi
}
build gen_block_trace -lm
build floor_lru ""
build copy_floor ""

if [ ! -f "$trace" ] || [ "$(wc -c <"$trace")" -ne "$trace_bytes" ]; then
	echo "bench: generating the standard trace $trace (once; about 480 MB)"
	"$out/gen_block_trace" -o "$out/synth-tmp" >"$out/gen.txt"
	rm -f "$out/synth-tmp.csv" # the text copy is not used here
	mv "$out/synth-tmp.oracleGeneral.bin" "$trace"
fi

# The standard trace in pcsim's formats, made once (the writeback and parsing figures use them;
# they were made only before the parsing figures, after their first use). pcsim-bin files of
# version 1 (names after the records: a compressed one is read twice) are made again, so the
# figures are those of the format pcsim writes.
for f in "$out/synth.pcsb" "$out/synth-rw30.pcsb"; do
	if [ -f "$f" ] && [ "$(od -An -tu1 -j8 -N1 "$f" | tr -d ' ')" != 2 ]; then
		echo "bench: $f is pcsim-bin version 1; writing it again"
		rm -f "$f" "$f.zst"
	fi
done
[ -f "$out/synth.pcsb" ] || "$pcsim" trace convert "$trace" -o "$out/synth.pcsb"
[ -f "$out/synth.txt" ] || "$pcsim" trace convert "$trace" --to pcsim-text -o "$out/synth.txt"
if command -v zstd >/dev/null 2>&1; then
	[ -f "$out/synth.pcsb.zst" ] || zstd -q -3 "$out/synth.pcsb" -o "$out/synth.pcsb.zst"
fi

# measure OUTFILE CMD...: runs CMD $runs times, stdout of the last run to OUTFILE, and prints
# "median_wall_seconds max_peak_rss_kib". Wall time is taken around the command with
# nanosecond resolution; /usr/bin/time gives the peak RSS (and %e as a cross-check).
measure() {
	local dest=$1 t0 t1 walls=() rss=0 m
	shift
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%e %M' -o "$out/time.txt" "$@" >"$dest" ||
			die "failed ($?): $*"
		t1=$(date +%s%N)
		walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
		m=$(awk '{ print $2 }' "$out/time.txt")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")" "$rss"
}

# json_stat FILE KEY: the number KEY of the "stats" object in pcsim's one-line JSON report
# (the first KEY after "stats":, which comes before the "warmup" object).
json_stat() {
	sed 's/.*"stats":{//' "$1" | tr ',{}' '\n' |
		sed -n "s/^\"$2\":\\([-0-9.eE+]*\\)\$/\\1/p" | head -n 1
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

results=$out/results.txt
row() { printf '%-14s %11s %12s %8s %8s %9s %9s\n' "$@"; }
{
	echo "pcsim bench: $(basename "$trace") ($footprint distinct pages)," \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cpus, median wall time of $runs runs"
	row policy cache_pages requests/s vs_floor rss_MiB floor_MiB hit_ratio
} >"$results"
status=0
for pages in $sizes; do
	m=$(measure "$out/floor.txt" "$out/floor_lru" "$trace" "$pages")
	read -r fwall frss <<<"$m"
	read -r freq fhits _ <"$out/floor.txt"
	frate=$(awk -v n="$freq" -v t="$fwall" 'BEGIN { printf "%.0f", n / t }')
	fratio=$(awk -v h="$fhits" -v n="$freq" 'BEGIN { printf "%.6f", h / n }')
	row floor_lru "$pages" "$frate" 1.00 "$(mib "$frss")" "$(mib "$frss")" \
		"$fratio" >>"$results"
	for policy in "two-list" "lru --reclaim-batch 1"; do
		json=$out/pcsim-${policy%% *}-$pages.json
		# shellcheck disable=SC2086 # $policy is two words on purpose
		m=$(measure "$json" "$pcsim" replay "$trace" --format oracle-general \
			--cache $((pages * 4096)) --policy $policy --data off -q \
			--output-format json --progress never)
		read -r wall rss <<<"$m"
		reqs=$(json_stat "$json" requests)
		hits=$(json_stat "$json" hits)
		ratio=$(json_stat "$json" hit_ratio)
		if [ -z "$reqs" ] || [ -z "$hits" ]; then die "no stats.requests/hits in $json"; fi
		rate=$(awk -v n="$reqs" -v t="$wall" 'BEGIN { printf "%.0f", n / t }')
		vs=$(awk -v a="$rate" -v b="$frate" 'BEGIN { printf "%.2f", a / b }')
		label=$policy
		[ "$policy" = two-list ] || label="lru/batch-1"
		row "$label" "$pages" "$rate" "$vs" "$(mib "$rss")" "$(mib "$frss")" \
			"$(awk -v r="$ratio" 'BEGIN { printf "%.6f", r }')" >>"$results"
		if [ "$label" = lru/batch-1 ] && { [ "$hits" != "$fhits" ] || [ "$reqs" != "$freq" ]; }; then
			echo "MISMATCH at $pages pages: pcsim lru $reqs requests $hits hits," \
				"floor_lru $freq requests $fhits hits" >>"$results"
			status=1
		fi
	done
done
if [ "$status" -eq 0 ]; then
	echo "check: pcsim lru --reclaim-batch 1 hits == floor_lru hits at every size: OK" >>"$results"
fi

# Readahead's cost: two-list at 10% with --readahead 128K against off (the block trace's
# default), in requests/s; readahead reads pages ahead, so the model itself does more work.
{
	echo
	echo "readahead (two-list, 195934 pages): requests/s off vs 128K"
	for ra in 0 128K; do
		m=$(measure "$out/ra.json" "$pcsim" replay "$trace" --format oracle-general \
			--cache $((195934 * 4096)) --readahead "$ra" --data off -q --output-format json \
			--progress never)
		read -r wall _ <<<"$m"
		printf '  readahead %-5s %11s requests/s  ra_pages %s\n' "$ra" \
			"$(awk -v n="$(json_stat "$out/ra.json" requests)" -v t="$wall" \
				'BEGIN { printf "%.0f", n / t }')" "$(json_stat "$out/ra.json" ra_pages)"
	done
	# The same cost measured in one process, both replays fed the same chunks in turn
	# (bench/ra_ab.c), so that both see the machine at the same moments. Median of 5, in
	# time (on / off - 1) and in throughput (1 - off / on, the issue's terms).
	if [ -x "$ra_ab" ]; then
		for i in 1 2 3 4 5; do
			"$ra_ab" "$trace" oracle-general 195934 131072 |
				sed -n 's/^cost \(.*\)%$/\1/p; s/^throughput cost \(.*\)%$/\1/p' |
				paste -s -d ' '
		done | sort -g | awk '{ c[NR] = $1; t[NR] = $2 } END {
			printf "  in one process (bench/ra_ab, median of 5): readahead 128K costs %.1f%%" \
			       " of the time (runs: %s%%), %.1f%% of the throughput\n", c[3],
			       c[1] "-" c[NR], t[3] }'
	fi
} >>"$results"

# Writeback's cost: the standard trace with 30% of its requests turned into writes (record n
# writes when (n * 7919) mod 1000 < 300) and an fsync of the volume every 10,000 requests,
# against the read-only trace, two-list at 10%, metadata only (--data off).
wtrace=$out/synth-rw30.pcsb
if [ ! -f "$wtrace" ]; then
	echo "bench: writing the 30%-write variant $wtrace (once)"
	awk 'NR == 1 { print; next }
	     { n++; if ((n * 7919) % 1000 < 300) $2 = "write"; print
	       if (n % 10000 == 0) print $1, "fsync", $3, "-", "-" }' "$out/synth.txt" \
		>"$out/synth-rw30.txt"
	"$pcsim" trace convert "$out/synth-rw30.txt" -o "$wtrace"
	rm -f "$out/synth-rw30.txt"
fi
{
	echo
	echo "writeback (two-list, 195934 pages, --data off): requests/s"
	for t in "$out/synth.pcsb" "$wtrace"; do
		m=$(measure "$out/wb.json" "$pcsim" replay "$t" --cache $((195934 * 4096)) \
			--data off -q --output-format json --progress never)
		read -r wall rss <<<"$m"
		printf '  %-22s %11s requests/s  rss %s MiB  written back %s pages in %s I/Os\n' \
			"$(basename "$t")" \
			"$(awk -v n="$(json_stat "$out/wb.json" requests)" -v t="$wall" \
				'BEGIN { printf "%.0f", n / t }')" "$(mib "$rss")" \
			"$(awk -v a="$(json_stat "$out/wb.json" wb_periodic_pages)" \
				-v b="$(json_stat "$out/wb.json" wb_background_pages)" \
				-v c="$(json_stat "$out/wb.json" wb_sync_pages)" \
				-v d="$(json_stat "$out/wb.json" wb_reclaim_pages)" \
				'BEGIN { printf "%.0f", a + b + c + d }')" \
			"$(json_stat "$out/wb.json" wb_ios)"
	done
} >>"$results"

# The data path's cost: the foundation's trace (oracle-general, block level: one page per
# miss), then the read-only and write variants as pcsim-bin (file level: 128K readahead), two-list
# at 10%, with real preadv/pwritev through a temporary backing file against --data off. The
# backing file goes to /dev/shm when it has 16 GiB free (tmpfs: the file is wholly in the OS
# page cache, as the issue measures it), else to $TMPDIR. A fresh device is sparse: reads of
# pages never written return at its end of file, so the read-only rows move few bytes in the
# kernel; the write variant's rows move real data both ways.
devdir=${TMPDIR:-/tmp}
if [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt $((16 * 1024 * 1024)) ] 2>/dev/null; then
	devdir=/dev/shm
fi
{
	echo
	echo "device data path (two-list, 195934 pages, ssd model, backing file in $devdir):" \
		"requests/s and peak RSS"
	for t in "$trace" "$out/synth.pcsb" "$wtrace"; do
		fmt=()
		[ "$t" = "$trace" ] && fmt=(--format oracle-general)
		for data in off on; do
			m=$(TMPDIR=$devdir measure "$out/dev.json" "$pcsim" replay "$t" "${fmt[@]}" \
				--cache $((195934 * 4096)) --data "$data" -q --output-format json \
				--progress never)
			read -r wall rss <<<"$m"
			printf '  %-22s --data %-3s %11s requests/s  rss %s MiB  device %s MiB read, %s MiB written\n' \
				"$(basename "$t")" "$data" \
				"$(awk -v n="$(json_stat "$out/dev.json" requests)" -v t="$wall" \
					'BEGIN { printf "%.0f", n / t }')" "$(mib "$rss")" \
				"$(awk -v b="$(json_stat "$out/dev.json" dev_read_bytes)" 'BEGIN { printf "%.0f", b / 1048576 }')" \
				"$(awk -v b="$(json_stat "$out/dev.json" dev_write_bytes)" 'BEGIN { printf "%.0f", b / 1048576 }')"
		done
	done
	# The same read-only trace against a device whose every page holds data in the OS
	# page cache (fallocate on tmpfs allocates and zeroes the pages): each miss copies a
	# resident 4 KiB page, the case the fresh device's end-of-file reads leave out.
	if [ "$devdir" = /dev/shm ]; then
		filled=$devdir/pcsim-bench-filled.$$
		trap 'rm -f "$filled" "$filled.pcsim-journal"' EXIT
		fallocate -l 8G "$filled" || die "cannot fallocate $filled"
		m=$(measure "$out/dev.json" "$pcsim" replay "$trace" --format oracle-general \
			--cache $((195934 * 4096)) --data on --device "$filled" --device-reuse -q \
			--output-format json --progress never)
		read -r wall rss <<<"$m"
		printf '  %-22s --data %-3s %11s requests/s  rss %s MiB  (device filled: 8 GiB fallocated)\n' \
			"$(basename "$trace")" on \
			"$(awk -v n="$(json_stat "$out/dev.json" requests)" -v t="$wall" \
				'BEGIN { printf "%.0f", n / t }')" "$(mib "$rss")"
		# The floor under that row: the kernel's copy of one resident page per miss.
		floor=$("$out/copy_floor" "$filled" 195934 2000000) || die "copy_floor failed"
		read -r pread_us mmap_us <<<"$floor"
		printf '  floor, per random 4 KiB page of it: pread %s us, memcpy from a mapping %s us\n' \
			"$pread_us" "$mmap_us"
		rm -f "$filled" "$filled.pcsim-journal"
		trap - EXIT
	fi
} >>"$results"

# Parsing throughput with `pcsim trace info`: the standard trace as oracleGeneral, as pcsim's
# binary and text formats, and zstd-compressed.
parse() {
	local label=$1 file=$2 m wall
	m=$(measure "$out/info.txt" "$pcsim" trace info "$file")
	read -r wall _ <<<"$m"
	printf '  %-28s %8.1f MB/s %12s records/s\n' "$label" \
		"$(awk -v b="$(wc -c <"$file")" -v t="$wall" 'BEGIN { print b / t / 1e6 }')" \
		"$(awk -v n=20000000 -v t="$wall" 'BEGIN { printf "%.0f", n / t }')"
}
{
	echo
	echo "parsing (pcsim trace info, 20M records):"
	parse oracle-general "$trace"
	parse pcsim-bin "$out/synth.pcsb"
	[ -f "$out/synth.pcsb.zst" ] && parse "pcsim-bin, zstd" "$out/synth.pcsb.zst"
	parse pcsim-text "$out/synth.txt"
} >>"$results"
cat "$results"
exit "$status"
