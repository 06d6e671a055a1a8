/*
 * traceopts.c - the command-line options of the trace readers, one GOptionGroup that every
 * command reading traces adds (`pcsim trace info|cat|convert`, `pcsim replay`, ...):
 *
 *   --id-unit SIZE       libCacheSim ids (csv, txt, vscsi, oracleGeneral) are addresses in
 *                        SIZE-byte units and a request covers all its pages (default: each id
 *                        is one page)
 *   --csv-spec SPEC      lcs-csv columns: time-col=N,obj-id-col=N,obj-size-col=N,op-col=N,
 *                        has-header=true|false,delimiter=C,time-unit=s|ms|us|ns
 *   --blk-dev MAJ,MIN    blkparse: the device to keep (default: the busiest)
 *   --blk-event Q|D      blkparse: queued (default) or dispatched requests
 *   --cwd DIR            file-level traces: where relative paths start
 *   --include-path GLOB  file-level traces: keep only the files matching (repeatable)
 *   --exclude-path GLOB  file-level traces: leave out the files matching (repeatable)
 *   --group GLOB         file-level traces: count these files' requests apart too
 *
 * The values land in a caller's PcsTraceOptions, which pcs_trace_open_full() hands to the
 * readers. Values are checked here as far as their syntax goes (a size, "MAJ,MIN", Q or D,
 * a non-empty spec); what depends on the trace (the columns of a spec) is checked by the
 * reader at open. A bad value fails g_option_context_parse() with G_OPTION_ERROR_BAD_VALUE
 * and a message naming the option.
 *
 * Ownership: the strings put in opts are owned by the group and live as long as it does
 * (until the GOptionContext it was added to is freed). No globals: the group's user data is
 * a small state struct freed with the group.
 *
 * Entry points: pcs_cli_trace_option_group(), pcs_cli_trace_options_to_args() (the options
 * back as command-line words, for the job lines of `pcsim sweep --list-jobs`).
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/trace.h>

#include "cli.h"

typedef struct {
	PcsTraceOptions *opts;    /* borrowed */
	GPtrArray       *strings; /* what opts points to */
	GPtrArray       *include; /* NULL-terminated glob lists opts points to */
	GPtrArray       *exclude;
	GPtrArray       *group;
} TraceOptState;

static void
state_free(gpointer p)
{
	TraceOptState *st = p;

	g_ptr_array_unref(st->strings);
	g_ptr_array_unref(st->include);
	g_ptr_array_unref(st->exclude);
	g_ptr_array_unref(st->group);
	g_free(st);
}

/* Appends a glob to a NULL-terminated list and returns the list's (new) start. */
static const char *const *
add_glob(GPtrArray *list, const char *glob)
{
	g_ptr_array_remove_index(list, list->len - 1);  /* the NULL */
	g_ptr_array_add(list, g_strdup(glob));
	g_ptr_array_add(list, NULL);
	return (const char *const *) list->pdata;
}

static const char *
keep(TraceOptState *st, const char *value)
{
	char *copy = g_strdup(value);

	g_ptr_array_add(st->strings, copy);
	return copy;
}

static gboolean
bad_value(GError **error, const char *name, const char *what, const char *value)
{
	g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: expected %s, got '%s'",
		    name, what, value);
	return FALSE;
}

static gboolean
on_option(const char *name, const char *value, gpointer data, GError **error)
{
	TraceOptState *st = data;
	PcsTraceOptions *o = st->opts;

	if (strcmp(name, "--id-unit") == 0) {
		guint64 bytes;

		if (!pcs_parse_size(value, &bytes, NULL) || bytes == 0)
			return bad_value(error, name, "a size of at least 1 byte (512, 4K)", value);
		o->id_unit_bytes = bytes;
	} else if (strcmp(name, "--csv-spec") == 0) {
		if (!value[0] || !strchr(value, '='))
			return bad_value(error, name, "key=value,... (obj-id-col=N at least)",
					 value);
		o->csv_spec = keep(st, value);
	} else if (strcmp(name, "--blk-dev") == 0) {
		const char *comma = strchr(value, ',');
		gsize maj_len = comma ? (gsize) (comma - value) : 0;
		char maj_text[16];
		guint64 maj, min;

		if (maj_len > 0 && maj_len < sizeof maj_text) {
			memcpy(maj_text, value, maj_len);
			maj_text[maj_len] = '\0';
		}
		if (maj_len == 0 || maj_len >= sizeof maj_text ||
		    !g_ascii_string_to_unsigned(maj_text, 10, 0, G_MAXUINT32, &maj, NULL) ||
		    !g_ascii_string_to_unsigned(comma + 1, 10, 0, G_MAXUINT32, &min, NULL))
			return bad_value(error, name, "MAJ,MIN (decimal, as blkparse prints 8,0)",
					 value);
		o->blk_dev = keep(st, value);
	} else if (strcmp(name, "--blk-event") == 0) {
		if (strcmp(value, "Q") != 0 && strcmp(value, "D") != 0)
			return bad_value(error, name, "Q (queued) or D (dispatched)", value);
		o->blk_event = value[0];
	} else if (strcmp(name, "--cwd") == 0) {
		if (!value[0])
			return bad_value(error, name, "a directory", value);
		o->cwd = keep(st, value);
	} else if (strcmp(name, "--include-path") == 0 || strcmp(name, "--exclude-path") == 0) {
		if (!value[0])
			return bad_value(error, name, "a path or a glob such as '/usr/*'", value);
		if (name[2] == 'i')
			o->include_paths = add_glob(st->include, value);
		else
			o->exclude_paths = add_glob(st->exclude, value);
	} else if (strcmp(name, "--group") == 0) {
		if (!value[0])
			return bad_value(error, name, "a path or a glob such as 's*'", value);
		o->group_paths = add_glob(st->group, value);
	} else {
		g_assert_not_reached();
	}
	return TRUE;
}

GOptionGroup *
pcs_cli_trace_option_group(PcsTraceOptions *opts)
{
	static const GOptionEntry entries[] = {
		{ "id-unit", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "libCacheSim ids are addresses in SIZE-byte units (512 for sectors); "
		  "default: one page per id", "SIZE" },
		{ "csv-spec", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "lcs-csv columns: time-col=N,obj-id-col=N,obj-size-col=N,op-col=N,"
		  "has-header=true|false,delimiter=C,time-unit=s|ms|us|ns", "SPEC" },
		{ "blk-dev", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "blkparse: keep only device MAJ,MIN (default: the busiest)", "MAJ,MIN" },
		{ "blk-event", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "blkparse: Q (queued, default) or D (dispatched) events", "Q|D" },
		{ "cwd", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "file-level traces: directory relative paths start in", "DIR" },
		{ "include-path", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "file-level traces: only files matching GLOB live on the device (repeatable; "
		  "a path without * ? [ means everything under it)", "GLOB" },
		{ "exclude-path", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "file-level traces: files matching GLOB are left out, counted (repeatable)",
		  "GLOB" },
		{ "group", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_option,
		  "file-level traces: also count the requests of files matching GLOB apart "
		  "(group_* statistics; repeatable)", "GLOB" },
		{ NULL }
	};
	TraceOptState *st = g_new0(TraceOptState, 1);
	GOptionGroup *g;

	g_return_val_if_fail(opts != NULL, NULL);
	st->opts = opts;
	st->strings = g_ptr_array_new_with_free_func(g_free);
	st->include = g_ptr_array_new_with_free_func(g_free);
	st->exclude = g_ptr_array_new_with_free_func(g_free);
	st->group = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(st->include, NULL);
	g_ptr_array_add(st->exclude, NULL);
	g_ptr_array_add(st->group, NULL);
	g = g_option_group_new("trace", "Trace reader options:",
			       "Show the options of the trace readers", st, state_free);
	g_option_group_add_entries(g, entries);
	return g;
}

void
pcs_cli_trace_options_to_args(const PcsTraceOptions *opts, GPtrArray *words)
{
	if (opts->id_unit_bytes) {
		g_ptr_array_add(words, g_strdup("--id-unit"));
		g_ptr_array_add(words, g_strdup_printf("%" G_GUINT64_FORMAT, opts->id_unit_bytes));
	}
	if (opts->csv_spec) {
		g_ptr_array_add(words, g_strdup("--csv-spec"));
		g_ptr_array_add(words, g_strdup(opts->csv_spec));
	}
	if (opts->blk_dev) {
		g_ptr_array_add(words, g_strdup("--blk-dev"));
		g_ptr_array_add(words, g_strdup(opts->blk_dev));
	}
	if (opts->blk_event) {
		g_ptr_array_add(words, g_strdup("--blk-event"));
		g_ptr_array_add(words, g_strdup_printf("%c", opts->blk_event));
	}
	if (opts->cwd) {
		g_ptr_array_add(words, g_strdup("--cwd"));
		g_ptr_array_add(words, g_strdup(opts->cwd));
	}
	for (gsize i = 0; opts->include_paths && opts->include_paths[i]; i++) {
		g_ptr_array_add(words, g_strdup("--include-path"));
		g_ptr_array_add(words, g_strdup(opts->include_paths[i]));
	}
	for (gsize i = 0; opts->exclude_paths && opts->exclude_paths[i]; i++) {
		g_ptr_array_add(words, g_strdup("--exclude-path"));
		g_ptr_array_add(words, g_strdup(opts->exclude_paths[i]));
	}
	for (gsize i = 0; opts->group_paths && opts->group_paths[i]; i++) {
		g_ptr_array_add(words, g_strdup("--group"));
		g_ptr_array_add(words, g_strdup(opts->group_paths[i]));
	}
}
