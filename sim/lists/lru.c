/*
 * lru.c - one textbook LRU list, for comparison with published results and other simulators.
 *
 * Every access to a resident page (read or write, whatever the kernel would mark) moves it to
 * the head; new pages enter at the head; reclaim takes the tail. There is no active list, no
 * referenced bit and no refault activation. With reclaim_batch 1 its hits equal libCacheSim's
 * LRU and the benchmark floor (bench/floor_lru.c) exactly.
 *
 * Invariant: every resident page is on the one list, tagged PCS_LRU_INACTIVE (reported as
 * inactive pages).
 */
#include "config.h"

#include "lists.h"

typedef struct {
	PcsPage  *pages;
	PcsStats *stats;
	PcsList   list;
} Lru;

static gpointer
lru_create(PcsPage *pages, guint32 nr_pages, PcsStats *stats, const PcsConfig *cfg)
{
	Lru *l = g_new0(Lru, 1);

	l->pages = pages;
	l->stats = stats;
	pcs_list_init(&l->list);
	return l;
}

static void
lru_destroy(gpointer l)
{
	g_free(l);
}

static void
lru_add(gpointer l, guint32 s, gboolean active)
{
	Lru *u = l;

	u->pages[s].lru = PCS_LRU_INACTIVE;
	pcs_list_push_head(&u->list, u->pages, s);
}

static void
lru_access(gpointer l, guint32 s, guint flags)
{
	Lru *u = l;

	if ((flags & PCS_ACCESS_NEW) || u->list.head == s)
		return;
	pcs_list_unlink(&u->list, u->pages, s);
	pcs_list_push_head(&u->list, u->pages, s);
}

static guint32
lru_shrink(gpointer l, guint32 nr, guint32 *victims)
{
	Lru *u = l;
	guint32 n = 0;
	guint64 scan = u->list.nr;  /* each page looked at once: a busy one goes to the head */

	while (n < nr && u->list.tail != PCS_NIL && scan > 0) {
		guint32 s = u->list.tail;
		PcsPage *p = &u->pages[s];

		scan -= MIN(scan, pcs_folio_pages(p));
		pcs_list_unlink(&u->list, u->pages, s);
		if (p->flags & PCS_PG_BUSY) {
			p->flags |= PCS_PG_RECLAIM;
			pcs_list_push_head(&u->list, u->pages, s);
			u->stats->reclaim_dirty += pcs_folio_pages(p);
			continue;
		}
		p->lru = PCS_LRU_NONE;
		victims[n++] = s;
	}
	return n;
}

/* Writeback ended on a tagged folio: the LRU end, next to go. */
static void
lru_rotate(gpointer l, guint32 s)
{
	Lru *u = l;

	pcs_list_unlink(&u->list, u->pages, s);
	pcs_list_push_tail(&u->list, u->pages, s);
}

static void
lru_remove(gpointer l, guint32 s)
{
	Lru *u = l;

	if (u->pages[s].lru != PCS_LRU_NONE)
		pcs_list_unlink(&u->list, u->pages, s);
	u->pages[s].lru = PCS_LRU_NONE;
}

static void
lru_counts(gpointer l, guint64 *active, guint64 *inactive)
{
	Lru *u = l;

	*active = 0;
	*inactive = u->list.nr;
}

static gboolean
lru_check(gpointer l, GError **error)
{
	Lru *u = l;

	return pcs_list_check(&u->list, u->pages, PCS_LRU_INACTIVE, "lru", error);
}

static guint32
lru_order(gpointer l, guint8 lru, guint32 *slots, guint32 max)
{
	Lru *u = l;

	return lru == PCS_LRU_INACTIVE ? pcs_list_order(&u->list, u->pages, slots, max) : 0;
}

const PcsListOps pcs_lru_ops = {
	.name = "lru",
	.create = lru_create,
	.destroy = lru_destroy,
	.add = lru_add,
	.access = lru_access,
	.shrink = lru_shrink,
	.rotate = lru_rotate,
	.remove = lru_remove,
	.counts = lru_counts,
	.check = lru_check,
	.order = lru_order,
};
