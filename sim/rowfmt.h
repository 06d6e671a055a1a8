/*
 * rowfmt.h - number and CSV helpers shared by the row writers of sweeps, time series and
 * miss-ratio curves (internal to libpcsim). They follow report.c's conventions: a ratio is
 * printed with the fewest significant digits (15 to 17) that read back as the same double,
 * with '.' whatever the locale; CSV fields are quoted as RFC 4180 asks.
 */
#ifndef PCSIM_ROWFMT_H
#define PCSIM_ROWFMT_H

#include <string.h>
#include <glib.h>

/* Appends v, shortest round-trip form. Cannot fail. */
static inline void
pcs_row_append_double(GString *out, double v)
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

/* Appends s as one CSV field, quoted when it holds a comma, a quote or a line end. */
static inline void
pcs_row_append_csv_field(GString *out, const char *s)
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

#endif
