/*
 * page.h - the page struct shared by the cache core, the index and the list policies
 * (internal).
 *
 * Pages live in one slab (an array sized for the cache) and are named by their 32-bit slot.
 * The first two fields are the page's identity (file id, page index), laid out as PcsKey so
 * the index can compare keys of pages and shadow entries alike. `prev`/`next` and `lru`
 * belong to the list policy (cf. pcache.h's "owned by pcache1": lru links pages through both,
 * two-list keeps a ring position in `prev`); the free list reuses `next` while a slot is
 * unused. `flags` carries the kernel's page flags that pcsim models.
 *
 * Large folios (--folios on): a folio of 2^order pages is one head page, which alone is on a
 * list and carries the folio's LRU state, and 2^order - 1 tail pages (PCS_PG_TAIL), each
 * indexed under its own page index, whose `prev` names the head. Lists count pages, so a
 * folio weighs 2^order. With folios off every page is an order-0 head.
 */
#ifndef PCSIM_PAGE_H
#define PCSIM_PAGE_H

#include <glib.h>

#define PCS_NIL G_MAXUINT32

/* Identity of a page or shadow entry; must be the first member of both. Packed to 12 bytes
 * (4-byte aligned) so that a page is 24 bytes and a shadow entry 16: the page slab, the index
 * and the shadow ring are what a replay's memory traffic is made of. */
typedef struct __attribute__((packed, aligned(4))) {
	guint64 index;  /* page index within the file */
	guint32 file;   /* PcsFileTable id */
} PcsKey;

G_STATIC_ASSERT (sizeof (PcsKey) == 12);

/* Page flags (cf. include/linux/page-flags.h). */
enum {
	PCS_PG_REFERENCED = 1 << 0,  /* PG_referenced: accessed once while on its list */
	PCS_PG_WORKINGSET = 1 << 1,  /* PG_workingset: was active (set on deactivation) */
	PCS_PG_READAHEAD  = 1 << 2,  /* PG_readahead: the async readahead marker */
	PCS_PG_RA_UNUSED  = 1 << 3,  /* read ahead and not accessed yet (ra_used / ra_wasted) */
	PCS_PG_NEW        = 1 << 4,  /* read for the request being replayed (counts as a miss) */
	PCS_PG_TAIL       = 1 << 5,  /* a tail page of a large folio: prev = the head's slot */
	PCS_PG_DIRTY      = 1 << 6,  /* PG_dirty: written, not yet written back */
	PCS_PG_WRITEBACK  = 1 << 7,  /* PG_writeback: a device write of it is in flight */
	PCS_PG_RECLAIM    = 1 << 8,  /* PG_reclaim: reclaim met it dirty; rotate when clean */
};

/* A folio reclaim must keep: dirty or under writeback (the head carries the folio's state:
 * a large folio is dirtied and written back as a whole). */
#define PCS_PG_BUSY (PCS_PG_DIRTY | PCS_PG_WRITEBACK)

/* Which list a page is on; owned by the list policy. */
enum {
	PCS_LRU_NONE = 0,
	PCS_LRU_INACTIVE,
	PCS_LRU_ACTIVE,
};

typedef struct {
	PcsKey  key;
	guint32 prev;   /* list links or ring position (owned by lists) */
	guint32 next;
	guint16 flags;
	guint8  lru;    /* PCS_LRU_* (owned by lists) */
	guint8  order;  /* folio order: the folio this page heads has 2^order pages */
} PcsPage;

G_STATIC_ASSERT (G_STRUCT_OFFSET (PcsPage, key) == 0);
G_STATIC_ASSERT (sizeof (PcsPage) == 24);

/* Pages in the folio that page p heads. */
static inline guint32
pcs_folio_pages(const PcsPage *p)
{
	return 1u << p->order;
}

#endif
