/*
 * lists.h - the list-policy interface (internal): how pages are ordered for reclaim.
 *
 * The cache core owns pages; a list policy only links them (PcsPage.prev/next/lru) and
 * decides, when asked to shrink, which pages leave. Policies never do I/O and never touch the
 * index or the shadow entries: they return victims and the core evicts them (cf. SQLite's
 * pcache.c / pcache1.c split). Every decision a policy makes is a counter in PcsStats.
 *
 * Each policy is one const PcsListOps in sim/lists/<name>.c, collected in the array in
 * sim/lists.c.
 */
#ifndef PCSIM_LISTS_H
#define PCSIM_LISTS_H

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/stats.h>
#include "page.h"

/* How a page was accessed, for PcsListOps.access(). */
enum {
	PCS_ACCESS_MARK = 1 << 0,  /* the kernel would call folio_mark_accessed() (demand read) */
	PCS_ACCESS_NEW  = 1 << 1,  /* the page was inserted by this access (a miss) */
};

typedef struct {
	const char *name;
	/* Builds the policy's state over the page slab. pages and stats are borrowed and outlive
	 * the policy; stats receives the policy's counters. Cannot fail. */
	gpointer (*create)(PcsPage *pages, guint32 nr_pages, PcsStats *stats, const PcsConfig *cfg);
	void     (*destroy)(gpointer l);
	/* A page entered the cache: inactive head, or active head when `active` (a refault
	 * activation, mm/workingset.c). */
	void     (*add)(gpointer l, guint32 slot, gboolean active);
	/* One access to a resident page (flags PCS_ACCESS_*). */
	void     (*access)(gpointer l, guint32 slot, guint flags);
	/* Reclaim: choose up to nr victims from the tail, unlink them and store their slots in
	 * victims[]; may age lists as a side effect (demotion). A dirty or writeback folio met
	 * on the way (PCS_PG_BUSY) is kept: tagged PCS_PG_RECLAIM and activated, counted in
	 * stats->reclaim_dirty (shrink_folio_list). Returns how many; 0 when no page on any list
	 * could be taken. */
	guint32  (*shrink)(gpointer l, guint32 nr, guint32 *victims);
	/* Writeback ended on a folio reclaim had tagged: to the inactive tail, where the next
	 * reclaim frees it (folio_rotate_reclaimable, mm/swap.c). */
	void     (*rotate)(gpointer l, guint32 slot);
	/* A page leaves the cache outside reclaim (invalidate, truncate). */
	void     (*remove)(gpointer l, guint32 slot);
	/* Pages on the active and inactive lists. */
	void     (*counts)(gpointer l, guint64 *active, guint64 *inactive);
	/* Debug invariant checker: FALSE with error describing the first violation. */
	gboolean (*check)(gpointer l, GError **error);
	/* Debug: the slots on list `lru` (PCS_LRU_INACTIVE or PCS_LRU_ACTIVE), head first, into
	 * slots[0..max); returns how many are on it. Cannot fail. */
	guint32  (*order)(gpointer l, guint8 lru, guint32 *slots, guint32 max);
} PcsListOps;

extern const PcsListOps pcs_two_list_ops;
extern const PcsListOps pcs_lru_ops;

/* The policy of a PcsPolicyKind. Cannot fail for a valid kind. */
const PcsListOps *pcs_lists_ops(PcsPolicyKind kind);

/*
 * A doubly linked list threaded through the slab by slot number: the building block of the
 * policies. Head is the most recently added end; reclaim takes the tail.
 */
typedef struct {
	guint32 head, tail;
	guint64 nr;      /* pages: a folio counts 2^order */
} PcsList;

static inline void
pcs_list_init(PcsList *l)
{
	l->head = l->tail = PCS_NIL;
	l->nr = 0;
}

static inline void
pcs_list_unlink(PcsList *l, PcsPage *pages, guint32 s)
{
	PcsPage *p = &pages[s];

	if (p->prev != PCS_NIL)
		pages[p->prev].next = p->next;
	else
		l->head = p->next;
	if (p->next != PCS_NIL)
		pages[p->next].prev = p->prev;
	else
		l->tail = p->prev;
	l->nr -= pcs_folio_pages(p);
}

static inline void
pcs_list_push_head(PcsList *l, PcsPage *pages, guint32 s)
{
	PcsPage *p = &pages[s];

	p->prev = PCS_NIL;
	p->next = l->head;
	if (l->head != PCS_NIL)
		pages[l->head].prev = s;
	else
		l->tail = s;
	l->head = s;
	l->nr += pcs_folio_pages(p);
}

static inline void
pcs_list_push_tail(PcsList *l, PcsPage *pages, guint32 s)
{
	PcsPage *p = &pages[s];

	p->next = PCS_NIL;
	p->prev = l->tail;
	if (l->tail != PCS_NIL)
		pages[l->tail].next = s;
	else
		l->head = s;
	l->tail = s;
	l->nr += pcs_folio_pages(p);
}

/*
 * The same ordered list kept as a ring of slot numbers, oldest (tail) first, for lists whose
 * tail is walked in bulk (two-list reclaim). Walking a linked list from its tail is one
 * dependent load per page: cache misses that cannot overlap, in bursts when readahead adds a
 * window of pages at once. The ring holds the order in contiguous memory, so a walk reads it
 * sequentially and the pages' own loads are independent.
 *
 *      ring:  [ . . T x x - x x x H . . . ]     T tail (oldest), H head (newest, last written)
 *                                                - a hole: a page unlinked from the middle
 *
 * A listed page's `prev` holds its position in the ring (`next` is unused). Unlinking writes
 * a hole (PCS_NIL) at that position; holes at either end are trimmed at once, so the tail and
 * the head are always pages. When the positions run out, the ring is compacted in place: live
 * entries slide towards the head, keeping their order. The capacity (a power of two, at least
 * 1.5 times the pages a list can hold, plus 64) leaves at least half a cache of holes to
 * collect per compaction, so compaction costs O(1) per insertion amortised. Order and counts
 * are exactly those of PcsList; only the memory layout differs.
 */
typedef struct {
	guint32 *ring;
	guint32  mask;   /* positions - 1 (positions: a power of two, at most 2^31) */
	guint32  tail;   /* position of the oldest page */
	guint32  used;   /* positions from the tail to the head, holes included */
	guint64  nr;     /* pages: a folio counts 2^order */
} PcsRingList;

/* Sizes a ring list for nr_pages pages. Cannot fail (aborts on out of memory). */
void pcs_ring_list_init(PcsRingList *l, guint32 nr_pages);
void pcs_ring_list_clear(PcsRingList *l);
/* Slides the live entries towards the head (used by the pushes when the ring is full). */
void pcs_ring_list_compact(PcsRingList *l, PcsPage *pages);

/* Ring position i steps after position pos. */
static inline guint32
pcs_ring_list_pos(const PcsRingList *l, guint32 pos, guint32 i)
{
	return (pos + i) & l->mask;
}

static inline gboolean
pcs_ring_list_empty(const PcsRingList *l)
{
	return l->used == 0;
}

/* The slot i positions up from the tail: PCS_NIL for a hole or past the head. */
static inline guint32
pcs_ring_list_peek(const PcsRingList *l, guint32 i)
{
	return i < l->used ? l->ring[pcs_ring_list_pos(l, l->tail, i)] : PCS_NIL;
}

static inline void
pcs_ring_list_unlink(PcsRingList *l, PcsPage *pages, guint32 s)
{
	guint32 pos = pages[s].prev;

	l->ring[pos] = PCS_NIL;
	l->nr -= pcs_folio_pages(&pages[s]);
	/* Trim holes off the ends, so that both ends are pages. */
	if (pos == l->tail) {
		do {
			l->tail = pcs_ring_list_pos(l, l->tail, 1);
			l->used--;
		} while (l->used > 0 && l->ring[l->tail] == PCS_NIL);
	} else if (pos == pcs_ring_list_pos(l, l->tail, l->used - 1)) {
		do  /* stops at the tail at the latest: it is a page */
			l->used--;
		while (l->ring[pcs_ring_list_pos(l, l->tail, l->used - 1)] == PCS_NIL);
	}
}

/* Unlinks and returns the oldest page; the list must not be empty. */
static inline guint32
pcs_ring_list_pop_tail(PcsRingList *l, const PcsPage *pages)
{
	guint32 s = l->ring[l->tail];

	l->nr -= pcs_folio_pages(&pages[s]);
	do {
		l->tail = pcs_ring_list_pos(l, l->tail, 1);
		l->used--;
	} while (l->used > 0 && l->ring[l->tail] == PCS_NIL);
	return s;
}

static inline void
pcs_ring_list_push_head(PcsRingList *l, PcsPage *pages, guint32 s)
{
	guint32 pos;

	if (G_UNLIKELY(l->used == l->mask + 1))
		pcs_ring_list_compact(l, pages);
	pos = pcs_ring_list_pos(l, l->tail, l->used++);
	l->ring[pos] = s;
	pages[s].prev = pos;
	l->nr += pcs_folio_pages(&pages[s]);
}

static inline void
pcs_ring_list_push_tail(PcsRingList *l, PcsPage *pages, guint32 s)
{
	if (G_UNLIKELY(l->used == l->mask + 1))
		pcs_ring_list_compact(l, pages);
	l->tail = (l->tail - 1) & l->mask;
	l->used++;
	l->ring[l->tail] = s;
	pages[s].prev = l->tail;
	l->nr += pcs_folio_pages(&pages[s]);
}

/* Domain of invariant violations found by the debug checkers (code 0). */
#define PCS_CHECK_ERROR (pcs_check_error_quark ())
GQuark pcs_check_error_quark (void);

/* The slots of l, head first, into slots[0..max); returns how many l holds. */
guint32 pcs_list_order(const PcsList *l, const PcsPage *pages, guint32 *slots, guint32 max);

/* Walks l checking links, membership tag and count. */
gboolean pcs_list_check(const PcsList *l, const PcsPage *pages, guint8 lru, const char *what,
			GError **error);

/* The slots of l, head first, into slots[0..max); returns how many l holds. */
guint32 pcs_ring_list_order(const PcsRingList *l, guint32 *slots, guint32 max);

/* Walks l from its tail checking positions, membership tag and count. */
gboolean pcs_ring_list_check(const PcsRingList *l, const PcsPage *pages, guint8 lru,
			     const char *what, GError **error);

#endif
