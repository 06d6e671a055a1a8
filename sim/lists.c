/*
 * lists.c - the registry of list policies and the shared list checker.
 *
 * Policies are collected here by PcsPolicyKind, explicitly, so adding one is one row (and one
 * file under sim/lists/). pcs_list_check() is the debug-only sanity walk every policy's
 * check() builds on: links are symmetric, every page carries the list's tag, and the count
 * matches the walk. The ring list's sizing and compaction live here too (its hot operations are
 * inline in lists.h).
 */
#include "config.h"

#include <pcsim/config.h>
#include "lists.h"
#include "util.h"

G_DEFINE_QUARK (pcs-check-error-quark, pcs_check_error)

static const PcsListOps *const policies[PCS_POLICY_COUNT] = {
	[PCS_POLICY_TWO_LIST] = &pcs_two_list_ops,
	[PCS_POLICY_LRU] = &pcs_lru_ops,
};

const PcsListOps *
pcs_lists_ops(PcsPolicyKind kind)
{
	g_return_val_if_fail((unsigned) kind < PCS_POLICY_COUNT, NULL);
	return policies[kind];
}

guint32
pcs_list_order(const PcsList *l, const PcsPage *pages, guint32 *slots, guint32 max)
{
	guint32 n = 0;

	for (guint32 s = l->head; s != PCS_NIL; s = pages[s].next, n++)
		if (n < max)
			slots[n] = s;
	return n;
}

/* A page met on list `what`: its `prev` (link or ring position) and its list tag. */
static gboolean
check_member(const PcsPage *pages, guint32 s, guint32 want_prev, guint8 lru, const char *what,
	     GError **error)
{
	if (pages[s].prev != want_prev) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "%s list: page slot %u has prev %u, expected %u", what, s,
			    pages[s].prev, want_prev);
		return FALSE;
	}
	if (pages[s].lru != lru) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "%s list: page slot %u is tagged for list %u", what, s, pages[s].lru);
		return FALSE;
	}
	return TRUE;
}

gboolean
pcs_list_check(const PcsList *l, const PcsPage *pages, guint8 lru, const char *what,
	       GError **error)
{
	guint64 n = 0;
	guint32 prev = PCS_NIL;

	for (guint32 s = l->head; s != PCS_NIL; s = pages[s].next) {
		if (!check_member(pages, s, prev, lru, what, error))
			return FALSE;
		n += pcs_folio_pages(&pages[s]);
		if (n > l->nr) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "%s list: more pages linked than its count %" G_GUINT64_FORMAT,
				    what, l->nr);
			return FALSE;
		}
		prev = s;
	}
	if (prev != l->tail || n != l->nr) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "%s list: walked %" G_GUINT64_FORMAT " pages ending at %u, count says %"
			    G_GUINT64_FORMAT " ending at %u", what, n, prev, l->nr, l->tail);
		return FALSE;
	}
	return TRUE;
}

void
pcs_ring_list_init(PcsRingList *l, guint32 nr_pages)
{
	guint64 cap = pcs_roundup_pow2((guint64) nr_pages + nr_pages / 2 + 64);

	/* A cache has at most 2^30 pages (pcs_cache_new_full): at most 2^31 positions. */
	g_assert(cap <= G_GUINT64_CONSTANT(1) << 31);
	l->mask = (guint32) (cap - 1);
	l->ring = pcs_alloc_big((gsize) cap * sizeof(guint32));
	l->tail = 0;
	l->used = 0;
	l->nr = 0;
}

void
pcs_ring_list_clear(PcsRingList *l)
{
	g_clear_pointer(&l->ring, pcs_free_big);
}

void
pcs_ring_list_compact(PcsRingList *l, PcsPage *pages)
{
	guint32 w = l->used;  /* entries kept, counted back from the head */

	/* Backwards from the head, so that a write never lands on an entry not yet read. */
	for (guint32 i = l->used; i-- > 0;) {
		guint32 s = l->ring[pcs_ring_list_pos(l, l->tail, i)];

		if (s == PCS_NIL)
			continue;
		w--;
		pages[s].prev = pcs_ring_list_pos(l, l->tail, w);
		l->ring[pages[s].prev] = s;
	}
	/* The head stays where it was; the tail moves up past the holes collected. */
	l->tail = pcs_ring_list_pos(l, l->tail, w);
	l->used -= w;
	/* A full ring of pages would mean more pages listed than it was sized for. */
	g_assert(l->used <= l->mask);
}

guint32
pcs_ring_list_order(const PcsRingList *l, guint32 *slots, guint32 max)
{
	guint32 n = 0;

	for (guint32 i = l->used; i-- > 0;) {
		guint32 s = l->ring[pcs_ring_list_pos(l, l->tail, i)];

		if (s == PCS_NIL)
			continue;
		if (n < max)
			slots[n] = s;
		n++;
	}
	return n;
}

gboolean
pcs_ring_list_check(const PcsRingList *l, const PcsPage *pages, guint8 lru, const char *what,
		    GError **error)
{
	guint64 n = 0;

	if (l->used > l->mask + 1) {
		g_set_error(error, PCS_CHECK_ERROR, 0, "%s list: %u ring positions used of %"
			    G_GUINT64_FORMAT, what, l->used, (guint64) l->mask + 1);
		return FALSE;
	}
	for (guint32 i = 0; i < l->used; i++) {
		guint32 pos = pcs_ring_list_pos(l, l->tail, i);
		guint32 s = l->ring[pos];

		if (s == PCS_NIL) {
			if (i == 0 || i == l->used - 1) {
				g_set_error(error, PCS_CHECK_ERROR, 0,
					    "%s list: a hole at the ring's %s", what,
					    i == 0 ? "tail" : "head");
				return FALSE;
			}
			continue;
		}
		if (!check_member(pages, s, pos, lru, what, error))
			return FALSE;
		n += pcs_folio_pages(&pages[s]);
	}
	if (n != l->nr) {
		g_set_error(error, PCS_CHECK_ERROR, 0,
			    "%s list: walked %" G_GUINT64_FORMAT " pages, count says %"
			    G_GUINT64_FORMAT, what, n, l->nr);
		return FALSE;
	}
	return TRUE;
}
