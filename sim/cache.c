/*
 * cache.c - the page-cache core: lookup, insertion, reclaim and refault detection.
 *
 * The core owns the pages; a list policy orders them and the shadow ring remembers evicted
 * ones. For each request the core walks the pages it overlaps (4 KiB each):
 *
 *   event ─► op? ──read/sendfile──► for each page: index lookup
 *                 │                    hit:  access(MARK unless same-page rule)
 *                 │                    miss: alloc ─► [reclaim a batch if full] ─► shadow?
 *                 │                          ─► add(inactive | active on refault) ─► access
 *                 ├──write────────► same walk, never MARK, shadows dropped without refault
 *                 ├──open─────────► the stream's read position is forgotten
 *                 └──other ops────► counted (later models act on them)
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
 * Hot path: no allocation. Pages come from a slab sized at creation; the index and the shadow
 * ring are sized at creation; victims go into a preallocated array. Only a new stream id
 * grows the stream array (amortised, once per stream).
 *
 * Invariants (pcs_cache_check): index.count == resident pages + shadows; resident pages ==
 * pages on the lists; every resident page is indexed at its slot and every shadow at its ring
 * slot (so no page is both); free slots are on no list.
 */
#include "config.h"

#include <pcsim/cache.h>
#include "index.h"
#include "lists.h"
#include "page.h"
#include "shadow.h"
#include "util.h"

typedef struct {
	guint64 prev_pos;  /* end of the last read on this stream; G_MAXUINT64 after open */
} PcsStream;

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
	guint64            nr_resident;
	PcsStream         *streams;
	guint32            nr_streams;
	PcsStats           stats;
};

PcsCache *
pcs_cache_new(const PcsConfig *cfg, GError **error)
{
	guint64 nr = pcs_config_cache_pages(cfg);
	PcsCache *c;

	if (nr < cfg->reclaim_batch || nr > G_MAXINT32) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "a cache of %" G_GUINT64_FORMAT " pages cannot work: it needs at least "
			    "reclaim_batch (%u) and at most 2^31 pages", nr, cfg->reclaim_batch);
		return NULL;
	}
	c = g_new0(PcsCache, 1);
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
	g_free(c->streams);
	g_free(c);
}

static inline guint64
nonresident_age(const PcsCache *c)
{
	return c->stats.evictions + c->stats.activations + c->stats.refault_activations;
}

/* shrink_lruvec() for one batch: the policy picks, the core evicts and leaves shadows. */
static void
reclaim(PcsCache *c)
{
	guint32 n = c->lops->shrink(c->lists, c->cfg.reclaim_batch, c->victims);

	g_assert(n > 0);
	c->stats.reclaims++;
	/* The evictions below probe the index at random: start every probe's memory early. */
	for (guint32 i = 0; i < n; i++) {
		const PcsKey *k = &c->pages[c->victims[i]].key;

		__builtin_prefetch(pcs_index_home(&c->index, k->file, k->index));
		if (c->workingset) {
			const PcsKey *old = &c->shadow.ring[(c->shadow.head + i) % c->shadow.capacity].key;

			__builtin_prefetch(pcs_index_home(&c->index, old->file, old->index));
		}
	}
	for (guint32 i = 0; i < n; i++) {
		guint32 s = c->victims[i];
		PcsPage *p = &c->pages[s];

		c->stats.evictions++;
		/* workingset_eviction(): age first, then snapshot into the page's index entry. */
		if (c->workingset)
			pcs_shadow_evict(&c->shadow, &c->index, s, &p->key, nonresident_age(c),
					 (p->flags & PCS_PG_WORKINGSET) ? PCS_SHADOW_WORKINGSET : 0);
		else
			pcs_index_remove(&c->index, s);
		p->next = c->free_head;
		c->free_head = s;
	}
	c->nr_resident -= n;
}

/*
 * Brings (file, index) into the cache and returns its slot; `pos` is where the index lookup
 * that missed ended (an empty position, or the page's shadow entry). is_write: a write
 * allocation, which consumes a shadow without refault detection.
 */
static guint32
page_alloc(PcsCache *c, guint32 file, guint64 index, guint64 pos, gboolean is_write)
{
	gboolean active = FALSE;
	guint32 s;

	if (c->free_head == PCS_NIL && c->nr_used == c->nr_pages) {
		reclaim(c);
		pos = pcs_index_find(&c->index, file, index);  /* removals shifted entries */
	}
	if (c->free_head != PCS_NIL) {
		s = c->free_head;
		c->free_head = c->pages[s].next;
	} else {
		s = c->nr_used++;
	}
	c->pages[s].key.file = file;
	c->pages[s].key.index = index;
	c->pages[s].flags = 0;
	if (c->index.slots[pos] == 0) {
		pcs_index_insert_at(&c->index, pos, s);
	} else {
		/* workingset_refault(), mm/workingset.c: the slot holds this page's shadow. */
		PcsShadowEntry sh;

		pcs_shadow_take(&c->shadow, &c->index, pos, &sh);
		pcs_index_replace_at(&c->index, pos, s);
		if (!is_write) {
			guint64 active_pages, inactive_pages;

			c->stats.refaults++;
			c->lops->counts(c->lists, &active_pages, &inactive_pages);
			if (nonresident_age(c) - sh.clock <= active_pages) {
				active = TRUE;
				c->stats.refault_activations++;
			}
		}
	}
	c->nr_resident++;
	c->lops->add(c->lists, s, active);
	return s;
}

static PcsStream *
stream_get(PcsCache *c, guint32 id)
{
	if (G_UNLIKELY(id >= c->nr_streams)) {
		guint32 n = MAX(id + 1, c->nr_streams * 2);

		c->streams = g_renew(PcsStream, c->streams, n);
		for (guint32 i = c->nr_streams; i < n; i++)
			c->streams[i].prev_pos = G_MAXUINT64;
		c->nr_streams = n;
	}
	return &c->streams[id];
}

/* One read() or write() of [offset, offset + len) on a stream. */
static void
do_request(PcsCache *c, const PcsIoEvent *ev, gboolean is_write)
{
	guint64 first, last, nr, hits = 0;
	guint32 file = ev->file;
	PcsStream *st;
	gboolean same_page = FALSE;

	if (ev->len_bytes == 0 || ev->len_bytes == PCS_NONE || ev->offset_bytes == PCS_NONE ||
	    ev->len_bytes - 1 > G_MAXUINT64 - ev->offset_bytes)
		return;  /* readers reject these; nothing to access */
	first = ev->offset_bytes >> PCS_PAGE_SHIFT;
	last = (ev->offset_bytes + (ev->len_bytes - 1)) >> PCS_PAGE_SHIFT;
	nr = last - first + 1;
	st = stream_get(c, ev->stream);
	if (!is_write) {
		/* pos_same_folio(ki_pos, prev_pos - 1): the read starts where the last one ended. */
		same_page = st->prev_pos != G_MAXUINT64 && st->prev_pos > 0 &&
			    ((st->prev_pos - 1) >> PCS_PAGE_SHIFT) == first;
		st->prev_pos = ev->offset_bytes + ev->len_bytes;
	}
	for (guint64 i = first; i <= last; i++) {
		guint64 pos = pcs_index_find(&c->index, file, i);
		guint32 v = c->index.slots[pos];
		guint flags = (is_write || (same_page && i == first)) ? 0 : PCS_ACCESS_MARK;

		if (v != 0 && !((v - 1) & PCS_INDEX_SHADOW)) {
			hits++;
			c->lops->access(c->lists, v - 1, flags);
		} else {
			guint32 s = page_alloc(c, file, i, pos, is_write);

			c->lops->access(c->lists, s, flags | PCS_ACCESS_NEW);
		}
	}
	c->stats.requests++;
	c->stats.accesses += nr;
	c->stats.hits += hits;
	c->stats.misses += nr - hits;
	c->stats.request_hits += hits == nr;
	if (is_write) {
		c->stats.write_requests++;
		c->stats.write_accesses += nr;
		c->stats.write_hits += hits;
	} else {
		c->stats.read_requests++;
		c->stats.read_accesses += nr;
		c->stats.read_hits += hits;
	}
}

void
pcs_cache_submit(PcsCache *c, const PcsIoEvent *ev)
{
	if (G_UNLIKELY(ev->op >= PCS_OP_COUNT))
		return;
	c->stats.ops[ev->op]++;
	if (ev->t_ns != PCS_TIME_UNKNOWN) {
		if (c->stats.first_t_ns == PCS_TIME_UNKNOWN)
			c->stats.first_t_ns = ev->t_ns;
		c->stats.last_t_ns = ev->t_ns;
	}
	switch ((PcsOp) ev->op) {
	case PCS_OP_READ:
	case PCS_OP_SENDFILE:
		do_request(c, ev, FALSE);
		break;
	case PCS_OP_WRITE:
		do_request(c, ev, TRUE);
		break;
	case PCS_OP_OPEN:
		/* A new open file description: file_ra_state_init() sets prev_pos = -1. */
		stream_get(c, ev->stream)->prev_pos = G_MAXUINT64;
		break;
	default:
		/* fsync, fadvise, mmap, direct I/O, truncate: counted; modelled by later issues. */
		break;
	}
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

/* Written out in the loop on purpose: GCC's pure/const analysis deletes calls to a helper
 * whose only effect is __builtin_prefetch. */
void
pcs_cache_submit_batch(PcsCache *c, const PcsIoEvent *evs, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		if (i + PREFETCH_SLOT < n && evs[i + PREFETCH_SLOT].offset_bytes != PCS_NONE) {
			const PcsIoEvent *e = &evs[i + PREFETCH_SLOT];

			__builtin_prefetch(pcs_index_home(&c->index, e->file,
							  e->offset_bytes >> PCS_PAGE_SHIFT));
		}
		if (i + PREFETCH_KEY < n && evs[i + PREFETCH_KEY].offset_bytes != PCS_NONE) {
			const PcsIoEvent *e = &evs[i + PREFETCH_KEY];
			guint32 v = *pcs_index_home(&c->index, e->file,
						    e->offset_bytes >> PCS_PAGE_SHIFT);

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
pcs_cache_stats(const PcsCache *c, PcsStats *out)
{
	*out = c->stats;
	c->lops->counts(c->lists, &out->active_pages, &out->inactive_pages);
	out->resident_pages = c->nr_resident;
	out->shadow_entries = c->workingset ? c->shadow.count : 0;
}

PcsPageState
pcs_cache_page_state(const PcsCache *c, guint32 file, guint64 page_index)
{
	guint32 s = pcs_index_lookup(&c->index, file, page_index);
	gboolean ref;

	if (s == PCS_NIL || (s & PCS_INDEX_SHADOW))
		return PCS_PAGE_ABSENT;
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
			continue;
		resident++;
		if (pcs_index_lookup(&c->index, p->key.file, p->key.index) != s) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "page slot %u (file %u page %" G_GUINT64_FORMAT ") is not indexed",
				    s, p->key.file, p->key.index);
			return FALSE;
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
	return !c->workingset || pcs_shadow_check(&c->shadow, &c->index, error);
}
