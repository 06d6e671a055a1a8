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
 *
 * A 64-bit slot holds its key's hash above the entry:
 *
 *   slot = hash << ebits | compact entry + 1     (0 is empty)
 *
 * The compact entry is the slot number with the shadow tag just above it, so ebits is small
 * (21 bits for the bench's cache at 10%) and the hash gets the rest, kbits + 1 bits:
 *   - a narrow key (file below file_limit, page index below index_limit: with the bench's
 *     cache, 1,024 files of up to 16 TiB each) has a hash below 2^kbits that is a bijection
 *     of the key, so equal hashes are equal keys. A probe compares whole slots and reads
 *     neither page nor shadow, and a deletion finds a displaced entry's home in its slot;
 *   - a wide key's hash has bit kbits set and its low bits come from pcs_page_hash(), so a
 *     probe that matches it confirms the match by reading the entry's key.
 * Context readahead's look-up of the page before a miss, and a window's look-ups of its
 * pages, meet resident pages and shadows they do not otherwise touch; the bench trace with
 * readahead 128K read 2.65M such keys when every slot held 32 bits of hash, and each read was
 * a cache miss. bench/ra_ab: readahead's cost 22.7% -> 20.4% (medians of 4).
 *
 * Tables are at most 2^32 slots. In tables of more than 2^kbits slots (caches of about 2^28
 * pages, 1 TiB, and more) every key is wide and a deletion reads displaced entries' keys for
 * their homes. Nothing is allocated after pcs_index_init().
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
	guint64       *slots;        /* 0 = empty, else hash << ebits | compact entry + 1 */
	guint64        mask;
	const guint8  *base[2];      /* keys of untagged / shadow-tagged entries */
	gsize          stride[2];
	guint64        count;
	guint          sbits;        /* bits of a slot number; bit sbits of a compact entry is
				      * the shadow tag */
	guint          ebits;        /* low bits of a slot holding the compact entry + 1 */
	guint          kbits;        /* bits of a slot's hash below the wide flag */
	guint          pbits;        /* page-index bits of a narrow key */
	guint64        file_limit;   /* narrow: file < file_limit (0: no key is narrow) ... */
	guint64        index_limit;  /* ... and page index < index_limit */
	guint64        wide_mask;    /* a wide key's hash: page hash & wide_mask | wide_or */
	guint64        wide_or;
	guint64        key_mask;     /* a slot's hash: hash & key_mask | key_or */
	guint64        key_or;
	gboolean       home_from_key;  /* a slot's hash has fewer bits than a home */
	guint64        mix_mask;     /* pcs_index_mix() over kbits - 3 bits: its mask ... */
	guint          mix_shift;    /* ... and shift */
	guint64        entry_mask;   /* (1 << ebits) - 1 */
	guint64        slot_mask;    /* (1 << sbits) - 1 */
} PcsIndex;

/* Sizes the table for up to capacity entries (4x, rounded to a power of two); every entry's
 * slot number must be below capacity. shadows may be NULL when no entry will be tagged.
 * Cannot fail (g_malloc aborts on out-of-memory like the rest of GLib). */
void pcs_index_init(PcsIndex *ix, guint64 capacity, const void *pages, gsize page_stride,
		    const void *shadows, gsize shadow_stride);
/* pcs_index_init() with the layout of the largest caches at any size, for tests: every key
 * wide, and homes from keys. */
void pcs_index_init_all_wide(PcsIndex *ix, guint64 capacity, const void *pages,
			     gsize page_stride, const void *shadows, gsize shadow_stride);
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

/* A bijection of [0, 2^b), m = 2^b - 1, shift = b / 2: an xor-shift, an odd multiplier
 * modulo 2^b and an xor-shift, which brings the product's well-mixed high bits down to the
 * low bits that make a home. */
static inline guint64
pcs_index_mix(guint64 x, guint64 m, guint shift)
{
	x ^= x >> shift;
	x = (x * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15)) & m;
	return x ^ (x >> shift);
}

/*
 * The part of the hash a group's pages share: a loop over a run of pages computes it once
 * per group (pcs_index_hash_in()) instead of once per page. A narrow key's hash is a
 * bijection of the key below the wide flag, so the slot holds the hash and the hash is the
 * key; a wide key's hash carries the flag.
 */
static inline guint64
pcs_index_group_hash(const PcsIndex *ix, guint32 file, guint64 index)
{
	if (G_LIKELY(file < ix->file_limit && index < ix->index_limit))
		return pcs_index_mix((guint64) file << (ix->pbits - PCS_INDEX_GROUP_SHIFT) |
				     index >> PCS_INDEX_GROUP_SHIFT, ix->mix_mask,
				     ix->mix_shift) << PCS_INDEX_GROUP_SHIFT;
	return (pcs_page_hash(file, index >> PCS_INDEX_GROUP_SHIFT) << PCS_INDEX_GROUP_SHIFT &
		ix->wide_mask) | ix->wide_or;
}

static inline guint64
pcs_index_hash_in(guint64 group_hash, guint64 index)
{
	return group_hash | (index & PCS_INDEX_GROUP_MASK);
}

static inline guint64
pcs_index_hash(const PcsIndex *ix, guint32 file, guint64 index)
{
	return pcs_index_hash_in(pcs_index_group_hash(ix, file, index), index);
}

/* Where (file, index) would be probed first: for prefetching ahead of a lookup. */
static inline const guint64 *
pcs_index_home(const PcsIndex *ix, guint32 file, guint64 index)
{
	return &ix->slots[pcs_index_hash(ix, file, index) & ix->mask];
}

/* The hash part of the slot of a key whose hash is h (all of h but in the largest tables). */
static inline guint64
pcs_index_slot_key(const PcsIndex *ix, guint64 h)
{
	return (h & ix->key_mask) | ix->key_or;
}

/* The slot value of entry under hash part k. */
static inline guint64
pcs_index_slot_make(const PcsIndex *ix, guint64 k, guint32 entry)
{
	guint64 compact = PCS_INDEX_SLOT(entry) | (guint64) (entry >> 31) << ix->sbits;

	return k << ix->ebits | (compact + 1);
}

/* The entry + 1 in a slot value (0: empty). */
static inline guint32
pcs_index_slot_entry(const PcsIndex *ix, guint64 slot)
{
	guint64 c = (slot & ix->entry_mask) - 1;

	if (slot == 0)
		return 0;
	return (guint32) ((c & ix->slot_mask) | (c >> ix->sbits) << 31) + 1;
}

/* The entry + 1 at probe position pos (0: empty). */
static inline guint32
pcs_index_at(const PcsIndex *ix, guint64 pos)
{
	return pcs_index_slot_entry(ix, ix->slots[pos]);
}

/*
 * Finds (file, index), whose hash is h (pcs_index_hash()). Returns the probe position:
 * ix->slots[pos] is 0 when the key is absent (and pos is where it would be inserted), else
 * slot + 1.
 */
static inline guint64
pcs_index_find_hashed(const PcsIndex *ix, guint32 file, guint64 index, guint64 h)
{
	guint64 want = pcs_index_slot_key(ix, h);
	guint64 pos = h & ix->mask;
	guint64 v;

	if (G_LIKELY(!(want >> ix->kbits))) {
		/* A narrow key: equal slot keys are equal keys. */
		while ((v = ix->slots[pos]) != 0 && v >> ix->ebits != want)
			pos = (pos + 1) & ix->mask;
		return pos;
	}
	while ((v = ix->slots[pos]) != 0) {
		if (v >> ix->ebits == want) {
			const PcsKey *k = pcs_index_key(ix, pcs_index_slot_entry(ix, v) - 1);

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
	return pcs_index_find_hashed(ix, file, index, pcs_index_hash(ix, file, index));
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
	ix->slots[pos] = pcs_index_slot_make(ix, pcs_index_slot_key(ix, h), entry);
	ix->count++;
}

/* pcs_index_insert_hashed() when the hash is not at hand: from the entry's key. */
static inline void
pcs_index_insert_at(PcsIndex *ix, guint64 pos, guint32 entry)
{
	const PcsKey *k = pcs_index_key(ix, entry);

	pcs_index_insert_hashed(ix, pos, entry, pcs_index_hash(ix, k->file, k->index));
}

/* Replaces the entry at an occupied pos by another entry with the same key. */
static inline void
pcs_index_replace_at(PcsIndex *ix, guint64 pos, guint32 entry)
{
	ix->slots[pos] = pcs_index_slot_make(ix, ix->slots[pos] >> ix->ebits, entry);
}

/* Removes the entry at pos (which must be occupied) and shifts followers back. */
void pcs_index_remove_at(PcsIndex *ix, guint64 pos);

/* A hash argument that is not known: the callee computes it from the key. */
#define PCS_INDEX_NO_HASH G_MAXUINT64

/*
 * The probe position of an entry that is in the index under key *key, which hashes to h (or
 * PCS_INDEX_NO_HASH). Entries are unique, so it compares whole slots and reads no other key:
 * eviction finds the entries it removes without reading keys back. Aborts if the entry is
 * missing (a broken index).
 */
static inline guint64
pcs_index_find_entry(const PcsIndex *ix, guint32 entry, const PcsKey *key, guint64 h)
{
	guint64 want, pos, v;

	if (h == PCS_INDEX_NO_HASH)
		h = pcs_index_hash(ix, key->file, key->index);
	want = pcs_index_slot_make(ix, pcs_index_slot_key(ix, h), entry);
	pos = h & ix->mask;
	while ((v = ix->slots[pos]) != want) {
		if (G_UNLIKELY(v == 0))
			g_error("index: entry %u is not at its hash", entry);
		pos = (pos + 1) & ix->mask;
	}
	return pos;
}

/* Removes entry, whose key is *key with hash h (or PCS_INDEX_NO_HASH); the key must be
 * present and map to entry. */
static inline void
pcs_index_remove_hashed(PcsIndex *ix, guint32 entry, const PcsKey *key, guint64 h)
{
	pcs_index_remove_at(ix, pcs_index_find_entry(ix, entry, key, h));
}

static inline void
pcs_index_remove(PcsIndex *ix, guint32 entry)
{
	const PcsKey *k = pcs_index_key(ix, entry);

	pcs_index_remove_hashed(ix, entry, k, PCS_INDEX_NO_HASH);
}

#endif
