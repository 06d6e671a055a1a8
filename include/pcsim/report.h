/*
 * report.h - renderers of one replay's results: normal (a human table), JSON, CSV.
 *
 * One PcsReport, several renderers (cf. fio stat.c). Machine formats use raw bytes,
 * nanoseconds and ratios in 0..1, start with format_version, and carry every parameter and the
 * identity of each trace. Nothing in a report depends on how it was computed (wall time and
 * the like are shown only in the normal format with -v), so the same trace gives the same
 * JSON and CSV however it was run.
 */
#ifndef PCSIM_REPORT_H
#define PCSIM_REPORT_H

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/stats.h>
#include <pcsim/trace.h>

G_BEGIN_DECLS

/* Bumped whenever a key is renamed or removed; adding keys does not bump it. */
#define PCS_REPORT_FORMAT_VERSION 1

typedef enum {
	PCS_OUTPUT_NORMAL = 1 << 0,
	PCS_OUTPUT_JSON   = 1 << 1,
	PCS_OUTPUT_CSV    = 1 << 2,
} PcsOutputFormat;

typedef struct {
	char    *path;
	char    *format;       /* detected or forced format name */
	guint64  bytes;
	char     sha256[65];   /* of the first MiB, hex */
	PcsTraceLevel level;   /* file or block (pcs_trace_level()); UNKNOWN: shown as null */
} PcsTraceIdent;

typedef struct {
	const char          *command;     /* "replay" */
	const PcsConfig     *cfg;
	const PcsTraceIdent *traces;
	guint                nr_traces;
	gboolean             has_warmup;  /* a warm-up was asked for */
	PcsStats             warmup;      /* the uncounted phase (when has_warmup) */
	PcsStats             measured;    /* the counted phase */
	guint64              files;       /* distinct files seen */
	/* normal format only, with verbose: how the run went */
	gboolean             verbose;
	double               wall_seconds;
	guint64              peak_rss_bytes;
	guint64              dev_wall_ns;  /* real time in the device's pread/pwrite */
} PcsReport;

/* Parses "normal", "json,csv", ...: a comma list of format names (blanks around names are
 * ignored). Fails with PCS_OPTIONS_ERROR_INVALID naming the valid formats; mask untouched. */
gboolean pcs_output_formats_parse(const char *text, guint *mask, GError **error);
/* Appends the report in each format of mask, in the order normal, json, csv. Cannot fail. */
void pcs_report_render(const PcsReport *r, guint mask, GString *out);
void pcs_report_render_normal(const PcsReport *r, GString *out);
void pcs_report_render_json(const PcsReport *r, GString *out);   /* one line + '\n' */
void pcs_report_render_csv(const PcsReport *r, GString *out);    /* header + row */

/* Appends s as a JSON string literal (quotes and escapes included). Cannot fail. */
void pcs_json_append_string(GString *out, const char *s);

/* Writes data to path atomically: a temporary file in the same directory, fsync, rename. On
 * failure (G_FILE_ERROR, the message names path) the old file (if any) is untouched and no
 * temporary is left. path "-" is stdout. */
gboolean pcs_write_file_atomic(const char *path, const char *data, gsize len, GError **error);

G_END_DECLS

#endif
