/*
 * test-lists.c - the list policies (sim/lists/two_list.c, sim/lists/lru.c) on their own.
 *
 * Each test drives a policy over a small page slab and checks list order, flags and the
 * decision counters after every operation, plus the invariant checker.
 */
#include "config.h"

#include <string.h>
#include "testutil.h"
#include <pcsim/config.h>
#include "lists.h"

enum { NR = 16 };

typedef struct {
	PcsPage            pages[NR];
	PcsStats           stats;
	PcsConfig          cfg;
	const PcsListOps  *ops;
	gpointer           l;
} Fixture;

static Fixture *
fixture_new(PcsPolicyKind kind)
{
	Fixture *f = g_new0(Fixture, 1);

	pcs_config_init(&f->cfg);
	f->cfg.policy = kind;
	f->cfg.cache_bytes = NR * PCS_PAGE_SIZE;  /* under 1 GiB: inactive_ratio auto = 1 */
	pcs_stats_init(&f->stats);
	for (guint32 i = 0; i < NR; i++)
		f->pages[i].key.index = i;
	f->ops = pcs_lists_ops(kind);
	f->l = f->ops->create(f->pages, NR, &f->stats, &f->cfg);
	return f;
}

static void
fixture_free(Fixture *f)
{
	f->ops->destroy(f->l);
	g_free(f);
}

static void
check(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = f->ops->check(f->l, &error);

	tu_assert_no_error(ok, error);
}

/* Slots of a list from head to tail, as a string "3 2 1". */
static char *
order(Fixture *f, guint8 lru)
{
	GString *s = g_string_new(NULL);
	guint32 head = PCS_NIL;

	/* Find the head: the page on this list with no prev. */
	for (guint32 i = 0; i < NR; i++)
		if (f->pages[i].lru == lru && f->pages[i].prev == PCS_NIL)
			head = i;
	for (guint32 i = head; i != PCS_NIL; i = f->pages[i].next)
		g_string_append_printf(s, s->len ? " %u" : "%u", i);
	return g_string_free(s, FALSE);
}

#define assert_order(f, lru, expected)                                                     \
	do {                                                                               \
		g_autofree char *got_ = order((f), (lru));                                  \
		assert_string_equal(got_, (expected));                                      \
	} while (0)

static void
counts(Fixture *f, guint64 *active, guint64 *inactive)
{
	f->ops->counts(f->l, active, inactive);
}

/* folio_mark_accessed: first reference sets PG_referenced, the second activates. */
static void
test_two_list_promotion(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_TWO_LIST);
	guint64 a, i;

	for (guint32 s = 0; s < 3; s++) {
		f->ops->add(f->l, s, FALSE);
		f->ops->access(f->l, s, PCS_ACCESS_MARK | PCS_ACCESS_NEW);
		check(f);
	}
	assert_order(f, PCS_LRU_INACTIVE, "2 1 0");
	assert_true(f->pages[1].flags & PCS_PG_REFERENCED);
	/* A write-like access (no MARK) changes nothing. */
	f->ops->access(f->l, 0, 0);
	assert_order(f, PCS_LRU_INACTIVE, "2 1 0");
	/* Second reference: page 0 moves to the active head, referenced cleared. */
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);
	check(f);
	assert_int_equal(f->pages[0].lru, PCS_LRU_ACTIVE);
	assert_false(f->pages[0].flags & PCS_PG_REFERENCED);
	assert_int_equal(f->stats.activations, 1);
	assert_order(f, PCS_LRU_INACTIVE, "2 1");
	/* Active pages: a reference sets PG_referenced and never moves the page. */
	f->ops->access(f->l, 1, PCS_ACCESS_MARK);  /* activates 1: active "1 0" */
	assert_order(f, PCS_LRU_ACTIVE, "1 0");
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);
	assert_true(f->pages[0].flags & PCS_PG_REFERENCED);
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);
	assert_order(f, PCS_LRU_ACTIVE, "1 0");
	assert_int_equal(f->stats.activations, 2);
	counts(f, &a, &i);
	assert_int_equal(a, 2);
	assert_int_equal(i, 1);
	check(f);
	fixture_free(f);
}

/* Reclaim takes the inactive tail, referenced or not (folio_check_references). */
static void
test_two_list_shrink_takes_inactive_tail(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_TWO_LIST);
	guint32 v[4];

	for (guint32 s = 0; s < 5; s++)
		f->ops->add(f->l, s, FALSE);
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);  /* referenced, still inactive */
	f->ops->access(f->l, 4, PCS_ACCESS_MARK);
	f->ops->access(f->l, 4, PCS_ACCESS_MARK);  /* 4 active */
	/* inactive "3 2 1 0" (4 left), active "4": 4 * 1 < 1 is false, no ageing. */
	assert_int_equal(f->ops->shrink(f->l, 2, v), 2);
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 1);
	assert_int_equal(f->pages[0].lru, PCS_LRU_NONE);
	assert_int_equal(f->stats.deactivations, 0);
	assert_order(f, PCS_LRU_INACTIVE, "3 2");
	check(f);
	fixture_free(f);
}

/* inactive_is_low: inactive * ratio < active demotes from the active tail to the inactive
 * head, setting PG_workingset and keeping PG_referenced. */
static void
test_two_list_demotion_when_inactive_low(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_TWO_LIST);
	guint32 v[2];

	for (guint32 s = 0; s < 4; s++) {
		f->ops->add(f->l, s, FALSE);
		f->ops->access(f->l, s, PCS_ACCESS_MARK);
		f->ops->access(f->l, s, PCS_ACCESS_MARK);
	}
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);  /* active + referenced */
	f->ops->add(f->l, 4, FALSE);
	assert_order(f, PCS_LRU_ACTIVE, "3 2 1 0");
	/* inactive 1 * 1 < active 4: age. Victim 4 first, then page 0 is demoted. */
	assert_int_equal(f->ops->shrink(f->l, 1, v), 1);
	assert_int_equal(v[0], 4);
	assert_int_equal(f->stats.deactivations, 1);
	assert_order(f, PCS_LRU_ACTIVE, "3 2 1");
	assert_order(f, PCS_LRU_INACTIVE, "0");
	assert_true(f->pages[0].flags & PCS_PG_WORKINGSET);
	assert_true(f->pages[0].flags & PCS_PG_REFERENCED);
	check(f);
	/* A referenced demoted page is activated by its next reference. */
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);
	assert_order(f, PCS_LRU_ACTIVE, "0 3 2 1");
	/* Only active pages left: shrink demotes, then reclaims what it demoted. */
	assert_int_equal(f->ops->shrink(f->l, 2, v), 2);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], 2);
	assert_order(f, PCS_LRU_ACTIVE, "0 3");
	check(f);
	fixture_free(f);
}

/* Refault activations since the last shrink age the active list even when it is small. */
static void
test_two_list_refaults_force_ageing(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_TWO_LIST);
	guint32 v[1];

	for (guint32 s = 0; s < 4; s++)
		f->ops->add(f->l, s, FALSE);
	f->ops->add(f->l, 4, TRUE);  /* a refault activation, as the core does it */
	f->stats.refault_activations++;
	assert_order(f, PCS_LRU_ACTIVE, "4");
	/* inactive 4 * 1 < 1 is false, but a refault activation happened: age. */
	assert_int_equal(f->ops->shrink(f->l, 1, v), 1);
	assert_int_equal(v[0], 0);
	assert_int_equal(f->stats.deactivations, 1);
	assert_order(f, PCS_LRU_INACTIVE, "4 3 2 1");
	/* No new refault and inactive is not low: the next shrink does not age. */
	f->ops->access(f->l, 4, PCS_ACCESS_MARK);
	f->ops->access(f->l, 4, PCS_ACCESS_MARK);
	assert_int_equal(f->ops->shrink(f->l, 1, v), 1);
	assert_int_equal(f->stats.deactivations, 1);
	check(f);
	fixture_free(f);
}

static void
test_two_list_remove(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_TWO_LIST);
	guint64 a, i;

	f->ops->add(f->l, 0, FALSE);
	f->ops->add(f->l, 1, TRUE);
	f->ops->add(f->l, 2, FALSE);
	f->ops->remove(f->l, 1);
	f->ops->remove(f->l, 0);
	check(f);
	counts(f, &a, &i);
	assert_int_equal(a, 0);
	assert_int_equal(i, 1);
	assert_order(f, PCS_LRU_INACTIVE, "2");
	fixture_free(f);
}

/* The checker notices a broken count. */
static void
test_two_list_check_detects_corruption(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_TWO_LIST);
	g_autoptr(GError) error = NULL;

	f->ops->add(f->l, 0, FALSE);
	f->ops->add(f->l, 1, FALSE);
	f->pages[1].lru = PCS_LRU_ACTIVE;  /* tagged for the wrong list */
	assert_false(f->ops->check(f->l, &error));
	assert_non_null(strstr(error->message, "inactive list"));
	f->pages[1].lru = PCS_LRU_INACTIVE;
	fixture_free(f);
}

/* Textbook LRU: any access moves to the head, reclaim takes the tail, no active list. */
static void
test_lru_order(void **state)
{
	Fixture *f = fixture_new(PCS_POLICY_LRU);
	guint32 v[2];
	guint64 a, i;

	for (guint32 s = 0; s < 4; s++) {
		f->ops->add(f->l, s, FALSE);
		f->ops->access(f->l, s, PCS_ACCESS_NEW);
	}
	assert_order(f, PCS_LRU_INACTIVE, "3 2 1 0");
	f->ops->access(f->l, 1, 0);  /* a write hit moves too */
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);
	f->ops->access(f->l, 0, PCS_ACCESS_MARK);
	assert_order(f, PCS_LRU_INACTIVE, "0 1 3 2");
	f->ops->add(f->l, 4, TRUE);  /* "active" means nothing to LRU */
	assert_order(f, PCS_LRU_INACTIVE, "4 0 1 3 2");
	assert_int_equal(f->ops->shrink(f->l, 2, v), 2);
	assert_int_equal(v[0], 2);
	assert_int_equal(v[1], 3);
	counts(f, &a, &i);
	assert_int_equal(a, 0);
	assert_int_equal(i, 3);
	assert_int_equal(f->stats.activations, 0);
	check(f);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_list_promotion),
		cmocka_unit_test(test_two_list_shrink_takes_inactive_tail),
		cmocka_unit_test(test_two_list_demotion_when_inactive_low),
		cmocka_unit_test(test_two_list_refaults_force_ageing),
		cmocka_unit_test(test_two_list_remove),
		cmocka_unit_test(test_two_list_check_detects_corruption),
		cmocka_unit_test(test_lru_order),
	};

	return cmocka_run_group_tests_name("lists", tests, NULL, NULL);
}
