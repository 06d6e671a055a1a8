/*
 * copybench.c - `pcsim copybench`: send a file to a local socket by every transfer method and
 * print what each cost, measured and modelled, side by side.
 *
 *   pcsim copybench [--size 1G] [--file PATH] [--block 64K] [--cold|--warm]
 *                   [--socket unix|tcp|both] [--output-format normal|json|csv]
 *                   [--plot FILE]
 *
 *   options --check--> PcsCopybenchConfig --pcs_copybench_run--> results --render--> stdout
 *           (exit 2)                        (exit 1; 2 for a bad      --plot--> FILE (gnuplot)
 *                                            --file or --size)
 *
 * sim/copybench.c does the work and says what is measured and how; this file parses the
 * options, renders the results in the formats asked (in the order normal, json, csv) and
 * draws the plot. --plot needs gnuplot: without it in PATH the command stops before the
 * benchmark (exit 2), so nothing is run for nothing.
 *
 * Exit status as cli.h says: 0 done, 1 a system call failed or bytes went missing, or the
 * plot failed, 2 usage (unknown option, bad value, a --file that is not a regular file, a
 * --size beyond the free space, --plot without gnuplot).
 *
 * Entry point: pcs_cmd_copybench().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/copybench.h>
#include <pcsim/plot.h>
#include <pcsim/report.h>
#include <pcsim/table.h>

#include "cli.h"

#define CMD "copybench"

/* Parses --socket: unix, tcp or both. FALSE (mask untouched) otherwise. */
static gboolean
parse_sockets(const char *text, guint *mask)
{
	if (strcmp(text, "unix") == 0)
		*mask = PCS_SOCKET_UNIX;
	else if (strcmp(text, "tcp") == 0)
		*mask = PCS_SOCKET_TCP;
	else if (strcmp(text, "both") == 0)
		*mask = PCS_SOCKET_UNIX | PCS_SOCKET_TCP;
	else
		return FALSE;
	return TRUE;
}

/* Draws the CSV of b into path. Returns an exit status; prints the error. */
static int
plot(const PcsCopybench *b, const char *path)
{
	g_autoptr(GString) csv = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTable) table = NULL;

	pcs_copybench_render_csv(b, csv);
	table = pcs_table_parse(csv->str, csv->len, "copybench results", &error);
	if (!table || !pcs_plot_table(table, PCS_PLOT_COPYBENCH, NULL, CMD, path, &error)) {
		pcs_cli_error(CMD, "--plot: %s", error->message);
		return PCS_EXIT_FAILURE;
	}
	return PCS_EXIT_OK;
}

/* `pcsim copybench`; argv[0] is "copybench". Returns the exit status (see the essay). */
int
pcs_cmd_copybench(int argc, char **argv)
{
	g_autofree char *size = NULL, *file = NULL, *block = NULL, *socket = NULL;
	g_autofree char *output_format = NULL, *plot_path = NULL;
	gboolean cold = FALSE, warm = FALSE;
	GOptionEntry entries[] = {
		{ "size", 0, 0, G_OPTION_ARG_STRING, &size,
		  "size of the file to create (default 1G, at most 64G and the free space)", "SIZE" },
		{ "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
		  "send this regular file instead (read only, never written)", "PATH" },
		{ "block", 0, 0, G_OPTION_ARG_STRING, &block,
		  "bytes per system call, a multiple of 4K from 4K to 64M (default 64K)", "SIZE" },
		{ "cold", 0, 0, G_OPTION_ARG_NONE, &cold,
		  "drop the file's pages before each run (fsync, posix_fadvise DONTNEED)", NULL },
		{ "warm", 0, 0, G_OPTION_ARG_NONE, &warm,
		  "read the file once before each run (the default)", NULL },
		{ "socket", 0, 0, G_OPTION_ARG_STRING, &socket,
		  "unix (socketpair), tcp (127.0.0.1) or both (default)", "KIND" },
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
		  "normal (default), json, csv, or a comma list", "FORMATS" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot_path,
		  "draw the throughput of each method into FILE (.png, .svg; needs gnuplot)",
		  "FILE" },
		{ NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("- send a file to a local socket by every method, measure");
	g_auto(GStrv) args = g_new0(char *, (gsize) argc + 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsCopybench) b = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	PcsCopybenchConfig cfg;
	guint formats = PCS_OUTPUT_NORMAL;

	args[0] = g_strdup("pcsim " CMD);
	for (int i = 1; i < argc; i++)
		args[i] = g_strdup(argv[i]);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx, "Methods: read-write, mmap-write, sendfile, splice "
				     "(file -> pipe -> socket), direct (O_DIRECT read + write).\n"
				     "Only loopback; a file it creates is removed, a given one "
				     "only read.");
	if (!g_option_context_parse_strv(ctx, &args, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (g_strv_length(args) > 1) {
		pcs_cli_error(CMD, "unexpected argument '%s'", args[1]);
		return PCS_EXIT_USAGE;
	}

	pcs_copybench_config_init(&cfg);
	if (cold && warm) {
		pcs_cli_error(CMD, "--cold and --warm contradict each other; give one");
		return PCS_EXIT_USAGE;
	}
	cfg.cold = cold;
	if (size && file) {
		pcs_cli_error(CMD, "--size and --file both choose the file; give one");
		return PCS_EXIT_USAGE;
	}
	if (size && !pcs_parse_size(size, &cfg.size_bytes, &error)) {
		pcs_cli_error(CMD, "--size: %s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (block && !pcs_parse_size(block, &cfg.block_bytes, &error)) {
		pcs_cli_error(CMD, "--block: %s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (socket && !parse_sockets(socket, &cfg.sockets)) {
		pcs_cli_error(CMD, "--socket: expected unix, tcp or both, got '%s'", socket);
		return PCS_EXIT_USAGE;
	}
	if (output_format && !pcs_output_formats_parse(output_format, &formats, &error)) {
		pcs_cli_error(CMD, "--output-format: %s", error->message);
		return PCS_EXIT_USAGE;
	}
	cfg.path = file;
	if (plot_path) {
		g_autofree char *gnuplot = g_find_program_in_path("gnuplot");

		if (!gnuplot) {
			pcs_cli_error(CMD, "--plot needs gnuplot, which is not in PATH (Debian, "
				      "Ubuntu: apt-get install gnuplot-nox); run without --plot "
				      "for the results alone");
			return PCS_EXIT_USAGE;
		}
	}

	b = pcs_copybench_run(&cfg, &error);
	if (!b) {
		pcs_cli_error(CMD, "%s", error->message);
		return error->domain == PCS_COPYBENCH_ERROR &&
		       error->code == PCS_COPYBENCH_ERROR_INVALID ? PCS_EXIT_USAGE
								  : PCS_EXIT_FAILURE;
	}
	if (formats & PCS_OUTPUT_NORMAL)
		pcs_copybench_render_normal(b, out);
	if (formats & PCS_OUTPUT_JSON)
		pcs_copybench_render_json(b, out);
	if (formats & PCS_OUTPUT_CSV)
		pcs_copybench_render_csv(b, out);
	fwrite(out->str, 1, out->len, stdout);
	fflush(stdout);
	if (b->cold && b->nr_not_dropped)
		pcs_cli_warn(CMD, "the cache could not be dropped before %u of %u runs: those "
			     "were not cold (see resident pages)", b->nr_not_dropped,
			     b->nr_results);
	if (plot_path)
		return plot(b, plot_path);
	return PCS_EXIT_OK;
}
