/*
 * index.h - open-addressing index from (file, page index) to a 32-bit entry (internal).
 *
 * Like the kernel's xarray of a mapping, one table holds both resident pages and the shadow
 * entries of evicted ones: an entry is a page slot, or a shadow-ring slot tagged with
 * PCS_INDEX_SHADOW. So a miss finds its shadow with the same probe, and eviction turns a
 * page's entry into a shadow in place. The index does not own keys: an entry's key is the
 * PcsKey at base[tag] + slot * stride[tag] (the page slab or the shadow ring).
 *
 * Linear probing over a power-of-two table kept at most a quarter full (index.c); deletion
 * shifts entries back (no tombstones), so lookups stay short however long the replay runs.
 * Each 64-bit slot holds the entry (high half, + 1; 0 is empty) and the low 32 bits of the
 * key's hash, so a probe compares keys only when the hashes agree, and a deletion finds where
 * a displaced entry belongs without reading its key: the index rarely touches the page slab
 * or the shadow ring it does not need. Tables are at most 2^32 slots. Nothing is allocated
 * after pcs_index_init().
 */
#ifndef PCSIM_INDEX_H
#define PCSIM_INDEX_H

#include <glib.h>
#include "page.h"
#include "util.h"

/* Tag of entries that name a shadow-ring slot rather than a page slot. */
#define PCS_INDEX_SHADOW 0x80000000u
#define PCS_INDEX_SLOT(entry) ((entry) & ~PCS_INDEX_SHADOW)

typedef struct {
	guint64       *slots;     /* 0 = empty, else (entry + 1) << 32 | low 32 bits of the hash */
	guint64        mask;
	const guint8  *base[2];   /* keys of untagged / shadow-tagged entries */
	gsize          stride[2];
	guint64        count;
} PcsIndex;

/* Sizes the table for up to capacity entries (2x, rounded to a power of two). shadows may be
 * NULL when no entry will be tagged. Cannot fail (g_malloc aborts on out-of-memory like the
 * rest of GLib). */
void pcs_index_init(PcsIndex *ix, guint64 capacity, const void *pages, gsize page_stride,
		    const void *shadows, gsize shadow_stride);
void pcs_index_clear(PcsIndex *ix);

static inline const PcsKey *
pcs_index_key(const PcsIndex *ix, guint32 entry)
{
	guint t = entry >> 31;

	return (const PcsKey *) (ix->base[t] + (gsize) PCS_INDEX_SLOT(entry) * ix->stride[t]);
}

/*
 * The index's hash: a file's pages in aligned groups of 8 get 8 consecutive homes (one 64-byte
 * line of slots in a big, 2 MiB-aligned table), the groups themselves are scattered. So the
 * page before a miss that context readahead looks up, the run a readahead window inserts
 * and the run reclaim later removes share cache lines instead of costing a miss each.
 * `pcsim gen seq --requests 4000000 --size 8G --files 4` at --cache 2G: 1.17 s -> 0.96 s
 * (user, median of 5); the bench's random trace with readahead 128K: 7.25 s -> 7.02 s, within
 * this machine's noise. Groups make longer runs of occupied slots, which is why the table
 * is at most a quarter full (index.c).
 */
#define PCS_INDEX_GROUP_SHIFT 3
#define PCS_INDEX_GROUP_MASK ((1u << PCS_INDEX_GROUP_SHIFT) - 1)

/* The part of the hash a group's pages share: a loop over a run of pages computes it once
 * per group (pcs_index_hash_in()) instead of once per page. */
static inline guint64
pcs_index_group_hash(guint32 file, guint64 index)
{
	return pcs_page_hash(file, index >> PCS_INDEX_GROUP_SHIFT) << PCS_INDEX_GROUP_SHIFT;
}

static inline guint64
pcs_index_hash_in(guint64 group_hash, guint64 index)
{
	return group_hash | (index & PCS_INDEX_GROUP_MASK);
}

static inline guint64
pcs_index_hash(guint32 file, guint64 index)
{
	return pcs_index_hash_in(pcs_index_group_hash(file, index), index);
}

/* Where (file, index) would be probed first: for prefetching ahead of a lookup. */
static inline const guint64 *
pcs_index_home(const PcsIndex *ix, guint32 file, guint64 index)
{
	return &ix->slots[pcs_index_hash(file, index) & ix->mask];
}

/* The entry + 1 in a slot value (0: empty). */
static inline guint32
pcs_index_slot_entry(guint64 slot)
{
	return (guint32) (slot >> 32);
}

/* The entry + 1 at probe position pos (0: empty). */
static inline guint32
pcs_index_at(const PcsIndex *ix, guint64 pos)
{
	return pcs_index_slot_entry(ix->slots[pos]);
}

/*
 * Finds (file, index), whose hash is h (pcs_index_hash()). Returns the probe position:
 * ix->slots[pos] is 0 when the key is absent (and pos is where it would be inserted), else
 * slot + 1.
 */
static inline guint64
pcs_index_find_hashed(const PcsIndex *ix, guint32 file, guint64 index, guint64 h)
{
	guint64 pos = h & ix->mask;
	guint64 v;

	while ((v = ix->slots[pos]) != 0) {
		if ((guint32) v == (guint32) h) {
			const PcsKey *k = pcs_index_key(ix, pcs_index_slot_entry(v) - 1);

			if (k->index == index && k->file == file)
				break;
		}
		pos = (pos + 1) & ix->mask;
	}
	return pos;
}

static inline guint64
pcs_index_find(const PcsIndex *ix, guint32 file, guint64 index)
{
	return pcs_index_find_hashed(ix, file, index, pcs_index_hash(file, index));
}

/* The entry of (file, index), or PCS_NIL. */
static inline guint32
pcs_index_lookup(const PcsIndex *ix, guint32 file, guint64 index)
{
	return pcs_index_at(ix, pcs_index_find(ix, file, index)) - 1;  /* 0 - 1 == PCS_NIL */
}

/* Inserts entry, whose key hashes to h (pcs_index_hash()), at a position a look-up of that key
 * returned, with no change to the table in between. */
static inline void
pcs_index_insert_hashed(PcsIndex *ix, guint64 pos, guint32 entry, guint64 h)
{
	ix->slots[pos] = (guint64) (entry + 1) << 32 | (guint32) h;
	ix->count++;
}

/* pcs_index_insert_hashed() when the hash is not at hand: from the entry's key. */
static inline void
pcs_index_insert_at(PcsIndex *ix, guint64 pos, guint32 entry)
{
	const PcsKey *k = pcs_index_key(ix, entry);

	pcs_index_insert_hashed(ix, pos, entry, pcs_index_hash(k->file, k->index));
}

/* Replaces the entry at an occupied pos by another entry with the same key. */
static inline void
pcs_index_replace_at(PcsIndex *ix, guint64 pos, guint32 entry)
{
	ix->slots[pos] = (guint64) (entry + 1) << 32 | (guint32) ix->slots[pos];
}

/* Removes the entry at pos (which must be occupied) and shifts followers back. */
void pcs_index_remove_at(PcsIndex *ix, guint64 pos);

/* A hash argument that is not known: the callee computes it from the key. */
#define PCS_INDEX_NO_HASH G_MAXUINT64

/*
 * The probe position of an entry that is in the index, whose key hashes to h. Entries are
 * unique, so it compares whole slots, never keys: eviction finds the entries it removes
 * without reading keys back. Aborts if the entry is missing (a broken index).
 */
static inline guint64
pcs_index_find_entry(const PcsIndex *ix, guint32 entry, guint64 h)
{
	guint64 want = (guint64) (entry + 1) << 32 | (guint32) h;
	guint64 pos = h & ix->mask;
	guint64 v;

	while ((v = ix->slots[pos]) != want) {
		if (G_UNLIKELY(v == 0))
			g_error("index: entry %u is not at its hash", entry);
		pos = (pos + 1) & ix->mask;
	}
	return pos;
}

/* Removes entry's key, whose hash is h (or PCS_INDEX_NO_HASH); the key must be present and
 * map to entry. */
static inline void
pcs_index_remove_hashed(PcsIndex *ix, guint32 entry, guint64 h)
{
	if (h == PCS_INDEX_NO_HASH) {
		const PcsKey *k = pcs_index_key(ix, entry);

		h = pcs_index_hash(k->file, k->index);
	}
	pcs_index_remove_at(ix, pcs_index_find_entry(ix, entry, h));
}

static inline void
pcs_index_remove(PcsIndex *ix, guint32 entry)
{
	pcs_index_remove_hashed(ix, entry, PCS_INDEX_NO_HASH);
}

#endif
