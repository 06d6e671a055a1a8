/*
 * sweep.c - `pcsim sweep TRACE... --set NAME=VALUES...`: a parameter grid, run in parallel.
 *
 *   1. Configuration: the base (defaults, --config FILE, then every replay option on the
 *      command line), and the grid: each --set an axis, checked through the parameter table
 *      before any work; more than --max-jobs jobs is a usage error.
 *   2. --list-jobs: print one self-contained command line per job (absolute paths, the base
 *      folded into explicit options), each running `--job-index N --result-dir DIR`; no
 *      trace is read.
 *   3. Open the traces (a missing one fails before any work), then decode them once with
 *      the largest --skip-bad of the grid; the jobs start first and follow the decoding.
 *   4. --mrc: one pass for every cache size (mrc.c) instead of one replay per job.
 *      --job-index N: run that job alone, write DIR/job-N.{jsonl,csv} atomically, or skip
 *      it when the file exists (so a rerun of a cluster array only does what is missing).
 *      Otherwise: every job on a thread pool (-j), rows printed in grid order as they
 *      complete (streamed to stdout; --output is written atomically at the end).
 *   5. --plot DIR: the results as CSV, the script and the image (plot.c).
 *
 * A row is the report `pcsim replay` would print for the job's configuration (command
 * "sweep"), plus "job" (its grid index) and "error" (null, or why the job failed: a failed
 * job's row has its configuration and no statistics). In CSV, "job" and "error" are the last
 * columns. The same row comes out of the in-process sweep and of --job-index, so `pcsim
 * merge` of the job files reproduces the in-process output byte for byte.
 *
 * Exit: 0 when every job succeeded, 1 when one failed (the others' rows are still written)
 * or a trace cannot be read, 2 on a usage error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include <pcsim/pcsim.h>
#include "cli.h"
#include "rowfmt.h"

#define CMD "sweep"

typedef struct {
	char   **sets;
	gint     nr_threads;
	char    *output_format;
	char    *output;
	char    *progress;
	gboolean quiet;
	gboolean list_jobs;
	char    *job_index;
	char    *result_dir;
	gboolean mrc;
	char    *plot_dir;
	char    *max_jobs;
	char    *format;
	char    *config_file;
	PcsTraceOptions topts;  /* reader options; strings owned by the option context */
} SweepOptions;

/* How rows are rendered: shared by the in-process sweep and --job-index. */
typedef struct {
	gboolean             csv;
	gboolean             has_warmup;
	const PcsTraceIdent *idents;
	guint                nr_traces;
	PcsFileTable        *files;       /* complete once the traces are read */
	gboolean             load_failed;
	gboolean             header_done;
	GString             *out;
	gboolean             stream;      /* write rows to stdout as they come */
	GString             *plot_csv;    /* --plot: the rows as CSV too */
	gboolean             plot_header_done;
	PcsProgress         *prog;
	guint64              nr_jobs, total_events;
} Rows;

static const char *
prescan_config(int argc, char **argv)
{
	const char *found = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			found = argv[++i];
		else if (g_str_has_prefix(argv[i], "--config="))
			found = argv[i] + strlen("--config=");
	}
	return found;
}

/* A report of one job (statistics zero for a failed one). */
static void
fill_report(const Rows *rows, const PcsSweepResult *res, PcsReport *r)
{
	memset(r, 0, sizeof *r);
	r->command = CMD;
	r->cfg = &res->cfg;
	r->traces = rows->idents;
	r->nr_traces = rows->nr_traces;
	r->has_warmup = rows->has_warmup;
	r->files = pcs_files_count(rows->files);
	if (res->ok) {
		r->warmup = res->warmup;
		r->measured = res->measured;
	} else {
		pcs_stats_init(&r->warmup);
		pcs_stats_init(&r->measured);
	}
}

/* The columns a failed job's CSV row keeps: identity and configuration. */
static gboolean
is_config_column(const char *name)
{
	static const char *const identity[] = {
		"format_version", "command", "trace_path", "trace_format", "trace_level",
		"trace_bytes", "trace_sha256", "nr_traces", "cache_pages",
		"inactive_ratio_effective",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (identity); i++)
		if (strcmp(name, identity[i]) == 0)
			return TRUE;
	for (const PcsParam *p = pcs_params(); p->name; p++)
		if (strcmp(name, p->name) == 0)
			return TRUE;
	return FALSE;
}

static void
render_json_row(const Rows *rows, const PcsSweepResult *res, GString *out)
{
	g_autoptr(GString) line = g_string_new(NULL);
	PcsReport r;

	fill_report(rows, res, &r);
	pcs_report_render_json(&r, line);
	if (res->ok) {
		g_assert (g_str_has_suffix(line->str, "}\n"));
		g_string_truncate(line, line->len - 2);
	} else {
		/* identity and configuration only: cut before the statistics */
		const char *stats = strstr(line->str, ",\"stats\":");

		g_assert (stats != NULL);
		g_string_truncate(line, stats - line->str);
	}
	g_string_append(out, line->str);
	g_string_append_printf(out, ",\"job\":%" G_GUINT64_FORMAT ",\"error\":", res->index);
	if (res->ok)
		g_string_append(out, "null");
	else
		pcs_json_append_string(out, res->error->message);
	g_string_append(out, "}\n");
}

static void
render_csv_row(const Rows *rows, const PcsSweepResult *res, GString *out, gboolean header)
{
	g_autoptr(GString) two = g_string_new(NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
	char *nl;
	PcsReport r;

	fill_report(rows, res, &r);
	pcs_report_render_csv(&r, two);
	nl = strchr(two->str, '\n');
	g_assert (nl != NULL && g_str_has_suffix(two->str, "\n"));
	if (header) {
		g_string_append_len(out, two->str, nl - two->str);
		g_string_append(out, ",job,error\n");
	}
	if (res->ok) {
		g_string_append_len(out, nl + 1, two->len - (nl + 1 - two->str) - 1);
	} else {
		g_autoptr(GError) error = NULL;
		gboolean ok;

		*nl = '\0';
		two->str[two->len - 1] = '\0';
		ok = pcs_csv_split_line(two->str, names, &error) &&
		     pcs_csv_split_line(nl + 1, values, &error);
		g_assert (ok && names->len == values->len);
		for (guint i = 0; i < names->len; i++) {
			if (i)
				g_string_append_c(out, ',');
			if (is_config_column(g_ptr_array_index(names, i)))
				pcs_row_append_csv_field(out, g_ptr_array_index(values, i));
		}
	}
	g_string_append_printf(out, ",%" G_GUINT64_FORMAT ",", res->index);
	if (!res->ok)
		pcs_row_append_csv_field(out, res->error->message);
	g_string_append_c(out, '\n');
}

static void
render_row(Rows *rows, const PcsSweepResult *res, GString *out)
{
	if (rows->csv) {
		render_csv_row(rows, res, out, !rows->header_done);
		rows->header_done = TRUE;
	} else {
		render_json_row(rows, res, out);
	}
}

static void
on_result(const PcsSweepResult *res, gpointer user)
{
	Rows *rows = user;

	if (rows->load_failed)
		return;
	render_row(rows, res, rows->out);
	if (rows->plot_csv) {
		render_csv_row(rows, res, rows->plot_csv, !rows->plot_header_done);
		rows->plot_header_done = TRUE;
	}
	if (!res->ok) {
		pcs_progress_finish(rows->prog);
		pcs_cli_warn(CMD, "job %" G_GUINT64_FORMAT " failed: %s", res->index,
			     res->error->message);
	}
	if (rows->stream) {
		pcs_progress_finish(rows->prog);
		fwrite(rows->out->str, 1, rows->out->len, stdout);
		fflush(stdout);
		g_string_truncate(rows->out, 0);
	}
}

static void
on_sweep_progress(guint64 jobs_done, guint64 events_done, gpointer user)
{
	Rows *rows = user;
	g_autofree char *label = g_strdup_printf("sweep %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
						 " jobs", jobs_done, rows->nr_jobs);
	double total = (double) rows->total_events * (double) rows->nr_jobs;

	pcs_progress_update(rows->prog, label, total > 0 ? events_done / total : 0, events_done,
			    "ev");
}

static void
on_load_progress(double fraction, guint64 events, gpointer user)
{
	pcs_progress_update(((Rows *) user)->prog, "decode", fraction, events, "ev");
}

/* Reads (decodes) every trace in turn; on failure the rest are aborted too, so no job
 * waits for them. Sets rows->total_events. */
static gboolean
read_traces(GPtrArray *traces, guint64 *budget, Rows *rows, GError **error)
{
	for (guint i = 0; i < traces->len; i++) {
		PcsSweepTrace *t = g_ptr_array_index(traces, i);

		if (!pcs_sweep_trace_read(t, budget, on_load_progress, rows, error)) {
			for (guint j = i + 1; j < traces->len; j++)
				pcs_sweep_trace_abort(g_ptr_array_index(traces, j), *error);
			pcs_progress_finish(rows->prog);
			return FALSE;
		}
		rows->total_events += pcs_sweep_trace_nr_events(t);
	}
	pcs_progress_finish(rows->prog);
	return TRUE;
}

/* Quotes for a POSIX shell only when needed, so job lines stay readable. */
static void
append_shell_word(GString *out, const char *w)
{
	gboolean plain = w[0] != '\0';

	for (const char *p = w; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("_./=,:+-@%", *p))
			plain = FALSE;
	g_string_append_c(out, ' ');
	if (plain) {
		g_string_append(out, w);
	} else {
		g_autofree char *q = g_shell_quote(w);

		g_string_append(out, q);
	}
}

static char *
absolute(const char *path)
{
	return g_canonicalize_filename(path, NULL);
}

/* The result file of job i: DIR/job-000042.jsonl (at least 6 digits, as many as needed). */
static char *
result_path(const char *dir, guint64 nr_jobs, guint64 i, gboolean csv)
{
	int width = 6;

	for (guint64 n = nr_jobs - 1; n >= 1000000; n /= 10)
		width++;
	return g_strdup_printf("%s/job-%0*" G_GUINT64_FORMAT ".%s", dir, width, i,
			       csv ? "csv" : "jsonl");
}

/* 2. One command line per job. */
static void
list_jobs(const SweepOptions *o, int nr_traces, char **traces, const PcsConfig *base,
	  guint64 nr_jobs, gboolean csv, GString *out)
{
	g_autofree char *dir = absolute(o->result_dir);
	GString *common = g_string_new("pcsim sweep");
	PcsConfig def;

	pcs_config_init(&def);
	/* Trace paths as given: rows name their trace, and the jobs' rows must be the
	 * in-process sweep's; run the jobs from this directory (parallel --workdir ., sbatch). */
	for (int i = 0; i < nr_traces; i++)
		append_shell_word(common, traces[i]);
	if (o->format) {
		append_shell_word(common, "--format");
		append_shell_word(common, o->format);
	}
	{
		g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);

		pcs_cli_trace_options_to_args(&o->topts, words);
		for (guint i = 0; i < words->len; i++)
			append_shell_word(common, g_ptr_array_index(words, i));
	}
	/* the base, folded into options (no --config needed on the node) */
	for (const PcsParam *p = pcs_params(); p->name; p++) {
		g_autofree char *v = pcs_config_to_machine_text(base, p);
		g_autofree char *d = pcs_config_to_machine_text(&def, p);
		g_autofree char *opt = NULL;

		if (strcmp(v, d) == 0)
			continue;
		opt = g_strdup_printf("--%s=%s", p->name, v);
		g_strdelimit(opt + 2, "_", '-');
		append_shell_word(common, opt);
	}
	for (char **s = o->sets; s && *s; s++) {
		append_shell_word(common, "--set");
		append_shell_word(common, *s);
	}
	if (o->max_jobs) {
		append_shell_word(common, "--max-jobs");
		append_shell_word(common, o->max_jobs);
	}
	append_shell_word(common, "--output-format");
	append_shell_word(common, csv ? "csv" : "jsonl");
	append_shell_word(common, "--result-dir");
	append_shell_word(common, dir);
	append_shell_word(common, "-q");
	for (guint64 i = 0; i < nr_jobs; i++)
		g_string_append_printf(out, "%s --job-index %" G_GUINT64_FORMAT "\n", common->str, i);
	g_string_free(common, TRUE);
}

/* 5. --plot DIR: hit ratio by cache size when cache is swept (a line per combination of the
 * others), and a heatmap when two parameters are. */
static int
sweep_plot(const PcsSweepGrid *grid, const GString *csv, const char *dir, gboolean quiet)
{
	guint nr_axes = pcs_sweep_grid_nr_axes(grid);
	gboolean has_cache = FALSE;
	int st = PCS_EXIT_OK;

	for (guint i = 0; i < nr_axes; i++)
		has_cache |= strcmp(pcs_sweep_grid_axis_param(grid, i)->name, "cache") == 0;
	if (!has_cache && nr_axes != 2) {
		if (!quiet)
			pcs_cli_warn(CMD, "--plot: nothing to draw; sweep cache (hit ratio by cache "
				     "size) or two parameters (a heatmap)");
		return PCS_EXIT_OK;
	}
	if (has_cache)
		st = pcs_cli_plot_text(CMD, csv->str, csv->len, PCS_PLOT_MRC, dir, "mrc", quiet);
	if (st == PCS_EXIT_OK && nr_axes == 2)
		st = pcs_cli_plot_text(CMD, csv->str, csv->len, PCS_PLOT_HEATMAP, dir, "heatmap",
				       quiet);
	return st;
}

/* ---- --mrc ------------------------------------------------------------------------------ */

/* The statistics the one-pass curve computes (pcs_mrc_stats), in the table's order. */
static gboolean
mrc_knows(const PcsStatField *f)
{
	static const char *const known[] = {
		"requests", "read_requests", "write_requests", "request_hits", "accesses",
		"read_accesses", "write_accesses", "hits", "read_hits", "write_hits", "misses",
		"hit_ratio", "read_hit_ratio", "write_hit_ratio", "request_hit_ratio", "evictions",
		"reclaims",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
		if (strcmp(f->name, known[i]) == 0)
			return TRUE;
	return FALSE;
}

static void
mrc_value(GString *out, const PcsStats *s, const PcsStatField *f)
{
	if (f->kind == PCS_STAT_RATIO)
		pcs_row_append_double(out, pcs_stat_ratio(s, f));
	else
		g_string_append_printf(out, "%" G_GUINT64_FORMAT, pcs_stat_u64(s, f));
}

/*
 * 4. --mrc: one pass of the stack-distance model for every --set cache size; rows like a
 * sweep's (every parameter, as the equivalent replay: policy lru, reclaim batch 1, no
 * readahead, workingset off) with the statistics the model computes.
 */
static int
sweep_mrc(const PcsSweepGrid *grid, const PcsConfig *base, PcsSweepTrace *const *traces,
	  guint nr_traces, const Rows *rows, const char *output, const char *plot_dir,
	  gboolean quiet)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsMrc) m = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) csv_text = g_string_new(NULL);
	g_autofree guint64 *sizes = NULL;
	static const char *const as_replay[][2] = {
		{ "policy", "lru" }, { "reclaim_batch", "1" }, { "readahead", "0" },
		{ "workingset", "off" }, { "folios", "off" },
	};
	PcsConfig cfg = *base;
	guint axis = G_MAXUINT, nr;
	guint64 bad = 0;
	PcsOp op;

	for (guint i = 0; i < pcs_sweep_grid_nr_axes(grid); i++) {
		if (strcmp(pcs_sweep_grid_axis_param(grid, i)->name, "cache") == 0)
			axis = i;
		else {
			pcs_cli_error(CMD, "--mrc: only cache can be swept (the curve is of the lru "
				      "policy without readahead); drop --set %s",
				      pcs_sweep_grid_axis_param(grid, i)->name);
			return PCS_EXIT_USAGE;
		}
	}
	if (axis == G_MAXUINT) {
		pcs_cli_error(CMD, "--mrc needs the cache sizes: --set cache=64M..4G:x2");
		return PCS_EXIT_USAGE;
	}
	if (base->warmup_ns) {
		pcs_cli_error(CMD, "--mrc counts a warm-up of N requests, not of trace time");
		return PCS_EXIT_USAGE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (as_replay); i++)
		if (pcs_param_find(as_replay[i][0]))
			pcs_config_set(&cfg, as_replay[i][0], as_replay[i][1], NULL);
	nr = pcs_sweep_grid_axis_nr_values(grid, axis);
	sizes = g_new(guint64, nr);
	for (guint i = 0; i < nr; i++) {
		PcsConfig c = cfg;

		pcs_config_set(&c, "cache", pcs_sweep_grid_axis_value(grid, axis, i), NULL);
		sizes[i] = pcs_config_cache_pages(&c);
	}
	/* the pass */
	m = pcs_mrc_new(sizes, nr, cfg.warmup_requests);
	for (guint t = 0; t < nr_traces; t++) {
		PcsSweepCursor cur;
		PcsIoEvent buf[1024];
		gsize n;

		pcs_sweep_cursor_init(&cur, traces[t]);
		while ((n = pcs_sweep_cursor_next(&cur, buf, G_N_ELEMENTS (buf))) > 0 || cur.at_bad)
			pcs_mrc_feed(m, buf, n);
		bad += pcs_sweep_trace_nr_bad(traces[t]);
	}
	if (pcs_mrc_nr_unsupported(m, &op) > 0) {
		pcs_cli_error(CMD, "--mrc: the trace has %" G_GUINT64_FORMAT " %s events (and "
			      "perhaps others), which change the cache in ways a one-pass LRU "
			      "curve cannot follow; sweep --set cache=... --policy lru instead",
			      pcs_mrc_nr_unsupported(m, NULL), pcs_op_name(op));
		return PCS_EXIT_FAILURE;
	}
	/* the rows */
	for (guint i = 0; i < nr; i++) {
		PcsConfig c = cfg;
		PcsStats s;

		pcs_config_set(&c, "cache", pcs_sweep_grid_axis_value(grid, axis, i), NULL);
		pcs_mrc_stats(m, i, &s);
		s.bad_records = bad;
		for (int pass = 0; pass < 2; pass++) {
			gboolean csv = pass == 1;
			GString *o = csv ? csv_text : out;

			if (!csv && rows->csv)
				continue;
			if (csv && i == 0) {
				g_string_append(o, "format_version,command,trace_path,trace_level");
				for (const PcsParam *p = pcs_params(); p->name; p++)
					g_string_append_printf(o, ",%s", p->name);
				g_string_append(o, ",cache_pages");
				for (const PcsStatField *f = pcs_stat_fields(); f->name; f++)
					if (mrc_knows(f))
						g_string_append_printf(o, ",%s", f->name);
				g_string_append(o, ",job\n");
			}
			if (csv) {
				g_string_append_printf(o, "%d,mrc,", PCS_REPORT_FORMAT_VERSION);
				pcs_row_append_csv_field(o, rows->idents[0].path);
				g_string_append_c(o, ',');
				if (pcs_trace_level_name(rows->idents[0].level))
					g_string_append(o, pcs_trace_level_name(rows->idents[0].level));
				for (const PcsParam *p = pcs_params(); p->name; p++) {
					g_autofree char *v = pcs_config_to_machine_text(&c, p);

					g_string_append_c(o, ',');
					pcs_row_append_csv_field(o, v);
				}
				g_string_append_printf(o, ",%" G_GUINT64_FORMAT,
						       pcs_config_cache_pages(&c));
				for (const PcsStatField *f = pcs_stat_fields(); f->name; f++) {
					if (!mrc_knows(f))
						continue;
					g_string_append_c(o, ',');
					mrc_value(o, &s, f);
				}
				g_string_append_printf(o, ",%u\n", i);
				continue;
			}
			g_string_append_printf(o, "{\"format_version\":%d,\"command\":\"mrc\","
					       "\"trace\":{\"path\":", PCS_REPORT_FORMAT_VERSION);
			pcs_json_append_string(o, rows->idents[0].path);
			g_string_append(o, ",\"format\":");
			pcs_json_append_string(o, rows->idents[0].format);
			g_string_append(o, ",\"level\":");
			if (pcs_trace_level_name(rows->idents[0].level))
				pcs_json_append_string(o, pcs_trace_level_name(rows->idents[0].level));
			else
				g_string_append(o, "null");
			g_string_append(o, "},\"config\":{");
			for (const PcsParam *p = pcs_params(); p->name; p++) {
				g_autofree char *v = pcs_config_to_json_value(&c, p);

				g_string_append_printf(o, "\"%s\":%s,", p->name, v);
			}
			g_string_append_printf(o, "\"cache_pages\":%" G_GUINT64_FORMAT "},\"stats\":{",
					       pcs_config_cache_pages(&c));
			for (const PcsStatField *f = pcs_stat_fields(), *first = f; f->name; f++) {
				if (!mrc_knows(f))
					continue;
				g_string_append_printf(o, "%s\"%s\":", f == first ? "" : ",", f->name);
				mrc_value(o, &s, f);
			}
			g_string_append_printf(o, "},\"job\":%u}\n", i);
		}
	}
	if (!pcs_write_file_atomic(output ? output : "-", rows->csv ? csv_text->str : out->str,
				   rows->csv ? csv_text->len : out->len, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	if (plot_dir)
		return pcs_cli_plot_text(CMD, csv_text->str, csv_text->len, PCS_PLOT_MRC, plot_dir,
					 "mrc", quiet);
	return PCS_EXIT_OK;
}

static void
free_options(SweepOptions *o)
{
	g_strfreev(o->sets);
	g_free(o->output_format);
	g_free(o->output);
	g_free(o->progress);
	g_free(o->job_index);
	g_free(o->result_dir);
	g_free(o->plot_dir);
	g_free(o->max_jobs);
	g_free(o->format);
	g_free(o->config_file);
}

int
pcs_cmd_sweep(int argc, char **argv)
{
	PcsConfig base;
	SweepOptions o = { .nr_threads = 0 };
	GOptionEntry entries[] = {
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.sets,
		  "sweep a parameter: NAME=V1,V2,... or ranges FROM..TO:xFACTOR, FROM..TO:+STEP "
		  "(repeatable; the grid is the product)", "NAME=VALUES" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &o.nr_threads,
		  "jobs run at once (default: the number of processors)", "N" },
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &o.output_format,
		  "jsonl (default) or csv", "FORMAT" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
		  "write the results to FILE (atomically) instead of stdout", "FILE" },
		{ "progress", 0, 0, G_OPTION_ARG_STRING, &o.progress,
		  "progress on stderr: auto (when a terminal), always, never", "WHEN" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "no progress, warnings or notes on stderr", NULL },
		{ "list-jobs", 0, 0, G_OPTION_ARG_NONE, &o.list_jobs,
		  "print one command line per job (for GNU parallel, Slurm arrays) and exit", NULL },
		{ "job-index", 0, 0, G_OPTION_ARG_STRING, &o.job_index,
		  "run only job N and write its row to --result-dir (skipped if already there)",
		  "N" },
		{ "result-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.result_dir,
		  "directory of per-job result files (--list-jobs, --job-index)", "DIR" },
		{ "mrc", 0, 0, G_OPTION_ARG_NONE, &o.mrc,
		  "one-pass LRU miss-ratio curve over the --set cache sizes (policy lru, "
		  "reclaim batch 1, no readahead)", NULL },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot_dir,
		  "also write the results as CSV, a gnuplot script and its image into DIR", "DIR" },
		{ "max-jobs", 0, 0, G_OPTION_ARG_STRING, &o.max_jobs,
		  "refuse grids of more than N jobs (default 10000)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "trace format (default: detected); see 'pcsim trace formats'", "NAME" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &o.config_file,
		  "base parameters from an INI file, group [pcsim]; options given here win",
		  "FILE" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsSweepGrid) grid = NULL;
	g_autoptr(PcsFileTable) files = NULL;
	g_autoptr(GPtrArray) traces = NULL;
	g_autoptr(GString) out = NULL;
	g_autofree PcsTraceIdent *idents = NULL;
	const char *config_path;
	PcsProgressMode pmode = PCS_PROGRESS_AUTO;
	PcsProgress prog;
	guint64 max_jobs = PCS_SWEEP_DEFAULT_MAX_JOBS, nr_jobs, job_index = 0, budget = 0;
	PcsSweepRun *run;
	gboolean csv = FALSE, has_warmup = FALSE;
	Rows rows = { 0 };
	int status = PCS_EXIT_OK, nr_traces;

	/* 1. configuration */
	pcs_config_init(&base);
	config_path = prescan_config(argc, argv);
	if (config_path && !pcs_config_load_file(&base, config_path, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	ctx = g_option_context_new("TRACE... --set NAME=VALUES... - replay a parameter grid");
	g_option_context_set_summary(ctx,
		"Replays the traces once per combination of the --set values (their cartesian\n"
		"product), in parallel, and prints one row per job in grid order (the first --set\n"
		"varies slowest). Every replay option sets the base value of the grid.\n"
		"Examples: --set cache=64M..4G:x2 --set reclaim_batch=1,32 --set policy=lru,two-list");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_config_option_group(&base));
	g_option_context_add_group(ctx, pcs_cli_trace_option_group(&o.topts));
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		status = PCS_EXIT_USAGE;
		goto out;
	}
#define USAGE(...) do { pcs_cli_error(CMD, __VA_ARGS__); status = PCS_EXIT_USAGE; goto out; } \
	while (0)
	nr_traces = argc - 1;
	if (nr_traces < 1)
		USAGE("expected at least one TRACE (try 'pcsim sweep --help')");
	if (o.output_format) {
		if (strcmp(o.output_format, "csv") == 0)
			csv = TRUE;
		else if (strcmp(o.output_format, "jsonl") != 0 && strcmp(o.output_format, "json"))
			USAGE("--output-format: expected jsonl or csv, got '%s'", o.output_format);
	}
	if (o.progress && !pcs_progress_mode_parse(o.progress, &pmode, &error))
		USAGE("%s", error->message);
	if (o.quiet)
		pmode = PCS_PROGRESS_NEVER;
	if (o.nr_threads < 0)
		USAGE("-j: expected a number of jobs above 0, got %d", o.nr_threads);
	if (o.max_jobs && (!pcs_parse_count(o.max_jobs, &max_jobs, &error) || max_jobs == 0))
		USAGE("--max-jobs: expected a count above 0, got '%s'", o.max_jobs);
	if (o.format && strcmp(o.format, "auto") != 0 && !pcs_trace_format_by_name(o.format))
		USAGE("--format: unknown trace format '%s' (see 'pcsim trace formats')", o.format);
	grid = pcs_sweep_grid_new(max_jobs);
	for (char **s = o.sets; s && *s; s++)
		if (!pcs_sweep_grid_add(grid, *s, &error))
			USAGE("%s", error->message);
	nr_jobs = pcs_sweep_grid_nr_jobs(grid);
	if (o.job_index) {
		if (!pcs_parse_count(o.job_index, &job_index, &error) || job_index >= nr_jobs)
			USAGE("--job-index: expected a job number from 0 to %" G_GUINT64_FORMAT
			      ", got '%s'", nr_jobs - 1, o.job_index);
		if (!o.result_dir)
			USAGE("--job-index needs --result-dir DIR (where the job's row goes)");
	}
	if (o.list_jobs && !o.result_dir)
		USAGE("--list-jobs needs --result-dir DIR (where each job writes its row)");
	if (o.mrc && (o.list_jobs || o.job_index))
		USAGE("--mrc is one pass over the trace: it has no jobs to list or run apart");
	/* Sweep-wide facts: the largest --skip-bad, and whether any job has a warm-up (so
	 * every row has the same columns). */
	for (guint64 i = 0; i < nr_jobs; i++) {
		PcsConfig cfg;

		if (!pcs_sweep_grid_job_config(grid, &base, i, &cfg, &error))
			USAGE("job %" G_GUINT64_FORMAT ": %s", i, error->message);
		budget = MAX(budget, cfg.skip_bad);
		has_warmup |= cfg.warmup_requests != 0 || cfg.warmup_ns != 0;
	}

	/* 2. */
	if (o.list_jobs) {
		out = g_string_new(NULL);
		list_jobs(&o, nr_traces, argv + 1, &base, nr_jobs, csv, out);
		if (!pcs_write_file_atomic(o.output ? o.output : "-", out->str, out->len, &error)) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
		}
		goto out;
	}
	if (o.job_index) {
		g_autofree char *path = result_path(o.result_dir, nr_jobs, job_index, csv);

		if (g_file_test(path, G_FILE_TEST_EXISTS)) {
			if (!o.quiet)
				pcs_cli_warn(CMD, "%s exists: job %" G_GUINT64_FORMAT " skipped",
					     path, job_index);
			goto out;
		}
	}

	/* 3. the traces: opened now (a missing file fails before any work), read once */
	pcs_progress_init(&prog, pmode);
	files = pcs_files_new();
	traces = g_ptr_array_new_with_free_func((GDestroyNotify) pcs_sweep_trace_free);
	idents = g_new0(PcsTraceIdent, nr_traces);
	for (int i = 0; i < nr_traces; i++) {
		PcsSweepTrace *t = pcs_sweep_trace_open(argv[i + 1], o.format, &o.topts, files,
							 &error);

		if (!t) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
			goto out;
		}
		g_ptr_array_add(traces, t);
		idents[i] = *pcs_sweep_trace_ident(t);
	}
	rows.csv = csv;
	rows.has_warmup = has_warmup;
	rows.idents = idents;
	rows.nr_traces = (guint) nr_traces;
	rows.files = files;
	rows.out = out = g_string_new(NULL);
	rows.prog = &prog;
	rows.nr_jobs = nr_jobs;
	if (o.job_index || o.mrc) {
		/* one job, or one pass: read everything first */
		if (!read_traces(traces, &budget, &rows, &error)) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
			goto out;
		}
	}

	/* 4. the jobs */
	if (o.job_index) {
		g_autofree char *path = result_path(o.result_dir, nr_jobs, job_index, csv);
		PcsSweepResult res;
		PcsConfig cfg;

		if (g_mkdir_with_parents(o.result_dir, 0777) != 0) {
			pcs_cli_error(CMD, "%s: cannot create the directory: %s", o.result_dir,
				      g_strerror(errno));
			status = PCS_EXIT_FAILURE;
			goto out;
		}
		pcs_sweep_grid_job_config(grid, &base, job_index, &cfg, NULL);
		pcs_sweep_run_job((PcsSweepTrace *const *) traces->pdata, traces->len, &cfg,
				  job_index, &res, NULL);
		render_row(&rows, &res, out);
		if (!res.ok) {
			pcs_cli_error(CMD, "job %" G_GUINT64_FORMAT " failed: %s", job_index,
				      res.error->message);
			status = PCS_EXIT_FAILURE;
		}
		pcs_sweep_result_clear(&res);
		if (!pcs_write_file_atomic(path, out->str, out->len, &error)) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
		}
		goto out;
	}
	rows.stream = o.output == NULL || strcmp(o.output, "-") == 0;
	if (o.mrc) {
		status = sweep_mrc(grid, &base, (PcsSweepTrace *const *) traces->pdata, traces->len,
				   &rows, o.output, o.plot_dir, o.quiet);
		goto out;
	}
	if (o.plot_dir)
		rows.plot_csv = g_string_new(NULL);
	/* The jobs start now and read the traces as they are decoded (below, in this thread). */
	run = pcs_sweep_run_start((PcsSweepTrace *const *) traces->pdata, traces->len, grid, &base,
				  (guint) o.nr_threads);
	if (!read_traces(traces, &budget, &rows, &error))
		rows.load_failed = TRUE;  /* every job fails with it; no row is printed */
	if (pcs_sweep_run_finish(run, on_result, on_sweep_progress, &rows) > 0)
		status = PCS_EXIT_FAILURE;
	pcs_progress_finish(&prog);
	if (rows.load_failed) {
		pcs_cli_error(CMD, "%s", error->message);
		status = PCS_EXIT_FAILURE;
		goto out;
	}
	if (!rows.stream && !pcs_write_file_atomic(o.output, out->str, out->len, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		status = PCS_EXIT_FAILURE;
	}
	/* 5. */
	if (o.plot_dir) {
		int st = sweep_plot(grid, rows.plot_csv, o.plot_dir, o.quiet);

		g_string_free(rows.plot_csv, TRUE);
		if (st != PCS_EXIT_OK)
			status = st;
	}
out:
	free_options(&o);
	return status;
#undef USAGE
}
