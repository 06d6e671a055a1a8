/*
 * index.c - open-addressing page index: sizing and backward-shift deletion.
 *
 * Lookups and insertion are inline in index.h (they are the hot path). Deletion follows
 * Knuth's algorithm R for linear probing: after emptying a position, walk the run that
 * follows and move back every entry whose home position does not lie cyclically in
 * (hole, entry]; the table never holds tombstones, so a long replay does not slow down.
 *
 * Invariant: for every occupied pos, every position from the entry's home up to pos is
 * occupied (that is what lets pcs_index_find() stop at the first empty position).
 */
#include "config.h"

#include "index.h"

static void
init(PcsIndex *ix, guint64 capacity, const void *pages, gsize page_stride, const void *shadows,
     gsize shadow_stride, gboolean all_wide)
{
	/* Four slots per entry: at most a quarter full. Groups of 8 pages fill whole lines of
	 * slots (index.h), so a table half full made runs of several lines, which every probe
	 * and backward shift walked: the bench's random trace with readahead 128K ran 7% fewer
	 * instructions with four slots per entry (cachegrind: 27.74G -> 26.57G; 22.66G -> 22.14G
	 * without readahead). Memory: 32 bytes per entry instead of 16. Two per entry where
	 * four would pass 2^32 slots. */
	guint64 size = pcs_roundup_pow2(MAX(capacity * 4, 16));
	guint sbits = 0;

	if (size > (G_GUINT64_CONSTANT(1) << 32))
		size = pcs_roundup_pow2(capacity * 2);
	g_assert(size <= (G_GUINT64_CONSTANT(1) << 32));
	while ((G_GUINT64_CONSTANT(1) << sbits) < capacity)
		sbits++;
	g_assert(sbits <= 31);
	ix->slots = pcs_alloc_big(size * sizeof(guint64));
	ix->mask = size - 1;
	ix->base[0] = pages;
	ix->stride[0] = page_stride;
	ix->base[1] = shadows;
	ix->stride[1] = shadow_stride;
	ix->count = 0;
	/* A compact entry is a slot number (sbits) and the shadow tag; + 1 needs one more bit.
	 * The hash takes the rest, 42 bits and the wide flag for the bench at 10%. A narrow key
	 * gives the page index up to 32 bits and the file at least 8. */
	ix->sbits = sbits;
	ix->ebits = sbits + 2;
	ix->kbits = 64 - ix->ebits - 1;
	ix->pbits = MIN(32, ix->kbits - 8);
	ix->file_limit = G_GUINT64_CONSTANT(1) << (ix->kbits - ix->pbits);
	ix->index_limit = G_GUINT64_CONSTANT(1) << ix->pbits;
	ix->wide_mask = (G_GUINT64_CONSTANT(1) << ix->kbits) - 1;
	ix->wide_or = G_GUINT64_CONSTANT(1) << ix->kbits;
	ix->key_mask = G_MAXUINT64;
	ix->key_or = 0;
	ix->home_from_key = FALSE;
	ix->mix_mask = (G_GUINT64_CONSTANT(1) << (ix->kbits - PCS_INDEX_GROUP_SHIFT)) - 1;
	ix->mix_shift = (ix->kbits - PCS_INDEX_GROUP_SHIFT) / 2;
	ix->entry_mask = (G_GUINT64_CONSTANT(1) << ix->ebits) - 1;
	ix->slot_mask = (G_GUINT64_CONSTANT(1) << sbits) - 1;
	if (all_wide || size > (G_GUINT64_CONSTANT(1) << ix->kbits)) {
		/* Homes need more bits than a slot's hash holds (caches of about 2^28 pages):
		 * every key is wide, hashed on 64 bits, its slot keeps the low kbits, and a
		 * backward shift reads a displaced entry's key for its home. */
		ix->file_limit = 0;
		ix->wide_mask = G_MAXUINT64;
		ix->wide_or = 0;
		ix->key_mask = (G_GUINT64_CONSTANT(1) << ix->kbits) - 1;
		ix->key_or = G_GUINT64_CONSTANT(1) << ix->kbits;
		ix->home_from_key = TRUE;
	}
}

void
pcs_index_init(PcsIndex *ix, guint64 capacity, const void *pages, gsize page_stride,
	       const void *shadows, gsize shadow_stride)
{
	init(ix, capacity, pages, page_stride, shadows, shadow_stride, FALSE);
}

void
pcs_index_init_all_wide(PcsIndex *ix, guint64 capacity, const void *pages, gsize page_stride,
			const void *shadows, gsize shadow_stride)
{
	init(ix, capacity, pages, page_stride, shadows, shadow_stride, TRUE);
}

void
pcs_index_clear(PcsIndex *ix)
{
	g_clear_pointer(&ix->slots, pcs_free_big);
	ix->count = 0;
}

/* The hash of the key in slot value v (occupied), as far as homes go: the slot's hash part,
 * unless homes need more bits than it holds. */
static inline guint64
pcs_index_slot_home(const PcsIndex *ix, guint64 v)
{
	const PcsKey *key;

	if (G_LIKELY(!ix->home_from_key))
		return v >> ix->ebits;
	key = pcs_index_key(ix, pcs_index_slot_entry(ix, v) - 1);
	return pcs_index_hash(ix, key->file, key->index);
}

/*
 * The loop is written out twice, for homes in slots and homes from keys, with the table's
 * fields in locals: the stores to slots could alias them (both guint64), so the compiler
 * reloaded them after every move, and it tested home_from_key in every step. Each follower
 * is tested by its distance from its home against the hole's distance d, counted along.
 * cachegrind, bench trace at a 10% cache: 0.63G -> 0.54G instructions here at readahead 0,
 * 1.22G -> 1.02G at 128K (whose windows fill whole groups, so runs are longer).
 */
void
pcs_index_remove_at(PcsIndex *ix, guint64 hole)
{
	guint64 *slots = ix->slots;
	const guint64 mask = ix->mask;
	const guint ebits = ix->ebits;
	guint64 j = hole, d = 0, v;

	g_assert(slots[hole] != 0);
	slots[hole] = 0;
	ix->count--;
	if (G_LIKELY(!ix->home_from_key)) {
		for (;;) {
			j = (j + 1) & mask;
			d++;
			if ((v = slots[j]) == 0)
				return;
			/* Move back unless home lies cyclically in (hole, j]: j - home < d. */
			if (((j - (v >> ebits)) & mask) >= d) {
				slots[hole] = v;
				slots[j] = 0;
				hole = j;
				d = 0;
			}
		}
	}
	for (;;) {
		j = (j + 1) & mask;
		d++;
		if ((v = slots[j]) == 0)
			return;
		if (((j - pcs_index_slot_home(ix, v)) & mask) >= d) {
			slots[hole] = v;
			slots[j] = 0;
			hole = j;
			d = 0;
		}
	}
}
