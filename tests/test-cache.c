/*
 * test-cache.c - the page-cache core (sim/cache.c) end to end: hand-derived small traces
 * with exact counts, and properties on generated traces.
 *
 * Every step runs pcs_cache_check(), the debug invariant checker.
 */
#include "config.h"

#include <string.h>
#include "testutil.h"
#include <pcsim/cache.h>
#include <pcsim/gen.h>

#define P PCS_PAGE_SIZE

static PcsCache *
cache_new(guint64 pages, guint32 batch, PcsPolicyKind policy)
{
	g_autoptr(GError) error = NULL;
	PcsConfig cfg;
	PcsCache *c;

	pcs_config_init(&cfg);
	cfg.cache_bytes = pages * P;
	cfg.reclaim_batch = batch;
	cfg.policy = policy;
	cfg.readahead_bytes = 0;  /* the list model alone; test-readahead covers readahead */
	c = pcs_cache_new(&cfg, &error);
	tu_assert_no_error(c != NULL, error);
	return c;
}

static void
submit(PcsCache *c, PcsIoEvent ev)
{
	g_autoptr(GError) error = NULL;
	gboolean ok;

	pcs_cache_submit(c, &ev);
	ok = pcs_cache_check(c, &error);
	tu_assert_no_error(ok, error);
}

/* Reads page `page` of file 0 whole, through its own stream (so no same-page rule). */
static void
read_page(PcsCache *c, guint64 page, guint32 stream)
{
	submit(c, tu_event(PCS_OP_READ, 0, page * P, P, stream));
}

/*
 * Trace D: cache of 4 pages, reclaim batch 1, two-list, workingset on, ratio 1.
 * Page reads 0, 0 (second stream), 1, 2, 3, 4, 1, 5. Derivation (clock = evictions +
 * activations + refault activations; lists written head..tail, R = referenced):
 *   0      miss  inactive [0R]
 *   0'     hit   0 activates: active [0], clock 1
 *   1 2 3  miss  inactive [3R 2R 1R], full
 *   4      miss  reclaim: 3*1 < 1 no ageing; evict 1 (clock 2, shadow(1)=2); inactive [4R 3R 2R]
 *   1      miss  reclaim: evict 2 (clock 3, shadow(2)=3); refault 1: distance 3-2 = 1 <= active 1
 *                -> activated (clock 4); the read marks it: active [1R 0]; inactive [4R 3R]
 *   5      miss  reclaim: a refault activation happened since the last cycle -> age; evict 3
 *                (clock 5), then demote 0 to the inactive head (PG_workingset, unreferenced);
 *                inactive [5R 0 4R], active [1R]
 * Totals: 8 requests, 8 accesses, 1 hit, 7 misses, 1 activation, 1 deactivation, 3 evictions
 * in 3 reclaims, 1 refault, 1 refault activation, shadows of pages 2 and 3 remain.
 */
static void
test_cache_trace_d_refault_activation(void **state)
{
	PcsCache *c = cache_new(4, 1, PCS_POLICY_TWO_LIST);
	const guint64 pages[] = { 0, 0, 1, 2, 3, 4, 1, 5 };
	PcsStats s;

	for (guint i = 0; i < G_N_ELEMENTS(pages); i++)
		read_page(c, pages[i], i);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.requests, 8);
	assert_int_equal(s.read_requests, 8);
	assert_int_equal(s.accesses, 8);
	assert_int_equal(s.hits, 1);
	assert_int_equal(s.misses, 7);
	assert_int_equal(s.request_hits, 1);
	assert_int_equal(s.activations, 1);
	assert_int_equal(s.deactivations, 1);
	assert_int_equal(s.evictions, 3);
	assert_int_equal(s.reclaims, 3);
	assert_int_equal(s.refaults, 1);
	assert_int_equal(s.refault_activations, 1);
	assert_int_equal(s.active_pages, 1);
	assert_int_equal(s.inactive_pages, 3);
	assert_int_equal(s.resident_pages, 4);
	assert_int_equal(s.shadow_entries, 2);
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE);
	assert_int_equal(pcs_cache_page_state(c, 0, 1), PCS_PAGE_ACTIVE_REFERENCED);
	assert_int_equal(pcs_cache_page_state(c, 0, 2), PCS_PAGE_ABSENT);
	assert_int_equal(pcs_cache_page_state(c, 0, 3), PCS_PAGE_ABSENT);
	assert_int_equal(pcs_cache_page_state(c, 0, 4), PCS_PAGE_INACTIVE_REFERENCED);
	assert_int_equal(pcs_cache_page_state(c, 0, 5), PCS_PAGE_INACTIVE_REFERENCED);
	pcs_cache_free(c);
}

/* The same trace with --workingset off: page 1 comes back inactive, nothing is aged.
 *   ... 1: evict 2; no shadow -> inactive [1R 4R 3R], active [0]
 *   5: 3*1 < 1 no ageing; evict 3; inactive [5R 1R 4R]. */
static void
test_cache_trace_d_without_workingset(void **state)
{
	g_autoptr(GError) error = NULL;
	const guint64 pages[] = { 0, 0, 1, 2, 3, 4, 1, 5 };
	PcsConfig cfg;
	PcsCache *c;
	PcsStats s;

	pcs_config_init(&cfg);
	cfg.cache_bytes = 4 * P;
	cfg.reclaim_batch = 1;
	cfg.workingset = FALSE;
	cfg.readahead_bytes = 0;
	c = pcs_cache_new(&cfg, &error);
	tu_assert_no_error(c != NULL, error);
	for (guint i = 0; i < G_N_ELEMENTS(pages); i++)
		read_page(c, pages[i], i);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.refaults, 0);
	assert_int_equal(s.refault_activations, 0);
	assert_int_equal(s.deactivations, 0);
	assert_int_equal(s.evictions, 3);
	assert_int_equal(s.shadow_entries, 0);
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_ACTIVE);
	assert_int_equal(pcs_cache_page_state(c, 0, 1), PCS_PAGE_INACTIVE_REFERENCED);
	pcs_cache_free(c);
}

/*
 * The same-page rule of filemap_read (pos_same_folio): three 100-byte reads of page 0 on one
 * stream are one reference (REFERENCED only, as the kernel showed with 4 x 1-byte reads);
 * after an open (a new file description, prev_pos = -1) the next read activates.
 */
static void
test_cache_same_page_rule(void **state)
{
	PcsCache *c = cache_new(8, 1, PCS_POLICY_TWO_LIST);
	PcsStats s;

	submit(c, tu_event(PCS_OP_READ, 0, 0, 100, 0));
	submit(c, tu_event(PCS_OP_READ, 0, 100, 100, 0));
	submit(c, tu_event(PCS_OP_READ, 0, 200, 100, 0));
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE_REFERENCED);
	/* A read on another stream is another reference. */
	submit(c, tu_event(PCS_OP_OPEN, 0, PCS_NONE, PCS_NONE, 0));
	submit(c, tu_event(PCS_OP_READ, 0, 0, 100, 0));
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_ACTIVE);
	/* A read continuing into the next page marks only the new page: prev_pos = 100, so
	 * [100, 4196) starts in page 0 (skipped) and covers page 1 (new, marked). */
	submit(c, tu_event(PCS_OP_READ, 0, 100, P, 0));
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_ACTIVE);
	assert_int_equal(pcs_cache_page_state(c, 0, 1), PCS_PAGE_INACTIVE_REFERENCED);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.requests, 5);
	assert_int_equal(s.accesses, 6);
	assert_int_equal(s.hits, 4);
	assert_int_equal(s.misses, 2);
	assert_int_equal(s.request_hits, 3);
	assert_int_equal(s.activations, 1);
	assert_int_equal(s.ops[PCS_OP_OPEN], 1);
	assert_int_equal(s.ops[PCS_OP_READ], 5);
	pcs_cache_free(c);
}

/* Buffered writes allocate and hit but never mark; a write allocation drops a shadow without
 * counting a refault (filemap_add_folio skips workingset_refault for __GFP_WRITE). */
static void
test_cache_writes(void **state)
{
	PcsCache *c = cache_new(2, 1, PCS_POLICY_TWO_LIST);
	PcsStats s;

	submit(c, tu_event(PCS_OP_WRITE, 0, 0, P, 0));   /* miss, inactive, unreferenced */
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE);
	submit(c, tu_event(PCS_OP_WRITE, 0, 10, 20, 0));  /* hit, still unreferenced */
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE);
	submit(c, tu_event(PCS_OP_READ, 0, 0, P, 1));     /* hit, referenced */
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE_REFERENCED);
	submit(c, tu_event(PCS_OP_READ, 0, P, P, 2));     /* page 1: miss, cache full */
	submit(c, tu_event(PCS_OP_READ, 0, 2 * P, P, 3)); /* page 2: evicts page 0 (tail) */
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_ABSENT);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.shadow_entries, 1);
	submit(c, tu_event(PCS_OP_WRITE, 0, 0, P, 0));    /* page 0 again, by a write */
	pcs_cache_stats(c, &s);
	assert_int_equal(s.refaults, 0);
	assert_int_equal(s.shadow_entries, 1);  /* page 0's went, page 1's came */
	assert_int_equal(s.write_requests, 3);
	assert_int_equal(s.write_accesses, 3);
	assert_int_equal(s.write_hits, 1);
	assert_int_equal(s.read_requests, 3);
	assert_int_equal(s.read_hits, 1);
	assert_int_equal(s.misses, 4);
	pcs_cache_free(c);
}

/* A request counts every page it overlaps once; request_hits needs every page to hit. */
static void
test_cache_multi_page_requests(void **state)
{
	PcsCache *c = cache_new(16, 1, PCS_POLICY_TWO_LIST);
	PcsStats s;

	submit(c, tu_event(PCS_OP_READ, 3, 4000, 200, 0));   /* pages 0 and 1 */
	submit(c, tu_event(PCS_OP_READ, 3, 0, 3 * P, 1));    /* pages 0, 1 hit; 2 misses */
	submit(c, tu_event(PCS_OP_READ, 3, P, 2 * P, 2));    /* pages 1, 2: all hit */
	submit(c, tu_event(PCS_OP_READ, 3, 0, 0, 3));        /* empty: not a request */
	submit(c, tu_event(PCS_OP_SENDFILE, 4, 0, P, 4));    /* sendfile reads file 4 */
	pcs_cache_stats(c, &s);
	assert_int_equal(s.requests, 4);
	assert_int_equal(s.accesses, 8);
	assert_int_equal(s.hits, 4);
	assert_int_equal(s.misses, 4);
	assert_int_equal(s.request_hits, 1);
	assert_int_equal(s.ops[PCS_OP_READ], 4);
	assert_int_equal(s.ops[PCS_OP_SENDFILE], 1);
	assert_int_equal(s.resident_pages, 4);
	pcs_cache_free(c);
}

/* Reclaim frees a whole batch: 65 distinct pages through 64 pages with batch 32 leaves 33. */
static void
test_cache_reclaim_batch(void **state)
{
	PcsCache *c = cache_new(64, 32, PCS_POLICY_TWO_LIST);
	PcsStats s;

	for (guint64 p = 0; p < 65; p++)
		read_page(c, p, 0);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.reclaims, 1);
	assert_int_equal(s.evictions, 32);
	assert_int_equal(s.resident_pages, 33);
	for (guint64 p = 0; p < 32; p++)
		assert_int_equal(pcs_cache_page_state(c, 0, p), PCS_PAGE_ABSENT);
	assert_int_not_equal(pcs_cache_page_state(c, 0, 32), PCS_PAGE_ABSENT);
	pcs_cache_free(c);
}

/* inactive_is_low with ratio 1: six active pages, two inactive; the next miss ages. */
static void
test_cache_inactive_low_ages(void **state)
{
	PcsCache *c = cache_new(8, 1, PCS_POLICY_TWO_LIST);
	guint32 stream = 0;
	PcsStats s;

	for (guint64 p = 0; p < 6; p++) {
		read_page(c, p, stream++);
		read_page(c, p, stream++);
	}
	read_page(c, 6, stream++);
	read_page(c, 7, stream++);
	read_page(c, 8, stream++);  /* 2 * 1 < 6: evict 6, demote page 0 */
	pcs_cache_stats(c, &s);
	assert_int_equal(s.activations, 6);
	assert_int_equal(s.deactivations, 1);
	assert_int_equal(pcs_cache_page_state(c, 0, 6), PCS_PAGE_ABSENT);
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE);
	pcs_cache_free(c);
}

/* Ops that do not access pages are counted per op and touch no page. */
static void
test_cache_other_ops_counted(void **state)
{
	PcsCache *c = cache_new(8, 1, PCS_POLICY_TWO_LIST);
	const PcsOp ops[] = { PCS_OP_FSYNC, PCS_OP_FDATASYNC, PCS_OP_SYNC, PCS_OP_CLOSE,
			      PCS_OP_FADVISE, PCS_OP_DIRECT_READ, PCS_OP_DIRECT_WRITE,
			      PCS_OP_TRUNCATE };
	PcsStats s;

	for (guint i = 0; i < G_N_ELEMENTS(ops); i++)
		submit(c, tu_event(ops[i], 0, 0, P, 0));
	pcs_cache_stats(c, &s);
	assert_int_equal(s.requests, 0);
	assert_int_equal(s.resident_pages, 0);
	assert_int_equal(s.ops[PCS_OP_FSYNC], 1);
	assert_int_equal(s.ops[PCS_OP_DIRECT_READ], 1);
	assert_int_equal(s.ops[PCS_OP_TRUNCATE], 1);
	pcs_cache_free(c);
}

/* Hits of the lru policy (batch 1) against an obviously correct reference: an array kept
 * in recency order, linear search. */
static guint64
reference_lru_hits(const guint64 *keys, guint n, guint cap)
{
	guint64 *stack = g_new(guint64, cap);
	guint used = 0;
	guint64 hits = 0;

	for (guint i = 0; i < n; i++) {
		guint j;

		for (j = 0; j < used && stack[j] != keys[i]; j++)
			;
		if (j < used)
			hits++;
		else if (used < cap)
			j = used++;
		else
			j = cap - 1;  /* evict the least recent */
		memmove(stack + 1, stack, j * sizeof *stack);
		stack[0] = keys[i];
	}
	g_free(stack);
	return hits;
}

static void
test_cache_lru_matches_reference(void **state)
{
	enum { N = 20000 };
	GRand *rng = g_rand_new_with_seed(7);
	guint64 *keys = g_new(guint64, N);

	for (guint i = 0; i < N; i++)  /* skewed: small ids far more often */
		keys[i] = (guint64) (g_rand_double(rng) * g_rand_double(rng) * 500);
	for (guint cap = 32; cap <= 512; cap *= 2) {
		PcsCache *c = cache_new(cap, 1, PCS_POLICY_LRU);
		PcsStats s;

		for (guint i = 0; i < N; i++) {
			PcsIoEvent ev = tu_event(PCS_OP_READ, 0, keys[i] * P, P, 0);

			pcs_cache_submit(c, &ev);
		}
		pcs_cache_stats(c, &s);
		assert_int_equal(s.hits, reference_lru_hits(keys, N, cap));
		pcs_cache_free(c);
	}
	g_free(keys);
	g_rand_free(rng);
}

/* Runs a generated workload through a cache; returns the stats. */
static void
run_gen(const PcsGenConfig *gcfg, guint64 cache_pages, PcsPolicyKind policy, guint32 batch,
	PcsStats *s, gboolean check_each)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsGen) g = pcs_gen_new(gcfg, files, &error);
	PcsCache *c = cache_new(cache_pages, batch, policy);
	PcsIoEvent ev;
	guint64 n = 0;

	tu_assert_no_error(g != NULL, error);
	while (pcs_gen_next(g, &ev)) {
		pcs_cache_submit(c, &ev);
		if (check_each && ++n % 997 == 0) {
			gboolean ok = pcs_cache_check(c, &error);

			tu_assert_no_error(ok, error);
		}
	}
	pcs_cache_stats(c, s);
	pcs_cache_free(c);
}

/* LRU has the inclusion property: hits never decrease as the cache grows. */
static void
test_cache_lru_hits_monotonic_in_size(void **state)
{
	PcsGenConfig g;
	guint64 prev = 0;

	pcs_gen_config_init(&g, PCS_GEN_ZIPF);
	g.requests = 50000;
	g.pages = 4096;
	for (guint64 pages = 64; pages <= 4096; pages *= 2) {
		PcsStats s;

		run_gen(&g, pages, PCS_POLICY_LRU, 1, &s, FALSE);
		assert_true(s.hits >= prev);
		prev = s.hits;
	}
}

/* A scan through a hot set: two-list keeps the hot set (activated), LRU loses it. */
static void
test_cache_two_list_beats_lru_on_scan_hot(void **state)
{
	PcsGenConfig g;
	PcsStats two, lru;

	pcs_gen_config_init(&g, PCS_GEN_SCAN_HOT);
	g.requests = 60000;
	g.pages = 1000;
	g.scan_pages = 8000;
	run_gen(&g, 1500, PCS_POLICY_TWO_LIST, 32, &two, TRUE);
	run_gen(&g, 1500, PCS_POLICY_LRU, 32, &lru, FALSE);
	assert_int_equal(two.requests, lru.requests);
	assert_true(two.hits > lru.hits);
	assert_true(two.activations > 0);
}

/* Invariants hold through a long mixed read/write churn with refaults. */
static void
test_cache_invariants_under_churn(void **state)
{
	PcsGenConfig g;
	PcsStats s;

	pcs_gen_config_init(&g, PCS_GEN_ZIPF);
	g.requests = 40000;
	g.pages = 3000;
	g.write_ratio = 0.3;
	g.files = 3;
	g.request_bytes = 3 * P;
	run_gen(&g, 512, PCS_POLICY_TWO_LIST, 32, &s, TRUE);
	assert_int_equal(s.hits + s.misses, s.accesses);
	assert_int_equal(s.read_accesses + s.write_accesses, s.accesses);
	assert_true(s.refaults > 0);
	assert_true(s.refault_activations <= s.refaults);
	assert_true(s.resident_pages <= 512);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_trace_d_refault_activation),
		cmocka_unit_test(test_cache_trace_d_without_workingset),
		cmocka_unit_test(test_cache_same_page_rule),
		cmocka_unit_test(test_cache_writes),
		cmocka_unit_test(test_cache_multi_page_requests),
		cmocka_unit_test(test_cache_reclaim_batch),
		cmocka_unit_test(test_cache_inactive_low_ages),
		cmocka_unit_test(test_cache_other_ops_counted),
		cmocka_unit_test(test_cache_lru_matches_reference),
		cmocka_unit_test(test_cache_lru_hits_monotonic_in_size),
		cmocka_unit_test(test_cache_two_list_beats_lru_on_scan_hot),
		cmocka_unit_test(test_cache_invariants_under_churn),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
