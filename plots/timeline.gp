# timeline.gp - hit ratio over time from a time series (`pcsim replay --interval 1s
# --timeline FILE.csv`): the interval's own hit ratio and the cumulative one. Columns by name.
#
# Variables (pcsim sets them; each has a default here):
#   datafile, outfile (.png, .svg, or '-' for ASCII on the terminal)
#   xcol    'requests' (default) or 't_ns';  xscale multiplies x (1e-9: ns to seconds)
#   xlabel  the x axis label
# Run alone: gnuplot -e "datafile='tl.csv'; outfile='tl.png'; xcol='t_ns'; xscale=1e-9" timeline.gp
if (!exists("datafile")) datafile = 'timeline.csv'
if (!exists("outfile")) outfile = 'timeline.png'
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
set title 'Hit ratio over time'
set xlabel xlabel
set ylabel 'hit ratio'
set yrange [0:1.05]
set grid
set key below
plot datafile using (column(xcol) * xscale):(column("interval_hit_ratio")) \
	with fsteps linewidth 1.5 title 'interval hit ratio', \
     datafile using (column(xcol) * xscale):(column("hit_ratio")) \
	with lines linewidth 2 title 'cumulative hit ratio'
