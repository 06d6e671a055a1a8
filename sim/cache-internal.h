/*
 * cache-internal.h - the cache core's state, shared by its parts (internal):
 * sim/cache.c (requests and lookup), sim/cache-alloc.c (allocation, reclaim, refaults),
 * sim/cache-ra.c (readahead execution), sim/cache-drop.c (invalidation, truncation, fadvise)
 * and sim/writeback.c (dirty pages, the flusher, throttling, sync, direct I/O, the clock and
 * the device I/O of all).
 */
#ifndef PCSIM_CACHE_INTERNAL_H
#define PCSIM_CACHE_INTERNAL_H

#include <pcsim/cache.h>
#include <pcsim/device.h>
#include "dirty.h"
#include "index.h"
#include "lists.h"
#include "page.h"
#include "readahead.h"
#include "shadow.h"

#define PCS_NO_FILE G_MAXUINT32

/* Per-file state the model needs. */
typedef struct {
	guint64     size_bytes;      /* known size (writes, truncate), 0 = unknown */
	guint64     size_hint;       /* the file's size as the trace's reader knows it (i_size
				      * for readahead; writes do not trust it: the file may be
				      * growing), 0 = unknown */
	guint64     known_end;       /* highest byte any request reached: the file is at least
				      * this long (read-modify-write reads only below it) */
	guint64     pages_end;       /* 1 + the highest page index ever cached: bounds walks */
	PcsDirtyMap dirty;           /* dirty pages (PAGECACHE_TAG_DIRTY) */
	gint64      dirtied_when;    /* inode->dirtied_when: when it went from clean to dirty */
	guint64     writeback_index; /* mapping->writeback_index: where the next slice starts */
	guint32     wb_prev, wb_next;/* the dirty-file list (b_dirty), oldest first */
	gboolean    on_dirty_list;
} PcsFileState;

/* One device write in flight (the pages carry PCS_PG_WRITEBACK until done_ns). */
typedef struct {
	guint64 first;
	gint64  done_ns;
	guint32 file;
	guint32 nr;
} PcsWbIo;

/* Pages being read into the cache that are contiguous in one file: one device read. */
typedef struct {
	guint32  file;
	guint64  first;
	guint32  nr;
	gboolean sync;   /* the request waits for it (demand, sync readahead, fault, RMW) */
} PcsReadRun;

struct PcsCache {
	PcsConfig          cfg;
	guint32            nr_pages;   /* capacity */
	guint32            nr_used;    /* slots handed out at least once */
	guint32            free_head;  /* free slots, linked through PcsPage.next */
	PcsPage           *pages;
	PcsIndex           index;
	const PcsListOps  *lops;
	gpointer           lists;
	gboolean           workingset;
	PcsShadow          shadow;
	guint32           *victims;    /* reclaim_batch slots */
	guint64           *victim_hash;  /* index hashes of the victims' keys and of the */
	guint64           *oldest_hash;  /* shadows they push out (reclaim() prefetches) */
	guint64            nr_resident;
	PcsRaParams        ra;         /* the device's readahead limits, in pages */
	gboolean           ra_auto;    /* --readahead auto: not yet resolved by a trace level */
	PcsRaState        *streams;    /* struct file_ra_state per stream */
	guint32            nr_streams;
	PcsFileState      *files;
	guint32            nr_files;
	PcsRaTraceFunc     ra_trace;
	gpointer           ra_trace_user;
	PcsStats           stats;

	/* the device and its queue */
	PcsDevice         *dev;
	guint32           *run_slots;  /* max_io_pages: slots of the read run or write being built */
	guint32           *wb_slots;
	guint32            max_io_pages;
	guint32            run_cap;     /* slots a read run can hold (the largest window) */
	PcsReadRun         run;
	gint64             dev_free_at; /* the device is busy until then (one queue, FIFO) */
	gint64             wait_until;  /* the current request waits for I/O until then */
	guint64            page_ins;    /* pages read from the device so far (DMA accounting) */

	/* the clock (--timing) */
	guint32            timing;      /* PCS_TIMING_TRACE or _MODEL once resolved */
	gboolean           clock_started;
	gint64             now_ns;      /* simulated time */
	gint64             ev_t_ns;     /* timestamp of the event being replayed (ra trace) */
	gint64             clock_offset;/* trace time + offset = simulated time */
	gboolean           new_trace;   /* the next timestamp starts a trace's clock */

	/* writeback */
	guint64            nr_dirty;    /* NR_FILE_DIRTY */
	guint64            nr_writeback;/* NR_WRITEBACK */
	guint64            bg_thresh;   /* pages: background writeback above this */
	guint64            thresh;      /* pages: the dirty limit */
	guint64            wb_slice;    /* pages per file turn */
	guint32            dirty_head, dirty_tail; /* the dirty-file list */
	gint64             next_tick;   /* next periodic flusher run; G_MAXINT64: not armed */
	PcsWbIo           *inflight;    /* ring of device writes in flight, oldest first */
	guint32            inflight_cap, inflight_head, inflight_nr;
	gboolean           finished;    /* pcs_cache_finish() ran */
	gboolean           level_known; /* the trace level was told (resolve_readahead) */
	gboolean           block_level;
};

/* ---- shared helpers (cache.c, cache-alloc.c, cache-drop.c) -------------------------- */

/* The resident page (file, index), or PCS_NIL (absent or only a shadow). */
static inline guint32
pcs_cache_lookup(const PcsCache *c, guint32 file, guint64 index)
{
	guint32 e = pcs_index_lookup(&c->index, file, index);

	return (e == PCS_NIL || (e & PCS_INDEX_SHADOW)) ? PCS_NIL : e;
}

/* The head of the folio that slot s belongs to. */
static inline guint32
pcs_cache_folio_head(const PcsCache *c, guint32 s)
{
	return (c->pages[s].flags & PCS_PG_TAIL) ? c->pages[s].prev : s;
}

PcsFileState *pcs_cache_file_grow(PcsCache *c, guint32 id);

/* The state of file id, growing the table when id is new. */
static inline PcsFileState *
pcs_cache_file(PcsCache *c, guint32 id)
{
	return G_LIKELY(id < c->nr_files) ? &c->files[id] : pcs_cache_file_grow(c, id);
}

/* The readahead state of a stream (an open file description), created on first use. */
PcsRaState *pcs_cache_stream_grow(PcsCache *c, guint32 id);

static inline PcsRaState *
pcs_cache_stream(PcsCache *c, guint32 id)
{
	return G_LIKELY(id < c->nr_streams) ? &c->streams[id] : pcs_cache_stream_grow(c, id);
}

/* Slot s, just taken from the free pages, holds page (file, index) with flags, order 0. */
static inline void
pcs_cache_page_init(PcsCache *c, guint32 s, guint32 file, guint64 index, guint16 flags)
{
	PcsPage *p = &c->pages[s];

	p->key.file = file;
	p->key.index = index;
	p->flags = flags;
	p->order = 0;
}

/* A page, or a large folio, brought into the cache (cache-alloc.c tells how). */
guint32 pcs_cache_page_alloc_slow(PcsCache *c, guint32 file, guint64 index, guint64 hash,
				  guint64 pos, gboolean is_write, guint16 flags);
guint32 pcs_cache_folio_alloc(PcsCache *c, guint32 file, guint64 index, guint order,
			      const guint16 *page_flags);

/* pcs_cache_page_alloc_slow(), inline when a free page is at hand and pos holds no shadow:
 * every miss allocates (14.7M times on the bench trace with readahead 128K), and the call
 * saved and restored the registers that reclaim and refaults need. cachegrind, bench trace
 * at a 10% cache: 1.5% fewer instructions at readahead 0 and at 128K. */
static inline guint32
pcs_cache_page_alloc(PcsCache *c, guint32 file, guint64 index, guint64 hash, guint64 pos,
		     gboolean is_write, guint16 flags)
{
	guint32 s = c->free_head;

	if (G_UNLIKELY(s == PCS_NIL || c->index.slots[pos] != 0))
		return pcs_cache_page_alloc_slow(c, file, index, hash, pos, is_write, flags);
	c->free_head = c->pages[s].next;
	pcs_cache_page_init(c, s, file, index, flags);
	pcs_index_insert_hashed(&c->index, pos, s, hash);
	c->nr_resident++;
	c->lops->add(c->lists, s, FALSE);
	return s;
}

/* Drops the folios lying wholly inside pages [first, last_excl) of file, without shadow
 * entries; clear_shadows also removes the range's shadows (truncation). Dirty folios are
 * discarded with truncation (clear_shadows) and kept otherwise (invalidation skips them, as
 * it skips folios under writeback). Returns the pages dropped. */
guint64 pcs_cache_drop_range(PcsCache *c, guint32 file, guint64 first, guint64 last_excl,
			     gboolean clear_shadows);
/* posix_fadvise on the event's stream and range (generic_fadvise, mm/fadvise.c). */
void pcs_cache_fadvise(PcsCache *c, const PcsIoEvent *ev);

/* ---- cache-ra.c --------------------------------------------------------------------- */

/* The readahead policy's view of the cache (PcsRaView's ctx): page_cache_prev_miss and
 * page_cache_next_miss over file. */
typedef struct {
	const PcsCache *c;
	guint32         file;
	guint64         group;       /* index >> PCS_INDEX_GROUP_SHIFT of group_hash ... */
	guint64         group_hash;  /* ... the request's last lookup computed */
} PcsRaCtx;

/* Resident (not a shadow) in x's file? Reuses the group hash of the last lookup. */
static inline gboolean
pcs_cache_ra_cached(PcsRaCtx *x, guint64 index)
{
	guint32 e;

	if (index >> PCS_INDEX_GROUP_SHIFT != x->group) {
		x->group = index >> PCS_INDEX_GROUP_SHIFT;
		x->group_hash = pcs_index_group_hash(&x->c->index, x->file, index);
	}
	e = pcs_index_at(&x->c->index,
			 pcs_index_find_hashed(&x->c->index, x->file, index,
					       pcs_index_hash_in(x->group_hash, index))) - 1;
	return e != PCS_NIL && !(e & PCS_INDEX_SHADOW);
}

guint64 pcs_cache_ra_prev_miss(gpointer ctx, guint64 index, guint64 max_scan);
guint64 pcs_cache_ra_next_miss(gpointer ctx, guint64 index, guint64 max_scan);
/* Reads window w's missing pages for a request on stream that asked for pages
 * [demand_lo, demand_hi) and met trigger. */
void pcs_cache_ra_execute(PcsCache *c, guint32 file, guint32 stream, guint64 trigger,
			  PcsRaWindow w, guint64 demand_lo, guint64 demand_hi);

/* ---- writeback.c -------------------------------------------------------------------- */

void pcs_wb_init(PcsCache *c);
void pcs_wb_clear(PcsCache *c);
/* Moves the clock to the event's time (timing trace) and runs what fell due before it:
 * writeback completions and periodic flusher runs. */
void pcs_wb_clock(PcsCache *c, const PcsIoEvent *ev);
/* Ends a request: the application's wait, its modelled cost (timing model). */
void pcs_wb_request_done_slow(PcsCache *c, guint64 pages);

static inline void
pcs_wb_request_done(PcsCache *c, guint64 pages)
{
	/* Most hits: no read to issue, no wait, and the trace's clock: nothing to do. */
	if (c->run.nr == 0 && c->wait_until == G_MININT64 && c->timing != PCS_TIMING_MODEL)
		return;
	pcs_wb_request_done_slow(c, pages);
}

/* Issues the pending read run. */
void pcs_wb_read_flush(PcsCache *c);

/* A page just allocated for reading: joins the read run (flushed when not contiguous).
 * Inline, with the flush out of line: every missed page comes here (14.7M on the bench trace
 * with readahead 128K), and the call saved and restored the registers the flush needs. */
static inline void
pcs_wb_read_page(PcsCache *c, guint32 file, guint64 index, guint32 slot, gboolean sync)
{
	PcsReadRun *r = &c->run;

	if (r->nr && (r->file != file || r->first + r->nr != index || r->sync != sync ||
		      r->nr == c->run_cap))
		pcs_wb_read_flush(c);
	if (r->nr == 0) {
		r->file = file;
		r->first = index;
		r->sync = sync;
	}
	c->run_slots[r->nr++] = slot;
}

/* A buffered write (or write fault) dirtied the folio headed by h. */
void pcs_wb_dirty_folio(PcsCache *c, guint32 h);
/* After a write request that dirtied pages: background writeback and throttling. */
void pcs_wb_balance(PcsCache *c, guint64 pages_dirtied);
/* Reclaim met a whole batch of dirty pages (wakeup_flusher_threads(WB_REASON_VMSCAN)), or
 * found nothing it could free: write back and, with must_free, wait. */
void pcs_wb_reclaim_stall(PcsCache *c, gboolean woken, gboolean must_free);
/* fsync, fdatasync, sync, sync-range, direct I/O and fadvise's writeback. */
void pcs_wb_sync_op(PcsCache *c, const PcsIoEvent *ev);
void pcs_wb_direct(PcsCache *c, const PcsIoEvent *ev, gboolean write);
/* Starts writeback of [first, last_excl) of file (no wait): fadvise DONTNEED. */
void pcs_wb_start_range(PcsCache *c, guint32 file, guint64 first, guint64 last_excl);
/* Waits for every device write in flight (truncate, invalidation). */
void pcs_wb_wait_all(PcsCache *c);
/* A dirty folio leaves the cache without writeback (truncate): its data is discarded. */
void pcs_wb_discard_folio(PcsCache *c, guint32 h);
/* The end of the replay: dirty_end_pages, then the final sync unless --no-final-sync. */
void pcs_wb_finish(PcsCache *c);
gboolean pcs_wb_check(const PcsCache *c, GError **error);

#endif
