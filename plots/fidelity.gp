# fidelity.gp - device read bytes over time, recorded (the block trace's queued data reads)
# against predicted (pcsim's replay of the file-level trace), from
# `pcsim fidelity FILE_TRACE BLOCK_TRACE --series FILE.csv` (or --plot). Columns by name:
# time_s, recorded_read_bytes, predicted_read_bytes (cumulative, each a step function).
#
# Variables (pcsim sets them; each has a default here):
#   datafile, outfile (.png, .svg, or '-' for ASCII on the terminal)
# Run alone: gnuplot -e "datafile='series.csv'; outfile='fidelity.png'" fidelity.gp
if (!exists("datafile")) datafile = 'fidelity.csv'
if (!exists("outfile")) outfile = 'fidelity.png'

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
set title 'Device reads over time: recorded against predicted'
set xlabel 'seconds since the first I/O'
set ylabel 'MiB read (cumulative)'
set yrange [0:*]
set grid
set key top left
plot datafile using (column("time_s")):(column("recorded_read_bytes") / 1048576.0) \
	with steps linewidth 2 title 'recorded (block trace)', \
     datafile using (column("time_s")):(column("predicted_read_bytes") / 1048576.0) \
	with steps linewidth 2 dashtype 2 title 'predicted (pcsim)'
