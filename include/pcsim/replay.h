/*
 * replay.h - one replay: a cache, the traces fed into it, the warm-up boundary, the phases.
 *
 * pcsim replay, sweeps and fidelity checks all replay the same way, so the rules live here:
 *   - traces are fed one after another into one cache (a warm cache from the previous ones);
 *     stream ids are rebased per trace, since an open file description never outlives its
 *     trace;
 *   - the warm-up (N requests, or a span of trace time on one clock that continues from trace
 *     to trace) is simulated but counted apart: the boundary is checked before each event;
 *   - an optional interval callback sees the cumulative statistics every N requests or every
 *     span of trace time (time series).
 * Feeding events never fails except for a time-based warm-up on events without timestamps.
 */
#ifndef PCSIM_REPLAY_H
#define PCSIM_REPLAY_H

#include <glib.h>
#include <pcsim/cache.h>
#include <pcsim/config.h>
#include <pcsim/device.h>
#include <pcsim/event.h>
#include <pcsim/stats.h>
#include <pcsim/trace.h>

G_BEGIN_DECLS

typedef struct PcsReplay PcsReplay;

/* Called at each interval boundary with the cumulative statistics (gauges filled in). */
typedef void (*PcsIntervalFunc)(const PcsStats *cumulative, gpointer user);
/* Called now and then while a trace is read: fraction of it consumed, requests so far. */
typedef void (*PcsProgressFunc)(double fraction, guint64 requests, gpointer user);
/* Called for each bad record skipped under cfg->skip_bad. */
typedef void (*PcsBadRecordFunc)(const GError *error, gpointer user);

/* Builds the cache from cfg (copied). Fails with PCS_OPTIONS_ERROR_INVALID when the
 * configuration cannot make a cache. */
PcsReplay *pcs_replay_new(const PcsConfig *cfg, GError **error);
/* The same with the device spelt out (NULL: a temporary device); fails also when the
 * device cannot be set up (PCS_DEVICE_ERROR). */
PcsReplay *pcs_replay_new_full(const PcsConfig *cfg, const PcsDeviceSpec *spec,
			       GError **error);
void pcs_replay_free(PcsReplay *rp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsReplay, pcs_replay_free)

/* Time series: fn runs whenever every_requests requests (0: off) or every_ns of trace time
 * (0: off) have passed since the last call, and once more at the end (pcs_replay_finish). */
void pcs_replay_set_interval(PcsReplay *rp, guint64 every_requests, guint64 every_ns,
			     PcsIntervalFunc fn, gpointer user);
void pcs_replay_set_progress(PcsReplay *rp, PcsProgressFunc fn, gpointer user);
void pcs_replay_set_bad_record(PcsReplay *rp, PcsBadRecordFunc fn, gpointer user);

/* Events of one trace: begin, feed (any number of calls, in order), end. Feed fails for a
 * time-based warm-up and an event without a timestamp (PCS_OPTIONS_ERROR_INVALID), for a
 * bad record beyond the --skip-bad budget (PCS_TRACE_ERROR_FORMAT, "record N: ...": a
 * timestamp going back more than --time-tolerance, a write of 0 bytes, an fsync of a file
 * no earlier record used), and for a device error (PCS_DEVICE_ERROR). */
void pcs_replay_begin_trace(PcsReplay *rp);
gboolean pcs_replay_feed(PcsReplay *rp, const PcsIoEvent *evs, gsize n, GError **error);
void pcs_replay_end_trace(PcsReplay *rp);

/*
 * Reads a whole trace through begin/feed/end. The first trace's level resolves --readahead
 * auto (pcs_cache_resolve_readahead(); callers that feed events themselves call it), skipping up to the remaining --skip-bad budget
 * of bad records (counted, reported through the bad-record callback). Fails with the reader's
 * error ("PATH:LINE: ...") when the budget is exhausted, with "PATH: the trace holds no
 * records" when it has none. On failure the replay must not be reported.
 */
gboolean pcs_replay_trace(PcsReplay *rp, PcsTrace *t, GError **error);

/* Ends the replay: fills the warm-up (zeroes if none was asked) and measured phases.
 * *warmup_complete is FALSE when a warm-up was asked and never ended (then everything was
 * warm-up and measured is empty). Cannot fail. */
void pcs_replay_finish(PcsReplay *rp, PcsStats *warmup, PcsStats *measured,
		       gboolean *warmup_complete);

/* A range a file-level trace knows only as a bound (strace's mmap: PCS_EVENT_BOUND) is
 * replayed as touched, every page of it (the upper bound of a fidelity check). */
void pcs_replay_set_touch_bounds(PcsReplay *rp, gboolean touch);
/* The cache (for tests and time series). */
PcsCache *pcs_replay_cache(PcsReplay *rp);

G_END_DECLS

#endif
