/*
 * replay.c - feeding traces into one cache: rebasing, warm-up, intervals, bad records.
 *
 *   pcs_replay_trace(t) ─► begin ─► read a batch of events ─► feed ─► ... ─► end
 *                                    │ bad record: skip_bad budget? count : fail
 *   feed(evs):  warm and no intervals ─► pcs_cache_submit_batch() (prefetching fast path)
 *               otherwise, per event: 1. rebase the stream  2. warm-up boundary?
 *                                     3. interval boundary?  4. submit
 *
 * The warm-up clock: --warmup Ns is measured in trace time from the first timestamp of the
 * first trace; each later trace continues the clock from where the previous one ended (its
 * own first timestamp is its zero). The same clock drives time-based intervals.
 *
 * Invariant: results are those of submitting every event in order with pcs_cache_submit();
 * batching only changes speed (the tests compare both paths).
 */
#include "config.h"

#include <pcsim/replay.h>

#define BATCH 256

struct PcsReplay {
	PcsConfig        cfg;
	PcsCache        *cache;
	PcsDevice       *device;           /* STUB (device branch): until the cache owns it */
	gboolean         warm;             /* the warm-up has ended (or none was asked) */
	PcsStats         warmup;           /* snapshot at the boundary */
	guint64          bad_left;         /* --skip-bad budget */
	/* the current trace */
	guint32          stream_base;
	guint32          max_stream;
	gint64           t_first, t_last;  /* timestamps of the current trace */
	guint64          clock_base;       /* trace time of the previous traces */
	/* intervals */
	guint64          every_requests, every_ns;
	guint64          next_requests, next_ns;
	PcsIntervalFunc  interval_fn;
	gpointer         interval_user;
	PcsProgressFunc  progress_fn;
	gpointer         progress_user;
	PcsBadRecordFunc bad_fn;
	gpointer         bad_user;
	PcsIoEvent       batch[BATCH];
};

PcsReplay *
pcs_replay_new(const PcsConfig *cfg, GError **error)
{
	PcsCache *cache = pcs_cache_new(cfg, error);
	PcsReplay *rp;

	if (!cache)
		return NULL;
	rp = g_new0(PcsReplay, 1);
	rp->cfg = *cfg;
	rp->cache = cache;
	rp->warm = cfg->warmup_requests == 0 && cfg->warmup_ns == 0;
	rp->bad_left = cfg->skip_bad;
	rp->t_first = rp->t_last = PCS_TIME_UNKNOWN;
	return rp;
}

/*
 * STUB (device branch) until the writeback engine lands: opens the device next to the cache
 * so --device options are checked and the backing file exists for the run, but the cache
 * does not call it yet. The cache is to own the device (pcs_cache_new_full).
 */
PcsReplay *
pcs_replay_new_full(const PcsConfig *cfg, const PcsDeviceSpec *spec, GError **error)
{
	PcsReplay *rp = pcs_replay_new(cfg, error);

	if (!rp)
		return NULL;
	rp->device = pcs_device_new(cfg, spec, (guint32) pcs_config_cache_pages(cfg), error);
	if (!rp->device) {
		pcs_replay_free(rp);
		return NULL;
	}
	return rp;
}

void
pcs_replay_free(PcsReplay *rp)
{
	if (!rp)
		return;
	pcs_device_free(rp->device);
	pcs_cache_free(rp->cache);
	g_free(rp);
}

void
pcs_replay_set_interval(PcsReplay *rp, guint64 every_requests, guint64 every_ns,
			PcsIntervalFunc fn, gpointer user)
{
	rp->every_requests = every_requests;
	rp->every_ns = every_ns;
	rp->next_requests = every_requests;
	rp->next_ns = every_ns;
	rp->interval_fn = fn;
	rp->interval_user = user;
}

void
pcs_replay_set_progress(PcsReplay *rp, PcsProgressFunc fn, gpointer user)
{
	rp->progress_fn = fn;
	rp->progress_user = user;
}

void
pcs_replay_set_bad_record(PcsReplay *rp, PcsBadRecordFunc fn, gpointer user)
{
	rp->bad_fn = fn;
	rp->bad_user = user;
}

PcsCache *
pcs_replay_cache(PcsReplay *rp)
{
	return rp->cache;
}

void
pcs_replay_begin_trace(PcsReplay *rp)
{
	rp->t_first = rp->t_last = PCS_TIME_UNKNOWN;
	rp->max_stream = rp->stream_base;
}

void
pcs_replay_end_trace(PcsReplay *rp)
{
	rp->stream_base = rp->max_stream + 1;
	if (rp->t_first != PCS_TIME_UNKNOWN)
		rp->clock_base += (guint64) (rp->t_last - rp->t_first);
}

static void
interval_emit(PcsReplay *rp)
{
	PcsStats s;

	pcs_cache_stats(rp->cache, &s);
	rp->interval_fn(&s, rp->interval_user);
}

/* One event, with every boundary checked (the slow path). */
static gboolean
feed_one(PcsReplay *rp, PcsIoEvent *ev, GError **error)
{
	guint64 clock = 0;
	gboolean timed = ev->t_ns != PCS_TIME_UNKNOWN;

	if (timed) {
		if (rp->t_first == PCS_TIME_UNKNOWN)
			rp->t_first = ev->t_ns;
		rp->t_last = ev->t_ns;
		clock = rp->clock_base + (guint64) (ev->t_ns - rp->t_first);
	}
	/* 2. warm-up boundary, before the event */
	if (!rp->warm) {
		if (rp->cfg.warmup_ns) {
			if (!timed) {
				g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
					    "--warmup %" G_GUINT64_FORMAT "ns needs timestamps, but a "
					    "record has none (use --warmup N for a number of requests)",
					    rp->cfg.warmup_ns);
				return FALSE;
			}
			if (clock >= rp->cfg.warmup_ns)
				rp->warm = TRUE;
		} else if (pcs_cache_nr_requests(rp->cache) >= rp->cfg.warmup_requests) {
			rp->warm = TRUE;
		}
		if (rp->warm)
			pcs_cache_stats(rp->cache, &rp->warmup);
	}
	/* 3. interval boundaries, before the event */
	if (rp->interval_fn) {
		if (rp->every_requests && pcs_cache_nr_requests(rp->cache) >= rp->next_requests) {
			interval_emit(rp);
			rp->next_requests += rp->every_requests;
		}
		if (rp->every_ns && timed) {
			while (clock >= rp->next_ns) {
				interval_emit(rp);
				rp->next_ns += rp->every_ns;
			}
		}
	}
	/* 4. */
	pcs_cache_submit(rp->cache, ev);
	return TRUE;
}

/* The fast path's bookkeeping of the trace clock: first and last timestamps of a batch. */
static void
note_times(PcsReplay *rp, const PcsIoEvent *evs, gsize m)
{
	for (gsize j = 0; rp->t_first == PCS_TIME_UNKNOWN && j < m; j++)
		rp->t_first = evs[j].t_ns;
	for (gsize j = m; j-- > 0;) {
		if (evs[j].t_ns != PCS_TIME_UNKNOWN) {
			rp->t_last = evs[j].t_ns;
			break;
		}
	}
}

gboolean
pcs_replay_feed(PcsReplay *rp, const PcsIoEvent *evs, gsize n, GError **error)
{
	gsize i = 0;

	while (i < n) {
		gsize m = MIN(n - i, BATCH);

		/* 1. rebase streams (into our own buffer: the caller's events are const) */
		for (gsize j = 0; j < m; j++) {
			rp->batch[j] = evs[i + j];
			rp->batch[j].stream += rp->stream_base;
			rp->max_stream = MAX(rp->max_stream, rp->batch[j].stream);
		}
		if (rp->warm && !rp->interval_fn) {
			pcs_cache_submit_batch(rp->cache, rp->batch, m);
			note_times(rp, rp->batch, m);
		} else {
			for (gsize j = 0; j < m; j++)
				if (!feed_one(rp, &rp->batch[j], error))
					return FALSE;
		}
		i += m;
	}
	return TRUE;
}

gboolean
pcs_replay_trace(PcsReplay *rp, PcsTrace *t, GError **error)
{
	GError *local = NULL;
	PcsIoEvent buf[BATCH];
	guint64 nr_events = 0, nr_bad = 0;
	gsize n = 0;

	/* --readahead auto: decided by the first trace's level. */
	pcs_cache_resolve_readahead(rp->cache, (pcs_trace_ops(t)->caps & PCS_TRACE_CAP_FILES) != 0);
	pcs_replay_begin_trace(rp);
	for (;;) {
		PcsTraceStatus st = pcs_trace_next(t, &buf[n], &local);

		if (st == PCS_TRACE_OK) {
			nr_events++;
			if (++n < BATCH)
				continue;
			if (!pcs_replay_feed(rp, buf, n, error))
				goto fail_feed;
			n = 0;
			if (rp->progress_fn && (nr_events & 0xffff) < BATCH)
				rp->progress_fn(pcs_trace_progress(t), pcs_cache_nr_requests(rp->cache),
						rp->progress_user);
			continue;
		}
		if (st == PCS_TRACE_EOF)
			break;
		/* A bad record: the events before it go first, so counts stay in order. */
		nr_bad++;
		if (!pcs_replay_feed(rp, buf, n, error)) {
			g_clear_error(&local);
			goto fail_feed;
		}
		n = 0;
		if (rp->bad_left == 0) {
			if (rp->cfg.skip_bad) {
				g_set_error(error, local->domain, local->code, "%s (more than "
					    "--skip-bad %" G_GUINT64_FORMAT " bad records)",
					    local->message, rp->cfg.skip_bad);
				g_error_free(local);
			} else {
				g_propagate_error(error, local);
			}
			return FALSE;
		}
		rp->bad_left--;
		pcs_cache_note_bad_record(rp->cache);
		if (rp->bad_fn)
			rp->bad_fn(local, rp->bad_user);
		g_clear_error(&local);
	}
	if (!pcs_replay_feed(rp, buf, n, error))
		goto fail_feed;
	pcs_replay_end_trace(rp);
	if (nr_events == 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "%s: the trace holds no records%s", pcs_trace_path(t),
			    nr_bad ? " that could be read" : "");
		return FALSE;
	}
	return TRUE;

fail_feed:
	g_prefix_error(error, "%s: ", pcs_trace_path(t));
	return FALSE;
}

void
pcs_replay_finish(PcsReplay *rp, PcsStats *warmup, PcsStats *measured,
		  gboolean *warmup_complete)
{
	PcsStats final, zero;
	gboolean asked = rp->cfg.warmup_requests != 0 || rp->cfg.warmup_ns != 0;

	/* A request-count warm-up that ends exactly with the last record is complete. */
	if (!rp->warm && !rp->cfg.warmup_ns &&
	    pcs_cache_nr_requests(rp->cache) >= rp->cfg.warmup_requests) {
		rp->warm = TRUE;
		pcs_cache_stats(rp->cache, &rp->warmup);
	}
	*warmup_complete = rp->warm;
	pcs_cache_stats(rp->cache, &final);
	if (rp->interval_fn)
		rp->interval_fn(&final, rp->interval_user);
	pcs_stats_init(&zero);
	if (!asked) {
		*warmup = zero;
		*measured = final;
		return;
	}
	if (!rp->warm)
		rp->warmup = final;  /* everything was warm-up */
	pcs_stats_diff(&rp->warmup, &zero, warmup);
	pcs_stats_diff(&final, &rp->warmup, measured);
}
