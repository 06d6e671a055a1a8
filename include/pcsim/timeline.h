/*
 * timeline.h - time series of a replay: one row per interval, JSON Lines or CSV.
 *
 * A PcsTimeline is the interval callback of a PcsReplay (pcs_replay_set_interval): each
 * call brings the cumulative statistics, and the timeline writes one row:
 *
 *   interval, t_ns, interval_requests, interval_accesses, interval_<ratio>... (for every
 *   ratio field: the interval's own hit ratio, read and write hit ratios, ...), then every
 *   field of the statistics table, cumulative (pcs_stat_fields()).
 *
 * So a counter or gauge added to the table later (dirty pages, readahead used and wasted,
 * device I/Os) appears in every time series without touching this module. t_ns is trace
 * time elapsed since the first timestamp: the interval's boundary for time intervals, the
 * last timestamp seen for request intervals and the final row (empty/null when the trace
 * has no timestamps). Rows are cumulative over the whole run, warm-up included.
 */
#ifndef PCSIM_TIMELINE_H
#define PCSIM_TIMELINE_H

#include <glib.h>
#include <pcsim/stats.h>

G_BEGIN_DECLS

typedef enum {
	PCS_TIMELINE_JSONL,
	PCS_TIMELINE_CSV,
} PcsTimelineFormat;

typedef struct PcsTimeline PcsTimeline;

/* A timeline for intervals of every_requests requests or every_ns of trace time (one of
 * them non-zero). Cannot fail. */
PcsTimeline *pcs_timeline_new(PcsTimelineFormat format, guint64 every_requests,
			      guint64 every_ns);
void pcs_timeline_free(PcsTimeline *tl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsTimeline, pcs_timeline_free)

/* Adds a row from cumulative statistics. Its signature is PcsIntervalFunc (user = tl). */
void pcs_timeline_add(const PcsStats *cumulative, gpointer tl);
/* The next row is the last one (the call pcs_replay_finish makes): its time is the last
 * timestamp seen, not an interval boundary. */
void pcs_timeline_note_end(PcsTimeline *tl);
/* The rows so far (CSV: with the header line). Borrowed. */
const GString *pcs_timeline_text(const PcsTimeline *tl);
guint64 pcs_timeline_nr_rows(const PcsTimeline *tl);

/* "jsonl" (or "json") or "csv". Fails with PCS_OPTIONS_ERROR_INVALID. */
gboolean pcs_timeline_format_parse(const char *text, PcsTimelineFormat *format, GError **error);
/* CSV for a path ending in ".csv" (any case), JSON Lines otherwise. */
PcsTimelineFormat pcs_timeline_format_for_path(const char *path);
/* "1s", "500ms" (trace time) or "100000req" (requests). Exactly one output is set non-zero,
 * the other zero. Fails with PCS_OPTIONS_ERROR_INVALID on a zero, a bare number or garbage. */
gboolean pcs_interval_parse(const char *text, guint64 *every_requests, guint64 *every_ns,
			    GError **error);

G_END_DECLS

#endif
