/*
 * units.h - exact formatting of sizes and durations, and the error of a value that does not
 * parse (internal; units.c). The parsers are public, in include/pcsim/config.h.
 */
#ifndef PCSIM_UNITS_H
#define PCSIM_UNITS_H

#include <glib.h>

/* Sizes the way they re-parse exactly: "1.5G", "256M", "1048580K", "131073B". Caller frees. */
char *pcs_format_size_exact(guint64 bytes);
/* A duration in the largest unit that divides it: "5s", "90s", "500ms", "0". Caller frees. */
char *pcs_format_duration(guint64 ns);
/* Sets PCS_OPTIONS_ERROR_INVALID, "expected WHAT, got 'TEXT'", and returns FALSE. */
gboolean pcs_units_invalid(GError **error, const char *what, const char *text);

#endif
