# mrc.gp - hit ratio against cache size (a miss-ratio curve, drawn as hit ratio), from the CSV
# of `pcsim sweep` or `pcsim sweep --mrc`. Columns are found by name, never by position.
#
# Variables (pcsim sets them at the top of the copy it writes; each has a default here):
#   datafile  the CSV                     outfile  .png (pngcairo), .svg, or '-' (ASCII)
#   xcol      x column ('cache', bytes)   ycol     y column ('hit_ratio', 0..1)
#   nseries   number of lines; the CSV's "series" column (1..nseries) says which row
#             belongs to which, and titles holds one word per line (0: one line, all rows)
# Run alone: gnuplot -e "datafile='results.csv'; outfile='mrc.svg'" mrc.gp
if (!exists("datafile")) datafile = 'mrc.csv'
if (!exists("outfile")) outfile = 'mrc.png'
if (!exists("xcol")) xcol = 'cache'
if (!exists("ycol")) ycol = 'hit_ratio'
if (!exists("nseries")) nseries = 0
if (!exists("titles")) titles = ''

# The terminal follows the output's name.
ext = strlen(outfile) > 4 ? outfile[strlen(outfile) - 2:] : ''
if (outfile eq '-') {
	set terminal dumb size 100,32 noenhanced
	set output
} else {
	if (ext eq 'svg') {
		set terminal svg size 900,560 noenhanced background rgb 'white'
	} else {
		set terminal pngcairo size 900,560 noenhanced
	}
	set output outfile
}

set datafile separator comma
set title 'Hit ratio by cache size'
set xlabel 'cache size'
set ylabel 'hit ratio'
set yrange [0:*]
set grid
set key left top
# Sizes in powers of two: a log2 axis when the sizes span a factor of 4 or more.
stats datafile using (column(xcol)) nooutput
if (STATS_min > 0 && STATS_max >= 4 * STATS_min) { set logscale x 2 }
set format x '%.0b%BB'
set style data linespoints

if (nseries > 0) {
	plot for [i = 1:nseries] datafile \
		using (column(xcol)):(column("series") == i ? column(ycol) : NaN) \
		pointtype 7 pointsize 0.8 title word(titles, i)
} else {
	plot datafile using (column(xcol)):(column(ycol)) pointtype 7 pointsize 0.8 title ycol
}
