# copybench.gp - throughput of each way of sending a file to a socket, from the CSV of
# `pcsim copybench --output-format csv`: a group of bars per method, one bar per socket kind
# (AF_UNIX, TCP loopback). Columns by name: pcsim adds x_index (the method, in the order of
# the rows) and series (the socket kind, 1..nseries). An unavailable method has an empty
# mb_per_s and no bar.
#
# Variables (pcsim sets them; each has a default here):
#   datafile, outfile (.png, .svg, or '-' for ASCII on the terminal)
#   ycol        the bar height ('mb_per_s')
#   nx          number of methods; xtics_spec their names: ("read-write" 0, "sendfile" 1, ...)
#   nseries     number of socket kinds; titles one word each ('unix tcp')
# Run alone: gnuplot -e "datafile='copybench.csv'" copybench.gp (needs x_index and series).
if (!exists("datafile")) datafile = 'copybench.csv'
if (!exists("outfile")) outfile = 'copybench.png'
if (!exists("ycol")) ycol = 'mb_per_s'
if (!exists("nx")) nx = 5
if (!exists("nseries")) nseries = 2
if (!exists("titles")) titles = 'unix tcp'
if (!exists("xtics_spec")) xtics_spec = ''

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
set datafile missing ''
set title 'Sending a file to a local socket: throughput by method'
set ylabel 'MB/s'
set yrange [0:*]
set xrange [-0.6:nx - 0.4]
set grid ytics
set key left top
set style fill solid 0.8 border -1
if (strlen(xtics_spec) > 0) { eval('set xtics ' . xtics_spec) }
bw = 0.8 / nseries
set boxwidth bw

plot for [i = 1:nseries] datafile \
	using (column("x_index") + (i - (nseries + 1) / 2.0) * bw):(column("series") == i ? column(ycol) : NaN) \
	with boxes title word(titles, i)
