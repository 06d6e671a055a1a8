/*
 * merge.c - `pcsim merge RESULTS...`: per-job sweep results into one file, in grid order.
 *
 * `pcsim sweep ... --list-jobs` prints one command per job; each (`--job-index N
 * --result-dir DIR`) writes DIR/job-N.jsonl or .csv holding exactly the row the in-process
 * sweep prints for job N. Merging sorts the rows by their "job" field and writes them out, so
 * `pcsim merge DIR` is byte for byte the output of the same sweep run in one process:
 *
 *   JSON Lines: each line as it is (its "job" key read, nothing else touched);
 *   CSV: one header (every file's must be the same), then the rows, quoted as written.
 *
 * RESULTS are files or directories (their job-*.jsonl and job-*.csv files). A job that
 * appears twice is an error; a gap in the job numbers is reported (a job that has not run
 * or failed to write) but the rows present are still merged, with exit 1.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pcsim/pcsim.h>
#include "cli.h"
#include "rowfmt.h"

#define CMD "merge"

typedef struct {
	guint64 job;
	char   *text;   /* the row, with its '\n' */
} Row;

static int
row_cmp(gconstpointer a, gconstpointer b)
{
	const Row *x = a, *y = b;

	return x->job < y->job ? -1 : x->job > y->job;
}

static void
row_clear(gpointer data)
{
	g_free(((Row *) data)->text);
}

/* The value of the top-level "job" key of a sweep's JSON row. */
static gboolean
json_job(const char *line, guint64 *job)
{
	/* A quote inside a JSON string is always escaped, so this sequence is a key. */
	const char *p = g_strrstr(line, ",\"job\":");
	char *end;

	if (!p)
		return FALSE;
	p += strlen(",\"job\":");
	*job = g_ascii_strtoull(p, &end, 10);
	return end != p;
}

static gboolean
add_jsonl(const char *path, const char *text, GArray *rows, GError **error)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		Row r;

		if (lines[i][0] == '\0')
			continue;
		if (!json_job(lines[i], &r.job)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "%s:%u: not a row of pcsim sweep (no \"job\" key)", path, i + 1);
			return FALSE;
		}
		r.text = g_strconcat(lines[i], "\n", NULL);
		g_array_append_val(rows, r);
	}
	return TRUE;
}

static gboolean
add_csv(const char *path, const char *text, gsize len, GString *header, GArray *rows,
	GError **error)
{
	g_autoptr(PcsTable) t = pcs_table_parse(text, len, path, error);
	g_autoptr(GString) h = g_string_new(NULL);
	gint jc;

	if (!t)
		return FALSE;
	jc = pcs_table_column(t, "job");
	if (jc < 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "%s: not results of pcsim sweep (no \"job\" column)", path);
		return FALSE;
	}
	for (guint c = 0; c < t->names->len; c++) {
		if (c)
			g_string_append_c(h, ',');
		pcs_row_append_csv_field(h, g_ptr_array_index(t->names, c));
	}
	g_string_append_c(h, '\n');
	if (header->len == 0) {
		g_string_assign(header, h->str);
	} else if (strcmp(header->str, h->str) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "%s: its columns differ from the first file's (results of different "
			    "sweeps or pcsim versions?)", path);
		return FALSE;
	}
	for (guint r = 0; r < t->rows->len; r++) {
		GString *line = g_string_new(NULL);
		Row row;

		for (guint c = 0; c < t->names->len; c++) {
			if (c)
				g_string_append_c(line, ',');
			pcs_row_append_csv_field(line, pcs_table_get(t, r, c));
		}
		g_string_append_c(line, '\n');
		row.job = g_ascii_strtoull(pcs_table_get(t, r, (guint) jc), NULL, 10);
		row.text = g_string_free(line, FALSE);
		g_array_append_val(rows, row);
	}
	return TRUE;
}

static int
path_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Expands directories into their job-* files, sorted by name. */
static GPtrArray *
expand_inputs(int argc, char **argv, GError **error)
{
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);

	for (int i = 1; i < argc; i++) {
		g_autoptr(GPtrArray) found = NULL;
		g_autoptr(GDir) d = NULL;
		const char *name;

		if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
			g_ptr_array_add(paths, g_strdup(argv[i]));
			continue;
		}
		d = g_dir_open(argv[i], 0, error);
		if (!d) {
			g_ptr_array_unref(paths);
			return NULL;
		}
		found = g_ptr_array_new_with_free_func(g_free);
		while ((name = g_dir_read_name(d)))
			if (g_str_has_prefix(name, "job-") && (g_str_has_suffix(name, ".jsonl") ||
							      g_str_has_suffix(name, ".csv")))
				g_ptr_array_add(found, g_build_filename(argv[i], name, NULL));
		g_ptr_array_sort(found, path_cmp);
		for (guint j = 0; j < found->len; j++)
			g_ptr_array_add(paths, g_strdup(g_ptr_array_index(found, j)));
	}
	return paths;
}

int
pcs_cmd_merge(int argc, char **argv)
{
	g_autofree char *output_format = NULL, *output = NULL;
	gboolean quiet = FALSE;
	GOptionEntry entries[] = {
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
		  "jsonl or csv: the format of the inputs (checked)", "FORMAT" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "write to FILE (atomically) instead of stdout", "FILE" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no warnings on stderr", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) paths = NULL;
	g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(Row));
	g_autoptr(GString) header = g_string_new(NULL);
	g_autoptr(GString) out = g_string_new(NULL);
	int format = -1;  /* 0 jsonl, 1 csv */
	int status = PCS_EXIT_OK;

	g_array_set_clear_func(rows, row_clear);
	ctx = g_option_context_new("RESULTS... - merge per-job results of pcsim sweep");
	g_option_context_set_summary(ctx,
		"Combines the files written by 'pcsim sweep ... --job-index N --result-dir DIR'\n"
		"(give the files or DIR) into one JSON Lines or CSV file in grid order: the same\n"
		"bytes as the sweep run in one process.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (argc < 2) {
		pcs_cli_error(CMD, "expected RESULTS files or directories (try 'pcsim merge --help')");
		return PCS_EXIT_USAGE;
	}
	if (output_format && strcmp(output_format, "jsonl") != 0 &&
	    strcmp(output_format, "json") != 0 && strcmp(output_format, "csv") != 0) {
		pcs_cli_error(CMD, "--output-format: expected jsonl or csv, got '%s'", output_format);
		return PCS_EXIT_USAGE;
	}
	paths = expand_inputs(argc, argv, &error);
	if (!paths) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	if (paths->len == 0) {
		pcs_cli_error(CMD, "no job-*.jsonl or job-*.csv files in %s", argv[1]);
		return PCS_EXIT_FAILURE;
	}
	/* 1. read every file */
	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index(paths, i);
		g_autofree char *text = NULL;
		gsize len;
		int f;
		gboolean ok;

		if (!g_file_get_contents(path, &text, &len, &error)) {
			pcs_cli_error(CMD, "%s", error->message);
			return PCS_EXIT_FAILURE;
		}
		if (len == 0)
			continue;
		f = text[0] == '{' ? 0 : 1;
		if (format >= 0 && f != format) {
			pcs_cli_error(CMD, "%s: a %s file among %s files", path, f ? "CSV" : "JSON Lines",
				      format ? "CSV" : "JSON Lines");
			return PCS_EXIT_FAILURE;
		}
		format = f;
		ok = f == 0 ? add_jsonl(path, text, rows, &error)
			    : add_csv(path, text, len, header, rows, &error);
		if (!ok) {
			pcs_cli_error(CMD, "%s", error->message);
			return PCS_EXIT_FAILURE;
		}
	}
	if (format < 0) {
		pcs_cli_error(CMD, "the results are empty");
		return PCS_EXIT_FAILURE;
	}
	if (output_format && (strcmp(output_format, "csv") == 0) != (format == 1)) {
		pcs_cli_error(CMD, "--output-format %s: the results are %s; run the jobs with "
			      "--output-format %s to merge them as such", output_format,
			      format ? "CSV" : "JSON Lines", output_format);
		return PCS_EXIT_USAGE;
	}
	/* 2. grid order, duplicates and gaps */
	g_array_sort(rows, row_cmp);
	for (guint i = 0; i < rows->len; i++) {
		guint64 job = g_array_index(rows, Row, i).job;

		if (i > 0 && g_array_index(rows, Row, i - 1).job == job) {
			pcs_cli_error(CMD, "job %" G_GUINT64_FORMAT " appears twice", job);
			return PCS_EXIT_FAILURE;
		}
		if (job != i && (i == 0 || g_array_index(rows, Row, i - 1).job + 1 != job)) {
			if (!quiet)
				pcs_cli_warn(CMD, "jobs missing before job %" G_GUINT64_FORMAT, job);
			status = PCS_EXIT_FAILURE;
		}
	}
	/* 3. */
	g_string_append(out, header->str);
	for (guint i = 0; i < rows->len; i++)
		g_string_append(out, g_array_index(rows, Row, i).text);
	if (!pcs_write_file_atomic(output ? output : "-", out->str, out->len, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	return status;
}
