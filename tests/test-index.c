/*
 * test-index.c - the open-addressing page index (sim/index.c).
 *
 * The index's correctness hinges on backward-shift deletion keeping every probe run intact.
 * The tests insert and remove keys in patterns that make long runs and wrap around the end
 * of a small table, and after every step compare every lookup with a brute-force model.
 */
#include "config.h"

#include "testutil.h"
#include "index.h"

typedef struct {
	PcsKey  key;
	guint32 pad;
} Item;

/* Checks every item: present ones map to their slot, absent ones are not found. */
static void
check_all(const PcsIndex *ix, const Item *items, const gboolean *present, guint32 n)
{
	guint32 count = 0;

	for (guint32 i = 0; i < n; i++) {
		guint32 got = pcs_index_lookup(ix, items[i].key.file, items[i].key.index);

		if (present[i]) {
			assert_int_equal(got, i);
			count++;
		} else {
			assert_int_equal(got, PCS_NIL);
		}
	}
	assert_int_equal(ix->count, count);
}

static void
insert(PcsIndex *ix, Item *items, gboolean *present, guint32 i)
{
	guint64 pos = pcs_index_find(ix, items[i].key.file, items[i].key.index);

	assert_int_equal(pcs_index_at(ix, pos), 0);
	pcs_index_insert_at(ix, pos, i);
	present[i] = TRUE;
}

static void
test_index_insert_lookup_remove(void **state)
{
	enum { N = 64, GROUPS = N >> PCS_INDEX_GROUP_SHIFT };
	Item items[N] = { { { 0, 0 }, 0 } };
	gboolean present[N] = { FALSE };
	guint64 group[GROUPS];
	PcsIndex ix;

	/* 64 keys in a 256-slot table (4 slots per entry): 8 whole groups of 8 pages, four of
	 * file 0 and four of file 1, all with their homes in the table's last line. So they
	 * make one run of 64 slots that wraps around the end, and every group but the first
	 * is displaced; inserted one page of each group in turn. */
	pcs_index_init(&ix, N, items, sizeof(Item), NULL, 0);
	assert_int_equal(ix.mask + 1, 256);
	for (guint32 g = 0, n = 0; n < GROUPS; g++) {
		guint32 file = n & 1;
		guint64 page = (guint64) g << PCS_INDEX_GROUP_SHIFT;

		g_assert(g < 100000);
		if ((pcs_index_hash(file, page) & ix.mask) == (ix.mask & ~(guint64) PCS_INDEX_GROUP_MASK))
			group[n++] = page;
	}
	for (guint32 i = 0; i < N; i++) {
		items[i].key.file = (i % GROUPS) & 1;
		items[i].key.index = group[i % GROUPS] + i / GROUPS;
	}
	for (guint32 i = 0; i < N; i++) {
		insert(&ix, items, present, i);
		check_all(&ix, items, present, N);
	}
	/* One run: the last line, then the table's first 56 slots. */
	for (guint64 p = 0; p <= ix.mask; p++)
		assert_int_equal(ix.slots[p] != 0, p >= ix.mask - 7 || p < N - 8);
	/* Remove every third key, then the rest in reverse, checking after each removal. */
	for (guint32 i = 0; i < N; i += 3) {
		pcs_index_remove(&ix, i);
		present[i] = FALSE;
		check_all(&ix, items, present, N);
	}
	for (guint32 i = N; i-- > 0;) {
		if (!present[i])
			continue;
		pcs_index_remove(&ix, i);
		present[i] = FALSE;
		check_all(&ix, items, present, N);
	}
	assert_int_equal(ix.count, 0);
	for (guint64 p = 0; p <= ix.mask; p++)
		assert_int_equal(ix.slots[p], 0);
	pcs_index_clear(&ix);
}

/* Random churn at full load: the pattern a cache in steady state produces. */
static void
test_index_churn(void **state)
{
	enum { N = 1000, ROUNDS = 20000 };
	Item *items = g_new0(Item, N);
	gboolean *present = g_new0(gboolean, N);
	GRand *rng = g_rand_new_with_seed(42);
	guint64 next_page = 0;
	PcsIndex ix;

	pcs_index_init(&ix, N, items, sizeof(Item), NULL, 0);
	for (guint32 i = 0; i < N; i++) {
		items[i].key.file = 7;
		items[i].key.index = next_page++;
		insert(&ix, items, present, i);
	}
	for (guint32 r = 0; r < ROUNDS; r++) {
		guint32 i = g_rand_int_range(rng, 0, N);

		/* Evict slot i, reuse it for a new page (as the cache does). */
		pcs_index_remove(&ix, i);
		present[i] = FALSE;
		items[i].key.file = g_rand_int_range(rng, 0, 3);
		items[i].key.index = next_page++;
		insert(&ix, items, present, i);
		if (r % 1000 == 0)
			check_all(&ix, items, present, N);
	}
	check_all(&ix, items, present, N);
	pcs_index_clear(&ix);
	g_rand_free(rng);
	g_free(items);
	g_free(present);
}

/* A key's identity is both fields: same page index in another file is another page. */
static void
test_index_key_is_file_and_page(void **state)
{
	Item items[2] = { { { 5, 1 }, 0 }, { { 5, 2 }, 0 } };
	gboolean present[2] = { FALSE, FALSE };
	PcsIndex ix;

	pcs_index_init(&ix, 2, items, sizeof(Item), NULL, 0);
	insert(&ix, items, present, 0);
	assert_int_equal(pcs_index_lookup(&ix, 2, 5), PCS_NIL);
	insert(&ix, items, present, 1);
	assert_int_equal(pcs_index_lookup(&ix, 1, 5), 0);
	assert_int_equal(pcs_index_lookup(&ix, 2, 5), 1);
	assert_int_equal(pcs_index_lookup(&ix, 1, 6), PCS_NIL);
	pcs_index_clear(&ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_insert_lookup_remove),
		cmocka_unit_test(test_index_churn),
		cmocka_unit_test(test_index_key_is_file_and_page),
	};

	return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
