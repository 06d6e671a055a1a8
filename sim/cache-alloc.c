/*
 * cache-alloc.c - pages in and out of the cache: allocation, reclaim, and the shadow entries
 * of workingset eviction and refault (mm/vmscan.c shrink_lruvec, mm/workingset.c).
 *
 *   miss ─► pcs_cache_page_alloc() (inline, cache-internal.h): a free slot, no shadow at pos
 *            └─ else pcs_cache_page_alloc_slow(): no free slot ─► reclaim() one batch
 *                                                  shadow at pos ─► refault: activate when
 *                                                  the distance <= active pages
 *   readahead with large folios ─► pcs_cache_folio_alloc(): reclaim until 2^order slots are
 *                                  free; the head's shadow decides the refault
 *
 *   reclaim(): the policy isolates a batch from its inactive tail (lops->shrink); each victim
 *   ages the clock by its pages, and each page's index entry becomes a shadow in place
 *   (pcs_shadow_evict()), pushing the oldest shadow out of the ring and the index.
 *
 * The clock (lruvec->nonresident_age) is derived from the counters: evictions + activations +
 * refault_activations, which tick exactly when the kernel's does.
 */
#include "config.h"

#include "cache-internal.h"
#include "util.h"

static inline guint64
nonresident_age(const PcsCache *c)
{
	return c->stats.evictions + c->stats.activations + c->stats.refault_activations;
}

/* A free slot for a page: the free list's first, else the slab's next never used. */
static inline guint32
slot_take(PcsCache *c)
{
	guint32 s = c->free_head;

	if (s != PCS_NIL) {
		c->free_head = c->pages[s].next;
		return s;
	}
	return c->nr_used++;
}

/* shrink_lruvec() for one batch: the policy picks, the core evicts and leaves shadows. */
static void
reclaim(PcsCache *c)
{
	guint32 n;

	/* Pages being read are issued before any could leave. */
	pcs_wb_read_flush(c);
	for (int tries = 0;; tries++) {
		guint64 met = c->stats.reclaim_dirty;

		n = c->lops->shrink(c->lists, c->cfg.reclaim_batch, c->victims);
		met = c->stats.reclaim_dirty - met;
		/* A batch's worth of dirty pages met: wake the flusher (shrink_inactive_list);
		 * nothing freed: write back and wait for the device. */
		if (met >= c->cfg.reclaim_batch || n == 0)
			pcs_wb_reclaim_stall(c, met >= c->cfg.reclaim_batch, n == 0);
		if (n > 0)
			break;
		g_assert(tries < 3);
	}
	c->stats.reclaims++;
	/* The evictions below probe the index at random: start every probe's memory early,
	 * and keep the hashes for the probes. */
	for (guint32 i = 0, r = c->shadow.head; i < n; i++) {
		const PcsKey *k = &c->pages[c->victims[i]].key;

		c->victim_hash[i] = pcs_index_hash(&c->index, k->file, k->index);
		__builtin_prefetch(&c->index.slots[c->victim_hash[i] & c->index.mask]);
		if (c->workingset) {
			const PcsKey *old = &c->shadow.ring[r].key;

			c->oldest_hash[i] = pcs_index_hash(&c->index, old->file, old->index);
			__builtin_prefetch(&c->index.slots[c->oldest_hash[i] & c->index.mask]);
			r = r + 1 == c->shadow.capacity ? 0 : r + 1;
		}
	}
	for (guint32 i = 0, evicted = 0; i < n; i++) {
		guint32 s = c->victims[i];
		guint32 nr = pcs_folio_pages(&c->pages[s]);
		guint64 clock;

		/* workingset_eviction(): age by the folio's pages first, then snapshot the clock
		 * into each page's index entry. */
		c->stats.evictions += nr;
		clock = nonresident_age(c);
		for (guint32 j = 0; j < nr; j++) {
			guint32 t = j == 0 ? s : pcs_cache_lookup(c, c->pages[s].key.file,
							   c->pages[s].key.index + j);
			PcsPage *p = &c->pages[t];

			g_assert(t != PCS_NIL && !(p->flags & PCS_PG_BUSY));
			c->stats.ra_wasted += (p->flags & PCS_PG_RA_UNUSED) != 0;
			/* The hashes above hold for a victim's first page, and for the shadows
			 * pushed out while no large folio has gone before. */
			if (c->workingset)
				pcs_shadow_evict(&c->shadow, &c->index, t, &p->key,
						 j == 0 ? c->victim_hash[i] : PCS_INDEX_NO_HASH,
						 evicted == i ? c->oldest_hash[i] : PCS_INDEX_NO_HASH,
						 clock, (c->pages[s].flags & PCS_PG_WORKINGSET) ?
						 PCS_SHADOW_WORKINGSET : 0);
			else
				pcs_index_remove_hashed(&c->index, t, &p->key, j == 0 ?
							c->victim_hash[i] : PCS_INDEX_NO_HASH);
			p->next = c->free_head;
			c->free_head = t;
			evicted++;
		}
		c->nr_resident -= nr;
	}
}

/*
 * Brings (file, index), whose index hash is `hash`, into the cache with page flags `flags` and
 * returns its slot; `pos` is where the index lookup that missed ended (an empty position, or
 * the page's shadow entry). is_write: a write allocation, which consumes a shadow without
 * refault detection. pcs_cache_page_alloc() (cache-internal.h) is its inline fast path.
 */
guint32
pcs_cache_page_alloc_slow(PcsCache *c, guint32 file, guint64 index, guint64 hash, guint64 pos,
			  gboolean is_write, guint16 flags)
{
	gboolean active = FALSE;
	guint32 s;

	if (c->free_head == PCS_NIL && c->nr_used == c->nr_pages) {
		reclaim(c);
		pos = pcs_index_find_hashed(&c->index, file, index, hash);  /* removals shifted */
	}
	s = slot_take(c);
	pcs_cache_page_init(c, s, file, index, flags);
	if (pcs_index_at(&c->index, pos) == 0) {
		pcs_index_insert_hashed(&c->index, pos, s, hash);
	} else {
		/* workingset_refault(), mm/workingset.c: the slot holds this page's shadow. */
		PcsShadowEntry sh;

		pcs_shadow_take(&c->shadow, &c->index, pos, &sh);
		pcs_index_replace_at(&c->index, pos, s);
		if (!is_write) {
			guint64 active_pages, inactive_pages;

			c->stats.refaults++;
			c->lops->counts(c->lists, &active_pages, &inactive_pages);
			if (pcs_shadow_distance(&sh, nonresident_age(c)) <= active_pages) {
				active = TRUE;
				c->stats.refault_activations++;
			}
		}
	}
	c->nr_resident++;
	c->lops->add(c->lists, s, active);
	return s;
}

/*
 * Brings the large folio [index, index + 2^order) of file into the cache (none of its pages
 * may be resident) and returns the head's slot. page_flags[j] are the flags of page j (the
 * marker is the head's). Refault detection looks at the shadow of the first page, as
 * workingset_refault() gets the folio's one shadow; the other pages' shadows are dropped.
 */
guint32
pcs_cache_folio_alloc(PcsCache *c, guint32 file, guint64 index, guint order,
		      const guint16 *page_flags)
{
	guint32 nr = 1u << order, head = PCS_NIL;
	gboolean active = FALSE;

	while (c->nr_pages - c->nr_resident < nr)
		reclaim(c);
	for (guint32 j = 0; j < nr; j++) {
		guint64 pos = pcs_index_find(&c->index, file, index + j);
		guint32 t;

		t = slot_take(c);
		pcs_cache_page_init(c, t, file, index + j, page_flags[j]);
		c->pages[t].lru = PCS_LRU_NONE;
		if (j == 0) {
			head = t;
			c->pages[t].order = (guint8) order;
		} else {
			c->pages[t].flags |= PCS_PG_TAIL;
			c->pages[t].prev = head;
		}
		if (pcs_index_at(&c->index, pos) == 0) {
			pcs_index_insert_at(&c->index, pos, t);
		} else {
			PcsShadowEntry sh;

			pcs_shadow_take(&c->shadow, &c->index, pos, &sh);
			pcs_index_replace_at(&c->index, pos, t);
			if (j == 0) {
				guint64 active_pages, inactive_pages;

				c->stats.refaults += nr;
				c->lops->counts(c->lists, &active_pages, &inactive_pages);
				if (pcs_shadow_distance(&sh, nonresident_age(c)) <= active_pages) {
					active = TRUE;
					c->stats.refault_activations += nr;
				}
			}
		}
	}
	c->nr_resident += nr;
	c->lops->add(c->lists, head, active);
	return head;
}
