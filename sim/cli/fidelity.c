/*
 * fidelity.c - `pcsim fidelity FILE_TRACE BLOCK_TRACE`: does the model predict what the
 * kernel did? The same run recorded at file level (strace) and at block level (blkparse):
 * pcsim replays the file-level trace with the recording machine's settings and sets its
 * predicted device traffic beside what the block trace shows.
 *
 *   1. the block trace: data and metadata I/O, queued (Q) and dispatched (D) (fidelity.c);
 *   2. the file trace, read once for what it knows: file sizes (readahead stops at i_size,
 *      which a streaming replay would learn only at the end), mapped ranges;
 *   3. the replay: predicted reads queued (one per run the cache reads, as submitted) and
 *      dispatched (split at max_io), bytes, sizes, writes; with mapped files a second replay
 *      with every mapped page touched gives the upper bound (strace cannot see the touches);
 *   4. the table: truth, prediction, relative error; metadata apart (the file level cannot
 *      see it); mapped files listed. Normal, JSON (one line) or CSV; --series writes the
 *      cumulative read bytes over time, recorded and predicted, as CSV, and --plot draws
 *      them (plots/fidelity.gp).
 *
 * What it cannot tell: writeback timing (the recording may end with dirty data in memory:
 * --no-final-sync then matches better), metadata and journal I/O, and files outside the
 * device (filter them with --include-path / --exclude-path).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <pcsim/cache.h>
#include <pcsim/config.h>
#include <pcsim/fidelity.h>
#include <pcsim/plot.h>
#include <pcsim/table.h>
#include <pcsim/replay.h>
#include <pcsim/report.h>

#include "cli.h"

#define CMD "fidelity"

typedef struct {
	const char *name;
	guint64     truth;
	gboolean    predicted_known;  /* FALSE: the file level cannot see it */
	guint64     predicted, upper;
} Row;

typedef struct {
	GArray *points;   /* PcsFidelityPoint: predicted cumulative read bytes */
	gint64  t0;
} Series;

static void
on_interval(const PcsStats *s, gpointer user)
{
	Series *se = user;
	PcsFidelityPoint p = { 0, s->dev_read_bytes };

	if (s->last_t_ns != PCS_TIME_UNKNOWN) {
		if (se->t0 == PCS_TIME_UNKNOWN)
			se->t0 = s->first_t_ns;
		p.t_ns = s->last_t_ns - se->t0;
	}
	g_array_append_val(se->points, p);
}

/* Replays the file trace into a fresh cache; sizes from the pre-read table. */
static gboolean
predict(const char *path, const char *format, const PcsTraceOptions *topts,
	PcsFileTable *files, const PcsConfig *cfg, gboolean touch, Series *se, PcsStats *out,
	GError **error)
{
	g_autoptr(PcsReplay) rp = pcs_replay_new(cfg, error);
	g_autoptr(PcsTrace) t = NULL;
	PcsStats w;
	gboolean complete;

	if (!rp)
		return FALSE;
	t = pcs_trace_open_full(path, format, topts, files, error);
	if (!t)
		return FALSE;
	for (guint32 id = 0; id < pcs_files_count(files); id++)
		pcs_cache_note_file_size(pcs_replay_cache(rp), id, pcs_files_size(files, id));
	pcs_replay_set_touch_bounds(rp, touch);
	if (se)
		pcs_replay_set_interval(rp, 0, 10000000, on_interval, se);  /* every 10 ms */
	if (!pcs_replay_trace(rp, t, error))
		return FALSE;
	pcs_replay_finish(rp, &w, out, &complete);
	return TRUE;
}

static void
add_row(GArray *rows, const char *name, guint64 truth, gboolean known, guint64 predicted,
	guint64 upper)
{
	Row r = { name, truth, known, predicted, upper };

	g_array_append_val(rows, r);
}

static void
append_error(GString *out, guint64 truth, guint64 predicted, gboolean json)
{
	double e = pcs_fidelity_error(truth, predicted);

	if (isnan(e))
		g_string_append(out, json ? "null" : "");
	else
		g_string_append_printf(out, json ? "%.6f" : "%.4f", e);
}

static void
render_normal(GString *out, const char *ftrace, const char *btrace, const PcsBlockTruth *truth,
	      GArray *rows, gboolean has_upper, GHashTable *mapped, const PcsStats *pred)
{
	g_string_append_printf(out, "pcsim fidelity: %s (file level) against %s (block level, "
			       "device %s)\n", ftrace, btrace, truth->device ? truth->device : "?");
	g_string_append_printf(out, "%-36s %14s %14s %9s", "", "recorded", "predicted", "error");
	if (has_upper)
		g_string_append_printf(out, " %14s", "all mapped");
	g_string_append_c(out, '\n');
	for (guint i = 0; i < rows->len; i++) {
		const Row *r = &g_array_index(rows, Row, i);
		g_autoptr(GString) err = g_string_new(NULL);

		if (!r->predicted_known) {
			g_string_append_printf(out, "%-36s %14" G_GUINT64_FORMAT " %14s\n", r->name,
					       r->truth, "(not seen)");
			continue;
		}
		append_error(err, r->truth, r->predicted, FALSE);
		if (err->len) {
			double e = g_ascii_strtod(err->str, NULL);

			g_string_printf(err, "%+.1f%%", 100 * e);
		} else {
			g_string_assign(err, "-");
		}
		g_string_append_printf(out, "%-36s %14" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT
				       " %9s", r->name, r->truth, r->predicted, err->str);
		if (has_upper)
			g_string_append_printf(out, " %14" G_GUINT64_FORMAT, r->upper);
		g_string_append_c(out, '\n');
	}
	if (pred->filtered_records)
		g_string_append_printf(out, "left out by path filters: %" G_GUINT64_FORMAT
				       " records, %" G_GUINT64_FORMAT " bytes of requests\n",
				       pred->filtered_records, pred->filtered_bytes);
	if (g_hash_table_size(mapped)) {
		GHashTableIter it;
		gpointer k, v;

		g_string_append(out, "mapped files (strace sees the mmap, not the touches; the "
				"truth lies between 'predicted' and 'all mapped'):\n");
		g_hash_table_iter_init(&it, mapped);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_string_append_printf(out, "  %s: %" G_GUINT64_FORMAT " bytes mapped\n",
					       (const char *) k, *(guint64 *) v);
	}
}

static void
render_json(GString *out, const char *ftrace, const char *btrace, const PcsBlockTruth *truth,
	    GArray *rows, gboolean has_upper, GHashTable *mapped, const PcsStats *pred)
{
	g_string_append_printf(out, "{\"format_version\":%d,\"command\":\"fidelity\","
			       "\"file_trace\":", PCS_REPORT_FORMAT_VERSION);
	pcs_json_append_string(out, ftrace);
	g_string_append(out, ",\"block_trace\":");
	pcs_json_append_string(out, btrace);
	g_string_append(out, ",\"device\":");
	pcs_json_append_string(out, truth->device ? truth->device : "");
	g_string_append(out, ",\"rows\":[");
	for (guint i = 0; i < rows->len; i++) {
		const Row *r = &g_array_index(rows, Row, i);

		g_string_append(out, i ? ",{\"name\":" : "{\"name\":");
		pcs_json_append_string(out, r->name);
		g_string_append_printf(out, ",\"recorded\":%" G_GUINT64_FORMAT, r->truth);
		if (!r->predicted_known) {
			g_string_append(out, ",\"predicted\":null,\"error\":null}");
			continue;
		}
		g_string_append_printf(out, ",\"predicted\":%" G_GUINT64_FORMAT ",\"error\":",
				       r->predicted);
		append_error(out, r->truth, r->predicted, TRUE);
		if (has_upper)
			g_string_append_printf(out, ",\"all_mapped\":%" G_GUINT64_FORMAT, r->upper);
		g_string_append_c(out, '}');
	}
	g_string_append_printf(out, "],\"filtered_records\":%" G_GUINT64_FORMAT
			       ",\"filtered_bytes\":%" G_GUINT64_FORMAT ",\"mapped\":{",
			       pred->filtered_records, pred->filtered_bytes);
	{
		GHashTableIter it;
		gpointer k, v;
		gboolean first = TRUE;

		g_hash_table_iter_init(&it, mapped);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			if (!first)
				g_string_append_c(out, ',');
			first = FALSE;
			pcs_json_append_string(out, k);
			g_string_append_printf(out, ":%" G_GUINT64_FORMAT, *(guint64 *) v);
		}
	}
	g_string_append(out, "}}\n");
}

static void
render_csv(GString *out, GArray *rows, gboolean has_upper)
{
	g_string_append(out, has_upper ? "name,recorded,predicted,error,all_mapped\n" :
			"name,recorded,predicted,error\n");
	for (guint i = 0; i < rows->len; i++) {
		const Row *r = &g_array_index(rows, Row, i);

		g_string_append_printf(out, "\"%s\",%" G_GUINT64_FORMAT ",", r->name, r->truth);
		if (r->predicted_known) {
			g_string_append_printf(out, "%" G_GUINT64_FORMAT ",", r->predicted);
			append_error(out, r->truth, r->predicted, FALSE);
		} else {
			g_string_append_c(out, ',');
		}
		if (has_upper && r->predicted_known)
			g_string_append_printf(out, ",%" G_GUINT64_FORMAT, r->upper);
		else if (has_upper)
			g_string_append_c(out, ',');
		g_string_append_c(out, '\n');
	}
}

/* time_ns,recorded_bytes,predicted_bytes: both step functions sampled at every point. */
static char *
series_csv(const PcsBlockTruth *truth, const Series *se)
{
	GString *out = g_string_new("time_s,recorded_read_bytes,predicted_read_bytes\n");
	guint i = 0, j = 0;
	guint64 a = 0, b = 0;
	const GArray *x = truth->read_series, *y = se->points;

	while (i < x->len || j < y->len) {
		const PcsFidelityPoint *p = i < x->len ? &g_array_index(x, PcsFidelityPoint, i) : NULL;
		const PcsFidelityPoint *q = j < y->len ? &g_array_index(y, PcsFidelityPoint, j) : NULL;
		gint64 t;

		if (p && (!q || p->t_ns <= q->t_ns)) {
			t = p->t_ns;
			a = p->bytes;
			i++;
		} else {
			t = q->t_ns;
			b = q->bytes;
			j++;
		}
		g_string_append_printf(out, "%.6f,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\n",
				       (double) t / 1e9, a, b);
	}
	return g_string_free(out, FALSE);
}

static const char *const hist_names[PCS_IO_HIST_BUCKETS] = {
	"data reads dispatched <= 4K", "data reads dispatched <= 8K",
	"data reads dispatched <= 16K", "data reads dispatched <= 32K",
	"data reads dispatched <= 64K", "data reads dispatched <= 128K",
	"data reads dispatched <= 256K", "data reads dispatched <= 512K",
	"data reads dispatched <= 1M", "data reads dispatched > 1M",
};

int
pcs_cmd_fidelity(int argc, char **argv)
{
	PcsConfig cfg;
	struct {
		char *output, *output_format, *format, *series, *plot;
		gboolean quiet, force;
	} o = { 0 };
	const GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
		  "write the table to FILE (atomically) instead of stdout", "FILE" },
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &o.output_format,
		  "normal (default), json or csv", "FORMAT" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "format of FILE_TRACE (default: detected)", "NAME" },
		{ "series", 0, 0, G_OPTION_ARG_FILENAME, &o.series,
		  "write cumulative read bytes over time, recorded and predicted, to FILE (CSV)",
		  "FILE" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot,
		  "draw the cumulative read bytes, recorded and predicted, into FILE (.png, .svg; "
		  "needs gnuplot)", "FILE" },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
		  "show the table even when the traces do not look like one run", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "no notes on stderr", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof (Row));
	g_autoptr(GHashTable) mapped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							     g_free);
	g_autoptr(GString) out = g_string_new(NULL);
	PcsTraceOptions topts = { 0 };
	PcsBlockTruth truth = { 0 };
	PcsStats pred, upper;
	Series se = { g_array_new(FALSE, FALSE, sizeof (PcsFidelityPoint)), PCS_TIME_UNKNOWN };
	guint formats = PCS_OUTPUT_NORMAL;
	guint64 nr_records = 0;
	int status = PCS_EXIT_FAILURE;

	pcs_config_init(&cfg);
	cfg.data = FALSE;  /* counts only: the data path changes nothing here */
	ctx = g_option_context_new("FILE_TRACE BLOCK_TRACE - compare predicted and recorded "
				   "device I/O");
	g_option_context_set_summary(ctx,
		"Replays FILE_TRACE (strace, fio, pcsim) with the given settings and compares its\n"
		"predicted device reads and writes with BLOCK_TRACE (blkparse text of the same\n"
		"run): recorded, predicted, relative error. Give the recording machine's settings:\n"
		"--readahead (read_ahead_kb), --io-pages and --max-io (max_sectors_kb), --folios.");
	g_option_context_set_main_group(ctx, pcs_config_option_group(&cfg));
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_cli_trace_option_group(&topts));
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		goto usage;
	}
	if (argc != 3) {
		pcs_cli_error(CMD, "expected FILE_TRACE BLOCK_TRACE (try 'pcsim fidelity --help')");
		goto usage;
	}
	if (o.output_format && (!pcs_output_formats_parse(o.output_format, &formats, &error) ||
				(formats & (formats - 1)))) {
		pcs_cli_error(CMD, "--output-format: %s", error ? error->message :
			      "one of normal, json or csv");
		goto usage;
	}

	/* 1. */
	if (!pcs_block_truth_read(argv[2], &topts, &truth, &error))
		goto fail;
	/* 2. */
	{
		g_autoptr(PcsTrace) t = pcs_trace_open_full(argv[1], o.format, &topts, files,
							    &error);
		PcsIoEvent ev;
		PcsTraceStatus st;

		if (!t)
			goto fail;
		if (!(pcs_trace_ops(t)->caps & PCS_TRACE_CAP_FILES)) {
			g_set_error(&error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "%s: a %s trace is block-level; the first trace of a fidelity "
				    "check is the file-level one (strace, fio, pcsim)", argv[1],
				    pcs_trace_ops(t)->name);
			goto fail;
		}
		while ((st = pcs_trace_next(t, &ev, &error)) == PCS_TRACE_OK) {
			nr_records++;
			if ((ev.flags & PCS_EVENT_BOUND) && ev.len_bytes != PCS_NONE) {
				const char *name = pcs_files_name(files, ev.file);
				guint64 *v = g_hash_table_lookup(mapped, name);

				if (!v) {
					v = g_new0(guint64, 1);
					g_hash_table_insert(mapped, g_strdup(name), v);
				}
				*v += ev.len_bytes;
			}
		}
		if (st == PCS_TRACE_ERROR)
			goto fail;
		if (nr_records == 0) {
			g_set_error(&error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "%s: no records left%s", argv[1], topts.include_paths ||
				    topts.exclude_paths ? " after the path filters" : "");
			goto fail;
		}
	}
	/* 3. */
	if (!predict(argv[1], o.format, &topts, files, &cfg, FALSE, &se, &pred, &error))
		goto fail;
	/* Do the traces belong together? A pair recorded at once spans about the same time and
	 * moves data of the same order; far apart, the table would mislead. */
	if (!o.force) {
		gint64 fspan = pred.first_t_ns != PCS_TIME_UNKNOWN ? pred.last_t_ns - pred.first_t_ns : 0;
		gint64 bspan = truth.t_last - truth.t_first;
		guint64 fbytes = pred.dev_read_bytes + pred.dev_write_bytes;
		guint64 bbytes = truth.q_read.bytes + truth.q_write.bytes;

		if (fspan > 100000000 && bspan > 100000000 &&
		    (fspan > 3 * bspan || bspan > 3 * fspan)) {
			g_set_error(&error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "the traces do not look like one run: %s spans %.2f s, %s %.2f "
				    "s (a recording of another run or device? --force shows the "
				    "table anyway)", argv[1], fspan / 1e9, argv[2], bspan / 1e9);
			goto fail;
		}
		if (MAX(fbytes, bbytes) > (8u << 20) &&
		    (fbytes > 8 * bbytes || bbytes > 8 * fbytes)) {
			g_set_error(&error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "the traces do not look like one run: %s predicts %.1f MiB of "
				    "data I/O, %s recorded %.1f MiB (another device: --blk-dev? files "
				    "outside the device: --exclude-path? --force shows the table "
				    "anyway)", argv[1], fbytes / 1048576.0, argv[2],
				    bbytes / 1048576.0);
			goto fail;
		}
	}
	upper = pred;
	if (g_hash_table_size(mapped) &&
	    !predict(argv[1], o.format, &topts, files, &cfg, TRUE, NULL, &upper, &error))
		goto fail;
	/* 4. */
	add_row(rows, "data reads queued (I/Os)", truth.q_read.ios, TRUE, pred.dev_read_queued,
		upper.dev_read_queued);
	add_row(rows, "data reads dispatched (I/Os)", truth.d_read.ios, TRUE, pred.dev_read_ios,
		upper.dev_read_ios);
	add_row(rows, "data read bytes", truth.q_read.bytes, TRUE, pred.dev_read_bytes,
		upper.dev_read_bytes);
	for (guint b = 0; b < PCS_IO_HIST_BUCKETS; b++)
		if (truth.d_read.hist[b] || pred.dev_read_hist[b] || upper.dev_read_hist[b])
			add_row(rows, hist_names[b], truth.d_read.hist[b], TRUE,
				pred.dev_read_hist[b], upper.dev_read_hist[b]);
	add_row(rows, "data writes queued (I/Os)", truth.q_write.ios, TRUE, pred.wb_ios,
		upper.wb_ios);
	add_row(rows, "data writes dispatched (I/Os)", truth.d_write.ios, TRUE,
		pred.dev_write_ios, upper.dev_write_ios);
	add_row(rows, "data write bytes", truth.q_write.bytes, TRUE, pred.dev_write_bytes,
		upper.dev_write_bytes);
	add_row(rows, "metadata reads (I/Os)", truth.meta_read.ios, FALSE, 0, 0);
	add_row(rows, "metadata read bytes", truth.meta_read.bytes, FALSE, 0, 0);
	add_row(rows, "metadata writes (I/Os)", truth.meta_write.ios, FALSE, 0, 0);
	add_row(rows, "metadata write bytes", truth.meta_write.bytes, FALSE, 0, 0);
	if (formats & PCS_OUTPUT_JSON)
		render_json(out, argv[1], argv[2], &truth, rows, g_hash_table_size(mapped) > 0,
			    mapped, &pred);
	else if (formats & PCS_OUTPUT_CSV)
		render_csv(out, rows, g_hash_table_size(mapped) > 0);
	else
		render_normal(out, argv[1], argv[2], &truth, rows, g_hash_table_size(mapped) > 0,
			      mapped, &pred);
	if (!pcs_write_file_atomic(o.output ? o.output : "-", out->str, out->len, &error))
		goto fail;
	if (o.series || o.plot) {
		g_autofree char *csv = series_csv(&truth, &se);

		if (o.series && !pcs_write_file_atomic(o.series, csv, strlen(csv), &error))
			goto fail;
		if (o.plot) {
			g_autoptr(PcsTable) table = pcs_table_parse(csv, strlen(csv), "series", &error);

			if (!table || !pcs_plot_table(table, PCS_PLOT_FIDELITY, NULL, CMD, o.plot,
						      &error)) {
				g_prefix_error(&error, "--plot: ");
				goto fail;
			}
		}
	}
	status = PCS_EXIT_OK;
	goto done;

usage:
	status = PCS_EXIT_USAGE;
	goto done;
fail:
	pcs_cli_error(CMD, "%s", error->message);
done:
	pcs_block_truth_clear(&truth);
	g_array_unref(se.points);
	g_free(o.output);
	g_free(o.output_format);
	g_free(o.format);
	g_free(o.series);
	g_free(o.plot);
	return status;
}
