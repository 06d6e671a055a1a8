/*
 * shadow.c - shadow entries: what reclaim leaves behind in the page cache (mm/workingset.c).
 *
 * When reclaim evicts a page, the kernel stores a shadow entry in its slot holding the
 * eviction clock (lruvec->nonresident_age, which ticks on every eviction and activation) and
 * the page's PG_workingset bit. When the page is read back, workingset_refault() computes the
 * refault distance, clock_now - clock_at_eviction, and activates the page if the distance is
 * at most the size of the active list: the page would have stayed resident had the inactive
 * list been that much larger.
 *
 *   index slot of (file, page):  page entry ──evict──► shadow entry ──refault──► page entry
 *                                                        │
 *   ring (FIFO of the last `capacity` evictions):  [ ... | e(head) oldest | ... ]
 *
 * As in the kernel's xarray, the shadow takes the page's place in the one index, so a miss
 * finds its shadow with the probe it already made and eviction rewrites the entry in place.
 *
 * Bound: the kernel limits shadow nodes with a shrinker (workingset_count_shadow_nodes); pcsim
 * keeps the shadows of the last `capacity` evictions, cache pages + one reclaim batch. A
 * shadow that falls out of the ring is at least `capacity` evictions old, so its distance
 * (which counts evictions and activations) exceeds the whole cache and therefore any possible
 * active list: activation decisions are exact. Only refaults that could never activate go
 * uncounted once they are that distant; `refaults` counts those within one cache size of
 * evictions, which is what a working-set estimate needs.
 *
 * A shadow is consumed when its page comes back (refault or write allocation) and is never
 * stored by truncation, invalidation or fadvise(DONTNEED) (only reclaim stores shadows).
 */
#include "config.h"

#include "lists.h"
#include "shadow.h"
#include "util.h"

void
pcs_shadow_init(PcsShadow *sh, guint32 capacity)
{
	g_assert(capacity < PCS_INDEX_SHADOW);
	sh->capacity = MAX(capacity, 1);
	sh->ring = pcs_alloc_big((gsize) sh->capacity * sizeof(PcsShadowEntry));
	sh->head = 0;
	sh->count = 0;
}

void
pcs_shadow_clear(PcsShadow *sh)
{
	g_clear_pointer(&sh->ring, pcs_free_big);
}

void
pcs_shadow_take(PcsShadow *sh, PcsIndex *ix, guint64 pos, PcsShadowEntry *out)
{
	guint32 entry = pcs_index_at(ix, pos) - 1;
	PcsShadowEntry *e = &sh->ring[PCS_INDEX_SLOT(entry)];

	g_assert(entry & PCS_INDEX_SHADOW);
	*out = *e;
	e->meta = 0;
	sh->count--;
}

gboolean
pcs_shadow_check(const PcsShadow *sh, const PcsIndex *ix, GError **error)
{
	guint32 valid = 0;

	for (guint32 r = 0; r < sh->capacity; r++) {
		const PcsShadowEntry *e = &sh->ring[r];

		if (!(e->meta & PCS_SHADOW_VALID))
			continue;
		valid++;
		if (pcs_index_lookup(ix, e->key.file, e->key.index) != (r | PCS_INDEX_SHADOW)) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "shadow ring slot %u (file %u page %" G_GUINT64_FORMAT
				    ") is not indexed as that shadow", r, e->key.file, e->key.index);
			return FALSE;
		}
	}
	if (valid != sh->count) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "shadow count says %u entries, the ring has %u valid", sh->count, valid);
		return FALSE;
	}
	return TRUE;
}
