/*
 * dirty.h - which pages of one file are dirty, in index order (internal).
 *
 * The kernel tags dirty folios in the mapping's xarray (PAGECACHE_TAG_DIRTY) so that
 * ->writepages can walk them in index order from mapping->writeback_index. pcsim keeps the
 * same information per file as a two-level bitmap:
 *
 *   dir[page >> 15] ──► { bits: 32768 bits (4 KiB), count }   one region = 128 MiB of file
 *
 * Regions are allocated on the first page dirtied in them and kept for reuse (a file's
 * dirty footprint comes back to the same places), so dirtying allocates nothing in the
 * steady state; the directory grows by doubling. pcs_dirty_next() skips empty regions by
 * their count and empty words by comparing with zero, so a walk costs what it finds, not
 * the file's size.
 *
 * Invariant: count of a region == popcount of its bits; nr == sum of counts.
 */
#ifndef PCSIM_DIRTY_H
#define PCSIM_DIRTY_H

#include <glib.h>

#define PCS_DIRTY_REGION_SHIFT 15
#define PCS_DIRTY_NONE G_MAXUINT64

typedef struct {
	guint64 *bits;   /* 1 << PCS_DIRTY_REGION_SHIFT bits, NULL until first used */
	guint32  count;  /* dirty pages in the region */
} PcsDirtyRegion;

typedef struct {
	PcsDirtyRegion *dir;
	guint64         nr_dir;  /* regions the directory can hold */
	guint64         nr;      /* dirty pages in the file */
} PcsDirtyMap;

/* An empty map: all zero. */
void pcs_dirty_clear(PcsDirtyMap *m);  /* frees everything; the map is empty after */

/* Sets page's bit; returns FALSE if it was already set. Cannot fail (aborts on OOM). */
gboolean pcs_dirty_set(PcsDirtyMap *m, guint64 page);
/* Clears page's bit; returns FALSE if it was not set. */
gboolean pcs_dirty_unset(PcsDirtyMap *m, guint64 page);
gboolean pcs_dirty_test(const PcsDirtyMap *m, guint64 page);
/* The first dirty page >= from, or PCS_DIRTY_NONE. */
guint64 pcs_dirty_next(const PcsDirtyMap *m, guint64 from);

#endif
