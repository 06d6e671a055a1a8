/*
 * util.h - small inline helpers shared by the engine's modules (internal).
 */
#ifndef PCSIM_UTIL_H
#define PCSIM_UTIL_H

#include <glib.h>

/* A 64-bit finaliser (murmur3 fmix64): spreads keys over an open-addressing table. */
static inline guint64
pcs_mix64(guint64 x)
{
	x ^= x >> 33;
	x *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* Hash of a page identity (file id, page index). */
static inline guint64
pcs_page_hash(guint32 file, guint64 index)
{
	return pcs_mix64(index ^ ((guint64) file * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
}

/* Integer square root (floor), as the kernel's int_sqrt(). */
static inline guint64
pcs_int_sqrt(guint64 x)
{
	guint64 r = 0, bit = (guint64) 1 << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* Smallest power of two >= x (x >= 1, x <= 2^63). */
static inline guint64
pcs_roundup_pow2(guint64 x)
{
	guint64 p = 1;

	while (p < x)
		p <<= 1;
	return p;
}

/*
 * Allocates a large zeroed table (the page slab, the index, the shadow ring) aligned to 2 MiB
 * and asks for transparent huge pages: a replay touches these tables at random, and with 4 KiB
 * pages most lookups would also miss the TLB. Free with pcs_free_big(). Cannot fail (aborts on
 * out-of-memory, as g_malloc does).
 */
gpointer pcs_alloc_big(gsize bytes);
void pcs_free_big(gpointer p);

#endif
