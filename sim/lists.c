/*
 * lists.c - the registry of list policies and the shared list checker.
 *
 * Policies are collected here by PcsPolicyKind, explicitly, so adding one is one row (and one
 * file under sim/lists/). pcs_list_check() is the debug-only sanity walk every policy's
 * check() builds on: links are symmetric, every page carries the list's tag, and the count
 * matches the walk.
 */
#include "config.h"

#include <pcsim/config.h>
#include "lists.h"

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

gboolean
pcs_list_check(const PcsList *l, const PcsPage *pages, guint8 lru, const char *what,
	       GError **error)
{
	guint64 n = 0;
	guint32 prev = PCS_NIL;

	for (guint32 s = l->head; s != PCS_NIL; s = pages[s].next) {
		if (pages[s].prev != prev) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "%s list: page slot %u has prev %u, expected %u", what, s,
				    pages[s].prev, prev);
			return FALSE;
		}
		if (pages[s].lru != lru) {
			g_set_error(error, PCS_CHECK_ERROR, 0,
				    "%s list: page slot %u is tagged for list %u", what, s, pages[s].lru);
			return FALSE;
		}
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
