/*
 * gen.c - `pcsim gen`: write a deterministic synthetic trace.
 *
 *   pcsim gen WORKLOAD [--seed N] [--requests N] [--pages N | --size SIZE]
 *             [--scan SIZE | --scan-pages N] [--alpha X] [--request-size SIZE]
 *             [--write-ratio X] [--files N] [--interval DURATION]
 *             [--file-size SIZE] [--size-shape X] [--max-file-size SIZE]
 *             [--large-files N] [--large-share X] [--segment SIZE]
 *             [--to pcsim-text|pcsim-bin] -o FILE
 *
 * WORKLOAD is seq, rand, zipf, scan-hot or web (for web, --size is the size of the large
 * files, each SIZE to 2 x SIZE, and --request-size the bytes of each sendfile record); (sim/gen.c describes each; docs/gen.md has the
 * defaults and examples). Options left out keep the workload's defaults from
 * pcs_gen_config_init(), so `pcsim gen zipf -o z.pcsb` is a complete command.
 *
 *   options --pcs_parse_*--> PcsGenConfig --pcs_gen_new--> PcsGen --next--> PcsTraceWriter
 *                (usage errors: exit 2)         (exit 2)                       (exit 1)
 *
 * The output goes through PcsTraceWriter: FILE.tmp renamed into place when complete, so an
 * interrupted or failed run never leaves a partial trace under FILE. "-o -" writes
 * pcsim-text to standard output (pcsim-bin needs a seekable file). The format defaults to
 * pcsim-bin for a file and pcsim-text for "-".
 *
 * Exit status as cli.h says: 0 written, 1 the output could not be written, 2 usage (unknown
 * option, a value that does not parse, an impossible configuration). Everything is checked
 * before the output file is created.
 *
 * Entry point: pcs_cmd_gen().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/gen.h>
#include <pcsim/trace.h>

#include "cli.h"

/* The option values as typed; NULL when not given. */
typedef struct {
	char *seed, *requests, *pages, *size, *scan, *scan_pages, *alpha;
	char *request_size, *write_ratio, *files, *interval, *to, *output;
	char *file_size, *size_shape, *max_file_size, *large_files, *large_share, *segment;
} GenArgs;

static void
gen_args_clear(GenArgs *a)
{
	char **fields[] = { &a->seed, &a->requests, &a->pages, &a->size, &a->scan,
			    &a->scan_pages, &a->alpha, &a->request_size, &a->write_ratio,
			    &a->files, &a->interval, &a->to, &a->output, &a->file_size,
			    &a->size_shape, &a->max_file_size, &a->large_files, &a->large_share,
			    &a->segment };

	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
		g_clear_pointer(fields[i], g_free);
}

/* A finite or infinite decimal such as 0.9 or 1e-3 (range checks are pcs_gen_new()'s). */
static gboolean
parse_real(const char *text, double *out, GError **error)
{
	char *end = NULL;
	double v;

	v = g_ascii_strtod(text, &end);
	if (*text == '\0' || end == text || *end != '\0') {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "expected a number such as 0.9, got '%s'", text);
		return FALSE;
	}
	*out = v;
	return TRUE;
}

/* Pages covering size_bytes (rounded up). */
static guint64
pages_of(guint64 size_bytes)
{
	return size_bytes / PCS_PAGE_SIZE + (size_bytes % PCS_PAGE_SIZE != 0);
}

/* Parses text (when given) with a pcs_parse_* function; the error names the option. */
static gboolean
parse_u64(const char *option, const char *text,
	  gboolean (*parser)(const char *, guint64 *, GError **), guint64 *out, GError **error)
{
	if (text && !parser(text, out, error)) {
		g_prefix_error(error, "--%s: ", option);
		return FALSE;
	}
	return TRUE;
}

/* A count that fits 32 bits (the error names the option). */
static gboolean
parse_u32(const char *option, const char *text, guint32 *out, GError **error)
{
	guint64 v = 0;

	if (!text)
		return TRUE;
	if (!parse_u64(option, text, pcs_parse_count, &v, error))
		return FALSE;
	if (v > G_MAXUINT32) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--%s: at most %u, got '%s'", option, G_MAXUINT32, text);
		return FALSE;
	}
	*out = (guint32) v;
	return TRUE;
}

/* The options of web: --size is the large files' size; the working-set and scan options do
 * not apply. FALSE, error set naming the option, otherwise as apply_args(). */
static gboolean
apply_web_args(const GenArgs *a, PcsGenConfig *cfg, GError **error)
{
	if (a->pages || a->scan || a->scan_pages) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--%s does not apply to web (--files, --file-size and --size set "
			    "its files)", a->pages ? "pages" : a->scan ? "scan" : "scan-pages");
		return FALSE;
	}
	if (!parse_u64("seed", a->seed, pcs_parse_count, &cfg->seed, error) ||
	    !parse_u64("requests", a->requests, pcs_parse_count, &cfg->requests, error) ||
	    !parse_u64("size", a->size, pcs_parse_size, &cfg->large_bytes, error) ||
	    !parse_u64("request-size", a->request_size, pcs_parse_size, &cfg->request_bytes,
		       error) ||
	    !parse_u64("interval", a->interval, pcs_parse_duration, &cfg->interval_ns, error) ||
	    !parse_u64("file-size", a->file_size, pcs_parse_size, &cfg->file_bytes, error) ||
	    !parse_u64("max-file-size", a->max_file_size, pcs_parse_size, &cfg->max_file_bytes,
		       error) ||
	    !parse_u64("segment", a->segment, pcs_parse_size, &cfg->segment_bytes, error) ||
	    !parse_u32("files", a->files, &cfg->files, error) ||
	    !parse_u32("large-files", a->large_files, &cfg->large_files, error))
		return FALSE;
	if (a->alpha && !parse_real(a->alpha, &cfg->alpha, error)) {
		g_prefix_error(error, "--alpha: ");
		return FALSE;
	}
	if (a->write_ratio && !parse_real(a->write_ratio, &cfg->write_ratio, error)) {
		g_prefix_error(error, "--write-ratio: ");
		return FALSE;
	}
	if (a->size_shape && !parse_real(a->size_shape, &cfg->size_shape, error)) {
		g_prefix_error(error, "--size-shape: ");
		return FALSE;
	}
	if (a->large_share && !parse_real(a->large_share, &cfg->large_share, error)) {
		g_prefix_error(error, "--large-share: ");
		return FALSE;
	}
	return TRUE;
}

/*
 * Applies the options to cfg, which holds the workload's defaults. FALSE, error set with a
 * message that starts with the option's name, when a value does not parse or two options say
 * the same thing. Derived defaults, for scan-hot only: without --scan/--scan-pages the scan is
 * 4 x the hot set, and without --requests there are 4 x as many requests as scan requests
 * (the scan then takes three quarters of the middle third), as the library's defaults are.
 */
static gboolean
apply_args(const GenArgs *a, PcsGenConfig *cfg, GError **error)
{
	guint64 size_bytes = 0, v = 0;

	if (cfg->workload == PCS_GEN_WEB)
		return apply_web_args(a, cfg, error);
	if (a->file_size || a->size_shape || a->max_file_size || a->large_files ||
	    a->large_share || a->segment) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--file-size, --size-shape, --max-file-size, --large-files, "
			    "--large-share and --segment apply to web only");
		return FALSE;
	}
	if (a->pages && a->size) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--pages and --size both set the working set; give one of them");
		return FALSE;
	}
	if (a->scan && a->scan_pages) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--scan and --scan-pages both set the scan; give one of them");
		return FALSE;
	}
	if (!parse_u64("seed", a->seed, pcs_parse_count, &cfg->seed, error) ||
	    !parse_u64("requests", a->requests, pcs_parse_count, &cfg->requests, error) ||
	    !parse_u64("pages", a->pages, pcs_parse_count, &cfg->pages, error) ||
	    !parse_u64("size", a->size, pcs_parse_size, &size_bytes, error) ||
	    !parse_u64("scan-pages", a->scan_pages, pcs_parse_count, &cfg->scan_pages, error) ||
	    !parse_u64("request-size", a->request_size, pcs_parse_size, &cfg->request_bytes,
		       error) ||
	    !parse_u64("interval", a->interval, pcs_parse_duration, &cfg->interval_ns, error) ||
	    !parse_u64("files", a->files, pcs_parse_count, &v, error))
		return FALSE;
	if (a->size)
		cfg->pages = pages_of(size_bytes);
	if (a->files) {
		if (v > G_MAXUINT32) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
				    "--files: at most %u, got '%s'", G_MAXUINT32, a->files);
			return FALSE;
		}
		cfg->files = (guint32) v;
	}
	if (a->scan) {
		if (!parse_u64("scan", a->scan, pcs_parse_size, &size_bytes, error))
			return FALSE;
		cfg->scan_pages = pages_of(size_bytes);
	}
	if (a->alpha && !parse_real(a->alpha, &cfg->alpha, error)) {
		g_prefix_error(error, "--alpha: ");
		return FALSE;
	}
	if (a->write_ratio && !parse_real(a->write_ratio, &cfg->write_ratio, error)) {
		g_prefix_error(error, "--write-ratio: ");
		return FALSE;
	}

	if (cfg->workload == PCS_GEN_SCAN_HOT) {
		if (!a->scan && !a->scan_pages && cfg->pages <= G_MAXUINT64 / 4)
			cfg->scan_pages = 4 * cfg->pages;
		if (!a->requests && cfg->request_bytes > 0) {
			guint64 req_pages = pages_of(cfg->request_bytes);
			guint64 nr_scans = cfg->scan_pages / req_pages +
					   (cfg->scan_pages % req_pages != 0);

			if (nr_scans > 0 && nr_scans <= G_MAXUINT64 / 4)
				cfg->requests = 4 * nr_scans;
		}
	}
	return TRUE;
}

/* Runs the generator into the writer. Returns an exit status; prints the error. */
static int
write_trace(PcsGen *g, PcsFileTable *files, const char *output, const char *to)
{
	g_autoptr(GError) error = NULL;
	PcsTraceWriter *w;
	PcsIoEvent ev;

	w = pcs_trace_writer_new(output, to, files, &error);
	if (!w) {
		pcs_cli_error("gen", "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	while (pcs_gen_next(g, &ev)) {
		if (!pcs_trace_writer_add(w, &ev, &error)) {
			pcs_trace_writer_abort(w);
			pcs_cli_error("gen", "%s", error->message);
			return PCS_EXIT_FAILURE;
		}
	}
	if (!pcs_trace_writer_finish(w, &error)) {
		pcs_cli_error("gen", "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	return PCS_EXIT_OK;
}

/* `pcsim gen`; argv[0] is "gen". Returns the exit status (see the essay). */
int
pcs_cmd_gen(int argc, char **argv)
{
	GenArgs a = { 0 };
	GOptionEntry entries[] = {
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &a.seed,
		  "seed of the generator (default 1); the same seed gives the same trace", "N" },
		{ "requests", 0, 0, G_OPTION_ARG_STRING, &a.requests,
		  "number of requests (default 100000; scan-hot: 4 x the scan requests)", "N" },
		{ "pages", 0, 0, G_OPTION_ARG_STRING, &a.pages,
		  "working set in 4 KiB pages (default 25600); scan-hot: the hot set", "N" },
		{ "size", 0, 0, G_OPTION_ARG_STRING, &a.size,
		  "working set as a size, rounded up to pages (default 100M)", "SIZE" },
		{ "scan", 0, 0, G_OPTION_ARG_STRING, &a.scan,
		  "scan-hot: size of the one-time scan (default 4 x the hot set)", "SIZE" },
		{ "scan-pages", 0, 0, G_OPTION_ARG_STRING, &a.scan_pages,
		  "scan-hot: the scan in pages", "N" },
		{ "alpha", 0, 0, G_OPTION_ARG_STRING, &a.alpha,
		  "zipf skew (default 0.9); scan-hot: skew of the hot set (default 0, uniform)", "X" },
		{ "request-size", 0, 0, G_OPTION_ARG_STRING, &a.request_size,
		  "bytes per request (default 4K, at most 1G)", "SIZE" },
		{ "write-ratio", 0, 0, G_OPTION_ARG_STRING, &a.write_ratio,
		  "fraction of requests that write, 0..1 (default 0)", "X" },
		{ "files", 0, 0, G_OPTION_ARG_STRING, &a.files,
		  "spread the working set over N files f0, f1, ... (default 1)", "N" },
		{ "interval", 0, 0, G_OPTION_ARG_STRING, &a.interval,
		  "time between requests (default 1ms; 0: no timestamps)", "DURATION" },
		{ "file-size", 0, 0, G_OPTION_ARG_STRING, &a.file_size,
		  "web: the smallest file, the scale of the Pareto sizes (default 4K)", "SIZE" },
		{ "size-shape", 0, 0, G_OPTION_ARG_STRING, &a.size_shape,
		  "web: Pareto shape of the file sizes, 0.1..100; smaller is heavier (default 1.2)",
		  "X" },
		{ "max-file-size", 0, 0, G_OPTION_ARG_STRING, &a.max_file_size,
		  "web: file sizes are cut here (default 4M)", "SIZE" },
		{ "large-files", 0, 0, G_OPTION_ARG_STRING, &a.large_files,
		  "web: large files streamed like videos, each --size to 2 x --size (default 3 of "
		  "1G)", "N" },
		{ "large-share", 0, 0, G_OPTION_ARG_STRING, &a.large_share,
		  "web: fraction of requests that stream a large file (default 0.05)", "X" },
		{ "segment", 0, 0, G_OPTION_ARG_STRING, &a.segment,
		  "web: bytes one large-file request streams, from where the last stopped "
		  "(default 4M)", "SIZE" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &a.to,
		  "output format: pcsim-bin (default) or pcsim-text (default for -o -)", "NAME" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &a.output,
		  "write the trace to FILE (via FILE.tmp, renamed when complete); - for stdout",
		  "FILE" },
		{ NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("WORKLOAD -o FILE - write a deterministic synthetic trace");
	g_auto(GStrv) args = g_new0(char *, (gsize) argc + 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = NULL;
	g_autoptr(PcsGen) g = NULL;
	PcsGenWorkload w;
	PcsGenConfig cfg;
	int status = PCS_EXIT_USAGE;

	/* argv[0] "pcsim gen", so --help names the command */
	args[0] = g_strdup("pcsim gen");
	for (int i = 1; i < argc; i++)
		args[i] = g_strdup(argv[i]);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx, "Workloads: seq, rand, zipf, scan-hot, web "
				     "(see docs/gen.md).");
	if (!g_option_context_parse_strv(ctx, &args, &error)) {
		pcs_cli_error("gen", "%s", error->message);
		goto out;
	}
	if (g_strv_length(args) != 2) {
		pcs_cli_error("gen", "expected one WORKLOAD (seq, rand, zipf, scan-hot or web)%s",
			      g_strv_length(args) > 2 ? ", got more" : "");
		goto out;
	}
	if (!pcs_gen_workload_from_name(args[1], &w)) {
		pcs_cli_error("gen", "unknown workload '%s' (expected seq, rand, zipf, scan-hot or web)",
			      args[1]);
		goto out;
	}
	if (!a.output) {
		pcs_cli_error("gen", "-o FILE is required (- for standard output)");
		goto out;
	}
	if (!a.to)
		a.to = g_strdup(strcmp(a.output, "-") == 0 ? "pcsim-text" : "pcsim-bin");
	if (strcmp(a.to, "pcsim-text") != 0 && strcmp(a.to, "pcsim-bin") != 0) {
		pcs_cli_error("gen", "--to: expected pcsim-bin or pcsim-text, got '%s'", a.to);
		goto out;
	}
	if (strcmp(a.output, "-") == 0 && strcmp(a.to, "pcsim-text") != 0) {
		pcs_cli_error("gen", "%s cannot go to standard output (-o -); use --to pcsim-text",
			      a.to);
		goto out;
	}

	pcs_gen_config_init(&cfg, w);
	if (!apply_args(&a, &cfg, &error)) {
		pcs_cli_error("gen", "%s", error->message);
		goto out;
	}
	files = pcs_files_new();
	g = pcs_gen_new(&cfg, files, &error);
	if (!g) {
		pcs_cli_error("gen", "%s", error->message);
		goto out;
	}
	status = write_trace(g, files, a.output, a.to);
out:
	gen_args_clear(&a);
	return status;
}
