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

/* Domain of invariant violations found by the debug checkers (code 0). */
#define PCS_CHECK_ERROR (pcs_check_error_quark ())
GQuark pcs_check_error_quark (void);

/* Walks l checking links, membership tag and count. */
gboolean pcs_list_check(const PcsList *l, const PcsPage *pages, guint8 lru, const char *what,
			GError **error);

#endif
