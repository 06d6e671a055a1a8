/*
 * dirty.c - the per-file dirty bitmap (see dirty.h).
 */
#include "config.h"

#include "dirty.h"

#define REGION_PAGES (G_GUINT64_CONSTANT(1) << PCS_DIRTY_REGION_SHIFT)
#define REGION_WORDS (REGION_PAGES / 64)

void
pcs_dirty_clear(PcsDirtyMap *m)
{
	for (guint64 r = 0; r < m->nr_dir; r++)
		g_free(m->dir[r].bits);
	g_free(m->dir);
	m->dir = NULL;
	m->nr_dir = 0;
	m->nr = 0;
}

gboolean
pcs_dirty_set(PcsDirtyMap *m, guint64 page)
{
	guint64 r = page >> PCS_DIRTY_REGION_SHIFT, off = page & (REGION_PAGES - 1);
	guint64 bit = G_GUINT64_CONSTANT(1) << (off & 63);
	PcsDirtyRegion *reg;

	if (G_UNLIKELY(r >= m->nr_dir)) {
		guint64 n = MAX(r + 1, m->nr_dir * 2);

		m->dir = g_renew(PcsDirtyRegion, m->dir, n);
		for (guint64 i = m->nr_dir; i < n; i++)
			m->dir[i] = (PcsDirtyRegion) { NULL, 0 };
		m->nr_dir = n;
	}
	reg = &m->dir[r];
	if (G_UNLIKELY(!reg->bits))
		reg->bits = g_new0(guint64, REGION_WORDS);
	if (reg->bits[off >> 6] & bit)
		return FALSE;
	reg->bits[off >> 6] |= bit;
	reg->count++;
	m->nr++;
	return TRUE;
}

gboolean
pcs_dirty_unset(PcsDirtyMap *m, guint64 page)
{
	guint64 r = page >> PCS_DIRTY_REGION_SHIFT, off = page & (REGION_PAGES - 1);
	guint64 bit = G_GUINT64_CONSTANT(1) << (off & 63);
	PcsDirtyRegion *reg;

	if (r >= m->nr_dir || !m->dir[r].bits || !(m->dir[r].bits[off >> 6] & bit))
		return FALSE;
	reg = &m->dir[r];
	reg->bits[off >> 6] &= ~bit;
	reg->count--;
	m->nr--;
	return TRUE;
}

gboolean
pcs_dirty_test(const PcsDirtyMap *m, guint64 page)
{
	guint64 r = page >> PCS_DIRTY_REGION_SHIFT, off = page & (REGION_PAGES - 1);

	return r < m->nr_dir && m->dir[r].bits &&
	       (m->dir[r].bits[off >> 6] >> (off & 63)) & 1;
}

guint64
pcs_dirty_next(const PcsDirtyMap *m, guint64 from)
{
	guint64 r = from >> PCS_DIRTY_REGION_SHIFT, off = from & (REGION_PAGES - 1);

	if (m->nr == 0)
		return PCS_DIRTY_NONE;
	for (; r < m->nr_dir; r++, off = 0) {
		const PcsDirtyRegion *reg = &m->dir[r];
		guint64 w = off >> 6;
		guint64 word;

		if (reg->count == 0)
			continue;
		word = reg->bits[w] & (~G_GUINT64_CONSTANT(0) << (off & 63));
		for (;;) {
			if (word)
				return (r << PCS_DIRTY_REGION_SHIFT) + (w << 6) +
				       (guint64) __builtin_ctzll(word);
			if (++w == REGION_WORDS)
				break;
			word = reg->bits[w];
		}
	}
	return PCS_DIRTY_NONE;
}
