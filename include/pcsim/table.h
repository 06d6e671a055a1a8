/*
 * table.h - a CSV table in memory: the header's column names and rows of text fields.
 *
 * pcsim's machine formats write CSV (RFC 4180 quoting, LF line ends, one header line); this
 * reads them back for `pcsim merge` and `pcsim plot`, which find columns by name, never by
 * position, so columns added later do not break them.
 */
#ifndef PCSIM_TABLE_H
#define PCSIM_TABLE_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	GPtrArray *names;  /* char *: the header */
	GPtrArray *rows;   /* GPtrArray of char *: one per data line, names->len fields each */
} PcsTable;

/*
 * Parses CSV text (a header line, then rows; quoted fields may hold commas, quotes and line
 * ends; a last line without '\n' counts; CR before LF is dropped). Fails with G_FILE_ERROR
 * G_FILE_ERROR_INVAL ("line N: ...") on an unterminated quote, text after a closing quote,
 * an empty input or a row whose field count differs from the header's. what names the input
 * in messages.
 */
PcsTable *pcs_table_parse(const char *text, gsize len, const char *what, GError **error);
/* Reads and parses a file ("-": stdin). Fails as g_file_get_contents() and pcs_table_parse(). */
PcsTable *pcs_table_load(const char *path, GError **error);
void pcs_table_free(PcsTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsTable, pcs_table_free)

/* The index of column `name`, or -1. */
gint pcs_table_column(const PcsTable *t, const char *name);
/* Field (row, col); borrowed. */
const char *pcs_table_get(const PcsTable *t, guint row, guint col);
/* Splits one CSV line (no line end) into fields (appended to out, char *, caller frees).
 * Fails like pcs_table_parse(). */
gboolean pcs_csv_split_line(const char *line, GPtrArray *out, GError **error);

G_END_DECLS

#endif
