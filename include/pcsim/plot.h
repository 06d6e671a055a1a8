/*
 * plot.h - plots of pcsim's CSV results with gnuplot: the only module that knows gnuplot.
 *
 * Five kinds, one script each in plots/ (installed in $(pkgdatadir)):
 *   mrc       hit ratio against cache size, one line per combination of the other
 *             parameters that vary (sweep results, --mrc curves)
 *   heatmap   hit ratio over two parameters (the first two that vary besides none)
 *   timeline  hit ratio (interval and cumulative) over time or requests
 *   lists     active, inactive pages and every other page gauge over time
 *   copybench throughput of each transfer method, a bar per socket kind (pcsim copybench)
 *   fidelity  cumulative device read bytes over time, recorded and predicted (pcsim fidelity)
 * The scripts read the data by column name. pcsim writes a data CSV for them (the input's
 * columns plus "series", and "x_index"/"y_index" for heatmaps), the script with its
 * variables set at the top (so `gnuplot NAME.gp` redraws it), and runs gnuplot from PATH
 * without a shell. The terminal follows the output's name: .png pngcairo, .svg svg, "-"
 * dumb (ASCII on stdout).
 */
#ifndef PCSIM_PLOT_H
#define PCSIM_PLOT_H

#include <glib.h>
#include <pcsim/table.h>

G_BEGIN_DECLS

#define PCS_PLOT_ERROR (pcs_plot_error_quark ())
GQuark pcs_plot_error_quark (void);
typedef enum {
	PCS_PLOT_ERROR_NO_GNUPLOT,  /* gnuplot is not in PATH (the message says how to install it) */
	PCS_PLOT_ERROR_GNUPLOT,     /* gnuplot failed (the message holds what it printed) */
	PCS_PLOT_ERROR_DATA,        /* the data lacks the columns the kind needs */
	PCS_PLOT_ERROR_FAILED,      /* a file cannot be written, no script found */
} PcsPlotErrorCode;

typedef enum {
	PCS_PLOT_MRC,
	PCS_PLOT_HEATMAP,
	PCS_PLOT_TIMELINE,
	PCS_PLOT_LISTS,
	PCS_PLOT_COPYBENCH,
	PCS_PLOT_FIDELITY,
	PCS_PLOT_KIND_COUNT
} PcsPlotKind;

/* "mrc", "heatmap", "timeline", "lists", "copybench", "fidelity". */
const char *pcs_plot_kind_name(PcsPlotKind kind);
/* Fails with PCS_PLOT_ERROR_DATA naming the kinds. */
gboolean pcs_plot_kind_parse(const char *text, PcsPlotKind *kind, GError **error);

/*
 * The script for kind: the first of $PCSIM_PLOTS_DIR/KIND.gp, the source tree's plots/
 * (uninstalled runs) and $(pkgdatadir)/KIND.gp that exists. Caller frees. Fails with
 * PCS_PLOT_ERROR_FAILED listing where it looked.
 */
char *pcs_plot_find_script(PcsPlotKind kind, GError **error);

/*
 * Plots the table as kind into out_path (.png, .svg, or "-" for ASCII on stdout):
 *   1. derive the plot's data (series, indices) and its variables from the columns;
 *   2. write DIR/NAME.csv and DIR/NAME.gp (the script with the variables on top), where
 *      keep_dir is DIR when not NULL (kept for the user), else a temporary directory that is
 *      removed afterwards;
 *   3. run gnuplot on it, in DIR, without a shell.
 * name is the base name of the files in DIR ("mrc", "timeline"). When gnuplot is missing,
 * the data and script are still written (in keep_dir) and the error is
 * PCS_PLOT_ERROR_NO_GNUPLOT; when gnuplot fails, its message is the error's and the empty or
 * partial image is removed.
 */
gboolean pcs_plot_table(const PcsTable *table, PcsPlotKind kind, const char *keep_dir,
			const char *name, const char *out_path, GError **error);

G_END_DECLS

#endif
