/*
 * replay.c - `pcsim replay TRACE...`: the main job.
 *
 * Reads each trace in turn into one cache (a warm cache from the previous ones), counts a
 * warm-up phase apart when asked, and renders the report in every format asked for.
 *
 *   1. Configuration: defaults, then --config FILE (INI), then the command line (which wins).
 *   2. Build the cache (bad combinations are usage errors, exit 2).
 *   3. For each trace: open (sniffed or --format) and feed it through pcs_replay_trace()
 *      (replay.c in the library holds the rules: stream rebasing, the warm-up boundary,
 *      batches for speed).
 *   4. Bad records: with --skip-bad N, up to N are counted, reported and skipped; the next
 *      one, or any without --skip-bad, stops the replay with "FILE:LINE: ..." and exit 1.
 *      Nothing is written to --output then.
 *   5. Render normal/json/csv into one buffer and write it atomically (stdout or --output).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include <pcsim/pcsim.h>
#include <pcsim/transfer.h>
#include "cli.h"

#define CMD "replay"

typedef struct {
	char            *format;
	char            *output_format;
	char            *output;
	char            *config_file;
	char            *progress;
	char            *trace_ra;
	char            *interval;
	char            *timeline;
	char            *timeline_format;
	char            *plot_dir;
	char            *device;
	char            *device_size;
	char            *device_param;
	char            *stop_after;
	gboolean         device_reuse;
	gboolean         quiet;
	gboolean         verbose;
} ReplayOptions;

static void
replay_options_clear(ReplayOptions *o)
{
	g_free(o->format);
	g_free(o->output_format);
	g_free(o->output);
	g_free(o->config_file);
	g_free(o->progress);
	g_free(o->trace_ra);
	g_free(o->interval);
	g_free(o->timeline);
	g_free(o->timeline_format);
	g_free(o->plot_dir);
	g_free(o->device);
	g_free(o->device_size);
	g_free(o->device_param);
	g_free(o->stop_after);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReplayOptions, replay_options_clear)

/* Finds --config FILE / --config=FILE before the real parse, so the file's values can be
 * overridden by the rest of the command line. */
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

/* Takes --serve all / --serve=all out of argv (the parameter table knows one method at a
 * time); TRUE when it was there. */
static gboolean
prescan_serve_all(int *argc, char **argv)
{
	gboolean found = FALSE;
	int j = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--serve") == 0 && i + 1 < *argc &&
		    strcmp(argv[i + 1], "all") == 0) {
			found = TRUE;
			i++;
			continue;
		}
		if (strcmp(argv[i], "--serve=all") == 0) {
			found = TRUE;
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return found;
}

/*
 * --serve all: the traces replayed once per transfer method, each into a fresh cache (and a
 * temporary device), then the methods side by side: a table (normal), one JSON report per
 * method (JSON Lines), or one CSV row per method. read-write, mmap-write, sendfile,
 * sendfile-sg and splice see the same cache behaviour; direct goes around it.
 */
static int
serve_all(PcsConfig *cfg, char **traces, int nr_traces, const char *format,
	  const PcsTraceOptions *topts, guint formats, const char *output)
{
	static const struct {
		const char *label, *field;
	} rows[] = {
		{ "hit ratio", "hit_ratio" },
		{ "reads served", "served_requests" },
		{ "bytes served", "served_bytes" },
		{ "bytes copied by the CPU", "cpu_copy_bytes" },
		{ "bytes moved by DMA", "dma_bytes" },
		{ "system calls", "syscalls" },
		{ "context switches", "context_switches" },
		{ "page faults (mmap)", "page_faults" },
		{ "device read bytes", "dev_read_bytes" },
		{ "resident pages", "resident_pages" },
	};
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	PcsStats st[PCS_SERVE_COUNT];
	PcsTraceIdent *idents = g_new0(PcsTraceIdent, nr_traces);
	int status = PCS_EXIT_OK;

	for (guint m = PCS_SERVE_TRACE + 1; m < PCS_SERVE_COUNT && status == PCS_EXIT_OK; m++) {
		g_autoptr(PcsReplay) rp = NULL;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		PcsStats w;
		gboolean complete;

		cfg->serve = m;
		rp = pcs_replay_new(cfg, &error);
		for (int i = 0; rp && i < nr_traces; i++) {
			g_autoptr(PcsTrace) t = pcs_trace_open_full(traces[i], format, topts, files,
								    &error);

			if (!t || !pcs_replay_trace(rp, t, &error))
				break;
			if (m == PCS_SERVE_TRACE + 1) {
				idents[i].path = g_strdup(traces[i]);
				idents[i].format = g_strdup(pcs_trace_ops(t)->name);
				idents[i].bytes = pcs_trace_bytes(t);
				g_strlcpy(idents[i].sha256, pcs_trace_sha256(t), sizeof idents[i].sha256);
				idents[i].level = pcs_trace_level(t);
			}
		}
		if (error) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
			break;
		}
		pcs_replay_finish(rp, &w, &st[m], &complete);
		if (formats & (PCS_OUTPUT_JSON | PCS_OUTPUT_CSV)) {
			PcsReport r = { 0 };
			g_autoptr(GString) one = g_string_new(NULL);

			cfg->readahead_bytes = pcs_cache_readahead_bytes(pcs_replay_cache(rp));
			r.command = CMD;
			r.cfg = cfg;
			r.traces = idents;
			r.nr_traces = (guint) nr_traces;
			r.measured = st[m];
			r.files = pcs_files_count(files);
			pcs_report_render(&r, formats & (PCS_OUTPUT_JSON | PCS_OUTPUT_CSV), one);
			if ((formats & PCS_OUTPUT_CSV) && m > PCS_SERVE_TRACE + 1) {
				const char *nl = strchr(one->str, '\n');  /* the header once */

				g_string_erase(one, 0, nl ? nl - one->str + 1 : 0);
			}
			g_string_append(out, one->str);
		}
	}
	if (status == PCS_EXIT_OK && (formats & PCS_OUTPUT_NORMAL)) {
		g_string_append_printf(out, "pcsim %s --serve all: %s%s\n%-26s", CMD, traces[0],
				       nr_traces > 1 ? " ..." : "", "");
		for (guint m = PCS_SERVE_TRACE + 1; m < PCS_SERVE_COUNT; m++)
			g_string_append_printf(out, " %14s", pcs_transfer_models()[m - 1].name);
		g_string_append_c(out, '\n');
		for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
			const PcsStatField *f = NULL;

			for (const PcsStatField *g = pcs_stat_fields(); g->name && !f; g++)
				if (strcmp(g->name, rows[i].field) == 0)
					f = g;
			g_assert(f);
			g_string_append_printf(out, "%-26s", rows[i].label);
			for (guint m = PCS_SERVE_TRACE + 1; m < PCS_SERVE_COUNT; m++) {
				if (f->kind == PCS_STAT_RATIO)
					g_string_append_printf(out, " %13.2f%%",
							       100 * pcs_stat_ratio(&st[m], f));
				else
					g_string_append_printf(out, " %14" G_GUINT64_FORMAT,
							       pcs_stat_u64(&st[m], f));
			}
			g_string_append_c(out, '\n');
		}
		g_string_append(out, "(direct reads go around the cache: its hit ratio covers the "
				"other requests only)\n");
	}
	if (status == PCS_EXIT_OK &&
	    !pcs_write_file_atomic(output ? output : "-", out->str, out->len, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		status = PCS_EXIT_FAILURE;
	}
	for (int i = 0; i < nr_traces; i++) {
		g_free(idents[i].path);
		g_free(idents[i].format);
	}
	g_free(idents);
	return status;
}

typedef struct {
	PcsProgress *prog;
	const char  *label;
	gboolean     quiet;
} ReplayUi;

/* --trace-ra: one line per readahead decision, written to FILE.tmp and renamed at the end. */
typedef struct {
	FILE         *out;
	PcsFileTable *files;
	gboolean      folios;  /* add the folio order column */
} RaLog;

static void
on_ra(const PcsRaRecord *r, gpointer user)
{
	RaLog *log = user;
	const char *name = pcs_files_name(log->files, r->file);

	if (r->t_ns == PCS_TIME_UNKNOWN)
		fputs("-", log->out);
	else
		fprintf(log->out, "%" G_GINT64_FORMAT, r->t_ns);
	fprintf(log->out, " %u %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
		" %" G_GUINT64_FORMAT " %s", r->stream, name ? name : "?", r->trigger_page,
		r->start, r->size, r->async_size, r->kind);
	if (log->folios)
		fprintf(log->out, " %u", r->order);
	fputc('\n', log->out);
}

static void
on_progress(double fraction, guint64 requests, gpointer user)
{
	ReplayUi *ui = user;

	pcs_progress_update(ui->prog, ui->label, fraction, requests, "req");
}

static void
on_bad_record(const GError *error, gpointer user)
{
	ReplayUi *ui = user;

	if (!ui->quiet) {
		pcs_progress_finish(ui->prog);
		pcs_cli_warn(CMD, "skipped: %s", error->message);
	}
}

/* --device, --device-reuse, --device-size, --device-param into spec (strings borrowed from
 * o). Fails on a bad --device-size. */
static gboolean
device_spec(const ReplayOptions *o, PcsDeviceSpec *spec, GError **error)
{
	spec->path = o->device;
	spec->reuse = o->device_reuse;
	spec->params = o->device_param;
	if (o->device_reuse && !o->device) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--device-reuse needs --device FILE");
		return FALSE;
	}
	if (o->device_size && !pcs_parse_size(o->device_size, &spec->size_bytes, error)) {
		g_prefix_error(error, "--device-size: ");
		return FALSE;
	}
	return TRUE;
}

/*
 * --stop-after N: feeds trace t one event at a time until the cache has seen N requests
 * (counted from the start of the replay), then sets *stopped. Bad records stop the replay as
 * without --skip-bad (the combination is refused). Fails with the reader's error.
 */
static gboolean
replay_until(PcsReplay *rp, PcsTrace *t, guint64 stop_after, gboolean *stopped,
	     GError **error)
{
	PcsCache *cache = pcs_replay_cache(rp);
	PcsIoEvent ev;

	pcs_cache_resolve_readahead(cache, (pcs_trace_ops(t)->caps & PCS_TRACE_CAP_FILES) != 0);
	pcs_replay_begin_trace(rp);
	while (pcs_cache_nr_requests(cache) < stop_after) {
		PcsTraceStatus st = pcs_trace_next(t, &ev, error);

		if (st == PCS_TRACE_EOF)
			break;
		if (st != PCS_TRACE_OK)
			return FALSE;
		if (!pcs_replay_feed(rp, &ev, 1, error)) {
			g_prefix_error(error, "%s: ", pcs_trace_path(t));
			return FALSE;
		}
	}
	pcs_replay_end_trace(rp);
	*stopped = pcs_cache_nr_requests(cache) >= stop_after;
	return TRUE;
}

int
pcs_cmd_replay(int argc, char **argv)
{
	PcsConfig cfg;
	g_auto(ReplayOptions) o = { 0 };
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "trace format (default: detected); see 'pcsim trace formats'", "NAME" },
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &o.output_format,
		  "normal, json, csv, or a comma list (default normal)", "LIST" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
		  "write the report to FILE (atomically) instead of stdout", "FILE" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &o.config_file,
		  "read parameters from an INI file, group [pcsim]; options given here win", "FILE" },
		{ "progress", 0, 0, G_OPTION_ARG_STRING, &o.progress,
		  "progress on stderr: auto (when a terminal), always, never", "WHEN" },
		{ "trace-ra", 0, 0, G_OPTION_ARG_FILENAME, &o.trace_ra,
		  "write every readahead decision to FILE: t_ns stream file trigger_page start size "
		  "async_size kind [order with --folios on]", "FILE" },
		{ "interval", 0, 0, G_OPTION_ARG_STRING, &o.interval,
		  "time series: one row every span of trace time (1s, 500ms) or N requests "
		  "(100000req)", "WHEN" },
		{ "timeline", 0, 0, G_OPTION_ARG_FILENAME, &o.timeline,
		  "write the time series to FILE (JSON Lines, or CSV for FILE.csv)", "FILE" },
		{ "timeline-format", 0, 0, G_OPTION_ARG_STRING, &o.timeline_format,
		  "jsonl or csv, whatever FILE's name", "FORMAT" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot_dir,
		  "write the time series (CSV), gnuplot scripts and plots (timeline, lists) into "
		  "DIR (default --interval 10000req)", "DIR" },
		{ "device", 0, 0, G_OPTION_ARG_FILENAME, &o.device,
		  "the simulated disk's backing file, created sparse (default: a temporary file, "
		  "gone at exit); leaves FILE.pcsim-journal for 'pcsim verify'", "FILE" },
		{ "device-reuse", 0, 0, G_OPTION_ARG_NONE, &o.device_reuse,
		  "--device FILE may be an existing file (never used without this)", NULL },
		{ "device-size", 0, 0, G_OPTION_ARG_STRING, &o.device_size,
		  "capacity of the device; an I/O beyond it is an error (default: grows)", "SIZE" },
		{ "device-param", 0, 0, G_OPTION_ARG_STRING, &o.device_param,
		  "latency model parameters, e.g. seek=8ms,rpm=7200,bw=150M (hdd), "
		  "read=100us,write=40us,bw=500M (ssd)", "LIST" },
		{ "stop-after", 0, 0, G_OPTION_ARG_STRING, &o.stop_after,
		  "stop after N requests, without the final sync (what a crash leaves: check "
		  "with 'pcsim verify --device FILE')", "N" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "no progress, warnings or notes on stderr", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o.verbose,
		  "also report wall time, throughput and peak memory", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsReplay) rp = NULL;
	g_autoptr(PcsFileTable) files = NULL;
	g_autoptr(GString) out = NULL;
	g_autoptr(PcsCliSeries) series = NULL;
	const char *config_path;
	guint formats = PCS_OUTPUT_NORMAL;
	PcsProgressMode pmode = PCS_PROGRESS_AUTO;
	PcsProgress prog;
	PcsTraceIdent *idents;
	ReplayUi ui = { 0 };
	PcsTraceOptions topts = { 0 };  /* filled by the reader options; strings owned by ctx */
	RaLog ra_log = { 0 };
	PcsReport report = { 0 };
	PcsDeviceSpec spec = { 0 };
	guint64 stop_after = 0;
	gboolean stopped = FALSE, serve_every;
	int nr_traces, status = PCS_EXIT_OK;
	gint64 t0 = g_get_monotonic_time();

	/* 1. configuration */
	pcs_config_init(&cfg);
	config_path = prescan_config(argc, argv);
	serve_every = prescan_serve_all(&argc, argv);
	if (config_path && !pcs_config_load_file(&cfg, config_path, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	ctx = g_option_context_new("TRACE... - replay traces through the page-cache model");
	g_option_context_set_summary(ctx,
		"Replays each TRACE in turn into one simulated page cache and reports hits,\n"
		"misses and the list policy's decisions. Sizes take K/M/G/T (binary).");
	/* The simulation parameters are the main options: --help lists them first. */
	g_option_context_set_main_group(ctx, pcs_config_option_group(&cfg));
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_cli_trace_option_group(&topts));
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (argc < 2) {
		pcs_cli_error(CMD, "expected at least one TRACE (try 'pcsim replay --help')");
		return PCS_EXIT_USAGE;
	}
	if (o.output_format && !pcs_output_formats_parse(o.output_format, &formats, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (o.progress && !pcs_progress_mode_parse(o.progress, &pmode, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (o.format && strcmp(o.format, "auto") != 0 && !pcs_trace_format_by_name(o.format)) {
		pcs_cli_error(CMD, "--format: unknown trace format '%s' (see 'pcsim trace formats')",
			      o.format);
		return PCS_EXIT_USAGE;
	}
	if (o.quiet)
		pmode = PCS_PROGRESS_NEVER;
	if (!pcs_cli_series_new(o.interval, o.timeline, o.timeline_format, o.plot_dir, &series,
				&error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}

	if (o.stop_after && !pcs_parse_count(o.stop_after, &stop_after, &error))
		g_prefix_error(&error, "--stop-after: ");
	if (error || !device_spec(&o, &spec, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (o.stop_after) {
		if (cfg.skip_bad) {
			pcs_cli_error(CMD, "--stop-after does not combine with --skip-bad yet");
			return PCS_EXIT_USAGE;
		}
		cfg.final_sync = FALSE;  /* a stop, not an end: what is dirty stays dirty */
	}
	if (o.device && !cfg.data && !o.quiet)
		pcs_cli_warn(CMD, "--device %s is not used with --data off", o.device);
	if (serve_every) {
		if (o.device || o.stop_after || o.trace_ra || series) {
			pcs_cli_error(CMD, "--serve all replays the traces once per method: it takes "
				      "no --device, --stop-after, --trace-ra or time series");
			return PCS_EXIT_USAGE;
		}
		return serve_all(&cfg, argv + 1, argc - 1, o.format, &topts, formats, o.output);
	}

	/* 2. the cache and the device (a device that cannot be opened is a runtime failure) */
	rp = pcs_replay_new_full(&cfg, &spec, &error);
	if (!rp) {
		pcs_cli_error(CMD, "%s", error->message);
		return g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN) ?
		       PCS_EXIT_FAILURE : PCS_EXIT_USAGE;
	}

	/* 3-4. the traces */
	nr_traces = argc - 1;
	idents = g_new0(PcsTraceIdent, nr_traces);
	files = pcs_files_new();
	pcs_progress_init(&prog, pmode);
	ui.prog = &prog;
	ui.quiet = o.quiet;
	pcs_replay_set_progress(rp, on_progress, &ui);
	pcs_cli_series_attach(series, rp);
	if (o.trace_ra) {
		g_autofree char *tmp = g_strconcat(o.trace_ra, ".tmp", NULL);

		ra_log.out = fopen(tmp, "w");
		if (!ra_log.out) {
			pcs_cli_error(CMD, "--trace-ra: cannot create %s: %s", tmp, g_strerror(errno));
			g_free(idents);
			return PCS_EXIT_FAILURE;
		}
		ra_log.files = files;
		ra_log.folios = cfg.folios;
		fprintf(ra_log.out, "# t_ns stream file trigger_page start size async_size kind%s\n",
			cfg.folios ? " order" : "");
		pcs_cache_set_ra_trace(pcs_replay_cache(rp), on_ra, &ra_log);
	}
	pcs_replay_set_bad_record(rp, on_bad_record, &ui);
	pcs_cache_time_device_calls(pcs_replay_cache(rp), o.verbose);  /* only -v shows it */
	for (int i = 0; i < nr_traces && status == PCS_EXIT_OK && !stopped; i++) {
		g_autofree char *label = nr_traces > 1 ?
			g_strdup_printf("replay %d/%d", i + 1, nr_traces) : g_strdup("replay");
		g_autoptr(PcsTrace) t = pcs_trace_open_full(argv[i + 1], o.format, &topts, files,
							    &error);

		ui.label = label;
		if (t) {
			idents[i].path = g_strdup(argv[i + 1]);
			idents[i].format = g_strdup(pcs_trace_ops(t)->name);
			idents[i].bytes = pcs_trace_bytes(t);
			g_strlcpy(idents[i].sha256, pcs_trace_sha256(t), sizeof idents[i].sha256);
			idents[i].level = pcs_trace_level(t);
		}
		if (!t || !(o.stop_after ? replay_until(rp, t, stop_after, &stopped, &error) :
			    pcs_replay_trace(rp, t, &error))) {
			pcs_progress_finish(&prog);
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
		}
	}
	pcs_progress_finish(&prog);
	if (ra_log.out) {
		g_autofree char *tmp = g_strconcat(o.trace_ra, ".tmp", NULL);
		gboolean ok = fclose(ra_log.out) == 0;

		if (status == PCS_EXIT_OK && ok && rename(tmp, o.trace_ra) != 0)
			ok = FALSE;
		if (!ok || status != PCS_EXIT_OK) {
			if (status == PCS_EXIT_OK)
				pcs_cli_error(CMD, "--trace-ra: cannot write %s", o.trace_ra);
			g_unlink(tmp);
			status = PCS_EXIT_FAILURE;
		}
	}

	/* 5. the report */
	if (status == PCS_EXIT_OK) {
		gboolean complete;

		pcs_cli_series_note_end(series);
		pcs_replay_finish(rp, &report.warmup, &report.measured, &complete);
		/* The effective configuration: --readahead auto as the trace level resolved it. */
		cfg.readahead_bytes = pcs_cache_readahead_bytes(pcs_replay_cache(rp));
		report.command = CMD;
		report.cfg = &cfg;
		report.traces = idents;
		report.nr_traces = nr_traces;
		report.has_warmup = cfg.warmup_requests != 0 || cfg.warmup_ns != 0;
		if (!complete && !o.quiet)
			pcs_cli_warn(CMD, "the warm-up never ended: every record was simulated in "
				     "the warm-up phase and the measured phase is empty");
		report.files = pcs_files_count(files);
		report.verbose = o.verbose;
		report.wall_seconds = (g_get_monotonic_time() - t0) / 1e6;
		report.peak_rss_bytes = pcs_peak_rss_bytes();
		report.dev_wall_ns = pcs_cache_device_wall_ns(pcs_replay_cache(rp));
		out = g_string_new(NULL);
		pcs_report_render(&report, formats, out);
		if (!pcs_write_file_atomic(o.output ? o.output : "-", out->str, out->len, &error)) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
		} else if (report.measured.verify_errors + report.warmup.verify_errors) {
			/* --verify found pages that were not what was written: the report stands,
			 * the run failed. */
			pcs_cli_error(CMD, "--verify: %" G_GUINT64_FORMAT " pages read back were not "
				      "what was written", report.measured.verify_errors +
				      report.warmup.verify_errors);
			status = PCS_EXIT_FAILURE;
		}
	}
	/* 6. the time series and plots */
	if (status == PCS_EXIT_OK)
		status = pcs_cli_series_finish(series, CMD, o.quiet);
	for (int i = 0; i < nr_traces; i++) {
		g_free(idents[i].path);
		g_free(idents[i].format);
	}
	g_free(idents);
	return status;
}
