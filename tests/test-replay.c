/*
 * test-replay.c - feeding traces into a cache (sim/replay.c): batches give exactly the
 * results of one-by-one submission, warm-up boundaries, the trace clock across traces,
 * intervals and stream rebasing.
 */
#include "config.h"

#include <string.h>
#include "testutil.h"
#include <pcsim/gen.h>
#include <pcsim/replay.h>

static PcsIoEvent *
gen_events(PcsGenWorkload w, guint64 requests, gsize *n)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	PcsGenConfig g;
	g_autoptr(PcsGen) gen = NULL;
	GArray *a = g_array_new(FALSE, FALSE, sizeof(PcsIoEvent));
	PcsIoEvent ev;

	pcs_gen_config_init(&g, w);
	g.requests = requests;
	g.pages = 2000;
	g.write_ratio = 0.2;
	g.files = 2;
	gen = pcs_gen_new(&g, files, &error);
	tu_assert_no_error(gen != NULL, error);
	while (pcs_gen_next(gen, &ev))
		g_array_append_val(a, ev);
	*n = a->len;
	return (PcsIoEvent *) g_array_free(a, FALSE);
}

static PcsConfig
small_config(void)
{
	PcsConfig cfg;

	pcs_config_init(&cfg);
	cfg.cache_bytes = 512 * PCS_PAGE_SIZE;
	return cfg;
}

/* The batched fast path (with prefetching) and event-by-event submission agree exactly. */
static void
test_replay_batch_equals_single(void **state)
{
	g_autoptr(GError) error = NULL;
	gsize n;
	g_autofree PcsIoEvent *evs = gen_events(PCS_GEN_ZIPF, 30000, &n);
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = pcs_replay_new(&cfg, &error);
	g_autoptr(PcsCache) c = pcs_cache_new(&cfg, &error);
	PcsStats a, b, w;
	gboolean complete;

	tu_assert_no_error(rp && c, error);
	pcs_replay_begin_trace(rp);
	/* Odd chunk sizes, to cross the internal batch boundary in every way. */
	for (gsize i = 0; i < n;) {
		gsize m = MIN(n - i, 1 + (i % 700));

		assert_true(pcs_replay_feed(rp, evs + i, m, &error));
		i += m;
	}
	pcs_replay_end_trace(rp);
	pcs_replay_finish(rp, &w, &a, &complete);
	assert_true(complete);
	for (gsize i = 0; i < n; i++)
		pcs_cache_submit(c, &evs[i]);
	pcs_cache_finish(c);  /* the final sync, as pcs_replay_finish() does */
	pcs_cache_stats(c, &b);
	assert_int_equal(a.requests, 30000);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(w.requests, 0);
}

/* --warmup N: the first N requests are one phase, the rest the other; they add up. */
static void
test_replay_warmup_requests(void **state)
{
	g_autoptr(GError) error = NULL;
	gsize n;
	g_autofree PcsIoEvent *evs = gen_events(PCS_GEN_ZIPF, 10000, &n);
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = NULL;
	g_autoptr(PcsCache) c = NULL;
	PcsStats w, m, all;
	gboolean complete;

	cfg.warmup_requests = 2500;
	rp = pcs_replay_new(&cfg, &error);
	pcs_replay_begin_trace(rp);
	assert_true(pcs_replay_feed(rp, evs, n, &error));
	pcs_replay_end_trace(rp);
	pcs_replay_finish(rp, &w, &m, &complete);
	assert_true(complete);
	assert_int_equal(w.requests, 2500);
	assert_int_equal(m.requests, 7500);
	cfg.warmup_requests = 0;
	c = pcs_cache_new(&cfg, &error);
	for (gsize i = 0; i < n; i++)
		pcs_cache_submit(c, &evs[i]);
	pcs_cache_stats(c, &all);
	assert_int_equal(w.hits + m.hits, all.hits);
	assert_int_equal(w.evictions + m.evictions, all.evictions);
	assert_int_equal(m.resident_pages, all.resident_pages);  /* gauges: the end state */
}

/* --warmup 5s on a clock that continues across traces: trace 1 spans 0..3 s, trace 2 starts
 * its own clock at 100 s; its record at 102 s is the 5th second overall. */
static void
test_replay_warmup_time_across_traces(void **state)
{
	g_autoptr(GError) error = NULL;
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = NULL;
	PcsIoEvent t1[4], t2[4];
	PcsStats w, m;
	gboolean complete;

	for (int i = 0; i < 4; i++) {
		t1[i] = tu_event(PCS_OP_READ, 0, i * PCS_PAGE_SIZE, PCS_PAGE_SIZE, 0);
		t1[i].t_ns = (gint64) i * 1000000000;           /* 0 1 2 3 s */
		t2[i] = tu_event(PCS_OP_READ, 1, i * PCS_PAGE_SIZE, PCS_PAGE_SIZE, 0);
		t2[i].t_ns = (gint64) (100 + i) * 1000000000;   /* 100..103 s: clock 3..6 s */
	}
	cfg.warmup_ns = 5000000000ull;
	rp = pcs_replay_new(&cfg, &error);
	pcs_replay_begin_trace(rp);
	assert_true(pcs_replay_feed(rp, t1, 4, &error));
	pcs_replay_end_trace(rp);
	pcs_replay_begin_trace(rp);
	assert_true(pcs_replay_feed(rp, t2, 4, &error));
	pcs_replay_end_trace(rp);
	pcs_replay_finish(rp, &w, &m, &complete);
	assert_true(complete);
	/* clock of t2: 3, 4, 5, 6 s: the boundary falls before the record at 5 s. */
	assert_int_equal(w.requests, 6);
	assert_int_equal(m.requests, 2);
}

static void
test_replay_warmup_time_needs_timestamps(void **state)
{
	g_autoptr(GError) error = NULL;
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = NULL;
	PcsIoEvent ev = tu_event(PCS_OP_READ, 0, 0, 1, 0);

	cfg.warmup_ns = 1000;
	rp = pcs_replay_new(&cfg, &error);
	pcs_replay_begin_trace(rp);
	assert_false(pcs_replay_feed(rp, &ev, 1, &error));
	assert_non_null(strstr(error->message, "needs timestamps"));
}

/* A warm-up that never ends: everything is warm-up, measured is empty. */
static void
test_replay_warmup_incomplete(void **state)
{
	g_autoptr(GError) error = NULL;
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = NULL;
	PcsIoEvent ev = tu_event(PCS_OP_READ, 0, 0, 1, 0);
	PcsStats w, m;
	gboolean complete;

	cfg.warmup_requests = 5;
	rp = pcs_replay_new(&cfg, &error);
	pcs_replay_begin_trace(rp);
	assert_true(pcs_replay_feed(rp, &ev, 1, &error));
	pcs_replay_end_trace(rp);
	pcs_replay_finish(rp, &w, &m, &complete);
	assert_false(complete);
	assert_int_equal(w.requests, 1);
	assert_int_equal(m.requests, 0);
}

typedef struct {
	guint    calls;
	guint64  requests[16];
} Intervals;

static void
on_interval(const PcsStats *s, gpointer user)
{
	Intervals *iv = user;

	if (iv->calls < G_N_ELEMENTS(iv->requests))
		iv->requests[iv->calls] = s->requests;
	iv->calls++;
}

/* Every 1000 requests, and once at the end. */
static void
test_replay_intervals(void **state)
{
	g_autoptr(GError) error = NULL;
	gsize n;
	g_autofree PcsIoEvent *evs = gen_events(PCS_GEN_RAND, 3500, &n);
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = pcs_replay_new(&cfg, &error);
	Intervals iv = { 0 };
	PcsStats w, m;
	gboolean complete;

	pcs_replay_set_interval(rp, 1000, 0, on_interval, &iv);
	pcs_replay_begin_trace(rp);
	assert_true(pcs_replay_feed(rp, evs, n, &error));
	pcs_replay_end_trace(rp);
	pcs_replay_finish(rp, &w, &m, &complete);
	assert_int_equal(iv.calls, 4);
	assert_int_equal(iv.requests[0], 1000);
	assert_int_equal(iv.requests[1], 2000);
	assert_int_equal(iv.requests[2], 3000);
	assert_int_equal(iv.requests[3], 3500);
}

/* Stream 0 of the second trace is not stream 0 of the first: the same-page rule does not
 * carry over, so reading page 0 in both traces activates it. */
static void
test_replay_streams_rebased(void **state)
{
	g_autoptr(GError) error = NULL;
	PcsConfig cfg = small_config();
	g_autoptr(PcsReplay) rp = pcs_replay_new(&cfg, &error);
	PcsIoEvent ev = tu_event(PCS_OP_READ, 0, 0, 100, 0);
	PcsStats w, m;
	gboolean complete;

	for (int i = 0; i < 2; i++) {
		pcs_replay_begin_trace(rp);
		assert_true(pcs_replay_feed(rp, &ev, 1, &error));
		pcs_replay_end_trace(rp);
	}
	pcs_replay_finish(rp, &w, &m, &complete);
	assert_int_equal(m.activations, 1);
	assert_int_equal(pcs_cache_page_state(pcs_replay_cache(rp), 0, 0), PCS_PAGE_ACTIVE);
}

typedef struct {
	guint n;
	char *last;
} BadRecords;

static void
on_bad(const GError *error, gpointer user)
{
	BadRecords *b = user;

	b->n++;
	g_free(b->last);
	b->last = g_strdup(error->message);
}

/*
 * Records the readers cannot judge: a timestamp going back more than --time-tolerance
 * (100 ms), a write of 0 bytes, an fsync of a file no record used. Without --skip-bad the
 * first is an error naming the record; with it each is counted and left out.
 */
static void
test_replay_bad_records(void **state)
{
	static const struct {
		gint64 t;
		PcsOp op;
		guint32 file;
		guint64 len;
		const char *error;  /* NULL: fine */
	} recs[] = {
		{ 1000000000, PCS_OP_WRITE, 0, 4096, NULL },
		{ 950000000, PCS_OP_READ, 0, 4096, NULL },     /* back 50 ms: tolerated */
		{ 850000000, PCS_OP_READ, 0, 4096,
		  "record 3: timestamp 850000000 ns goes back 150000000 ns before an earlier "
		  "record's (more than --time-tolerance 100000000 ns)" },
		{ 1100000000, PCS_OP_WRITE, 0, 0, "record 4: a write of 0 bytes" },
		{ 1200000000, PCS_OP_FSYNC, 7, 0,
		  "record 5: fsync of file 7, which no earlier record opened or used" },
		{ 1300000000, PCS_OP_FSYNC, 0, 0, NULL },
	};
	PcsIoEvent evs[G_N_ELEMENTS(recs)];

	for (guint i = 0; i < G_N_ELEMENTS(recs); i++) {
		evs[i] = tu_event(recs[i].op, recs[i].file, recs[i].op == PCS_OP_FSYNC ? PCS_NONE : 0,
				  recs[i].op == PCS_OP_FSYNC ? PCS_NONE : recs[i].len, 0);
		evs[i].t_ns = recs[i].t;
	}
	/* each bad record alone: an error naming it */
	for (guint bad = 0; bad < G_N_ELEMENTS(recs); bad++) {
		g_autoptr(GError) error = NULL;
		PcsConfig cfg = small_config();
		g_autoptr(PcsReplay) rp = NULL;
		PcsIoEvent sub[G_N_ELEMENTS(recs)];
		guint n = 0;

		if (!recs[bad].error)
			continue;
		for (guint i = 0; i < G_N_ELEMENTS(recs); i++)
			if (!recs[i].error || i == bad)
				sub[n++] = evs[i];
		rp = pcs_replay_new(&cfg, &error);
		pcs_replay_begin_trace(rp);
		assert_false(pcs_replay_feed(rp, sub, n, &error));
		assert_non_null(error);
		if (!strstr(error->message, recs[bad].error + strlen("record N")))
			fail_msg("'%s' does not say '%s'", error->message, recs[bad].error);
	}
	/* all of them under --skip-bad 3: counted and left out */
	{
		g_autoptr(GError) error = NULL;
		PcsConfig cfg = small_config();
		g_autoptr(PcsReplay) rp = NULL;
		BadRecords b = { 0, NULL };
		PcsStats w, m;
		gboolean complete;

		cfg.skip_bad = 3;
		rp = pcs_replay_new(&cfg, &error);
		pcs_replay_set_bad_record(rp, on_bad, &b);
		pcs_replay_begin_trace(rp);
		assert_true(pcs_replay_feed(rp, evs, G_N_ELEMENTS(evs), &error));
		pcs_replay_end_trace(rp);
		pcs_replay_finish(rp, &w, &m, &complete);
		assert_int_equal(b.n, 3);
		assert_string_equal(b.last, recs[4].error);
		assert_int_equal(m.bad_records, 3);
		assert_int_equal(m.requests, 2);
		assert_int_equal(m.ops[PCS_OP_FSYNC], 1);
		assert_int_equal(m.time_reorders, 1);
		assert_int_equal(m.wb_sync_pages, 1);
		g_free(b.last);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_batch_equals_single),
		cmocka_unit_test(test_replay_warmup_requests),
		cmocka_unit_test(test_replay_warmup_time_across_traces),
		cmocka_unit_test(test_replay_warmup_time_needs_timestamps),
		cmocka_unit_test(test_replay_warmup_incomplete),
		cmocka_unit_test(test_replay_intervals),
		cmocka_unit_test(test_replay_streams_rebased),
		cmocka_unit_test(test_replay_bad_records),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
