# lists.gp - the page lists over time from a time series (`pcsim replay --interval 1s
# --timeline FILE.csv`): active, inactive, resident pages, shadow entries and every other
# gauge the series has (dirty pages, ...). Columns by name.
#
# Variables (pcsim sets them; each has a default here):
#   datafile, outfile (.png, .svg, or '-' for ASCII on the terminal)
#   ycols   the columns to draw, separated by spaces
#   xcol    'requests' (default) or 't_ns';  xscale multiplies x (1e-9: ns to seconds)
#   xlabel  the x axis label
if (!exists("datafile")) datafile = 'lists.csv'
if (!exists("outfile")) outfile = 'lists.png'
if (!exists("ycols")) ycols = 'active_pages inactive_pages'
if (!exists("xcol")) xcol = 'requests'
if (!exists("xscale")) xscale = 1
if (!exists("xlabel")) xlabel = xcol

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
set title 'Page lists over time'
set xlabel xlabel
set ylabel 'pages'
set yrange [0:*]
set grid
set key below
plot for [c in ycols] datafile using (column(xcol) * xscale):(column(c)) \
	with lines linewidth 2 title c
