/*
 * replay.c - `pcsim replay TRACE...`: the main job.
 *
 * Reads each trace in turn into one cache (a warm cache from the previous ones), counts a
 * warm-up phase apart when asked, and renders the report in every format asked for.
 *
 *   1. Configuration: defaults, then --config FILE (INI), then the command line (which wins).
 *   2. Build the cache (bad combinations are usage errors, exit 2).
 *   3. For each trace: open (sniffed or --format), stream events into the cache. Stream ids
 *      are rebased per trace (an open file description never outlives its trace). The warm-up
 *      boundary is checked before each event: N requests, or a span of trace time measured on
 *      one clock that continues from trace to trace.
 *   4. Bad records: with --skip-bad N, up to N are counted, reported and skipped; the next
 *      one, or any without --skip-bad, stops the replay with "FILE:LINE: ..." and exit 1.
 *      Nothing is written to --output then.
 *   5. Render normal/json/csv into one buffer and write it atomically (stdout or --output).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <pcsim/pcsim.h>
#include "cli.h"

#define CMD "replay"

typedef struct {
	char            *format;
	char            *output_format;
	char            *output;
	char            *config_file;
	char            *progress;
	gboolean         quiet;
	gboolean         verbose;
} ReplayOptions;

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

typedef struct {
	PcsCache    *cache;
	PcsStats     warmup;       /* snapshot at the boundary */
	gboolean     warm;         /* the boundary has passed (or no warm-up was asked) */
	guint64      clock_base;   /* trace time of the previous traces, for --warmup Ns */
	guint64      bad_left;
} ReplayState;

static void
warmup_end(ReplayState *rs)
{
	pcs_cache_stats(rs->cache, &rs->warmup);
	rs->warm = TRUE;
}

/* Replays one trace. Returns PCS_EXIT_OK or PCS_EXIT_FAILURE (message printed). */
static int
replay_trace(ReplayState *rs, const PcsConfig *cfg, const ReplayOptions *o, const char *path,
	     PcsFileTable *files, guint32 *stream_base, PcsTraceIdent *ident, PcsProgress *prog,
	     const char *label)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(path, o->format, files, &error);
	PcsIoEvent ev, batch[256];
	gsize nr_batch = 0;
	PcsTraceStatus st;
	guint64 nr_events = 0, nr_bad = 0;
	guint32 max_stream = 0;
	gint64 t_first = PCS_TIME_UNKNOWN, t_last = PCS_TIME_UNKNOWN;

	if (!t) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	ident->path = g_strdup(path);
	ident->format = g_strdup(pcs_trace_ops(t)->name);
	ident->bytes = pcs_trace_bytes(t);
	g_strlcpy(ident->sha256, pcs_trace_sha256(t), sizeof ident->sha256);

	for (;;) {
		st = pcs_trace_next(t, &ev, &error);
		if (st == PCS_TRACE_EOF)
			break;
		if (st == PCS_TRACE_ERROR) {
			nr_bad++;
			if (rs->bad_left == 0) {
				pcs_progress_finish(prog);
				if (cfg->skip_bad)
					pcs_cli_error(CMD, "%s (more than --skip-bad %" G_GUINT64_FORMAT
						      " bad records)", error->message, cfg->skip_bad);
				else
					pcs_cli_error(CMD, "%s", error->message);
				return PCS_EXIT_FAILURE;
			}
			rs->bad_left--;
			pcs_cache_note_bad_record(rs->cache);
			if (!o->quiet)
				pcs_cli_warn(CMD, "skipped: %s", error->message);
			g_clear_error(&error);
			continue;
		}
		nr_events++;
		ev.stream += *stream_base;
		max_stream = MAX(max_stream, ev.stream);
		if (ev.t_ns != PCS_TIME_UNKNOWN) {
			if (t_first == PCS_TIME_UNKNOWN)
				t_first = ev.t_ns;
			t_last = ev.t_ns;
		}
		if (G_LIKELY(rs->warm)) {
			/* The fast path: batches let the cache prefetch ahead. */
			batch[nr_batch++] = ev;
			if (nr_batch == G_N_ELEMENTS(batch)) {
				pcs_cache_submit_batch(rs->cache, batch, nr_batch);
				nr_batch = 0;
				if ((nr_events & 0xffff) < G_N_ELEMENTS(batch))
					pcs_progress_update(prog, label, pcs_trace_progress(t),
							    pcs_cache_nr_requests(rs->cache), "req");
			}
			continue;
		}
		/* Still warming up: the boundary is checked before each event. */
		if (cfg->warmup_ns) {
			if (ev.t_ns == PCS_TIME_UNKNOWN) {
				pcs_progress_finish(prog);
				pcs_cli_error(CMD, "%s: --warmup %" G_GUINT64_FORMAT "ns needs "
					      "timestamps, but record %" G_GUINT64_FORMAT " has none "
					      "(use --warmup N for a number of requests)", path,
					      cfg->warmup_ns, nr_events + nr_bad);
				return PCS_EXIT_FAILURE;
			}
			if (rs->clock_base + (guint64) (ev.t_ns - t_first) >= cfg->warmup_ns)
				warmup_end(rs);
		} else if (pcs_cache_nr_requests(rs->cache) >= cfg->warmup_requests) {
			warmup_end(rs);
		}
		pcs_cache_submit(rs->cache, &ev);
	}
	pcs_cache_submit_batch(rs->cache, batch, nr_batch);
	if (nr_events == 0) {
		pcs_progress_finish(prog);
		pcs_cli_error(CMD, "%s: the trace holds no records%s", path,
			      nr_bad ? " that could be read" : "");
		return PCS_EXIT_FAILURE;
	}
	*stream_base = max_stream + 1;
	if (t_first != PCS_TIME_UNKNOWN)
		rs->clock_base += (guint64) (t_last - t_first);
	return PCS_EXIT_OK;
}

int
pcs_cmd_replay(int argc, char **argv)
{
	PcsConfig cfg;
	ReplayOptions o = { 0 };
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
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "no progress, warnings or notes on stderr", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o.verbose,
		  "also report wall time, throughput and peak memory", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsCache) cache = NULL;
	g_autoptr(PcsFileTable) files = NULL;
	g_autoptr(GString) out = NULL;
	const char *config_path;
	guint formats = PCS_OUTPUT_NORMAL;
	PcsProgressMode pmode = PCS_PROGRESS_AUTO;
	PcsProgress prog;
	PcsTraceIdent *idents;
	ReplayState rs = { 0 };
	PcsReport report = { 0 };
	guint32 stream_base = 0;
	int nr_traces, status = PCS_EXIT_OK;
	gint64 t0 = g_get_monotonic_time();

	/* 1. configuration */
	pcs_config_init(&cfg);
	config_path = prescan_config(argc, argv);
	if (config_path && !pcs_config_load_file(&cfg, config_path, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	ctx = g_option_context_new("TRACE... - replay traces through the page-cache model");
	g_option_context_set_summary(ctx,
		"Replays each TRACE in turn into one simulated page cache and reports hits,\n"
		"misses and the list policy's decisions. Sizes take K/M/G/T (binary).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_config_option_group(&cfg));
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

	/* 2. the cache */
	cache = pcs_cache_new(&cfg, &error);
	if (!cache) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}

	/* 3-4. the traces */
	nr_traces = argc - 1;
	idents = g_new0(PcsTraceIdent, nr_traces);
	files = pcs_files_new();
	rs.cache = cache;
	rs.warm = cfg.warmup_requests == 0 && cfg.warmup_ns == 0;
	rs.bad_left = cfg.skip_bad;
	pcs_progress_init(&prog, pmode);
	for (int i = 0; i < nr_traces && status == PCS_EXIT_OK; i++) {
		g_autofree char *label = nr_traces > 1 ?
			g_strdup_printf("replay %d/%d", i + 1, nr_traces) : g_strdup("replay");

		status = replay_trace(&rs, &cfg, &o, argv[i + 1], files, &stream_base, &idents[i],
				      &prog, label);
	}
	pcs_progress_finish(&prog);

	/* 5. the report */
	if (status == PCS_EXIT_OK) {
		PcsStats final;

		pcs_cache_stats(cache, &final);
		report.command = CMD;
		report.cfg = &cfg;
		report.traces = idents;
		report.nr_traces = nr_traces;
		report.has_warmup = cfg.warmup_requests != 0 || cfg.warmup_ns != 0;
		if (!rs.warm && cfg.warmup_requests &&
		    pcs_cache_nr_requests(cache) >= cfg.warmup_requests)
			warmup_end(&rs);  /* the trace ended exactly at the boundary */
		if (report.has_warmup && !rs.warm) {
			if (!o.quiet)
				pcs_cli_warn(CMD, "the warm-up never ended: every record was simulated "
					     "in the warm-up phase and the measured phase is empty");
			warmup_end(&rs);
		}
		if (report.has_warmup) {
			PcsStats zero;

			pcs_stats_init(&zero);
			pcs_stats_diff(&rs.warmup, &zero, &report.warmup);
			pcs_stats_diff(&final, &rs.warmup, &report.measured);
		} else {
			report.measured = final;
		}
		report.files = pcs_files_count(files);
		report.verbose = o.verbose;
		report.wall_seconds = (g_get_monotonic_time() - t0) / 1e6;
		report.peak_rss_bytes = pcs_peak_rss_bytes();
		out = g_string_new(NULL);
		pcs_report_render(&report, formats, out);
		if (!pcs_write_file_atomic(o.output ? o.output : "-", out->str, out->len, &error)) {
			pcs_cli_error(CMD, "%s", error->message);
			status = PCS_EXIT_FAILURE;
		}
	}
	for (int i = 0; i < nr_traces; i++) {
		g_free(idents[i].path);
		g_free(idents[i].format);
	}
	g_free(idents);
	g_free(o.format);
	g_free(o.output_format);
	g_free(o.output);
	g_free(o.config_file);
	g_free(o.progress);
	return status;
}
