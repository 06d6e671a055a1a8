/*
 * two_list.c - the kernel's two-list page replacement (inactive/active file LRU).
 *
 * What it models (mm/swap.c folio_mark_accessed, mm/vmscan.c shrink_inactive_list,
 * shrink_active_list, inactive_is_low, prepare_scan_control):
 *
 *      add ──► [ inactive: head ... tail ] ──► victims (shrink)
 *                   ▲ demote      │ 2nd reference (mark_accessed)
 *                   │             ▼
 *              [ active: head ... tail ] ◄── add(active) on a refault activation
 *
 *   1. New pages enter the inactive head (the active head for a refault activation, decided
 *      by the core from the shadow entry, mm/workingset.c).
 *   2. mark_accessed: inactive+unreferenced -> referenced; inactive+referenced -> active head,
 *      referenced cleared (an activation); active+unreferenced -> referenced; active+referenced:
 *      nothing. Active pages are never moved on access. Writes never mark (generic_perform_write
 *      does not call folio_mark_accessed).
 *   3. shrink(nr): decide first whether the active list is aged this cycle — if refault
 *      activations happened since the last cycle, or inactive * inactive_ratio < active
 *      (inactive_is_low, ratio int_sqrt(10 * GiB), 1 under 1 GiB). Then take up to nr victims
 *      from the inactive tail: unmapped page cache is reclaimed even when referenced
 *      (folio_check_references: RECLAIM_CLEAN). Then, if ageing, move up to nr pages from the
 *      active tail to the inactive head, clearing active and setting PG_workingset
 *      (PG_referenced is left as it was, as shrink_active_list does). If the inactive list
 *      was empty, the freshly demoted pages are reclaimed in a second round.
 *
 * Counts are in pages (a large folio weighs 2^order); a batch is nr folios, as
 * isolate_lru_folios() takes folios.
 *
 * Simplified relative to Linux: one lruvec (no NUMA nodes, no memcg), file pages only (no
 * anon, no swappiness), no per-CPU LRU batches (a page is on its list at once), no mapped
 * pages ("look twice" for PTE references), no scan priorities: each shortage reclaims one
 * batch of reclaim_batch pages (SWAP_CLUSTER_MAX = 32 by default).
 *
 * Both lists are PcsRingLists (lists.h): reclaim walks their tails in bulk, and a ring keeps
 * that walk in contiguous memory.
 *
 * Invariants (two_list_check): every page on a list is tagged with it and knows its ring
 * position, counts match the walks, and active pages are tagged PCS_LRU_ACTIVE.
 */
#include "config.h"

#include <pcsim/config.h>
#include "lists.h"

typedef struct {
	PcsPage  *pages;
	PcsStats *stats;
	PcsRingList inactive;
	PcsRingList active;
	guint32   inactive_ratio;
	guint64   refault_snapshot;  /* stats->refault_activations at the last shrink */
	guint32   pf;                /* prefetch cursor: steps up from the inactive tail */
	guint32   pf_active;         /* ... and from the active tail (demotion takes it) */
} TwoList;

static gpointer
two_list_create(PcsPage *pages, guint32 nr_pages, PcsStats *stats, const PcsConfig *cfg)
{
	TwoList *t = g_new0(TwoList, 1);

	t->pages = pages;
	t->stats = stats;
	pcs_ring_list_init(&t->inactive, nr_pages);
	pcs_ring_list_init(&t->active, nr_pages);
	t->inactive_ratio = pcs_config_effective_inactive_ratio(cfg);
	return t;
}

static void
two_list_destroy(gpointer l)
{
	TwoList *t = l;

	pcs_ring_list_clear(&t->inactive);
	pcs_ring_list_clear(&t->active);
	g_free(t);
}

/*
 * Reclaim reads the pages at the inactive tail (and, when ageing, the active tail): scattered
 * over the slab, so cache misses. Between two reclaims, every insertion prefetches the next
 * page up from each tail, so the pages reclaim will take are in the cache when it comes. The
 * rings make these loads independent of each other. A hint only: a cursor made stale by list
 * changes costs a useless prefetch, never a wrong decision.
 */
static inline guint32
prefetch_step(const TwoList *t, const PcsRingList *l, guint32 cursor)
{
	guint32 s = pcs_ring_list_peek(l, cursor);

	if (s != PCS_NIL)
		__builtin_prefetch(&t->pages[s]);
	return cursor + 1;
}

static inline void
prefetch_tail_step(TwoList *t)
{
	t->pf = prefetch_step(t, &t->inactive, t->pf);
	t->pf_active = prefetch_step(t, &t->active, t->pf_active);
}

/* Prefetches the next nr pages up from l's tail, which a reclaim step is about to take: the
 * ring makes their loads independent, so their misses overlap. */
static inline void
prefetch_batch(const TwoList *t, const PcsRingList *l, guint32 nr)
{
	for (guint32 i = 0, k = 0; k < nr && i < l->used; i++) {
		guint32 s = pcs_ring_list_peek(l, i);

		if (s != PCS_NIL) {
			__builtin_prefetch(&t->pages[s]);
			k++;
		}
	}
}

static void
two_list_add(gpointer l, guint32 s, gboolean active)
{
	TwoList *t = l;

	prefetch_tail_step(t);
	if (active) {
		t->pages[s].lru = PCS_LRU_ACTIVE;
		pcs_ring_list_push_head(&t->active, t->pages, s);
	} else {
		t->pages[s].lru = PCS_LRU_INACTIVE;
		pcs_ring_list_push_head(&t->inactive, t->pages, s);
	}
}

/* Inactive and referenced, accessed again: to the active head (out of line, so that the
 * common case of an access stays a flag test). */
static G_GNUC_NO_INLINE void
activate(TwoList *t, guint32 s)
{
	PcsPage *p = &t->pages[s];

	pcs_ring_list_unlink(&t->inactive, t->pages, s);
	p->lru = PCS_LRU_ACTIVE;
	p->flags &= ~PCS_PG_REFERENCED;
	pcs_ring_list_push_head(&t->active, t->pages, s);
	t->stats->activations += pcs_folio_pages(p);
}

/* folio_mark_accessed(), mm/swap.c. */
static void
two_list_access(gpointer l, guint32 s, guint flags)
{
	TwoList *t = l;
	PcsPage *p = &t->pages[s];

	if (!(flags & PCS_ACCESS_MARK))
		return;
	if (!(p->flags & PCS_PG_REFERENCED))
		p->flags |= PCS_PG_REFERENCED;
	else if (p->lru == PCS_LRU_INACTIVE)
		activate(t, s);
}

static guint32
isolate_inactive(TwoList *t, guint32 nr, guint32 *victims)
{
	guint32 n = 0;

	prefetch_batch(t, &t->inactive, nr);
	while (n < nr && !pcs_ring_list_empty(&t->inactive)) {
		guint32 s = pcs_ring_list_pop_tail(&t->inactive, t->pages);
		PcsPage *p = &t->pages[s];

		if (p->flags & PCS_PG_BUSY) {
			/* shrink_folio_list: a dirty or writeback folio is tagged PG_reclaim and
			 * activated (activate_locked; not a workingset activation). */
			p->flags |= PCS_PG_RECLAIM;
			p->lru = PCS_LRU_ACTIVE;
			pcs_ring_list_push_head(&t->active, t->pages, s);
			t->stats->reclaim_dirty += pcs_folio_pages(p);
			continue;
		}
		p->lru = PCS_LRU_NONE;
		victims[n++] = s;
	}
	return n;
}

/* folio_end_writeback -> folio_rotate_reclaimable -> lru_move_tail: to the inactive tail,
 * active cleared. */
static void
two_list_rotate(gpointer l, guint32 s)
{
	TwoList *t = l;
	PcsPage *p = &t->pages[s];

	pcs_ring_list_unlink(p->lru == PCS_LRU_ACTIVE ? &t->active : &t->inactive, t->pages, s);
	p->lru = PCS_LRU_INACTIVE;
	pcs_ring_list_push_tail(&t->inactive, t->pages, s);
}

/* shrink_active_list(), mm/vmscan.c, for unmapped page cache: every scanned folio goes. */
static void
deactivate(TwoList *t, guint32 nr)
{
	prefetch_batch(t, &t->active, nr);
	while (nr-- > 0 && !pcs_ring_list_empty(&t->active)) {
		guint32 s = pcs_ring_list_pop_tail(&t->active, t->pages);
		PcsPage *p = &t->pages[s];

		p->lru = PCS_LRU_INACTIVE;
		p->flags |= PCS_PG_WORKINGSET;
		pcs_ring_list_push_head(&t->inactive, t->pages, s);
		t->stats->deactivations += pcs_folio_pages(p);
	}
}

static guint32
two_list_shrink(gpointer l, guint32 nr, guint32 *victims)
{
	TwoList *t = l;
	gboolean age;
	guint32 n;

	/* 1. prepare_scan_control: age the active list after refaults or when inactive is low. */
	age = t->stats->refault_activations != t->refault_snapshot ||
	      t->inactive.nr * t->inactive_ratio < t->active.nr;
	t->refault_snapshot = t->stats->refault_activations;
	t->pf = 0;  /* the walks ahead start again from the new tails */
	t->pf_active = 0;
	/* 2. shrink_inactive_list: victims from the inactive tail. */
	n = isolate_inactive(t, nr, victims);
	/* 3. shrink_active_list: demote from the active tail. */
	if (age || n == 0)
		deactivate(t, nr);
	/* 4. The inactive list was empty: reclaim what was just demoted. */
	if (n == 0)
		n = isolate_inactive(t, nr, victims);
	return n;
}

static void
two_list_remove(gpointer l, guint32 s)
{
	TwoList *t = l;
	PcsPage *p = &t->pages[s];

	if (p->lru == PCS_LRU_ACTIVE)
		pcs_ring_list_unlink(&t->active, t->pages, s);
	else if (p->lru == PCS_LRU_INACTIVE)
		pcs_ring_list_unlink(&t->inactive, t->pages, s);
	p->lru = PCS_LRU_NONE;
}

static void
two_list_counts(gpointer l, guint64 *active, guint64 *inactive)
{
	TwoList *t = l;

	*active = t->active.nr;
	*inactive = t->inactive.nr;
}

static gboolean
two_list_check(gpointer l, GError **error)
{
	TwoList *t = l;

	return pcs_ring_list_check(&t->inactive, t->pages, PCS_LRU_INACTIVE, "inactive", error) &&
	       pcs_ring_list_check(&t->active, t->pages, PCS_LRU_ACTIVE, "active", error);
}

static guint32
two_list_order(gpointer l, guint8 lru, guint32 *slots, guint32 max)
{
	TwoList *t = l;

	return pcs_ring_list_order(lru == PCS_LRU_ACTIVE ? &t->active : &t->inactive, slots, max);
}

const PcsListOps pcs_two_list_ops = {
	.name = "two-list",
	.create = two_list_create,
	.destroy = two_list_destroy,
	.add = two_list_add,
	.access = two_list_access,
	.shrink = two_list_shrink,
	.rotate = two_list_rotate,
	.remove = two_list_remove,
	.counts = two_list_counts,
	.check = two_list_check,
	.order = two_list_order,
};
