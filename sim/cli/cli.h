/*
 * cli.h - what the subcommands of the pcsim program share (internal to the program).
 *
 * Exit status, as DESIGN.md promises: 0 success, 1 runtime failure (a trace that cannot be
 * read or holds a bad record, an output that cannot be written), 2 usage error (unknown
 * option, bad value, missing argument). Only main() exits; subcommands return the status.
 */
#ifndef PCSIM_CLI_H
#define PCSIM_CLI_H

#include <glib.h>
#include <pcsim/plot.h>
#include <pcsim/replay.h>
#include <pcsim/trace.h>

enum {
	PCS_EXIT_OK = 0,
	PCS_EXIT_FAILURE = 1,
	PCS_EXIT_USAGE = 2,
};

int pcs_cmd_replay(int argc, char **argv);
int pcs_cmd_gen(int argc, char **argv);
int pcs_cmd_trace(int argc, char **argv);
GOptionGroup *pcs_cli_trace_option_group(PcsTraceOptions *opts); /* traceopts.c */
/* Appends the options that differ from the defaults as command-line words (owned strings). */
void pcs_cli_trace_options_to_args(const PcsTraceOptions *opts, GPtrArray *words);
int pcs_cmd_sweep(int argc, char **argv);
int pcs_cmd_merge(int argc, char **argv);
int pcs_cmd_plot(int argc, char **argv);
int pcs_cmd_fidelity(int argc, char **argv);
int pcs_cmd_verify(int argc, char **argv);
int pcs_cmd_copybench(int argc, char **argv);     /* copybench.c */

/* Time series of a replay (sim/cli/plot.c): --interval, --timeline FILE, --timeline-format,
 * --plot DIR. new() sets *out to NULL when none is asked, and fails (usage error) on a bad
 * or incomplete combination; finish() writes the files and plots and returns an exit status. */
typedef struct PcsCliSeries PcsCliSeries;
gboolean pcs_cli_series_new(const char *interval, const char *timeline,
			    const char *timeline_format, const char *plot_dir, PcsCliSeries **out,
			    GError **error);
void pcs_cli_series_attach(PcsCliSeries *s, PcsReplay *rp);
void pcs_cli_series_note_end(PcsCliSeries *s);
int pcs_cli_series_finish(PcsCliSeries *s, const char *cmd, gboolean quiet);
void pcs_cli_series_free(PcsCliSeries *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsCliSeries, pcs_cli_series_free)
/* Plots CSV text as kind into DIR/NAME.png (with DIR/NAME.csv and DIR/NAME.gp); returns an
 * exit status (2 when gnuplot is missing, after writing the data and script). */
int pcs_cli_plot_text(const char *cmd, const char *csv, gsize len, PcsPlotKind kind,
		      const char *dir, const char *name, gboolean quiet);

/* Prints "pcsim CMD: message" to stderr. */
void pcs_cli_error(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void pcs_cli_warn(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Progress on stderr: "auto" (only when stderr is a terminal), "always", "never". */
typedef enum {
	PCS_PROGRESS_AUTO,
	PCS_PROGRESS_ALWAYS,
	PCS_PROGRESS_NEVER,
} PcsProgressMode;

gboolean pcs_progress_mode_parse(const char *text, PcsProgressMode *mode, GError **error);

typedef struct {
	gboolean enabled;
	gint64   start_us;
	gint64   last_us;
	gboolean drawn;
} PcsProgress;

void pcs_progress_init(PcsProgress *p, PcsProgressMode mode);
/* Redraws at most 4 times a second: label, percentage done, rate, ETA. Cheap to call often. */
void pcs_progress_update(PcsProgress *p, const char *label, double fraction, guint64 done,
			 const char *unit);
/* Erases the progress line. */
void pcs_progress_finish(PcsProgress *p);

/* Peak resident set size of this process in bytes (getrusage). */
guint64 pcs_peak_rss_bytes(void);

#endif
