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

/* The layouts under test: the normal one, and every key wide with homes read from keys (the
 * largest caches' layout). */
typedef void (*InitFn)(PcsIndex *ix, guint64 capacity, const void *pages, gsize page_stride,
		       const void *shadows, gsize shadow_stride);

static InitFn
init_of(void **state)
{
	return *state ? pcs_index_init_all_wide : pcs_index_init;
}

static int
setup_all_wide(void **state)
{
	*state = GINT_TO_POINTER(1);
	return 0;
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
	init_of(state)(&ix, N, items, sizeof(Item), NULL, 0);
	assert_int_equal(ix.mask + 1, 256);
	for (guint32 g = 0, n = 0; n < GROUPS; g++) {
		guint32 file = n & 1;
		guint64 page = (guint64) g << PCS_INDEX_GROUP_SHIFT;

		g_assert(g < 100000);
		if ((pcs_index_hash(&ix, file, page) & ix.mask) ==
		    (ix.mask & ~(guint64) PCS_INDEX_GROUP_MASK))
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

/* Random churn at full load: the pattern a cache in steady state produces. With wide, a
 * third of the new keys are wide (a file or a page index past file_limit or index_limit),
 * in the same runs as narrow ones. */
static void
churn(void **state, gboolean wide)
{
	enum { N = 1000, ROUNDS = 20000 };
	Item *items = g_new0(Item, N);
	gboolean *present = g_new0(gboolean, N);
	GRand *rng = g_rand_new_with_seed(42);
	guint64 next_page = 0;
	guint32 wide_keys = 0;
	PcsIndex ix;

	init_of(state)(&ix, N, items, sizeof(Item), NULL, 0);
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
		if (wide) {
			switch (g_rand_int_range(rng, 0, 6)) {
			case 0:
				items[i].key.file = G_MAXUINT32 - items[i].key.file;
				break;
			case 1:
				items[i].key.index += ix.index_limit;
				break;
			default:
				break;
			}
			wide_keys += items[i].key.file >= ix.file_limit ||
				     items[i].key.index >= ix.index_limit;
		}
		insert(&ix, items, present, i);
		if (r % 1000 == 0)
			check_all(&ix, items, present, N);
	}
	check_all(&ix, items, present, N);
	if (wide)
		assert_true(wide_keys > ROUNDS / 4);
	pcs_index_clear(&ix);
	g_rand_free(rng);
	g_free(items);
	g_free(present);
}

static void
test_index_churn(void **state)
{
	churn(state, FALSE);
}

static void
test_index_churn_wide(void **state)
{
	churn(state, TRUE);
}

/* Keys at the edges of the narrow limits, and just past them: all found apart, and a narrow
 * key's hash is below the wide flag, a wide key's has it. */
static void
test_index_narrow_wide_edges(void **state)
{
	Item items[6] = { { { 0, 0 }, 0 } };
	gboolean present[6] = { FALSE };
	PcsIndex ix;

	pcs_index_init(&ix, 6, items, sizeof(Item), NULL, 0);
	items[0].key = (PcsKey) { 0, 0 };
	items[1].key = (PcsKey) { ix.index_limit - 1, (guint32) ix.file_limit - 1 };
	items[2].key = (PcsKey) { ix.index_limit, 0 };
	items[3].key = (PcsKey) { 0, (guint32) ix.file_limit };
	items[4].key = (PcsKey) { ix.index_limit - 1, 0 };
	items[5].key = (PcsKey) { G_MAXUINT64, G_MAXUINT32 };
	for (guint32 i = 0; i < 6; i++) {
		guint64 h = pcs_index_hash(&ix, items[i].key.file, items[i].key.index);
		gboolean narrow = i == 0 || i == 1 || i == 4;

		assert_int_equal(h >> ix.kbits, narrow ? 0 : 1);
		insert(&ix, items, present, i);
		check_all(&ix, items, present, 6);
	}
	(void) state;
	pcs_index_clear(&ix);
}

/* A narrow key's hash is the key: pcs_index_mix() must be a bijection of [0, 2^b). All 2^20
 * inputs at b = 20 land on distinct values below 2^20. */
static void
test_index_mix_is_bijective(void **state)
{
	enum { B = 20 };
	guint8 *seen = g_new0(guint8, (1u << B) / 8);
	guint64 m = (G_GUINT64_CONSTANT(1) << B) - 1;

	for (guint64 x = 0; x <= m; x++) {
		guint64 y = pcs_index_mix(x, m, B / 2);

		assert_true(y <= m);
		assert_false(seen[y / 8] & (1u << (y % 8)));
		seen[y / 8] |= 1u << (y % 8);
	}
	(void) state;
	g_free(seen);
}

/* A key's identity is both fields: same page index in another file is another page. */
static void
test_index_key_is_file_and_page(void **state)
{
	Item items[2] = { { { 5, 1 }, 0 }, { { 5, 2 }, 0 } };
	gboolean present[2] = { FALSE, FALSE };
	PcsIndex ix;

	init_of(state)(&ix, 2, items, sizeof(Item), NULL, 0);
	insert(&ix, items, present, 0);
	assert_int_equal(pcs_index_lookup(&ix, 2, 5), PCS_NIL);
	insert(&ix, items, present, 1);
	assert_int_equal(pcs_index_lookup(&ix, 1, 5), 0);
	assert_int_equal(pcs_index_lookup(&ix, 2, 5), 1);
	assert_int_equal(pcs_index_lookup(&ix, 1, 6), PCS_NIL);
	pcs_index_clear(&ix);
}

/* A test run again in the all-wide layout. */
#define ALL_WIDE(f) { .name = #f " (all wide)", .test_func = f, .setup_func = setup_all_wide }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_insert_lookup_remove),
		cmocka_unit_test(test_index_churn),
		cmocka_unit_test(test_index_churn_wide),
		cmocka_unit_test(test_index_key_is_file_and_page),
		ALL_WIDE(test_index_insert_lookup_remove),
		ALL_WIDE(test_index_churn),
		ALL_WIDE(test_index_churn_wide),
		ALL_WIDE(test_index_key_is_file_and_page),
		cmocka_unit_test(test_index_narrow_wide_edges),
		cmocka_unit_test(test_index_mix_is_bijective),
	};

	return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
