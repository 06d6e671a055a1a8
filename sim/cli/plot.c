/*
 * plot.c - `pcsim plot RESULTS --kind mrc|heatmap|timeline|lists -o FILE`, and the time series
 * and plots that `replay` and `sweep` write (--interval, --timeline, --plot DIR).
 *
 * Drawing belongs to the library (sim/plot.c, the only module that knows gnuplot); this file
 * chooses the files and turns errors into exit statuses:
 *   - gnuplot missing: the data and script are written, the message says how to install
 *     gnuplot, exit 2 (the environment, not the data, is at fault; the user fixes it and
 *     reruns the script);
 *   - gnuplot failing: its message, no image, exit 1;
 *   - data without the columns a kind needs: exit 2.
 * `pcsim plot` keeps the data and the script next to the image (FILE without its extension,
 * plus .csv and .gp; "-plot" is added when that would overwrite RESULTS), so the plot can be
 * edited and redrawn with gnuplot alone.
 */
#include "config.h"

#include <string.h>

#include <pcsim/pcsim.h>
#include "cli.h"

static int
plot_status(const char *cmd, GError *error)
{
	pcs_cli_error(cmd, "%s", error->message);
	if (error->domain == PCS_PLOT_ERROR &&
	    (error->code == PCS_PLOT_ERROR_NO_GNUPLOT || error->code == PCS_PLOT_ERROR_DATA))
		return PCS_EXIT_USAGE;
	return PCS_EXIT_FAILURE;
}

int
pcs_cli_plot_text(const char *cmd, const char *csv, gsize len, PcsPlotKind kind,
		  const char *dir, const char *name, gboolean quiet)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTable) table = pcs_table_parse(csv, len, name, &error);
	g_autofree char *image = NULL;

	if (!table)
		return plot_status(cmd, error);
	image = g_strdup_printf("%s/%s.png", dir, name);
	if (!pcs_plot_table(table, kind, dir, name, image, &error))
		return plot_status(cmd, error);
	if (!quiet)
		g_printerr("pcsim %s: plot: %s (data %s/%s.csv, script %s/%s.gp)\n", cmd, image,
			   dir, name, dir, name);
	return PCS_EXIT_OK;
}

/* ---- time series of replay ----------------------------------------------------------- */

struct PcsCliSeries {
	guint64      every_requests, every_ns;
	PcsTimeline *file_tl;       /* --timeline */
	PcsTimeline *plot_tl;       /* --plot: always CSV */
	char        *timeline_path;
	char        *plot_dir;
};

static void
series_add(const PcsStats *cum, gpointer user)
{
	PcsCliSeries *s = user;

	if (s->file_tl)
		pcs_timeline_add(cum, s->file_tl);
	if (s->plot_tl)
		pcs_timeline_add(cum, s->plot_tl);
}

gboolean
pcs_cli_series_new(const char *interval, const char *timeline, const char *timeline_format,
		   const char *plot_dir, PcsCliSeries **out, GError **error)
{
	guint64 every_requests = 0, every_ns = 0;
	PcsTimelineFormat format;
	PcsCliSeries *s;

	*out = NULL;
	if (!interval && !timeline && !plot_dir) {
		if (timeline_format) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
				    "--timeline-format needs --timeline FILE");
			return FALSE;
		}
		return TRUE;
	}
	if (interval && !pcs_interval_parse(interval, &every_requests, &every_ns, error))
		return FALSE;
	if (!interval) {
		if (timeline) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
				    "--timeline needs --interval (1s, 500ms, or 100000req)");
			return FALSE;
		}
		every_requests = 10000;  /* --plot alone */
	}
	if (interval && !timeline && !plot_dir) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--interval needs --timeline FILE or --plot DIR (where the rows go)");
		return FALSE;
	}
	format = timeline ? pcs_timeline_format_for_path(timeline) : PCS_TIMELINE_CSV;
	if (timeline_format && !pcs_timeline_format_parse(timeline_format, &format, error)) {
		g_prefix_error(error, "--timeline-format: ");
		return FALSE;
	}
	s = g_new0(PcsCliSeries, 1);
	s->every_requests = every_requests;
	s->every_ns = every_ns;
	if (timeline) {
		s->file_tl = pcs_timeline_new(format, every_requests, every_ns);
		s->timeline_path = g_strdup(timeline);
	}
	if (plot_dir) {
		s->plot_tl = pcs_timeline_new(PCS_TIMELINE_CSV, every_requests, every_ns);
		s->plot_dir = g_strdup(plot_dir);
	}
	*out = s;
	return TRUE;
}

void
pcs_cli_series_attach(PcsCliSeries *s, PcsReplay *rp)
{
	if (s)
		pcs_replay_set_interval(rp, s->every_requests, s->every_ns, series_add, s);
}

void
pcs_cli_series_note_end(PcsCliSeries *s)
{
	if (!s)
		return;
	if (s->file_tl)
		pcs_timeline_note_end(s->file_tl);
	if (s->plot_tl)
		pcs_timeline_note_end(s->plot_tl);
}

int
pcs_cli_series_finish(PcsCliSeries *s, const char *cmd, gboolean quiet)
{
	g_autoptr(GError) error = NULL;
	int status = PCS_EXIT_OK;

	if (!s)
		return PCS_EXIT_OK;
	if (s->file_tl) {
		const GString *text = pcs_timeline_text(s->file_tl);

		if (!pcs_write_file_atomic(s->timeline_path, text->str, text->len, &error)) {
			pcs_cli_error(cmd, "--timeline: %s", error->message);
			return PCS_EXIT_FAILURE;
		}
	}
	if (s->plot_tl) {
		const GString *text = pcs_timeline_text(s->plot_tl);

		status = pcs_cli_plot_text(cmd, text->str, text->len, PCS_PLOT_TIMELINE,
					   s->plot_dir, "timeline", quiet);
		if (status == PCS_EXIT_OK)
			status = pcs_cli_plot_text(cmd, text->str, text->len, PCS_PLOT_LISTS,
						   s->plot_dir, "lists", quiet);
	}
	return status;
}

void
pcs_cli_series_free(PcsCliSeries *s)
{
	if (!s)
		return;
	pcs_timeline_free(s->file_tl);
	pcs_timeline_free(s->plot_tl);
	g_free(s->timeline_path);
	g_free(s->plot_dir);
	g_free(s);
}

/* ---- pcsim plot ----------------------------------------------------------------------- */

#define CMD "plot"

int
pcs_cmd_plot(int argc, char **argv)
{
	g_autofree char *kind_text = NULL, *output = NULL;
	GOptionEntry entries[] = {
		{ "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_text,
		  "mrc (hit ratio by cache size), heatmap (two parameters), timeline (hit ratio "
		  "over time), lists (page lists over time)", "KIND" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "the image: FILE.png, FILE.svg, or - for an ASCII plot on stdout", "FILE" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTable) table = NULL;
	g_autofree char *dir = NULL, *base = NULL, *name = NULL, *data = NULL, *abs_in = NULL;
	PcsPlotKind kind;
	char *dot;

	ctx = g_option_context_new("RESULTS --kind KIND -o FILE - plot pcsim's CSV results");
	g_option_context_set_summary(ctx,
		"Draws RESULTS (CSV from 'pcsim sweep --output-format csv', 'pcsim sweep --mrc' or\n"
		"'pcsim replay --timeline FILE.csv') with gnuplot, which must be in PATH. The data\n"
		"and the gnuplot script are written next to the image, to edit and redraw.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (argc != 2) {
		pcs_cli_error(CMD, "expected one RESULTS file (try 'pcsim plot --help')");
		return PCS_EXIT_USAGE;
	}
	if (!kind_text || !output) {
		pcs_cli_error(CMD, "expected --kind KIND and -o FILE");
		return PCS_EXIT_USAGE;
	}
	if (!pcs_plot_kind_parse(kind_text, &kind, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (strcmp(output, "-") != 0 && !g_str_has_suffix(output, ".png") &&
	    !g_str_has_suffix(output, ".svg")) {
		pcs_cli_error(CMD, "-o: expected FILE.png, FILE.svg or - (ASCII on stdout), got '%s'",
			      output);
		return PCS_EXIT_USAGE;
	}
	table = pcs_table_load(argv[1], &error);
	if (!table) {
		pcs_cli_error(CMD, "%s (expected CSV: use --output-format csv or --timeline "
			      "FILE.csv)", error->message);
		return PCS_EXIT_FAILURE;
	}
	if (strcmp(output, "-") == 0) {
		if (!pcs_plot_table(table, kind, NULL, pcs_plot_kind_name(kind), "-", &error))
			return plot_status(CMD, error);
		return PCS_EXIT_OK;
	}
	dir = g_path_get_dirname(output);
	base = g_path_get_basename(output);
	dot = strrchr(base, '.');
	*dot = '\0';
	name = g_strdup(base);
	data = g_strdup_printf("%s/%s.csv", dir, name);
	abs_in = g_canonicalize_filename(argv[1], NULL);
	{
		g_autofree char *abs_data = g_canonicalize_filename(data, NULL);

		if (strcmp(abs_data, abs_in) == 0) {
			g_free(name);
			name = g_strconcat(base, "-plot", NULL);
		}
	}
	if (!pcs_plot_table(table, kind, dir, name, output, &error))
		return plot_status(CMD, error);
	return PCS_EXIT_OK;
}
