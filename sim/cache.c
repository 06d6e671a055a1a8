/*
 * cache.c - the page-cache core: requests, lookup, and the ops around them. Allocation,
 * reclaim and refault detection are in cache-alloc.c, the reading of readahead's windows in
 * cache-ra.c, invalidation, truncation and fadvise in cache-drop.c.
 *
 * The core owns the pages; a list policy orders them and the shadow ring remembers evicted
 * ones. For each request the core walks the pages it overlaps (4 KiB each):
 *
 *   event ─► op? ──read/sendfile──► for each page: index lookup
 *                 │                    hit:  access(MARK unless same-page rule)
 *                 │                    miss: alloc ─► [reclaim a batch if full] ─► shadow?
 *                 │                          ─► add(inactive | active on refault) ─► access
 *                 ├──write────────► same walk, never MARK, shadows dropped without refault;
 *                 │                 a partial page not cached is read first (RMW); the
 *                 │                 folios written are dirtied (writeback.c)
 *                 ├──open─────────► the stream's read position is forgotten
 *                 ├──fsync, sync, direct I/O ──► writeback.c
 *                 └──other ops────► counted
 *
 * Model rules (Linux, mm/filemap.c filemap_read and mm/workingset.c):
 *   - A demand read marks each page it touches accessed, except the first page when the read
 *     starts in the page where this stream's previous read ended (pos_same_folio(): repeated
 *     small reads of one page count as one reference). prev_pos is per stream (file_ra_state),
 *     reset by open.
 *   - Buffered writes do not mark pages accessed, and a write allocation does not consult the
 *     shadow (filemap_add_folio skips workingset_refault for __GFP_WRITE); the shadow goes.
 *   - Refault: distance = clock_now - clock_at_eviction; activate when distance <= active
 *     pages. The clock (lruvec->nonresident_age) is derived from the counters:
 *     evictions + activations + refault_activations, which tick exactly when the kernel's does.
 *   - One index holds pages and shadow entries (like the mapping's xarray), so the probe that
 *     misses also finds the shadow, and eviction rewrites the page's entry in place.
 *   - Reclaim runs when a page is needed and none is free, and frees one batch
 *     (reclaim_batch pages) chosen by the policy.
 *
 * Every page brought in is read from the device (writeback.c gathers contiguous pages into
 * one read); pages the request waits for (demand, sync readahead, faults, read-modify-write)
 * add to its I/O wait, async readahead does not.
 *
 * Hot path: no allocation. Pages come from a slab sized at creation; the index and the shadow
 * ring are sized at creation; victims go into a preallocated array. Only a new stream id
 * grows the stream array (amortised, once per stream).
 *
 * Invariants (pcs_cache_check): index.count == resident pages + shadows; resident pages ==
 * pages on the lists; every resident page is indexed at its slot and every shadow at its ring
 * slot (so no page is both); free slots are on no list.
 */
#include "config.h"

#include <pcsim/transfer.h>
#include "cache-internal.h"
#include "util.h"


PcsCache *
pcs_cache_new(const PcsConfig *cfg, GError **error)
{
	return pcs_cache_new_full(cfg, NULL, error);
}

PcsCache *
pcs_cache_new_full(const PcsConfig *cfg, const PcsDeviceSpec *spec, GError **error)
{
	guint64 nr = pcs_config_cache_pages(cfg);
	PcsDevice *dev;
	PcsCache *c;

	/* The index (pages + shadows, at most half full) must stay within 2^32 slots. */
	if (nr < cfg->reclaim_batch || nr > (G_GUINT64_CONSTANT(1) << 30) - 4096) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "a cache of %" G_GUINT64_FORMAT " pages cannot work: it needs at least "
			    "reclaim_batch (%u) and at most 2^30 - 4096 pages", nr, cfg->reclaim_batch);
		return NULL;
	}
	dev = pcs_device_new(cfg, spec, (guint32) nr, error);
	if (!dev)
		return NULL;
	c = g_new0(PcsCache, 1);
	c->dev = dev;
	c->cfg = *cfg;
	c->nr_pages = (guint32) nr;
	c->free_head = PCS_NIL;
	c->pages = pcs_alloc_big((gsize) c->nr_pages * sizeof(PcsPage));
	pcs_stats_init(&c->stats);
	c->lops = pcs_lists_ops(cfg->policy);
	c->lists = c->lops->create(c->pages, c->nr_pages, &c->stats, cfg);
	/* Refault detection belongs to the two-list model; plain LRU has nothing to activate. */
	c->workingset = cfg->workingset && cfg->policy == PCS_POLICY_TWO_LIST;
	if (c->workingset) {
		/* Shadows of the last nr_pages + reclaim_batch evictions: any older one has a
		 * distance beyond the whole cache and could never activate (shadow.c). */
		pcs_shadow_init(&c->shadow, c->nr_pages + cfg->reclaim_batch);
		pcs_index_init(&c->index, (guint64) c->nr_pages + c->shadow.capacity, c->pages,
			       sizeof(PcsPage), c->shadow.ring, sizeof(PcsShadowEntry));
	} else {
		pcs_index_init(&c->index, c->nr_pages, c->pages, sizeof(PcsPage), NULL, 0);
	}
	c->victims = g_new(guint32, cfg->reclaim_batch);
	c->victim_hash = g_new(guint64, cfg->reclaim_batch);
	c->oldest_hash = g_new(guint64, cfg->reclaim_batch);
	c->ra_auto = cfg->readahead_bytes == PCS_READAHEAD_AUTO;
	c->ra.ra_pages = (c->ra_auto ? PCS_READAHEAD_DEFAULT : cfg->readahead_bytes) >> PCS_PAGE_SHIFT;
	c->ra.io_pages = MAX(cfg->io_pages_bytes >> PCS_PAGE_SHIFT, 1);
	c->ra.folios = cfg->folios;
	c->ev_t_ns = PCS_TIME_UNKNOWN;
	pcs_wb_init(c);
	return c;
}

void
pcs_cache_free(PcsCache *c)
{
	if (!c)
		return;
	c->lops->destroy(c->lists);
	if (c->workingset)
		pcs_shadow_clear(&c->shadow);
	pcs_index_clear(&c->index);
	pcs_free_big(c->pages);
	g_free(c->victims);
	g_free(c->victim_hash);
	g_free(c->oldest_hash);
	g_free(c->streams);
	pcs_wb_clear(c);
	g_free(c->files);
	pcs_device_free(c->dev);
	g_free(c);
}

/* pcs_cache_page_alloc() of a page not looked up yet, for a read. */
static guint32
page_alloc_lookup(PcsCache *c, guint32 file, guint64 index)
{
	guint64 h = pcs_index_hash(&c->index, file, index);

	return pcs_cache_page_alloc(c, file, index, h,
				    pcs_index_find_hashed(&c->index, file, index, h), FALSE, 0);
}

PcsRaState *
pcs_cache_stream_grow(PcsCache *c, guint32 id)
{
	guint32 n = MAX(id + 1, c->nr_streams * 2);

	c->streams = g_renew(PcsRaState, c->streams, n);
	for (guint32 i = c->nr_streams; i < n; i++)
		pcs_ra_state_init(&c->streams[i], &c->ra);
	c->nr_streams = n;
	return &c->streams[id];
}

PcsFileState *
pcs_cache_file_grow(PcsCache *c, guint32 id)
{
	guint32 n = MAX(id + 1, c->nr_files * 2);

	g_assert(id >= c->nr_files);
	c->files = g_renew(PcsFileState, c->files, n);
	for (guint32 i = c->nr_files; i < n; i++)
		c->files[i] = (PcsFileState) { .wb_prev = PCS_NO_FILE, .wb_next = PCS_NO_FILE };
	c->nr_files = n;
	return &c->files[id];
}

/*
 * One read(), write() or run of page faults over [offset, offset + len) on a stream.
 *
 * Reads follow filemap_read(): at a missing page, sync readahead (which reads the missing
 * pages of the rest of the request and possibly more); at the marker page, async readahead;
 * then each page is marked accessed except the first when the read starts in the page where
 * the stream's last read ended. Faults (mmap) follow filemap_fault(): a missing page is a
 * major fault with read-around; a resident marker page starts async readahead; prev_pos is
 * untouched. Writes never read ahead and never mark.
 *
 * Accounting: a page is a hit when it was resident before this request; the pages the
 * request's own readahead brought in are misses. A read-ahead page's first access counts in
 * ra_used.
 */
enum { REQ_READ, REQ_WRITE, REQ_FAULT };

static guint64
do_request(PcsCache *c, const PcsIoEvent *ev, int kind, gboolean is_write)
{
	guint64 first, last, nr, hits = 0, known_end, dirtied = c->stats.dirtied_pages;
	guint32 file = ev->file;
	PcsRaState *st;
	gboolean ra_on = c->ra.ra_pages != 0 || kind == REQ_FAULT;
	guint64 same_page_start = G_MAXUINT64;
	guint32 last_head = PCS_NIL;
	PcsRaCtx ctx = { c, file, G_MAXUINT64, 0 };
	guint64 group_hash = 0;
	PcsRaView view = { pcs_cache_ra_prev_miss, pcs_cache_ra_next_miss, &ctx };

	if (ev->len_bytes == 0 || ev->len_bytes == PCS_NONE || ev->offset_bytes == PCS_NONE ||
	    ev->len_bytes - 1 > G_MAXUINT64 - ev->offset_bytes)
		return 0;  /* readers reject these; nothing to access */
	first = ev->offset_bytes >> PCS_PAGE_SHIFT;
	last = (ev->offset_bytes + (ev->len_bytes - 1)) >> PCS_PAGE_SHIFT;
	nr = last - first + 1;
	st = pcs_cache_stream(c, ev->stream);
	/* pos_same_folio(ki_pos, prev_pos - 1): the page holding the last read's last byte. */
	if (kind == REQ_READ && st->prev_pos != PCS_RA_NO_POS && st->prev_pos > 0)
		same_page_start = (st->prev_pos - 1) >> PCS_PAGE_SHIFT;
	{
		PcsFileState *f = pcs_cache_file(c, file);

		/* Read-modify-write reads only pages the file already had: below the furthest
		 * byte any request reached (a block device: everywhere). */
		known_end = c->block_level ? G_MAXUINT64 : MAX(f->known_end, f->size_bytes);
		if (is_write)
			f->size_bytes = MAX(f->size_bytes, ev->offset_bytes + ev->len_bytes);
		f->known_end = MAX(f->known_end, ev->offset_bytes + ev->len_bytes);
		f->pages_end = MAX(f->pages_end, last + 1);
	}
	for (guint64 i = first; i <= last; i++) {
		guint64 pos, hash;
		guint32 v, s, h;
		guint flags = kind == REQ_WRITE ? 0 : PCS_ACCESS_MARK;
		gboolean hit;

		/* The group's hash, once per group (readahead's look-ups share it). */
		if (i == first || !(i & PCS_INDEX_GROUP_MASK))
			group_hash = pcs_index_group_hash(&c->index, file, i);
		hash = pcs_index_hash_in(group_hash, i);
		pos = pcs_index_find_hashed(&c->index, file, i, hash);
		v = pcs_index_at(&c->index, pos);
		if (v != 0 && !((v - 1) & PCS_INDEX_SHADOW)) {
			s = v - 1;
			hit = !(c->pages[s].flags & PCS_PG_NEW);
		} else if (kind == REQ_WRITE) {
			guint64 lo = i << PCS_PAGE_SHIFT;

			s = pcs_cache_page_alloc(c, file, i, hash, pos, TRUE, 0);
			hit = FALSE;
			flags |= PCS_ACCESS_NEW;
			/* write_begin: a page the write covers only in part is read first,
			 * alone, unless it lies past what the file held (zero-filled). */
			if ((ev->offset_bytes > lo || ev->offset_bytes + ev->len_bytes < lo + PCS_PAGE_SIZE) &&
			    lo < known_end) {
				c->stats.rmw_reads++;
				pcs_wb_read_page(c, file, i, s, TRUE);
			} else {
				pcs_device_zero(c->dev, s);  /* new data: no read */
			}
		} else if (!ra_on) {
			s = pcs_cache_page_alloc(c, file, i, hash, pos, is_write, 0);
			pcs_wb_read_page(c, file, i, s, TRUE);
			hit = FALSE;
			flags |= PCS_ACCESS_NEW;
		} else {
			/* A read miss: page_cache_sync_ra (a fault: do_sync_mmap_readahead). */
			PcsRaWindow w;
			gboolean small = FALSE;

			ctx.group = i >> PCS_INDEX_GROUP_SHIFT;
			ctx.group_hash = group_hash;
			/* Most misses of a random workload are small random reads of one page:
			 * pcs_ra_sync() would come to context readahead and find page i - 1 not
			 * cached. Decided here, without the call: 1.6% fewer instructions on
			 * the bench trace with readahead 128K (6.7M such misses; cachegrind
			 * 26.17G -> 25.74G). */
			if (kind == REQ_READ && i == last && !c->ra_trace &&
			    pcs_ra_sync_is_context(st, &c->ra, i, 1))
				small = !pcs_cache_ra_cached(&ctx, i - 1);
			if (!small) {
				w = kind == REQ_FAULT ?
					pcs_ra_mmap_fault(st, &c->ra, i, &view) :
					pcs_ra_sync(st, &c->ra, i, last - i + 1, &view);
				if (kind == REQ_FAULT)
					c->stats.major_faults++;
				small = w.kind == PCS_RA_SMALL && w.start == i && w.nr == 1 &&
					!c->ra_trace;
			}
			if (small) {
				/* The window is this one page: what pcs_cache_ra_execute() would
				 * do, at the position the lookup above found (deciding the window
				 * only looked the index up). */
				s = pcs_cache_page_alloc(c, file, i, hash, pos, FALSE, 0);
				pcs_wb_read_page(c, file, i, s, TRUE);
			} else {
				pcs_cache_ra_execute(c, file, ev->stream, i, w, i, last + 1);
				s = pcs_cache_lookup(c, file, i);
				if (s == PCS_NIL) {  /* not covered by the window: read it alone */
					s = page_alloc_lookup(c, file, i);
					pcs_wb_read_page(c, file, i, s, TRUE);
				}
			}
			hit = FALSE;
			flags |= PCS_ACCESS_NEW;
		}
		if (hit) {
			hits++;
			if (c->pages[s].flags & PCS_PG_RA_UNUSED) {
				c->pages[s].flags &= ~PCS_PG_RA_UNUSED;
				c->stats.ra_used++;
			}
			if (kind == REQ_FAULT)
				pcs_ra_mmap_hit(st);
		}
		c->pages[s].flags &= ~PCS_PG_NEW;
		h = pcs_cache_folio_head(c, s);
		/* filemap_readahead() / do_async_mmap_readahead(): the marker folio was reached. */
		if ((c->pages[h].flags & PCS_PG_READAHEAD) && kind != REQ_WRITE) {
			PcsRaWindow w;

			c->pages[h].flags &= ~PCS_PG_READAHEAD;
			w = pcs_ra_async(st, &c->ra, c->pages[h].key.index, pcs_folio_pages(&c->pages[h]),
					 kind == REQ_FAULT ? st->ra_pages : last - i + 1, &view);
			pcs_cache_ra_execute(c, file, ev->stream, i, w, i, last + 1);
			/* The kernel holds the marker folio during readahead; a window larger than
			 * the whole cache can evict it here: read it back. */
			s = pcs_cache_lookup(c, file, i);
			if (s == PCS_NIL) {
				s = page_alloc_lookup(c, file, i);
				pcs_wb_read_page(c, file, i, s, TRUE);
			}
			h = pcs_cache_folio_head(c, s);
		}
		/* Once per folio per request (filemap_read marks each folio of a batch once); the
		 * same-folio rule skips the first folio when the last read ended in it. */
		if (h != last_head) {
			if (i == first && same_page_start != G_MAXUINT64 &&
			    same_page_start - c->pages[h].key.index < pcs_folio_pages(&c->pages[h]))
				flags &= ~PCS_ACCESS_MARK;
			c->lops->access(c->lists, h, flags);
			last_head = h;
			if (is_write)
				pcs_wb_dirty_folio(c, h);
		}
	}
	if (kind == REQ_READ)
		st->prev_pos = ev->offset_bytes + ev->len_bytes;
	c->stats.requests++;
	c->stats.accesses += nr;
	c->stats.hits += hits;
	c->stats.misses += nr - hits;
	c->stats.request_hits += hits == nr;
	if (ev->flags & PCS_EVENT_GROUP) {
		c->stats.group_requests++;
		c->stats.group_accesses += nr;
		c->stats.group_hits += hits;
	}
	if (is_write) {
		c->stats.write_requests++;
		c->stats.write_accesses += nr;
		c->stats.write_hits += hits;
	} else {
		c->stats.read_requests++;
		c->stats.read_accesses += nr;
		c->stats.read_hits += hits;
	}
	pcs_wb_read_flush(c);  /* the request's reads are issued by its end */
	if (is_write)
		pcs_wb_balance(c, c->stats.dirtied_pages - dirtied);
	return nr;
}

/* The method a read op is served with: --serve, or what the trace recorded. */
static const PcsTransferModel *
serve_model(const PcsCache *c, PcsOp op)
{
	const PcsTransferModel *t = pcs_transfer_models();

	if (c->cfg.serve != PCS_SERVE_TRACE)
		return &t[c->cfg.serve - 1];
	switch (op) {
	case PCS_OP_SENDFILE:
		return &t[PCS_XFER_SENDFILE];
	case PCS_OP_MMAP_READ:
		return &t[PCS_XFER_MMAP_WRITE];
	case PCS_OP_DIRECT_READ:
		return &t[PCS_XFER_DIRECT];
	default:
		return &t[PCS_XFER_READ_WRITE];
	}
}

/* Counts one read served with model m: its copies, calls, and DMA (the device reads it
 * caused since page_ins0, and the send to the NIC). */
static void
serve_account(PcsCache *c, const PcsTransferModel *m, const PcsIoEvent *ev, guint64 page_ins0)
{
	guint64 len = ev->len_bytes;

	if (len == 0 || len == PCS_NONE || ev->offset_bytes == PCS_NONE)
		return;
	c->stats.served_requests++;
	c->stats.served_bytes += len;
	c->stats.cpu_copy_bytes += m->cpu_copies * len;
	c->stats.dma_bytes += ((c->page_ins - page_ins0) << PCS_PAGE_SHIFT) + len;
	c->stats.syscalls += m->syscalls_per_block;
	c->stats.context_switches += m->switches_per_block;
	if (m->page_faults && ev->len_bytes - 1 <= G_MAXUINT64 - ev->offset_bytes)
		c->stats.page_faults += ((ev->offset_bytes + len - 1) >> PCS_PAGE_SHIFT) -
					(ev->offset_bytes >> PCS_PAGE_SHIFT) + 1;
}

/* A read served to a client: around the cache for direct I/O (--serve direct, or nginx's
 * directio for files at least --directio-threshold large), else through it. */
static guint64
do_serve(PcsCache *c, const PcsIoEvent *ev)
{
	const PcsTransferModel *m = serve_model(c, ev->op);
	guint64 page_ins0 = c->page_ins, pages = 0;

	if (ev->op == PCS_OP_DIRECT_READ || !m->uses_cache ||
	    (c->cfg.directio_threshold && ev->file < c->nr_files &&
	     MAX(c->files[ev->file].size_bytes, c->files[ev->file].known_end) >=
	     c->cfg.directio_threshold)) {
		pcs_wb_direct(c, ev, FALSE);
		m = &pcs_transfer_models()[PCS_XFER_DIRECT];
	} else if (ev->op == PCS_OP_MMAP_READ) {
		pages = do_request(c, ev, REQ_FAULT, FALSE);
	} else {
		pages = do_request(c, ev, REQ_READ, FALSE);
	}
	serve_account(c, m, ev, page_ins0);
	return pages;
}

void
pcs_cache_submit(PcsCache *c, const PcsIoEvent *ev)
{
	guint64 pages = 0;

	if (G_UNLIKELY(ev->op >= PCS_OP_COUNT))
		return;
	c->stats.ops[ev->op]++;
	if (ev->t_ns != PCS_TIME_UNKNOWN) {
		if (c->stats.first_t_ns == PCS_TIME_UNKNOWN)
			c->stats.first_t_ns = ev->t_ns;
		c->stats.last_t_ns = ev->t_ns;
	}
	pcs_wb_clock(c, ev);
	switch ((PcsOp) ev->op) {
	case PCS_OP_READ:
	case PCS_OP_SENDFILE:
	case PCS_OP_DIRECT_READ:
		pages = do_serve(c, ev);
		break;
	case PCS_OP_WRITE:
		pages = do_request(c, ev, REQ_WRITE, TRUE);
		break;
	case PCS_OP_MMAP_READ:
	case PCS_OP_MMAP_WRITE:
		/* A mapped range known only as a bound (strace sees mmap, not the touches) is
		 * counted under ops; it accesses nothing. */
		if (ev->flags & PCS_EVENT_BOUND)
			break;
		if (ev->op == PCS_OP_MMAP_READ)
			pages = do_serve(c, ev);
		else
			pages = do_request(c, ev, REQ_FAULT, TRUE);
		break;
	case PCS_OP_OPEN:
		/* A new open file description: file_ra_state_init(). */
		pcs_ra_state_init(pcs_cache_stream(c, ev->stream), &c->ra);
		break;
	case PCS_OP_FADVISE:
		pcs_cache_fadvise(c, ev);
		break;
	case PCS_OP_TRUNCATE:
		if (ev->offset_bytes != PCS_NONE) {
			PcsFileState *f = pcs_cache_file(c, ev->file);

			/* truncate_pagecache(): pages wholly past the new size go, no shadows kept,
			 * dirty data discarded. */
			c->stats.dropped_pages += pcs_cache_drop_range(c, ev->file,
				(ev->offset_bytes + PCS_PAGE_SIZE - 1) >> PCS_PAGE_SHIFT, G_MAXUINT64,
				TRUE);
			f = pcs_cache_file(c, ev->file);
			f->size_bytes = ev->offset_bytes;
			f->known_end = ev->offset_bytes;
		}
		break;
	case PCS_OP_FSYNC:
	case PCS_OP_FDATASYNC:
	case PCS_OP_SYNC:
	case PCS_OP_SYNC_RANGE:
		pcs_wb_sync_op(c, ev);
		break;
	case PCS_OP_DIRECT_WRITE:
		pcs_wb_direct(c, ev, TRUE);
		break;
	default:
		/* close: counted */
		break;
	}
	pcs_wb_request_done(c, pages);
}

void
pcs_cache_begin_trace(PcsCache *c)
{
	c->new_trace = TRUE;
}

void
pcs_cache_finish(PcsCache *c)
{
	pcs_wb_finish(c);
}

const GError *
pcs_cache_error(const PcsCache *c)
{
	return pcs_device_error(c->dev);
}

void
pcs_cache_set_ra_trace(PcsCache *c, PcsRaTraceFunc fn, gpointer user)
{
	c->ra_trace = fn;
	c->ra_trace_user = user;
}

void
pcs_cache_resolve_readahead(PcsCache *c, gboolean file_level)
{
	if (!c->level_known) {
		/* Block traces: a file id is a volume, which maps straight onto the device and
		 * has no end of file to read-modify-write against. */
		c->level_known = TRUE;
		c->block_level = !file_level;
		pcs_device_set_block_level(c->dev, !file_level);
	}
	if (!c->ra_auto)
		return;
	c->ra_auto = FALSE;
	c->ra.ra_pages = file_level ? PCS_READAHEAD_DEFAULT >> PCS_PAGE_SHIFT : 0;
	for (guint32 i = 0; i < c->nr_streams; i++)
		c->streams[i].ra_pages = c->ra.ra_pages;
}

guint64
pcs_cache_readahead_bytes(const PcsCache *c)
{
	return (guint64) c->ra.ra_pages << PCS_PAGE_SHIFT;
}

void
pcs_cache_time_device_calls(PcsCache *c, gboolean on)
{
	pcs_device_time_calls(c->dev, on);
}

guint64
pcs_cache_device_wall_ns(const PcsCache *c)
{
	return pcs_device_wall_ns(c->dev);
}

guint64
pcs_cache_nr_requests(const PcsCache *c)
{
	return c->stats.requests;
}

/*
 * The index is far larger than the CPU caches, so each lookup waits for memory. Submitting
 * events in batches lets the core prefetch ahead: the home slot of the event PREFETCH_SLOT
 * events ahead, and the page (or shadow) an already-arrived slot names PREFETCH_KEY ahead.
 * Only the first page of each request is prefetched; results are exactly those of
 * pcs_cache_submit() called in order.
 */
enum { PREFETCH_SLOT = 16, PREFETCH_KEY = 8 };

/* The home position of an event's first page, or G_MAXUINT64 for an event without one. */
static inline guint64
event_home(const PcsCache *c, const PcsIoEvent *e)
{
	if (e->offset_bytes == PCS_NONE)
		return G_MAXUINT64;
	return pcs_index_hash(&c->index, e->file, e->offset_bytes >> PCS_PAGE_SHIFT) &
	       c->index.mask;
}

/* Written out in the loop on purpose: GCC's pure/const analysis deletes calls to a helper
 * whose only effect is __builtin_prefetch. Each event's home is hashed once, for both
 * prefetches. */
void
pcs_cache_submit_batch(PcsCache *c, const PcsIoEvent *evs, gsize n)
{
	guint64 home[PREFETCH_SLOT];  /* home positions of events i .. i + PREFETCH_SLOT - 1 */

	for (gsize i = 0; i < MIN(n, PREFETCH_SLOT); i++)
		home[i] = event_home(c, &evs[i]);
	for (gsize i = 0; i < n; i++) {
		if (i + PREFETCH_SLOT < n) {
			const PcsIoEvent *e = &evs[i + PREFETCH_SLOT];
			guint64 page = e->offset_bytes >> PCS_PAGE_SHIFT;
			guint64 h = event_home(c, e);

			home[i % PREFETCH_SLOT] = h;
			if (h != G_MAXUINT64) {
				/* The slot, where a miss reads the page from, and for a miss at
				 * the start of a group the line of the page before it (context
				 * readahead looks it up). The page's place in its group is tested
				 * first: 7 events in 8 stop there (cachegrind, bench trace with
				 * readahead 128K: 0.4% fewer instructions in all). */
				__builtin_prefetch(&c->index.slots[h]);
				pcs_device_prefetch(c->dev, e->file, page);
				if (!(page & PCS_INDEX_GROUP_MASK) && page > 0 && c->ra.ra_pages)
					__builtin_prefetch(pcs_index_home(&c->index, e->file,
									  page - 1));
			}
		}
		if (i + PREFETCH_KEY < n) {
			guint64 h = home[(i + PREFETCH_KEY) % PREFETCH_SLOT];
			guint32 v = h != G_MAXUINT64 ? pcs_index_at(&c->index, h) : 0;

			if (v != 0)
				__builtin_prefetch(pcs_index_key(&c->index, v - 1));
		}
		pcs_cache_submit(c, &evs[i]);
	}
}

void
pcs_cache_note_bad_record(PcsCache *c)
{
	c->stats.bad_records++;
}

void
pcs_cache_note_file_size(PcsCache *c, guint32 file, guint64 size_bytes)
{
	PcsFileState *f = pcs_cache_file(c, file);

	f->size_hint = MAX(f->size_hint, size_bytes);
}

void
pcs_cache_note_filtered(PcsCache *c, guint64 records, guint64 bytes)
{
	c->stats.filtered_records += records;
	c->stats.filtered_bytes += bytes;
}

void
pcs_cache_stats(const PcsCache *c, PcsStats *out)
{
	*out = c->stats;
	c->lops->counts(c->lists, &out->active_pages, &out->inactive_pages);
	out->resident_pages = c->nr_resident;
	out->shadow_entries = c->workingset ? c->shadow.count : 0;
	out->dirty_pages = c->nr_dirty;
	out->writeback_pages = c->nr_writeback;
	pcs_device_stats(c->dev, out);
}

PcsPageState
pcs_cache_page_state(const PcsCache *c, guint32 file, guint64 page_index)
{
	guint32 s = pcs_index_lookup(&c->index, file, page_index);
	gboolean ref;

	if (s == PCS_NIL || (s & PCS_INDEX_SHADOW))
		return PCS_PAGE_ABSENT;
	s = pcs_cache_folio_head(c, s);
	ref = (c->pages[s].flags & PCS_PG_REFERENCED) != 0;
	if (c->pages[s].lru == PCS_LRU_ACTIVE)
		return ref ? PCS_PAGE_ACTIVE_REFERENCED : PCS_PAGE_ACTIVE;
	return ref ? PCS_PAGE_INACTIVE_REFERENCED : PCS_PAGE_INACTIVE;
}

gboolean
pcs_cache_check(const PcsCache *c, GError **error)
{
	guint64 active, inactive, resident = 0, shadows;
	guint32 nr_free = 0;

	if (!c->lops->check(c->lists, error))
		return FALSE;
	for (guint32 s = c->free_head; s != PCS_NIL; s = c->pages[s].next) {
		if (++nr_free > c->nr_used || c->pages[s].lru != PCS_LRU_NONE) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "free list: slot %u is on a list or the free list loops", s);
			return FALSE;
		}
	}
	for (guint32 s = 0; s < c->nr_used; s++) {
		const PcsPage *p = &c->pages[s];

		if (p->lru == PCS_LRU_NONE)
			continue;  /* free, or a tail (checked with its head) */
		resident += pcs_folio_pages(p);
		for (guint32 j = 0; j < pcs_folio_pages(p); j++) {
			guint32 e = pcs_index_lookup(&c->index, p->key.file, p->key.index + j);

			if (e != s && (j == 0 || e == PCS_NIL || (e & PCS_INDEX_SHADOW) ||
				       !(c->pages[e].flags & PCS_PG_TAIL) || c->pages[e].prev != s)) {
				g_set_error(error, PCS_CHECK_ERROR, 0,
					    "folio at slot %u (file %u page %" G_GUINT64_FORMAT
					    ", order %u): page %u is not indexed as its own", s,
					    p->key.file, p->key.index, p->order, j);
				return FALSE;
			}
		}
	}
	c->lops->counts(c->lists, &active, &inactive);
	shadows = c->workingset ? c->shadow.count : 0;
	if (resident != c->nr_resident || resident + shadows != c->index.count ||
	    resident != active + inactive || resident + nr_free != c->nr_used) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "counts disagree: %" G_GUINT64_FORMAT " pages on lists (%" G_GUINT64_FORMAT
			    " active + %" G_GUINT64_FORMAT " inactive), %" G_GUINT64_FORMAT
			    " resident, %" G_GUINT64_FORMAT " indexed with %" G_GUINT64_FORMAT
			    " shadows, %u free of %u used", resident, active, inactive,
			    c->nr_resident, c->index.count, shadows, nr_free, c->nr_used);
		return FALSE;
	}
	/* One index entry per key: a resident page is never also a shadow (the lookups above
	 * found every page at its own entry, and the shadow check finds every shadow at its). */
	return (!c->workingset || pcs_shadow_check(&c->shadow, &c->index, error)) &&
	       pcs_wb_check(c, error);
}
