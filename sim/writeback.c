/*
 * writeback.c - dirty pages, the flusher, writer throttling, sync, direct I/O, and the clock
 * (linux-model.md 1d and 1e). The other half of the cache core: cache.c decides what is
 * cached; this file decides when dirty data goes to the device, and keeps time.
 *
 *   buffered write ─► dirty folio (bitmap per file, file on the dirty list, oldest first)
 *        │                 ▲ redirty                     │
 *        ▼                 │                             ▼
 *   balance: dirty > bg_thresh ──► background writeback  │ flusher tick every
 *            dirty+wb > freerun ──► pause (throttle)      │ dirty_writeback: files dirty
 *                                                        │ longer than dirty_expire
 *   fsync / sync / sync-range / direct I/O ──► writeback of the file or range (+ wait)
 *   reclaim: a batch all dirty ──► flusher woken: everything dirty is written
 *
 *   writeback of a file (writeback_sb_inodes -> do_writepages): its dirty pages in index
 *   order from writeback_index (range_cyclic), a slice of wb_slice pages per turn (all of
 *   them for sync), contiguous pages merged into device writes of at most max_io; pages go
 *   from DIRTY to WRITEBACK, and back to clean when the device is done with them
 *   (folio_end_writeback), which rotates folios reclaim had tagged to the inactive tail.
 *
 * Model rules (the kernel functions they follow):
 *   - Dirtying (folio_mark_dirty, __mark_inode_dirty): a folio is dirtied as a whole; the
 *     file's dirtied_when is stamped only when it goes from clean to dirty, and a file stays
 *     on the dirty list, at its place, until it is clean again.
 *   - Periodic (wb_check_old_data_flush): the flusher runs dirty_writeback after it was
 *     first needed and again every dirty_writeback while anything is dirty; each run writes
 *     the files whose dirtied_when <= now - dirty_expire, oldest first, one slice per file
 *     per turn, turns repeated until they are clean (b_more_io).
 *   - Background (wb_check_background_flush, wb_over_bg_thresh): whenever the dirty pages
 *     exceed bg_thresh, files are written oldest first, a slice per turn, until they do not.
 *   - Thresholds (domain_dirty_limits): of the cache's pages (all page cache is dirtyable in
 *     pcsim); *_bytes win over the ratios; bg_thresh >= thresh becomes thresh / 2.
 *   - Throttling (balance_dirty_pages): after a write request, when dirty + writeback pages
 *     exceed the free-run ceiling (thresh + bg_thresh) / 2, the writer pauses
 *     pages_dirtied / (write_bw * pos_ratio), with pos_ratio = 1 + ((setpoint - dirty) /
 *     ((thresh - freerun) / 2))^3 clamped to [0, 2] (1 at the setpoint halfway to the limit)
 *     and the pause clamped to 200 ms (MAX_PAUSE), 200 ms at or over the limit.
 *   - Reclaim: lists tag dirty or writeback folios and keep them (lists.h); when a whole
 *     batch's worth of them was met, the flusher is woken to write everything dirty
 *     (wakeup_flusher_threads, WB_REASON_VMSCAN); when nothing at all could be taken the
 *     allocation waits for writeback to end (reclaim_throttle).
 *   - fsync/fdatasync: all dirty pages of the file (or range) written and waited for (file_
 *     write_and_wait_range); sync: everything; sync-range: written, not waited for.
 *   - Direct I/O (kiocb_write_and_wait, kiocb_invalidate_pages): writeback and wait on the
 *     range first; a direct write then invalidates the cached pages of the range; the data
 *     moves between the device and the user buffer.
 *
 * The clock: with --timing trace the trace's timestamps are the time; with --timing model
 * each request advances it by hit_cost per page plus the time it waited for the device.
 * The device is one FIFO queue: an I/O starts when the device is free (dev_free_at) and
 * takes the model's service time. Writeback completes in the background as the clock
 * passes its end; waiting (fsync, sync reads, reclaim stalls) is counted in app_io_ns.
 *
 * Simplified: one bdi, one flusher, no per-wb dirty shares, no dirty_exceeded ratelimit
 * (the check runs after every write request), no metadata or journal I/O, and a background
 * run is carried out at once rather than by a thread that runs concurrently.
 */
#include "config.h"

#include <math.h>
#include "cache-internal.h"

#define MAX_PAUSE_NS G_GINT64_CONSTANT(200000000)
#define NOT_ARMED    G_MAXINT64

typedef enum {
	WB_PERIODIC,
	WB_BACKGROUND,
	WB_RECLAIM,
	WB_SYNC,
	WB_DIRECT,
} WbCause;

static void
count_cause(PcsCache *c, WbCause cause, guint64 pages)
{
	switch (cause) {
	case WB_PERIODIC:
		c->stats.wb_periodic_pages += pages;
		break;
	case WB_BACKGROUND:
		c->stats.wb_background_pages += pages;
		break;
	case WB_RECLAIM:
		c->stats.wb_reclaim_pages += pages;
		break;
	case WB_SYNC:
		c->stats.wb_sync_pages += pages;
		break;
	case WB_DIRECT:
		c->stats.wb_direct_pages += pages;
		break;
	}
}

void
pcs_wb_init(PcsCache *c)
{
	const PcsConfig *cfg = &c->cfg;
	guint64 pages = c->nr_pages;

	c->thresh = cfg->dirty_bytes ? MAX(cfg->dirty_bytes >> PCS_PAGE_SHIFT, 2) :
		    pages * cfg->dirty_ratio / 100;
	c->bg_thresh = cfg->dirty_background_bytes ? cfg->dirty_background_bytes >> PCS_PAGE_SHIFT :
		       pages * cfg->dirty_background_ratio / 100;
	if (c->bg_thresh >= c->thresh)
		c->bg_thresh = c->thresh / 2;
	c->wb_slice = MAX(cfg->wb_slice_bytes >> PCS_PAGE_SHIFT, 1);
	c->max_io_pages = (guint32) MAX(cfg->max_io_bytes >> PCS_PAGE_SHIFT, 1);
	/* A read run is what the kernel queues as one request: a whole readahead window (the
	 * device splits it at max_io), up to io_pages or twice ra_pages (FADV_SEQUENTIAL). */
	c->run_cap = (guint32) MAX(MAX(c->max_io_pages, c->ra.io_pages), 2 * c->ra.ra_pages) +
		     (1u << PCS_MAX_FOLIO_ORDER);
	c->run_slots = g_new(guint32, c->run_cap);
	c->wb_slots = g_new(guint32, c->max_io_pages + (1u << PCS_MAX_FOLIO_ORDER));
	c->dirty_head = c->dirty_tail = PCS_NO_FILE;
	c->next_tick = NOT_ARMED;
	c->timing = cfg->timing;
	c->inflight_cap = 64;
	c->inflight = g_new(PcsWbIo, c->inflight_cap);
}

void
pcs_wb_clear(PcsCache *c)
{
	for (guint32 i = 0; i < c->nr_files; i++)
		pcs_dirty_clear(&c->files[i].dirty);
	g_free(c->run_slots);
	g_free(c->wb_slots);
	g_free(c->inflight);
}

/* ---- the device queue --------------------------------------------------------------- */

/* An I/O of svc ns issued now: when it is done. */
static gint64
dev_queue(PcsCache *c, guint64 svc)
{
	gint64 start = MAX(c->now_ns, c->dev_free_at);

	c->dev_free_at = start + (gint64) svc;  /* the device counts dev_busy_ns */
	return c->dev_free_at;
}

/* The application waits for I/O done at `done`. */
static inline void
wait_for(PcsCache *c, gint64 done)
{
	c->wait_until = MAX(c->wait_until, done);
}

void
pcs_wb_read_flush(PcsCache *c)
{
	PcsReadRun *r = &c->run;
	gint64 done;

	if (r->nr == 0)
		return;
	done = dev_queue(c, pcs_device_read(c->dev, r->file, r->first, r->nr, c->run_slots));
	c->page_ins += r->nr;
	c->stats.dev_read_queued++;
	if (r->sync)
		wait_for(c, done);
	r->nr = 0;
}

/* ---- the dirty-file list ------------------------------------------------------------ */

static void
dirty_list_add(PcsCache *c, guint32 id)
{
	PcsFileState *f = &c->files[id];

	f->on_dirty_list = TRUE;
	f->dirtied_when = c->now_ns;
	f->wb_next = PCS_NO_FILE;
	f->wb_prev = c->dirty_tail;
	if (c->dirty_tail != PCS_NO_FILE)
		c->files[c->dirty_tail].wb_next = id;
	else
		c->dirty_head = id;
	c->dirty_tail = id;
	/* wb_wakeup_delayed(): the flusher wakes dirty_writeback from now. */
	if (c->next_tick == NOT_ARMED && c->cfg.dirty_writeback_ns)
		c->next_tick = c->now_ns + (gint64) c->cfg.dirty_writeback_ns;
}

static void
dirty_list_del(PcsCache *c, guint32 id)
{
	PcsFileState *f = &c->files[id];

	if (f->wb_prev != PCS_NO_FILE)
		c->files[f->wb_prev].wb_next = f->wb_next;
	else
		c->dirty_head = f->wb_next;
	if (f->wb_next != PCS_NO_FILE)
		c->files[f->wb_next].wb_prev = f->wb_prev;
	else
		c->dirty_tail = f->wb_prev;
	f->on_dirty_list = FALSE;
}

/* ---- dirtying ----------------------------------------------------------------------- */

void
pcs_wb_dirty_folio(PcsCache *c, guint32 h)
{
	PcsPage *hp = &c->pages[h];
	guint32 nr = pcs_folio_pages(hp), file = hp->key.file;
	guint64 index = hp->key.index;
	PcsFileState *f = pcs_cache_file(c, file);

	for (guint32 j = 0; j < nr; j++) {
		guint32 t = j == 0 ? h : pcs_cache_lookup(c, file, index + j);

		pcs_device_dirty(c->dev, t, file, index + j);
		if (c->pages[t].flags & PCS_PG_DIRTY)
			continue;
		c->pages[t].flags |= PCS_PG_DIRTY;
		pcs_dirty_set(&f->dirty, index + j);
		c->nr_dirty++;
		c->stats.dirtied_pages++;
	}
	c->stats.dirty_max_pages = MAX(c->stats.dirty_max_pages, c->nr_dirty);
	if (!f->on_dirty_list)
		dirty_list_add(c, file);
}

void
pcs_wb_discard_folio(PcsCache *c, guint32 h)
{
	PcsPage *hp = &c->pages[h];
	guint32 nr = pcs_folio_pages(hp), file = hp->key.file;
	PcsFileState *f = pcs_cache_file(c, file);

	g_assert(!(hp->flags & PCS_PG_WRITEBACK));
	for (guint32 j = 0; j < nr; j++) {
		guint32 t = j == 0 ? h : pcs_cache_lookup(c, file, hp->key.index + j);

		if (!(c->pages[t].flags & PCS_PG_DIRTY))
			continue;
		c->pages[t].flags &= ~PCS_PG_DIRTY;
		pcs_dirty_unset(&f->dirty, hp->key.index + j);
		pcs_device_discard(c->dev, file, hp->key.index + j, 1);
		c->nr_dirty--;
	}
	if (f->on_dirty_list && f->dirty.nr == 0)
		dirty_list_del(c, file);
}

/* ---- writing back ------------------------------------------------------------------- */

static void
inflight_push(PcsCache *c, guint32 file, guint64 first, guint32 nr, gint64 done)
{
	if (c->inflight_nr == c->inflight_cap) {
		guint32 cap = c->inflight_cap * 2;
		PcsWbIo *ring = g_new(PcsWbIo, cap);

		for (guint32 i = 0; i < c->inflight_nr; i++)
			ring[i] = c->inflight[(c->inflight_head + i) % c->inflight_cap];
		g_free(c->inflight);
		c->inflight = ring;
		c->inflight_cap = cap;
		c->inflight_head = 0;
	}
	c->inflight[(c->inflight_head + c->inflight_nr++) % c->inflight_cap] =
		(PcsWbIo) { first, done, file, nr };
}

/* folio_end_writeback() for the oldest write in flight. */
static void
inflight_complete_one(PcsCache *c)
{
	PcsWbIo io = c->inflight[c->inflight_head];

	c->inflight_head = (c->inflight_head + 1) % c->inflight_cap;
	c->inflight_nr--;
	/* A write holds whole folios: every page first, then each folio's PG_reclaim. */
	for (guint32 j = 0; j < io.nr; j++) {
		guint32 s = pcs_cache_lookup(c, io.file, io.first + j);

		g_assert(s != PCS_NIL && (c->pages[s].flags & PCS_PG_WRITEBACK));
		c->pages[s].flags &= ~PCS_PG_WRITEBACK;
		c->wb_slots[j] = s;
	}
	c->nr_writeback -= io.nr;
	for (guint32 j = 0; j < io.nr; j++) {
		PcsPage *hp = &c->pages[c->wb_slots[j]];

		if ((hp->flags & PCS_PG_TAIL) || !(hp->flags & PCS_PG_RECLAIM))
			continue;
		hp->flags &= ~PCS_PG_RECLAIM;
		if (!(hp->flags & PCS_PG_DIRTY)) {
			c->lops->rotate(c->lists, c->wb_slots[j]);
			c->stats.reclaim_rotated += pcs_folio_pages(hp);
		}
	}
}

/* Completes the writes done by time t. */
static void
inflight_complete(PcsCache *c, gint64 t)
{
	while (c->inflight_nr && c->inflight[c->inflight_head].done_ns <= t)
		inflight_complete_one(c);
}

void
pcs_wb_wait_all(PcsCache *c)
{
	if (c->inflight_nr == 0)
		return;
	wait_for(c, c->inflight[(c->inflight_head + c->inflight_nr - 1) % c->inflight_cap].done_ns);
	while (c->inflight_nr)
		inflight_complete_one(c);
}

/* Waits for the writes of file in flight (every older write completes with them: the
 * device is one queue). */
static void
wait_file(PcsCache *c, guint32 file)
{
	gint64 last = G_MININT64;

	for (guint32 i = 0; i < c->inflight_nr; i++) {
		const PcsWbIo *io = &c->inflight[(c->inflight_head + i) % c->inflight_cap];

		if (io->file == file)
			last = io->done_ns;
	}
	if (last == G_MININT64)
		return;
	wait_for(c, last);
	inflight_complete(c, last);
}

/* One device write of the run [first, first + nr) of file, whose slots are in wb_slots. */
static void
write_run(PcsCache *c, guint32 file, guint64 first, guint32 nr, WbCause cause)
{
	PcsFileState *f = &c->files[file];
	gint64 done;

	for (guint32 j = 0; j < nr; j++) {
		PcsPage *p = &c->pages[c->wb_slots[j]];

		p->flags = (p->flags & ~PCS_PG_DIRTY) | PCS_PG_WRITEBACK;
		pcs_dirty_unset(&f->dirty, first + j);
	}
	c->nr_dirty -= nr;
	c->nr_writeback += nr;
	done = dev_queue(c, pcs_device_write(c->dev, file, first, nr, c->wb_slots));
	inflight_push(c, file, first, nr, done);
	c->stats.wb_ios++;
	c->stats.wb_ios_hist[pcs_io_hist_bucket((guint64) nr << PCS_PAGE_SHIFT)]++;
	count_cause(c, cause, nr);
}

/*
 * Writes up to max_pages dirty pages of file in [lo, hi), in index order from
 * writeback_index when cyclic (then from lo up to where it started), else from lo. Pages
 * already under writeback are skipped (WB_SYNC_NONE; sync callers wait for them first).
 * A folio is written whole: runs start at a folio's head and end at a folio boundary, at
 * the first once max_io pages (or max_pages) are reached. Returns the pages written; a
 * file left clean leaves the dirty list.
 */
static guint64
write_file(PcsCache *c, guint32 file, guint64 max_pages, guint64 lo, guint64 hi,
	   gboolean cyclic, WbCause cause)
{
	PcsFileState *f = &c->files[file];
	guint64 start = cyclic ? CLAMP(f->writeback_index, lo, hi) : lo;
	guint64 p = start, end = hi, written = 0;
	gboolean second = !cyclic || start == lo;
	gint64 age = c->now_ns - f->dirtied_when;

	while (written < max_pages && f->dirty.nr) {
		guint64 q = pcs_dirty_next(&f->dirty, p);
		guint32 n = 0, s;

		if (q == PCS_DIRTY_NONE || q >= end) {
			if (second)
				break;
			second = TRUE;  /* range_cyclic: wrap to the start once */
			p = lo;
			end = start;
			continue;
		}
		s = pcs_cache_lookup(c, file, q);
		g_assert(s != PCS_NIL);
		q = c->pages[pcs_cache_folio_head(c, s)].key.index;
		/* A run: contiguous dirty folios not under writeback. */
		while (pcs_dirty_test(&f->dirty, q + n)) {
			guint32 t = pcs_cache_lookup(c, file, q + n);
			gboolean head = !(c->pages[t].flags & PCS_PG_TAIL);

			if (head && (q + n >= hi || n >= c->max_io_pages ||
				     written + n >= max_pages || (c->pages[t].flags & PCS_PG_WRITEBACK)))
				break;
			c->wb_slots[n++] = t;
		}
		if (n == 0) {  /* under writeback: skipped, the whole folio */
			p = q + pcs_folio_pages(&c->pages[pcs_cache_lookup(c, file, q)]);
			continue;
		}
		write_run(c, file, q, n, cause);
		written += n;
		p = q + n;
	}
	if (written) {
		c->stats.dirty_max_age_ns = MAX(c->stats.dirty_max_age_ns, (guint64) MAX(age, 0));
		if (cyclic)
			f->writeback_index = p;
	}
	if (f->on_dirty_list && f->dirty.nr == 0)
		dirty_list_del(c, file);
	return written;
}

/* One turn over the dirty files (oldest first) whose dirtied_when <= before: a slice each.
 * Stops early when stop_bg and the dirty pages are back under bg_thresh. */
static guint64
writeback_turn(PcsCache *c, gint64 before, guint64 slice, WbCause cause, gboolean stop_bg)
{
	guint64 written = 0;
	guint32 id = c->dirty_head;

	while (id != PCS_NO_FILE && c->files[id].dirtied_when <= before) {
		guint32 next = c->files[id].wb_next;

		written += write_file(c, id, slice, 0, G_MAXUINT64, TRUE, cause);
		if (stop_bg && c->nr_dirty <= c->bg_thresh)
			break;
		id = next;
	}
	return written;
}

/* wb_check_old_data_flush() at time t. */
static void
periodic_flush(PcsCache *c, gint64 t)
{
	gint64 before = t - (gint64) c->cfg.dirty_expire_ns;

	while (c->dirty_head != PCS_NO_FILE && c->files[c->dirty_head].dirtied_when <= before)
		if (writeback_turn(c, before, c->wb_slice, WB_PERIODIC, FALSE) == 0)
			break;
}

/* wb_check_background_flush(). */
static void
background_flush(PcsCache *c)
{
	while (c->nr_dirty > c->bg_thresh)
		if (writeback_turn(c, G_MAXINT64, c->wb_slice, WB_BACKGROUND, TRUE) == 0)
			break;
}

/* advance() when a flusher run or a write completion falls due by t. */
static void
advance_due(PcsCache *c, gint64 t)
{
	while (c->next_tick <= t) {
		gint64 tick = c->next_tick;

		inflight_complete(c, tick);
		c->now_ns = MAX(c->now_ns, tick);
		periodic_flush(c, tick);
		/* wb_workfn re-arms itself while anything is dirty. */
		c->next_tick = c->dirty_head != PCS_NO_FILE ?
			       tick + (gint64) c->cfg.dirty_writeback_ns : NOT_ARMED;
	}
	inflight_complete(c, t);
	c->now_ns = MAX(c->now_ns, t);
}

/* Advances the clock to t, running the writeback that fell due on the way. Every event
 * moves the clock, and for most nothing falls due: that case is inline. */
static inline void
advance(PcsCache *c, gint64 t)
{
	if (G_LIKELY(t < c->next_tick &&
		     (c->inflight_nr == 0 || c->inflight[c->inflight_head].done_ns > t))) {
		c->now_ns = MAX(c->now_ns, t);
		return;
	}
	advance_due(c, t);
}

void
pcs_wb_clock(PcsCache *c, const PcsIoEvent *ev)
{
	gint64 t;

	c->ev_t_ns = ev->t_ns;
	if (G_UNLIKELY(c->timing == PCS_TIMING_AUTO))
		c->timing = ev->t_ns != PCS_TIME_UNKNOWN ? PCS_TIMING_TRACE : PCS_TIMING_MODEL;
	c->wait_until = G_MININT64;
	if (c->timing != PCS_TIMING_TRACE || ev->t_ns == PCS_TIME_UNKNOWN)
		return;
	if (G_UNLIKELY(c->new_trace)) {
		/* A trace's clock continues from the previous trace's end (the first: time
		 * is the trace's own). */
		c->new_trace = FALSE;
		c->clock_offset = c->clock_started ? c->now_ns - ev->t_ns : 0;
	}
	t = ev->t_ns + c->clock_offset;
	if (G_UNLIKELY(!c->clock_started)) {
		c->clock_started = TRUE;
		c->now_ns = t;
		c->dev_free_at = t;
		return;
	}
	if (t < c->now_ns) {
		/* Within --time-tolerance (pcs_replay rejects the rest): time stands still. */
		c->stats.time_reorders++;
		return;
	}
	if ((guint64) (t - c->now_ns) > c->cfg.dirty_expire_ns)
		c->stats.time_gaps++;
	advance(c, t);
}

void
pcs_wb_request_done_slow(PcsCache *c, guint64 pages)
{
	gint64 waited = 0;

	pcs_wb_read_flush(c);
	if (c->wait_until > c->now_ns) {
		waited = c->wait_until - c->now_ns;
		c->stats.app_io_ns += (guint64) waited;
	}
	c->wait_until = G_MININT64;
	if (c->timing == PCS_TIMING_MODEL)
		advance(c, c->now_ns + waited + (gint64) (pages * c->cfg.hit_cost_ns));
}

/* balance_dirty_pages(), after a write request dirtied pages_dirtied pages. */
void
pcs_wb_balance(PcsCache *c, guint64 pages_dirtied)
{
	guint64 freerun, dirty, bw;
	gint64 pause;

	if (c->nr_dirty > c->bg_thresh)
		background_flush(c);
	freerun = (c->thresh + c->bg_thresh) / 2;
	dirty = c->nr_dirty + c->nr_writeback;
	if (dirty <= freerun || pages_dirtied == 0)
		return;
	bw = pcs_device_write_bandwidth(c->dev);
	if (dirty >= c->thresh) {
		pause = MAX_PAUSE_NS;
	} else {
		double setpoint = (double) (freerun + c->thresh) / 2;
		double x = (setpoint - (double) dirty) / (((double) (c->thresh - freerun)) / 2 + 1);
		double pos_ratio = CLAMP(1 + x * x * x, 0.0, 2.0);
		double rate = (double) (bw >> PCS_PAGE_SHIFT) * pos_ratio;  /* pages/s */

		pause = rate > 0 ? (gint64) MIN((double) pages_dirtied * 1e9 / rate,
						(double) MAX_PAUSE_NS) : MAX_PAUSE_NS;
	}
	if (pause <= 0)
		return;
	c->stats.throttle_events++;
	c->stats.throttle_ns += (guint64) pause;
	c->stats.throttle_max_ns = MAX(c->stats.throttle_max_ns, (guint64) pause);
	/* The writer sleeps: with the model clock, time passes and writeback completes. */
	if (c->timing == PCS_TIMING_MODEL)
		advance(c, c->now_ns + pause);
}

void
pcs_wb_reclaim_stall(PcsCache *c, gboolean woken, gboolean must_free)
{
	if (woken) {
		c->stats.flusher_wakeups++;
		while (c->dirty_head != PCS_NO_FILE)
			if (writeback_turn(c, G_MAXINT64, c->wb_slice, WB_RECLAIM, FALSE) == 0)
				break;
	}
	if (must_free) {
		/* Nothing could be freed: everything left is dirty or under writeback. Write
		 * what is dirty and wait until the device is done (reclaim_throttle). */
		while (c->dirty_head != PCS_NO_FILE)
			if (writeback_turn(c, G_MAXINT64, G_MAXUINT64, WB_RECLAIM, FALSE) == 0)
				break;
		pcs_wb_wait_all(c);
	}
}

/* Writes every dirty page of file in [lo, hi) (WB_SYNC_ALL: waits for writes in flight
 * first, writes all of them). */
static void
sync_file(PcsCache *c, guint32 file, guint64 lo, guint64 hi, WbCause cause, gboolean wait)
{
	if (file >= c->nr_files)
		return;
	if (wait)
		wait_file(c, file);
	if (c->files[file].dirty.nr)
		write_file(c, file, G_MAXUINT64, lo, hi, FALSE, cause);
	if (wait)
		wait_file(c, file);
}

/* The page range [*lo, *hi) of an op's byte range (whole file when it has none). */
static void
op_range(const PcsIoEvent *ev, guint64 *lo, guint64 *hi)
{
	*lo = 0;
	*hi = G_MAXUINT64;
	if (ev->offset_bytes == PCS_NONE)
		return;
	*lo = ev->offset_bytes >> PCS_PAGE_SHIFT;
	if (ev->len_bytes != PCS_NONE && ev->len_bytes != 0 &&
	    ev->len_bytes - 1 <= G_MAXUINT64 - ev->offset_bytes)
		*hi = ((ev->offset_bytes + ev->len_bytes - 1) >> PCS_PAGE_SHIFT) + 1;
}

void
pcs_wb_sync_op(PcsCache *c, const PcsIoEvent *ev)
{
	guint64 lo, hi;

	op_range(ev, &lo, &hi);
	if (ev->op != PCS_OP_SYNC && (ev->file == G_MAXUINT32 || ev->file >= c->nr_files))
		return;  /* nothing of it was ever cached */
	switch ((PcsOp) ev->op) {
	case PCS_OP_FSYNC:
	case PCS_OP_FDATASYNC:
		sync_file(c, ev->file, lo, hi, WB_SYNC, TRUE);
		break;
	case PCS_OP_SYNC_RANGE:
		sync_file(c, ev->file, lo, hi, WB_SYNC, FALSE);
		break;
	case PCS_OP_SYNC:
		pcs_wb_wait_all(c);
		while (c->dirty_head != PCS_NO_FILE)
			sync_file(c, c->dirty_head, 0, G_MAXUINT64, WB_SYNC, FALSE);
		pcs_wb_wait_all(c);
		break;
	default:
		break;
	}
}

void
pcs_wb_start_range(PcsCache *c, guint32 file, guint64 first, guint64 last_excl)
{
	sync_file(c, file, first, last_excl, WB_SYNC, FALSE);
	inflight_complete(c, c->now_ns);
}

void
pcs_wb_direct(PcsCache *c, const PcsIoEvent *ev, gboolean write)
{
	guint64 lo, hi;

	if (ev->len_bytes == 0 || ev->len_bytes == PCS_NONE || ev->offset_bytes == PCS_NONE)
		return;
	op_range(ev, &lo, &hi);
	/* kiocb_write_and_wait / kiocb_invalidate_pages: flush the range and wait. */
	sync_file(c, ev->file, lo, hi, WB_DIRECT, TRUE);
	if (write) {
		PcsFileState *f = pcs_cache_file(c, ev->file);

		c->stats.direct_invalidated += pcs_cache_drop_range(c, ev->file, lo, hi, FALSE);
		f->size_bytes = MAX(f->size_bytes, ev->offset_bytes + ev->len_bytes);
		f->known_end = MAX(f->known_end, ev->offset_bytes + ev->len_bytes);
		c->stats.direct_write_pages += hi - lo;
	} else {
		c->stats.direct_read_pages += hi - lo;
	}
	for (guint64 p = lo; p < hi; p += c->max_io_pages) {
		guint32 n = (guint32) MIN(hi - p, c->max_io_pages);

		wait_for(c, dev_queue(c, pcs_device_direct(c->dev, write, ev->file, p, n)));
		if (!write)
			c->page_ins += n;
	}
}

void
pcs_wb_finish(PcsCache *c)
{
	if (c->finished)
		return;
	c->stats.dirty_end_pages = c->nr_dirty;
	for (guint32 id = c->dirty_head; id != PCS_NO_FILE; id = c->files[id].wb_next)
		c->stats.dirty_max_age_ns = MAX(c->stats.dirty_max_age_ns,
						(guint64) MAX(c->now_ns - c->files[id].dirtied_when, 0));
	if (!c->cfg.final_sync) {
		c->finished = TRUE;
		return;
	}
	c->wait_until = G_MININT64;
	pcs_wb_wait_all(c);  /* a page rewritten while in flight is dirty again */
	while (c->dirty_head != PCS_NO_FILE)
		sync_file(c, c->dirty_head, 0, G_MAXUINT64, WB_SYNC, FALSE);
	pcs_wb_wait_all(c);
	pcs_wb_request_done(c, 0);
	c->finished = TRUE;
}

gboolean
pcs_wb_check(const PcsCache *c, GError **error)
{
	guint64 dirty = 0, wb = 0, mapped = 0, inflight = 0, listed = 0;
	g_autofree guint8 *is_free = g_new0(guint8, MAX(c->nr_used, 1));

	/* Free slots keep stale flags and links: skip them (cache.c checks the free list). */
	for (guint32 s = c->free_head, n = 0; s != PCS_NIL && n < c->nr_used;
	     s = c->pages[s].next, n++)
		is_free[s] = 1;
	for (guint32 s = 0; s < c->nr_used; s++) {
		const PcsPage *p = &c->pages[s];
		const PcsPage *hp;

		if (is_free[s])
			continue;
		hp = &c->pages[pcs_cache_folio_head(c, s)];
		if ((p->flags & PCS_PG_DIRTY) !=
		    (pcs_dirty_test(&c->files[p->key.file].dirty, p->key.index) ? PCS_PG_DIRTY : 0) ||
		    (p->flags & PCS_PG_BUSY) != (hp->flags & PCS_PG_BUSY)) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "file %u page %" G_GUINT64_FORMAT ": dirty flag 0x%x, bitmap %d, "
				    "folio head 0x%x disagree", p->key.file, p->key.index, p->flags,
				    pcs_dirty_test(&c->files[p->key.file].dirty, p->key.index),
				    hp->flags);
			return FALSE;
		}
		dirty += (p->flags & PCS_PG_DIRTY) != 0;
		wb += (p->flags & PCS_PG_WRITEBACK) != 0;
	}
	for (guint32 i = 0; i < c->nr_files; i++) {
		mapped += c->files[i].dirty.nr;
		if (c->files[i].on_dirty_list != (c->files[i].dirty.nr > 0)) {
			g_set_error(error, PCS_CHECK_ERROR, 0, "file %u: %" G_GUINT64_FORMAT
				    " dirty pages but %s the dirty list", i, c->files[i].dirty.nr,
				    c->files[i].on_dirty_list ? "on" : "not on");
			return FALSE;
		}
	}
	for (guint32 id = c->dirty_head; id != PCS_NO_FILE; id = c->files[id].wb_next)
		if (++listed > c->nr_files)
			break;
	for (guint32 i = 0; i < c->inflight_nr; i++)
		inflight += c->inflight[(c->inflight_head + i) % c->inflight_cap].nr;
	if (dirty != c->nr_dirty || mapped != c->nr_dirty || wb != c->nr_writeback ||
	    inflight != c->nr_writeback || listed > c->nr_files) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "dirty counts disagree: %" G_GUINT64_FORMAT " dirty pages, %"
			    G_GUINT64_FORMAT " in bitmaps, nr_dirty %" G_GUINT64_FORMAT "; %"
			    G_GUINT64_FORMAT " under writeback, %" G_GUINT64_FORMAT " in flight, "
			    "nr_writeback %" G_GUINT64_FORMAT, dirty, mapped, c->nr_dirty, wb,
			    inflight, c->nr_writeback);
		return FALSE;
	}
	return TRUE;
}
