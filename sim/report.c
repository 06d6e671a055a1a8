/*
 * report.c - one replay's results rendered three ways: normal (a table), JSON, CSV.
 *
 * The renderers share one source of truth and add nothing of their own:
 *
 *   PcsReport --+-- cfg ------ pcs_params()      every parameter, by name
 *               +-- traces --- PcsTraceIdent[]   path, format, level, bytes, sha256 (1st MiB)
 *               +-- warmup --+ pcs_stat_fields() every field, by name, in report order
 *               +-- measured +                   + ops[] by pcs_op_name(), + files
 *
 * so a counter added to the field table (sim/stats.c) or a parameter added to the table
 * (sim/options.c) shows up in every format without touching this file.
 *
 * Machine formats (JSON, CSV) use raw units: bytes, nanoseconds, ratios in 0..1. Counters
 * are exact integers; a ratio is printed with the fewest significant digits (15 to 17) that
 * read back as the same double, so "0.5" stays "0.5" and nothing is lost; an unknown time
 * is null in JSON and an empty field in CSV. Nothing depends on how the run went (wall time,
 * RSS), so the same trace and configuration give byte-identical JSON and CSV.
 *
 *   JSON: {"format_version":1,"command":..,"trace":{first},"traces":[..],"config":{..},
 *          "stats":{fields..,"ops":{..},"files":N}[,"warmup":{fields..,"ops":{..}}]}
 *          where a trace is {"path","format","level":"file"|"block","bytes","sha256"}
 *   CSV:  a header line and one row (RFC 4180 quoting, LF line ends); the identity columns
 *         trace_path (all paths, ';'-joined), trace_format, trace_level, trace_bytes,
 *         trace_sha256 (of the first trace), nr_traces; the warm-up columns, prefixed
 *         "warmup_", come last and only when a warm-up was asked for.
 *
 * The level is there because hit ratios of block traces (what got past a page cache
 * already) are not comparable with those of file traces; an unknown level is null / empty.
 *
 * The warm-up phase has no "files" key: the file count belongs to the whole run. The CSV
 * config columns use pcs_config_to_machine_text(), which re-parses with pcs_config_set(), so
 * a row of a results file says exactly how to rerun it.
 *
 * pcs_json_append_string() writes valid JSON whatever the bytes: control characters become
 * \uXXXX (or \n, \t, ...), U+2028/U+2029 are escaped too (for JavaScript consumers), and a
 * byte that is not part of valid UTF-8 becomes U+FFFD (so a path with such bytes is shown,
 * lossily, instead of making the whole report unparsable).
 *
 * pcs_write_file_atomic() is write-to-temporary-then-rename, as editors do: readers of the
 * path see the old file or the new one, never a partial one.
 *
 * Entry points: pcs_output_formats_parse, pcs_report_render(_normal|_json|_csv),
 * pcs_json_append_string, pcs_write_file_atomic.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <pcsim/report.h>

static const struct {
	const char *name;
	PcsOutputFormat format;
} output_formats[] = {
	{ "normal", PCS_OUTPUT_NORMAL },
	{ "json", PCS_OUTPUT_JSON },
	{ "csv", PCS_OUTPUT_CSV },
};

gboolean
pcs_output_formats_parse(const char *text, guint *mask, GError **error)
{
	g_auto(GStrv) items = NULL;
	guint m = 0;

	g_return_val_if_fail (text != NULL && mask != NULL, FALSE);
	items = g_strsplit(text, ",", -1);
	for (gsize i = 0; items[i]; i++) {
		const char *item = g_strstrip(items[i]);
		gsize j;

		for (j = 0; j < G_N_ELEMENTS (output_formats); j++)
			if (strcmp(item, output_formats[j].name) == 0)
				break;
		if (j == G_N_ELEMENTS (output_formats)) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			            "--output-format: unknown format '%s' in '%s' "
			            "(expected normal, json or csv, or a comma list of them)",
			            item, text);
			return FALSE;
		}
		m |= output_formats[j].format;
	}
	if (m == 0) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "--output-format: expected normal, json or csv, or a comma list of them, "
		            "got '%s'", text);
		return FALSE;
	}
	*mask = m;
	return TRUE;
}

/* ---- numbers ------------------------------------------------------------------------- */

/* The shortest of %.15g, %.16g, %.17g that reads back as v; '.' whatever the locale. */
static void
append_double(GString *out, double v)
{
	static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
		g_ascii_formatd(buf, sizeof buf, formats[i], v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	g_string_append(out, buf);
}

/* ---- JSON ---------------------------------------------------------------------------- */

void
pcs_json_append_string(GString *out, const char *s)
{
	const char *p = s, *end;

	g_return_if_fail (out != NULL && s != NULL);
	end = s + strlen(s);
	g_string_append_c(out, '"');
	while (p < end) {
		guchar c = (guchar) *p;
		gunichar u;
		const char *next;

		/* 1. ASCII: escape quote, backslash and control characters. */
		if (c < 0x80) {
			switch (c) {
			case '"':  g_string_append(out, "\\\""); break;
			case '\\': g_string_append(out, "\\\\"); break;
			case '\b': g_string_append(out, "\\b"); break;
			case '\f': g_string_append(out, "\\f"); break;
			case '\n': g_string_append(out, "\\n"); break;
			case '\r': g_string_append(out, "\\r"); break;
			case '\t': g_string_append(out, "\\t"); break;
			default:
				if (c < 0x20 || c == 0x7f)
					g_string_append_printf(out, "\\u%04x", c);
				else
					g_string_append_c(out, (char) c);
			}
			p++;
			continue;
		}
		/* 2. A valid UTF-8 sequence is copied, but for U+2028/U+2029; 3. a byte that
		 *    does not start one becomes U+FFFD, and decoding resumes at the next byte. */
		u = g_utf8_get_char_validated(p, end - p);
		if (u == (gunichar) -1 || u == (gunichar) -2) {
			g_string_append(out, "\\ufffd");
			p++;
			continue;
		}
		next = g_utf8_next_char(p);
		if (u == 0x2028 || u == 0x2029)
			g_string_append_printf(out, "\\u%04x", (guint) u);
		else
			g_string_append_len(out, p, next - p);
		p = next;
	}
	g_string_append_c(out, '"');
}

/* s as a JSON string, or null when s is NULL. */
static void
append_json_string_or_null(GString *out, const char *s)
{
	if (s)
		pcs_json_append_string(out, s);
	else
		g_string_append(out, "null");
}

/* The sha256 field as a C string ("" when unset), whatever the array holds. */
static void
copy_sha256(const PcsTraceIdent *t, char buf[65])
{
	memcpy(buf, t->sha256, 64);
	buf[64] = '\0';
}

static void
append_json_trace(GString *out, const PcsTraceIdent *t)
{
	char sha[65];

	copy_sha256(t, sha);
	g_string_append(out, "{\"path\":");
	append_json_string_or_null(out, t->path);
	g_string_append(out, ",\"format\":");
	append_json_string_or_null(out, t->format);
	g_string_append(out, ",\"level\":");
	append_json_string_or_null(out, pcs_trace_level_name(t->level));
	g_string_append_printf(out, ",\"bytes\":%" G_GUINT64_FORMAT ",\"sha256\":", t->bytes);
	if (sha[0])
		pcs_json_append_string(out, sha);
	else
		g_string_append(out, "null");
	g_string_append_c(out, '}');
}

/* One field's value in machine units: integer, ratio, or time (empty when unknown). */
static void
append_machine_value(GString *out, const PcsStats *s, const PcsStatField *f,
                     const char *unknown)
{
	gint64 t;

	switch (f->kind) {
	case PCS_STAT_COUNTER:
	case PCS_STAT_GAUGE:
		g_string_append_printf(out, "%" G_GUINT64_FORMAT, pcs_stat_u64(s, f));
		break;
	case PCS_STAT_RATIO:
	case PCS_STAT_MEAN:
		append_double(out, pcs_stat_ratio(s, f));
		break;
	case PCS_STAT_TIME:
		t = pcs_stat_time(s, f);
		if (t == PCS_TIME_UNKNOWN)
			g_string_append(out, unknown);
		else
			g_string_append_printf(out, "%" G_GINT64_FORMAT, t);
		break;
	}
}

/* {fields..., "ops":{...}} and, when files is not NULL, "files":N. */
static void
append_json_stats(GString *out, const PcsStats *s, const guint64 *files)
{
	g_string_append_c(out, '{');
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++) {
		g_string_append_printf(out, "\"%s\":", f->name);
		append_machine_value(out, s, f, "null");
		g_string_append_c(out, ',');
	}
	g_string_append(out, "\"ops\":{");
	for (guint i = 0; i < PCS_OP_COUNT; i++)
		g_string_append_printf(out, "%s\"%s\":%" G_GUINT64_FORMAT, i ? "," : "",
		                       pcs_op_name((PcsOp) i), s->ops[i]);
	g_string_append_c(out, '}');
	if (files)
		g_string_append_printf(out, ",\"files\":%" G_GUINT64_FORMAT, *files);
	g_string_append_c(out, '}');
}

void
pcs_report_render_json(const PcsReport *r, GString *out)
{
	g_return_if_fail (r != NULL && r->cfg != NULL && out != NULL);
	g_string_append_printf(out, "{\"format_version\":%d,\"command\":", PCS_REPORT_FORMAT_VERSION);
	append_json_string_or_null(out, r->command);
	/* traces: the first alone (the common case), then all */
	g_string_append(out, ",\"trace\":");
	if (r->nr_traces > 0)
		append_json_trace(out, &r->traces[0]);
	else
		g_string_append(out, "null");
	g_string_append(out, ",\"traces\":[");
	for (guint i = 0; i < r->nr_traces; i++) {
		if (i)
			g_string_append_c(out, ',');
		append_json_trace(out, &r->traces[i]);
	}
	/* config: every parameter, then the derived values */
	g_string_append(out, "],\"config\":{");
	for (const PcsParam *p = pcs_params(); p->name; p++) {
		g_autofree char *v = pcs_config_to_json_value(r->cfg, p);

		g_string_append_printf(out, "\"%s\":%s,", p->name, v);
	}
	g_string_append_printf(out, "\"cache_pages\":%" G_GUINT64_FORMAT
	                       ",\"inactive_ratio_effective\":%u}",
	                       pcs_config_cache_pages(r->cfg),
	                       pcs_config_effective_inactive_ratio(r->cfg));
	g_string_append(out, ",\"stats\":");
	append_json_stats(out, &r->measured, &r->files);
	if (r->has_warmup) {
		g_string_append(out, ",\"warmup\":");
		append_json_stats(out, &r->warmup, NULL);
	}
	g_string_append(out, "}\n");
}

/* ---- CSV ----------------------------------------------------------------------------- */

static void
append_csv_field(GString *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		g_string_append(out, s);
		return;
	}
	g_string_append_c(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '"');
}

/* Adds one column: its name and its value (takes ownership of value). */
static void
add_column(GPtrArray *names, GPtrArray *values, char *name, char *value)
{
	g_ptr_array_add(names, name);
	g_ptr_array_add(values, value);
}

static void
add_stats_columns(GPtrArray *names, GPtrArray *values, const PcsStats *s, const char *prefix)
{
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++) {
		GString *v = g_string_new(NULL);

		append_machine_value(v, s, f, "");
		add_column(names, values, g_strconcat(prefix, f->name, NULL),
		           g_string_free(v, FALSE));
	}
	for (guint i = 0; i < PCS_OP_COUNT; i++) {
		char *name = g_strconcat(prefix, "ops_", pcs_op_name((PcsOp) i), NULL);

		g_strdelimit(name, "-", '_');
		add_column(names, values, name, g_strdup_printf("%" G_GUINT64_FORMAT, s->ops[i]));
	}
}

static void
append_csv_line(GString *out, GPtrArray *fields)
{
	for (guint i = 0; i < fields->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		append_csv_field(out, g_ptr_array_index(fields, i));
	}
	g_string_append_c(out, '\n');
}

void
pcs_report_render_csv(const PcsReport *r, GString *out)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
	const PcsTraceIdent *t0;
	GString *paths;
	char sha[65] = "";

	g_return_if_fail (r != NULL && r->cfg != NULL && out != NULL);
	t0 = r->nr_traces > 0 ? &r->traces[0] : NULL;
	if (t0)
		copy_sha256(t0, sha);
	paths = g_string_new(NULL);
	for (guint i = 0; i < r->nr_traces; i++) {
		if (i)
			g_string_append_c(paths, ';');
		g_string_append(paths, r->traces[i].path ? r->traces[i].path : "");
	}
	/* 1. identity */
	add_column(names, values, g_strdup("format_version"),
	           g_strdup_printf("%d", PCS_REPORT_FORMAT_VERSION));
	add_column(names, values, g_strdup("command"), g_strdup(r->command ? r->command : ""));
	add_column(names, values, g_strdup("trace_path"), g_string_free(paths, FALSE));
	add_column(names, values, g_strdup("trace_format"),
	           g_strdup(t0 && t0->format ? t0->format : ""));
	add_column(names, values, g_strdup("trace_level"),
	           g_strdup(t0 && pcs_trace_level_name(t0->level) ?
	                    pcs_trace_level_name(t0->level) : ""));
	add_column(names, values, g_strdup("trace_bytes"),
	           t0 ? g_strdup_printf("%" G_GUINT64_FORMAT, t0->bytes) : g_strdup(""));
	add_column(names, values, g_strdup("trace_sha256"), g_strdup(sha));
	add_column(names, values, g_strdup("nr_traces"), g_strdup_printf("%u", r->nr_traces));
	/* 2. configuration */
	for (const PcsParam *p = pcs_params(); p->name; p++)
		add_column(names, values, g_strdup(p->name), pcs_config_to_machine_text(r->cfg, p));
	add_column(names, values, g_strdup("cache_pages"),
	           g_strdup_printf("%" G_GUINT64_FORMAT, pcs_config_cache_pages(r->cfg)));
	add_column(names, values, g_strdup("inactive_ratio_effective"),
	           g_strdup_printf("%u", pcs_config_effective_inactive_ratio(r->cfg)));
	/* 3. the measured phase, 4. files, 5. the warm-up phase */
	add_stats_columns(names, values, &r->measured, "");
	add_column(names, values, g_strdup("files"),
	           g_strdup_printf("%" G_GUINT64_FORMAT, r->files));
	if (r->has_warmup)
		add_stats_columns(names, values, &r->warmup, "warmup_");
	g_assert (names->len == values->len);
	append_csv_line(out, names);
	append_csv_line(out, values);
}

/* ---- normal -------------------------------------------------------------------------- */

typedef struct {
	char *label;       /* NULL: a blank line */
	char *cells[2];    /* NULL: empty cell */
} Row;

static void
row_clear(gpointer data)
{
	Row *row = data;

	g_free(row->label);
	g_free(row->cells[0]);
	g_free(row->cells[1]);
}

static void
add_row(GArray *rows, const char *label, char *c0, char *c1)
{
	Row row = { label ? g_strdup(label) : NULL, { c0, c1 } };

	g_array_append_val(rows, row);
}

/* A human duration: "1.234 s", "12 ms", "350 ns". Caller frees. */
static char *
human_duration(gint64 ns)
{
	if (ns >= 1000000000)
		return g_strdup_printf("%.3f s", (double) ns / 1e9);
	if (ns >= 1000000)
		return g_strdup_printf("%.3f ms", (double) ns / 1e6);
	if (ns >= 1000)
		return g_strdup_printf("%.3f us", (double) ns / 1e3);
	return g_strdup_printf("%" G_GINT64_FORMAT " ns", ns);
}

/* The trace time a phase covers, or NULL when unknown. */
static char *
phase_span(const PcsStats *s)
{
	if (s->first_t_ns == PCS_TIME_UNKNOWN || s->last_t_ns == PCS_TIME_UNKNOWN ||
	    s->last_t_ns < s->first_t_ns)
		return NULL;
	return human_duration(s->last_t_ns - s->first_t_ns);
}

static void
append_trace_line(GString *out, const PcsTraceIdent *t)
{
	g_autofree char *size = pcs_format_size(t->bytes);
	char sha[65];
	const char *level = pcs_trace_level_name(t->level);

	copy_sha256(t, sha);
	g_string_append_printf(out, "%s (%s, ", t->path ? t->path : "?",
	                       t->format ? t->format : "?");
	if (level)
		g_string_append_printf(out, "%s level, ", level);
	g_string_append(out, size);
	if (sha[0])
		g_string_append_printf(out, ", sha256 %.12s", sha);
	g_string_append(out, ")\n");
}

/* "cache 1G (262144 pages), policy two-list, ...", wrapped before 100 columns. */
static void
append_config_lines(GString *out, const PcsConfig *cfg)
{
	gsize line_start = out->len;

	for (const PcsParam *p = pcs_params(); p->name; p++) {
		g_autofree char *v = pcs_config_format(cfg, p);
		g_autofree char *item = NULL;

		if (p->type == PCS_PARAM_SIZE && p->offset == G_STRUCT_OFFSET (PcsConfig, cache_bytes))
			item = g_strdup_printf("%s %s (%" G_GUINT64_FORMAT " pages)", p->name, v,
			                       pcs_config_cache_pages(cfg));
		else if (p->offset == G_STRUCT_OFFSET (PcsConfig, inactive_ratio) &&
		         cfg->inactive_ratio == 0)
			item = g_strdup_printf("%s %s (%u)", p->name, v,
			                       pcs_config_effective_inactive_ratio(cfg));
		else if (p->type == PCS_PARAM_WARMUP && cfg->warmup_ns == 0 &&
		         cfg->warmup_requests > 0)
			item = g_strdup_printf("%s %s requests", p->name, v);
		else
			item = g_strdup_printf("%s %s", p->name, v);
		if (p != pcs_params()) {
			g_string_append_c(out, ',');
			if (out->len - line_start + 1 + strlen(item) > 99) {
				g_string_append_c(out, '\n');
				line_start = out->len;
			} else {
				g_string_append_c(out, ' ');
			}
		}
		g_string_append(out, item);
	}
	g_string_append_c(out, '\n');
}

/* A field's value for the human table. Caller frees. */
static char *
human_value(const PcsStats *s, const PcsStatField *f)
{
	if (f->kind == PCS_STAT_RATIO)
		return g_strdup_printf("%.2f%%", 100.0 * pcs_stat_ratio(s, f));
	if (f->kind == PCS_STAT_MEAN)
		return g_strdup_printf("%.0f", pcs_stat_ratio(s, f));
	return g_strdup_printf("%" G_GUINT64_FORMAT, pcs_stat_u64(s, f));
}

/* A blank line goes before these fields: they start a group. */
static gboolean
starts_group(const PcsStatField *f)
{
	static const char *const firsts[] = {
		"accesses", "hits", "hit_ratio", "active_pages", "activations", "ra_sync_windows",
		"major_faults", "dirtied_pages", "dirty_pages", "app_io_ns", "served_requests",
		"dev_read_ios",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (firsts); i++)
		if (strcmp(f->name, firsts[i]) == 0)
			return TRUE;
	return FALSE;
}

void
pcs_report_render_normal(const PcsReport *r, GString *out)
{
	const PcsStats *phases[2];
	guint nr_cols, width[3] = { 0, 0, 0 };
	const char *heads[2];
	g_autoptr(GArray) rows = g_array_new(FALSE, TRUE, sizeof (Row));
	const PcsStatField *bad = NULL;
	gboolean any_op = FALSE;

	g_return_if_fail (r != NULL && r->cfg != NULL && out != NULL);
	g_array_set_clear_func(rows, row_clear);
	if (r->has_warmup) {
		phases[0] = &r->warmup, heads[0] = "warm-up";
		phases[1] = &r->measured, heads[1] = "measured";
		nr_cols = 2;
	} else {
		phases[0] = &r->measured, heads[0] = "measured";
		phases[1] = NULL, heads[1] = NULL;
		nr_cols = 1;
	}

	/* 1. What was replayed, and how. */
	g_string_append_printf(out, "pcsim %s: ", r->command ? r->command : "replay");
	if (r->nr_traces == 1) {
		append_trace_line(out, &r->traces[0]);
	} else {
		g_string_append_printf(out, "%u traces replayed in sequence into one cache\n",
		                       r->nr_traces);
		for (guint i = 0; i < r->nr_traces; i++) {
			g_string_append_printf(out, "  %u. ", i + 1);
			append_trace_line(out, &r->traces[i]);
		}
	}
	append_config_lines(out, r->cfg);

	/* 2. Rows: the field table in order, in groups; bad records and ops at the end. */
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++) {
		char *c[2] = { NULL, NULL };

		if (f->kind == PCS_STAT_TIME)
			continue;
		if (strcmp(f->name, "bad_records") == 0) {
			bad = f;
			continue;
		}
		if (f->flags & PCS_STAT_DETAIL) {
			guint64 any = 0;

			/* a counter's value; a ratio's denominator */
			for (guint k = 0; k < nr_cols; k++) {
				guint64 v;

				memcpy(&v, (const char *) phases[k] +
				       (f->kind == PCS_STAT_RATIO || f->kind == PCS_STAT_MEAN ?
					f->den : f->offset), sizeof v);
				any |= v;
			}
			if (!any)
				continue;
		}
		if (starts_group(f))
			add_row(rows, NULL, NULL, NULL);
		for (guint k = 0; k < nr_cols; k++)
			c[k] = human_value(phases[k], f);
		add_row(rows, f->label, c[0], c[1]);
	}
	{
		char *c[2] = { NULL, NULL };
		gboolean known = FALSE;

		for (guint k = 0; k < nr_cols; k++)
			known |= (c[k] = phase_span(phases[k])) != NULL;
		if (known) {
			add_row(rows, NULL, NULL, NULL);
			add_row(rows, "trace time", c[0], c[1]);
		} else {
			g_free(c[0]);
			g_free(c[1]);
		}
	}
	for (guint i = 0; i < PCS_OP_COUNT; i++) {
		char *c[2] = { NULL, NULL };
		guint64 sum = 0;

		for (guint k = 0; k < nr_cols; k++)
			sum |= phases[k]->ops[i];
		if (sum == 0)
			continue;
		if (!any_op) {
			add_row(rows, NULL, NULL, NULL);
			add_row(rows, "ops", NULL, NULL);
			any_op = TRUE;
		}
		for (guint k = 0; k < nr_cols; k++)
			c[k] = g_strdup_printf("%" G_GUINT64_FORMAT, phases[k]->ops[i]);
		{
			g_autofree char *label = g_strdup_printf("  %s", pcs_op_name((PcsOp) i));

			add_row(rows, label, c[0], c[1]);
		}
	}
	if (bad) {
		guint64 sum = 0;

		for (guint k = 0; k < nr_cols; k++)
			sum |= pcs_stat_u64(phases[k], bad);
		if (sum) {
			add_row(rows, NULL, NULL, NULL);
			add_row(rows, bad->label, human_value(phases[0], bad),
			        nr_cols > 1 ? human_value(phases[1], bad) : NULL);
		}
	}

	/* 3. Lay the table out: labels left, values right-aligned. */
	for (guint k = 0; k < nr_cols; k++)
		width[k + 1] = (guint) strlen(heads[k]);
	for (guint i = 0; i < rows->len; i++) {
		Row *row = &g_array_index(rows, Row, i);

		if (row->label)
			width[0] = MAX (width[0], (guint) strlen(row->label));
		for (guint k = 0; k < nr_cols; k++)
			if (row->cells[k])
				width[k + 1] = MAX (width[k + 1], (guint) strlen(row->cells[k]));
	}
	g_string_append_c(out, '\n');
	if (nr_cols > 1) {
		g_string_append_printf(out, "%-*s", (int) width[0], "");
		for (guint k = 0; k < nr_cols; k++)
			g_string_append_printf(out, "  %*s", (int) width[k + 1], heads[k]);
		g_string_append_c(out, '\n');
	}
	for (guint i = 0; i < rows->len; i++) {
		Row *row = &g_array_index(rows, Row, i);
		gsize line_start = out->len;

		if (!row->label) {
			/* no blank line right under the column heads */
			if (i > 0)
				g_string_append_c(out, '\n');
			continue;
		}
		g_string_append_printf(out, "%-*s", (int) width[0], row->label);
		for (guint k = 0; k < nr_cols; k++)
			g_string_append_printf(out, "  %*s", (int) width[k + 1],
			                       row->cells[k] ? row->cells[k] : "");
		/* no trailing blanks (rows such as "ops" have no values) */
		while (out->len > line_start && out->str[out->len - 1] == ' ')
			g_string_truncate(out, out->len - 1);
		g_string_append_c(out, '\n');
	}

	/* 4. The run as a whole. */
	g_string_append_printf(out, "\nfiles seen: %" G_GUINT64_FORMAT "\n", r->files);
	if (r->verbose) {
		guint64 requests = r->measured.requests + (r->has_warmup ? r->warmup.requests : 0);
		g_autofree char *rss = pcs_format_size(r->peak_rss_bytes);

		g_string_append_printf(out, "wall time %.3f s, ", r->wall_seconds);
		if (r->wall_seconds > 0)
			g_string_append_printf(out, "%.0f requests/s, ",
			                       (double) requests / r->wall_seconds);
		g_string_append_printf(out, "peak RSS %s", rss);
		if (r->dev_wall_ns)
			g_string_append_printf(out, ", %.3f s in pread/pwrite",
					       (double) r->dev_wall_ns / 1e9);
		g_string_append_c(out, '\n');
	}
}

void
pcs_report_render(const PcsReport *r, guint mask, GString *out)
{
	g_return_if_fail (r != NULL && out != NULL);
	if (mask & PCS_OUTPUT_NORMAL)
		pcs_report_render_normal(r, out);
	if (mask & PCS_OUTPUT_JSON)
		pcs_report_render_json(r, out);
	if (mask & PCS_OUTPUT_CSV)
		pcs_report_render_csv(r, out);
}

/* ---- atomic write -------------------------------------------------------------------- */

static gboolean
write_all(int fd, const char *data, gsize len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return FALSE;
		}
		data += n;
		len -= (gsize) n;
	}
	return TRUE;
}

static gboolean
set_errno_error(GError **error, int saved_errno, const char *what, const char *path)
{
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved_errno),
	            "cannot %s %s: %s", what, path, g_strerror(saved_errno));
	return FALSE;
}

/* fsync the directory holding path, so the rename itself is durable. Best effort. */
static void
sync_parent_dir(const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		(void) fsync(fd);
		close(fd);
	}
}

gboolean
pcs_write_file_atomic(const char *path, const char *data, gsize len, GError **error)
{
	g_autofree char *tmp = NULL;
	int fd, saved;

	g_return_val_if_fail (path != NULL && (data != NULL || len == 0), FALSE);
	if (strcmp(path, "-") == 0) {
		fflush(stdout);
		if (!write_all(STDOUT_FILENO, data, len))
			return set_errno_error(error, errno, "write", "standard output");
		return TRUE;
	}
	/* 1. A temporary beside the target (same file system, so rename is atomic). */
	tmp = g_strconcat(path, ".XXXXXX", NULL);
	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return set_errno_error(error, errno, "create a temporary file for", path);
	/* 2. Write it all and make it durable. */
	if (!write_all(fd, data, len) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		g_unlink(tmp);
		return set_errno_error(error, saved, "write", path);
	}
	if (close(fd) != 0) {
		saved = errno;
		g_unlink(tmp);
		return set_errno_error(error, saved, "write", path);
	}
	/* 3. Replace the target in one step. */
	if (g_rename(tmp, path) != 0) {
		saved = errno;
		g_unlink(tmp);
		return set_errno_error(error, saved, "replace", path);
	}
	sync_parent_dir(path);
	return TRUE;
}
