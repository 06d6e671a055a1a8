/*
 * table.c - reading pcsim's CSV back: RFC 4180 fields into a table of strings.
 *
 * A small state machine over the bytes: at the start of a field, a '"' opens a quoted
 * field ("" inside is one quote; a closing quote must be followed by ',' or the line end);
 * otherwise the field runs to the next ',' or line end. Line ends are LF, CRLF accepted.
 * Every row must have as many fields as the header, so a truncated or mixed-up file is an
 * error instead of shifted columns. Not streaming: results files are small (one row per job
 * or interval).
 *
 * Entry points: pcs_table_parse, pcs_table_load, pcs_table_column, pcs_table_get,
 * pcs_csv_split_line.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <pcsim/table.h>

void
pcs_table_free(PcsTable *t)
{
	if (!t)
		return;
	g_ptr_array_unref(t->names);
	g_ptr_array_unref(t->rows);
	g_free(t);
}

/*
 * Parses one record starting at *pp (before end) into out; leaves *pp after its line end.
 * Steps: 1. a quoted field, 2. a plain field, 3. the separator or the end of the record.
 */
static gboolean
parse_record(const char **pp, const char *end, GPtrArray *out, guint lineno, GError **error)
{
	const char *p = *pp;

	for (;;) {
		GString *f = g_string_new(NULL);

		if (p < end && *p == '"') {
			/* 1. */
			for (p++;; p++) {
				if (p >= end) {
					g_string_free(f, TRUE);
					g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
						    "line %u: a quoted field never ends", lineno);
					return FALSE;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						g_string_append_c(f, '"');
						p++;
						continue;
					}
					p++;
					break;
				}
				g_string_append_c(f, *p);
			}
			if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			if (p < end && *p != ',' && *p != '\n') {
				g_string_free(f, TRUE);
				g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
					    "line %u: text after a closing quote", lineno);
				return FALSE;
			}
		} else {
			/* 2. */
			const char *s = p;

			while (p < end && *p != ',' && *p != '\n')
				p++;
			g_string_append_len(f, s, p - s);
			if (f->len && f->str[f->len - 1] == '\r' && (p >= end || *p == '\n'))
				g_string_truncate(f, f->len - 1);
		}
		g_ptr_array_add(out, g_string_free(f, FALSE));
		/* 3. */
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end)
			p++;  /* '\n' */
		*pp = p;
		return TRUE;
	}
}

gboolean
pcs_csv_split_line(const char *line, GPtrArray *out, GError **error)
{
	const char *p = line;

	return parse_record(&p, line + strlen(line), out, 1, error);
}

PcsTable *
pcs_table_parse(const char *text, gsize len, const char *what, GError **error)
{
	g_autoptr(PcsTable) t = g_new0(PcsTable, 1);
	const char *p = text, *end = text + len;
	guint lineno = 1;

	t->names = g_ptr_array_new_with_free_func(g_free);
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);
	if (len == 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: empty, expected a CSV "
			    "header line", what);
		return NULL;
	}
	if (!parse_record(&p, end, t->names, lineno, error))
		goto fail;
	while (p < end) {
		GPtrArray *row = g_ptr_array_new_with_free_func(g_free);

		lineno++;
		if (!parse_record(&p, end, row, lineno, error)) {
			g_ptr_array_unref(row);
			goto fail;
		}
		if (row->len == 1 && ((char *) row->pdata[0])[0] == '\0' && p >= end) {
			g_ptr_array_unref(row);  /* a blank last line */
			break;
		}
		if (row->len != t->names->len) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "line %u: %u fields, but the header has %u", lineno, row->len,
				    t->names->len);
			g_ptr_array_unref(row);
			goto fail;
		}
		g_ptr_array_add(t->rows, row);
	}
	return g_steal_pointer(&t);
fail:
	g_prefix_error(error, "%s: ", what);
	return NULL;
}

PcsTable *
pcs_table_load(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;

	if (strcmp(path, "-") == 0) {
		GString *s = g_string_new(NULL);
		char buf[65536];
		size_t n;

		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			g_string_append_len(s, buf, n);
		len = s->len;
		text = g_string_free(s, FALSE);
	} else if (!g_file_get_contents(path, &text, &len, error)) {
		return NULL;
	}
	return pcs_table_parse(text, len, path, error);
}

gint
pcs_table_column(const PcsTable *t, const char *name)
{
	for (guint i = 0; i < t->names->len; i++)
		if (strcmp(g_ptr_array_index(t->names, i), name) == 0)
			return (gint) i;
	return -1;
}

const char *
pcs_table_get(const PcsTable *t, guint row, guint col)
{
	GPtrArray *r;

	g_return_val_if_fail (row < t->rows->len, NULL);
	r = g_ptr_array_index(t->rows, row);
	g_return_val_if_fail (col < r->len, NULL);
	return g_ptr_array_index(r, col);
}
