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
#include "rng.h"

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
	guint32 slots[NR];
	guint32 n = f->ops->order(f->l, lru, slots, NR);

	assert_in_range(n, 0, NR);
	for (guint32 i = 0; i < n; i++)
		g_string_append_printf(s, s->len ? " %u" : "%u", slots[i]);
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
	g_clear_error(&error);
	f->pages[0].prev ^= 1;  /* a ring position that names another page's place */
	assert_false(f->ops->check(f->l, &error));
	assert_non_null(strstr(error->message, "page slot 0 has prev"));
	f->pages[0].prev ^= 1;
	check(f);
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

/*
 * PcsRingList keeps exactly PcsList's order: the same random pushes (either end), unlinks
 * (anywhere) and tail pops on both, compared after every step. A small ring, so that it is
 * compacted many times over; some pages are order-1 folios, so counts are in pages.
 */
static void
test_ring_list_matches_linked_list(void **state)
{
	enum { NP = 64, STEPS = 50000 };
	PcsPage a[NP], b[NP];
	PcsList list;
	PcsRingList ring;
	PcsRng rng;
	guint32 want[NP], got[NP], compactions = 0;

	memset(a, 0, sizeof(a));
	for (guint32 s = 0; s < NP; s++)
		a[s].order = s % 5 == 0;
	memcpy(b, a, sizeof(a));
	pcs_list_init(&list);
	pcs_ring_list_init(&ring, NP);
	pcs_rng_seed(&rng, 7, 0);
	for (guint32 step = 0; step < STEPS; step++) {
		guint32 s = (guint32) pcs_rng_below(&rng, NP);
		guint32 op = (guint32) pcs_rng_below(&rng, 8);
		g_autoptr(GError) error = NULL;
		guint32 n;

		if (op == 0 && !pcs_ring_list_empty(&ring))
			s = pcs_ring_list_peek(&ring, 0);  /* reclaim-like: take the tail */
		else if (op == 0)
			continue;
		if (a[s].lru == PCS_LRU_NONE) {
			compactions += ring.used == ring.mask + 1;
			if (op & 1) {
				pcs_list_push_head(&list, a, s);
				pcs_ring_list_push_head(&ring, b, s);
			} else {
				pcs_list_push_tail(&list, a, s);
				pcs_ring_list_push_tail(&ring, b, s);
			}
			a[s].lru = b[s].lru = PCS_LRU_INACTIVE;
		} else {
			pcs_list_unlink(&list, a, s);
			pcs_ring_list_unlink(&ring, b, s);
			a[s].lru = b[s].lru = PCS_LRU_NONE;
		}
		n = pcs_list_order(&list, a, want, NP);
		assert_int_equal(pcs_ring_list_order(&ring, got, NP), n);
		assert_memory_equal(got, want, n * sizeof(guint32));
		assert_int_equal(ring.nr, list.nr);
		assert_true(pcs_ring_list_empty(&ring) == (list.head == PCS_NIL));
		if (n > 0)
			assert_int_equal(pcs_ring_list_peek(&ring, 0), list.tail);
		tu_assert_no_error(pcs_ring_list_check(&ring, b, PCS_LRU_INACTIVE, "ring",
						       &error), error);
	}
	/* Holes pile up between the ends, so the ring ran out of positions again and again. */
	assert_true(compactions > 20);
	pcs_ring_list_clear(&ring);
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
		cmocka_unit_test(test_ring_list_matches_linked_list),
	};

	return cmocka_run_group_tests_name("lists", tests, NULL, NULL);
}
