/*
 * main.c - the pcsim program: dispatch to a subcommand.
 *
 *   pcsim replay TRACE... [options]    replay traces through the cache model (the main job)
 *   pcsim gen WORKLOAD -o FILE         write a deterministic synthetic trace
 *   pcsim trace info|cat|convert|formats FILE...
 *   pcsim sweep TRACE... --set NAME=VALUES...   a parameter grid, in parallel
 *   pcsim merge RESULTS...                     per-job sweep results into one file
 *   pcsim plot RESULTS --kind KIND -o FILE     gnuplot plots of results and time series
 *   pcsim fidelity FILE_TRACE BLOCK_TRACE     predicted against recorded device I/O
 *   pcsim verify --device FILE                 what a device left by a run holds
 *   pcsim copybench [--size 1G] [--cold]       send a real file to a socket by every method
 *
 * Only main() exits; each subcommand returns 0, 1 (runtime failure) or 2 (usage error).
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
	const char *name;
	int       (*run)(int argc, char **argv);
	const char *summary;
} PcsCommand;

static const PcsCommand commands[] = {
	{ "replay", pcs_cmd_replay, "replay traces through the page-cache model, print statistics" },
	{ "gen", pcs_cmd_gen, "write a deterministic synthetic trace (seq, rand, zipf, scan-hot, web)" },
	{ "trace", pcs_cmd_trace, "look at and convert traces (info, cat, convert, formats)" },
	{ "sweep", pcs_cmd_sweep, "replay a parameter grid in parallel (JSON Lines/CSV, --mrc)" },
	{ "merge", pcs_cmd_merge, "combine per-job sweep results (--job-index) into one file" },
	{ "plot", pcs_cmd_plot, "plot results with gnuplot (mrc, heatmap, timeline, lists)" },
	{ "fidelity", pcs_cmd_fidelity, "compare a file trace's predicted device I/O with its "
	  "block trace" },
	{ "verify", pcs_cmd_verify, "check a device left by 'pcsim replay --device FILE'" },
	{ "copybench", pcs_cmd_copybench, "measure read+write, mmap, sendfile, splice, O_DIRECT "
	  "to a socket" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: pcsim COMMAND [ARGS...]\n\ncommands:\n");
	for (const PcsCommand *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n'pcsim COMMAND --help' describes a command's options.\n");
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Numbers in machine formats must not depend on the user's locale. */
	setlocale(LC_NUMERIC, "C");
	if (argc < 2) {
		pcs_cli_error(NULL, "expected a COMMAND");
		usage(stderr);
		return PCS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return PCS_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("pcsim %s\n", PACKAGE_VERSION);
		return PCS_EXIT_OK;
	}
	for (const PcsCommand *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	pcs_cli_error(NULL, "unknown command '%s'", argv[1]);
	usage(stderr);
	return PCS_EXIT_USAGE;
}
