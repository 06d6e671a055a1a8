# heatmap.gp - hit ratio over two swept parameters (e.g. readahead x cache size), from the
# CSV of `pcsim sweep`, one cell per job, coloured and labelled by its hit ratio. Columns by
# name: pcsim adds x_index and y_index (each parameter's values in order, so uneven grids
# such as sizes that double get even cells).
#
# Variables (pcsim sets them; each has a default here):
#   datafile, outfile (.png, .svg, or '-' for ASCII on the terminal)
#   zcol                  the colour ('hit_ratio')
#   xlabel, ylabel        axis labels
#   xtics_spec, ytics_spec  gnuplot tic lists: ("64M" 0, "128M" 1, ...)
if (!exists("datafile")) datafile = 'heatmap.csv'
if (!exists("outfile")) outfile = 'heatmap.png'
if (!exists("zcol")) zcol = 'hit_ratio'
if (!exists("xlabel")) xlabel = 'x_index'
if (!exists("ylabel")) ylabel = 'y_index'
if (!exists("xtics_spec")) xtics_spec = ''
if (!exists("ytics_spec")) ytics_spec = ''

ext = strlen(outfile) > 4 ? outfile[strlen(outfile) - 2:] : ''
if (outfile eq '-') {
	set terminal dumb size 100,32 noenhanced
	set output
} else {
	if (ext eq 'svg') {
		set terminal svg size 900,640 noenhanced background rgb 'white'
	} else {
		set terminal pngcairo size 900,640 noenhanced
	}
	set output outfile
}

set datafile separator comma
set title 'Hit ratio'
set xlabel xlabel
set ylabel ylabel
set cblabel zcol
if (strlen(xtics_spec) > 0) { eval('set xtics ' . xtics_spec) }
if (strlen(ytics_spec) > 0) { eval('set ytics ' . ytics_spec) }
set offsets 0.5, 0.5, 0.5, 0.5
set palette rgbformulae 33,13,10
set cbrange [0:*]
unset key
plot datafile using (column("x_index")):(column("y_index")):(0.5):(0.5):(column(zcol)) \
	with boxxyerror fillstyle solid 1.0 noborder linecolor palette, \
     datafile using (column("x_index")):(column("y_index")) \
	:(strcol(zcol) eq '' ? 'failed' : sprintf('%.3f', column(zcol))) \
	with labels textcolor rgb 'black'
