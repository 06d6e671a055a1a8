/*
 * timeline.c - one row per interval of a replay, what cachestat shows and more.
 *
 * The replay calls pcs_timeline_add() with cumulative statistics at each interval boundary
 * (before the event that crosses it) and once at the end. A row is
 *
 *   ┌ interval ┬ t_ns ┬ interval_requests ┬ interval_accesses ┬ interval_<ratio>... ┬ <field>... ┐
 *     1, 2, ..   elapsed  this interval only (difference of        cumulative, every field
 *                trace    two snapshots, pcs_stats_diff)            of pcs_stat_fields()
 *
 * Invariant: the sum of interval_requests over the rows is the last row's requests. The
 * columns are generated from the statistics table, so later counters appear in the time
 * series without changes here; JSON Lines rows are flat objects with the same names as the
 * CSV columns. Numbers follow report.c: raw counts, ratios in 0..1 printed exactly, unknown
 * times null (JSON) or empty (CSV).
 *
 * Entry points: pcs_timeline_new/_free, pcs_timeline_add (a PcsIntervalFunc),
 * pcs_timeline_note_end, pcs_timeline_text, pcs_interval_parse, pcs_timeline_format_*.
 */
#include "config.h"

#include <string.h>

#include <pcsim/config.h>
#include <pcsim/timeline.h>
#include "rowfmt.h"

struct PcsTimeline {
	PcsTimelineFormat format;
	guint64           every_requests, every_ns;
	guint64           nr_rows;
	gboolean          final;
	PcsStats          prev;
	GString          *text;
};

PcsTimeline *
pcs_timeline_new(PcsTimelineFormat format, guint64 every_requests, guint64 every_ns)
{
	PcsTimeline *tl = g_new0(PcsTimeline, 1);

	tl->format = format;
	tl->every_requests = every_requests;
	tl->every_ns = every_ns;
	pcs_stats_init(&tl->prev);
	tl->text = g_string_new(NULL);
	return tl;
}

void
pcs_timeline_free(PcsTimeline *tl)
{
	if (!tl)
		return;
	g_string_free(tl->text, TRUE);
	g_free(tl);
}

const GString *
pcs_timeline_text(const PcsTimeline *tl)
{
	return tl->text;
}

guint64
pcs_timeline_nr_rows(const PcsTimeline *tl)
{
	return tl->nr_rows;
}

void
pcs_timeline_note_end(PcsTimeline *tl)
{
	tl->final = TRUE;
}

/* Column names in row order; the values are appended by append_row() in the same order. */
static void
append_header(GString *out)
{
	g_string_append(out, "interval,t_ns,interval_requests,interval_accesses");
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++)
		if (f->kind == PCS_STAT_RATIO)
			g_string_append_printf(out, ",interval_%s", f->name);
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++)
		g_string_append_printf(out, ",%s", f->name);
	g_string_append_c(out, '\n');
}

static void
append_value(GString *out, const PcsStats *s, const PcsStatField *f, gboolean json)
{
	gint64 t;

	switch (f->kind) {
	case PCS_STAT_COUNTER:
	case PCS_STAT_GAUGE:
		g_string_append_printf(out, "%" G_GUINT64_FORMAT, pcs_stat_u64(s, f));
		break;
	case PCS_STAT_RATIO:
	case PCS_STAT_MEAN:
		pcs_row_append_double(out, pcs_stat_ratio(s, f));
		break;
	case PCS_STAT_TIME:
		t = pcs_stat_time(s, f);
		if (t == PCS_TIME_UNKNOWN)
			g_string_append(out, json ? "null" : "");
		else
			g_string_append_printf(out, "%" G_GINT64_FORMAT, t);
		break;
	}
}

void
pcs_timeline_add(const PcsStats *cum, gpointer user)
{
	PcsTimeline *tl = user;
	gboolean json = tl->format == PCS_TIMELINE_JSONL;
	GString *out = tl->text;
	PcsStats delta;
	gint64 t = PCS_TIME_UNKNOWN;
	const char *sep = json ? ",\"" : ",";
	const char *eq = json ? "\":" : "";

	/* 1. the row's time */
	tl->nr_rows++;
	if (tl->every_ns && !tl->final)
		t = (gint64) (tl->nr_rows * tl->every_ns);
	else if (cum->first_t_ns != PCS_TIME_UNKNOWN)
		t = cum->last_t_ns - cum->first_t_ns;
	/* 2. the interval alone */
	pcs_stats_diff(cum, &tl->prev, &delta);
	if (!json && tl->nr_rows == 1)
		append_header(out);
	/* 3. the row: in CSV the names are the header's, in JSON each value's key */
	if (json)
		g_string_append_printf(out, "{\"interval\":%" G_GUINT64_FORMAT ",\"t_ns\":",
				       tl->nr_rows);
	else
		g_string_append_printf(out, "%" G_GUINT64_FORMAT ",", tl->nr_rows);
	if (t == PCS_TIME_UNKNOWN)
		g_string_append(out, json ? "null" : "");
	else
		g_string_append_printf(out, "%" G_GINT64_FORMAT, t);
	g_string_append_printf(out, "%s%s%s%" G_GUINT64_FORMAT, sep, json ? "interval_requests" : "",
			       eq, delta.requests);
	g_string_append_printf(out, "%s%s%s%" G_GUINT64_FORMAT, sep, json ? "interval_accesses" : "",
			       eq, delta.accesses);
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++) {
		if (f->kind != PCS_STAT_RATIO)
			continue;
		g_string_append(out, sep);
		if (json)
			g_string_append_printf(out, "interval_%s%s", f->name, eq);
		append_value(out, &delta, f, json);
	}
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++) {
		g_string_append(out, sep);
		if (json)
			g_string_append_printf(out, "%s%s", f->name, eq);
		append_value(out, cum, f, json);
	}
	g_string_append(out, json ? "}\n" : "\n");
	tl->prev = *cum;
}

gboolean
pcs_timeline_format_parse(const char *text, PcsTimelineFormat *format, GError **error)
{
	if (g_ascii_strcasecmp(text, "jsonl") == 0 || g_ascii_strcasecmp(text, "json") == 0) {
		*format = PCS_TIMELINE_JSONL;
		return TRUE;
	}
	if (g_ascii_strcasecmp(text, "csv") == 0) {
		*format = PCS_TIMELINE_CSV;
		return TRUE;
	}
	g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		    "expected jsonl or csv, got '%s'", text);
	return FALSE;
}

PcsTimelineFormat
pcs_timeline_format_for_path(const char *path)
{
	gsize n = strlen(path);

	if (n >= 4 && g_ascii_strcasecmp(path + n - 4, ".csv") == 0)
		return PCS_TIMELINE_CSV;
	return PCS_TIMELINE_JSONL;
}

gboolean
pcs_interval_parse(const char *text, guint64 *every_requests, guint64 *every_ns,
		   GError **error)
{
	static const char *const suffixes[] = { "requests", "reqs", "req" };
	g_autoptr(GError) local = NULL;
	gsize n = strlen(text);
	guint64 v;

	for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++) {
		gsize m = strlen(suffixes[i]);

		if (n > m && strcmp(text + n - m, suffixes[i]) == 0) {
			g_autofree char *num = g_strndup(text, n - m);

			if (!pcs_parse_count(num, &v, &local) || v == 0)
				goto bad;
			*every_requests = v;
			*every_ns = 0;
			return TRUE;
		}
	}
	/* A bare number would be nanoseconds to pcs_parse_duration(): ask for a unit. */
	if (n == 0 || g_ascii_isdigit(text[n - 1]) || !pcs_parse_duration(text, &v, &local) ||
	    v == 0)
		goto bad;
	*every_requests = 0;
	*every_ns = v;
	return TRUE;
bad:
	g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		    "--interval: expected a trace time (1s, 500ms) or a number of requests "
		    "(100000req), above zero, got '%s'", text);
	return FALSE;
}
