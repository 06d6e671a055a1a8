/*
 * test-sweep.c - sweeps (sim/sweep.c), time series (sim/timeline.c), one-pass miss-ratio
 * curves (sim/mrc.c) and reading CSV back (sim/table.c).
 *
 * What must hold:
 *   - grids: every accepted --set gives the values listed below, in order; every refused one
 *     fails with the code listed (before any work), and the grid is unchanged;
 *   - job i's configuration has the mixed-radix digits of i (first --set slowest);
 *   - the compact trace encoding decodes to exactly the reader's events, whatever the fields
 *     (unknown times, PCS_NONE offsets, huge jumps) and however the cursor is read;
 *   - a sweep job equals pcs_replay_trace() of the same configuration (the whole PcsStats),
 *     bad records and --skip-bad included, and results are the same with 1 and 3 threads;
 *   - the MRC equals lru replays with reclaim batch 1 at every size: hits, read/write hits,
 *     request hits, evictions, with and without a warm-up;
 *   - a time series' interval requests add up to the total, rows come every N requests.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include "testutil.h"
#include <pcsim/gen.h>
#include <pcsim/mrc.h>
#include <pcsim/replay.h>
#include <pcsim/sweep.h>
#include <pcsim/table.h>
#include <pcsim/timeline.h>

/* ---- helpers ------------------------------------------------------------------------- */

/* Writes a generated workload as a pcsim-text trace under a temporary directory. */
static char *
write_trace(const char *dir, const char *name, PcsGenWorkload w, guint64 requests,
	    guint64 request_bytes, double write_ratio, guint64 interval_ns, const char *extra)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsGen) gen = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	PcsTraceWriter *wr;
	char *path = g_build_filename(dir, name, NULL);
	PcsGenConfig g;
	PcsIoEvent ev;

	pcs_gen_config_init(&g, w);
	g.requests = requests;
	g.pages = 3000;
	g.request_bytes = request_bytes;
	g.write_ratio = write_ratio;
	g.files = 3;
	g.interval_ns = interval_ns;
	if (w == PCS_GEN_SCAN_HOT)
		g.scan_pages = requests / 4;
	gen = pcs_gen_new(&g, files, &error);
	tu_assert_no_error(gen != NULL, error);
	wr = pcs_trace_writer_new(path, "pcsim-text", files, &error);
	tu_assert_no_error(wr != NULL, error);
	while (pcs_gen_next(gen, &ev))
		assert_true(pcs_trace_writer_add(wr, &ev, &error));
	tu_assert_no_error(pcs_trace_writer_finish(wr, &error), error);
	if (extra) {
		/* append raw lines (bad records) */
		g_autofree char *old = NULL;

		assert_true(g_file_get_contents(path, &old, NULL, NULL));
		g_string_append(text, old);
		g_string_append(text, extra);
		assert_true(g_file_set_contents(path, text->str, (gssize) text->len, NULL));
	}
	return path;
}

static char *
make_tmpdir(void)
{
	g_autoptr(GError) error = NULL;
	char *dir = g_dir_make_tmp("pcsim-test-sweep-XXXXXX", &error);

	tu_assert_no_error(dir != NULL, error);
	return dir;
}

static void
remove_dir(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		g_unlink(p);
	}
	g_rmdir(dir);
}

/* Events are equal field by field (their padding is not). */
static void
assert_event_equal(const PcsIoEvent *a, const PcsIoEvent *b)
{
	assert_int_equal(a->t_ns, b->t_ns);
	assert_int_equal(a->offset_bytes, b->offset_bytes);
	assert_int_equal(a->len_bytes, b->len_bytes);
	assert_int_equal(a->file, b->file);
	assert_int_equal(a->stream, b->stream);
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->advice, b->advice);
	assert_int_equal(a->flags, b->flags);
}

/* ---- grids --------------------------------------------------------------------------- */

static const struct {
	const char *spec;
	const char *values;  /* machine text, space-separated */
} good_sets[] = {
	{ "cache=64M", "67108864" },
	{ "cache=64M,128M,1G", "67108864 134217728 1073741824" },
	{ "cache=64M..512M:x2", "67108864 134217728 268435456 536870912" },
	{ "cache=64M..500M:x2", "67108864 134217728 268435456" },
	{ "cache=1G..3G:+1G", "1073741824 2147483648 3221225472" },
	{ "cache=128K,1M..4M:x2", "131072 1048576 2097152 4194304" },
	{ "reclaim_batch=1..10:+3", "1 4 7 10" },
	{ "reclaim-batch=1..3", "1 2 3" },
	{ "reclaim_batch = 1 , 32", "1 32" },
	{ "inactive_ratio=auto,1..3", "auto 1 2 3" },
	{ "policy=lru,two-list", "lru two-list" },
	{ "workingset=on,off", "true false" },
	{ "warmup=0,1000,5s", "0 1000 5000000000ns" },
};

static const struct {
	const char *spec;
	gint code;
	const char *needle;  /* in the message */
} bad_sets[] = {
	{ "nosuch=1", PCS_SWEEP_ERROR_INVALID, "unknown parameter 'nosuch'" },
	{ "cache", PCS_SWEEP_ERROR_INVALID, "expected NAME=" },
	{ "cache=", PCS_SWEEP_ERROR_INVALID, "comma list" },
	{ "cache=1M,,2M", PCS_SWEEP_ERROR_INVALID, "value 2 is empty" },
	{ "cache=1M,", PCS_SWEEP_ERROR_INVALID, "value 2 is empty" },
	{ "cache=lots", PCS_SWEEP_ERROR_INVALID, "lots" },
	{ "cache=1K", PCS_SWEEP_ERROR_INVALID, "minimum" },
	{ "cache=1G..1M:x2", PCS_SWEEP_ERROR_INVALID, "downward" },
	{ "cache=1M..1G:x1", PCS_SWEEP_ERROR_INVALID, "never ends" },
	{ "cache=1M..1G:+0", PCS_SWEEP_ERROR_INVALID, "never ends" },
	{ "reclaim_batch=0..8:x2", PCS_SWEEP_ERROR_INVALID, "never ends" },
	{ "cache=1M..1G", PCS_SWEEP_ERROR_INVALID, "needs a step" },
	{ "cache=1M..1G:y2", PCS_SWEEP_ERROR_INVALID, "xFACTOR" },
	{ "cache=1M..:x2", PCS_SWEEP_ERROR_INVALID, "FROM..TO" },
	{ "policy=lru..two-list", PCS_SWEEP_ERROR_INVALID, "ranges are for sizes" },
	{ "cache=128K..1T:+4K", PCS_SWEEP_ERROR_TOO_MANY, "--max-jobs" },
	{ "reclaim_batch=1..20000", PCS_SWEEP_ERROR_TOO_MANY, "--max-jobs" },
};

static void
test_sweep_grid_values(void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (good_sets); i++) {
		g_autoptr(PcsSweepGrid) g = pcs_sweep_grid_new(0);
		g_autoptr(GError) error = NULL;
		g_autoptr(GString) got = g_string_new(NULL);

		if (!pcs_sweep_grid_add(g, good_sets[i].spec, &error))
			fail_msg("%s: %s", good_sets[i].spec, error->message);
		assert_int_equal(pcs_sweep_grid_nr_axes(g), 1);
		for (guint v = 0; v < pcs_sweep_grid_axis_nr_values(g, 0); v++)
			g_string_append_printf(got, "%s%s", v ? " " : "",
					       pcs_sweep_grid_axis_value(g, 0, v));
		if (strcmp(got->str, good_sets[i].values) != 0)
			fail_msg("%s: got '%s', want '%s'", good_sets[i].spec, got->str,
				 good_sets[i].values);
		assert_int_equal(pcs_sweep_grid_nr_jobs(g), pcs_sweep_grid_axis_nr_values(g, 0));
	}
}

static void
test_sweep_grid_errors(void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (bad_sets); i++) {
		g_autoptr(PcsSweepGrid) g = pcs_sweep_grid_new(0);
		g_autoptr(GError) error = NULL;

		assert_true(pcs_sweep_grid_add(g, "workingset=on,off", &error));
		if (pcs_sweep_grid_add(g, bad_sets[i].spec, &error))
			fail_msg("%s: accepted", bad_sets[i].spec);
		assert_true(g_error_matches(error, PCS_SWEEP_ERROR, bad_sets[i].code));
		if (!strstr(error->message, bad_sets[i].needle))
			fail_msg("%s: message '%s' lacks '%s'", bad_sets[i].spec, error->message,
				 bad_sets[i].needle);
		/* unchanged on error */
		assert_int_equal(pcs_sweep_grid_nr_axes(g), 1);
		assert_int_equal(pcs_sweep_grid_nr_jobs(g), 2);
	}
}

/* A name given twice, and the product limit across axes. */
static void
test_sweep_grid_product(void **state)
{
	g_autoptr(PcsSweepGrid) g = pcs_sweep_grid_new(12);
	g_autoptr(GError) error = NULL;

	assert_true(pcs_sweep_grid_add(g, "cache=1M,2M,4M", &error));
	assert_false(pcs_sweep_grid_add(g, "cache=8M", &error));
	assert_true(g_error_matches(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID));
	g_clear_error(&error);
	assert_true(pcs_sweep_grid_add(g, "reclaim_batch=1..4", &error));
	assert_int_equal(pcs_sweep_grid_nr_jobs(g), 12);
	assert_false(pcs_sweep_grid_add(g, "policy=lru,two-list", &error));
	assert_true(g_error_matches(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_TOO_MANY));
	assert_int_equal(pcs_sweep_grid_nr_jobs(g), 12);
}

/* Job i: the first axis varies slowest. */
static void
test_sweep_grid_order(void **state)
{
	g_autoptr(PcsSweepGrid) g = pcs_sweep_grid_new(0);
	g_autoptr(GError) error = NULL;
	PcsConfig base, cfg;

	pcs_config_init(&base);
	assert_true(pcs_sweep_grid_add(g, "cache=1M,2M,4M", &error));
	assert_true(pcs_sweep_grid_add(g, "reclaim_batch=1,8", &error));
	assert_int_equal(pcs_sweep_grid_nr_jobs(g), 6);
	for (guint64 i = 0; i < 6; i++) {
		assert_true(pcs_sweep_grid_job_config(g, &base, i, &cfg, &error));
		assert_int_equal(cfg.cache_bytes, (1u << 20) << (i / 2));
		assert_int_equal(cfg.reclaim_batch, i % 2 ? 8 : 1);
		assert_int_equal(cfg.policy, base.policy);
	}
}

/* ---- the encoding -------------------------------------------------------------------- */

static void
test_sweep_encoding_round_trip(void **state)
{
	g_autofree char *dir = make_tmpdir();
	g_autofree char *path = g_build_filename(dir, "t.txt", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsFileTable) files2 = pcs_files_new();
	g_autoptr(PcsSweepTrace) t = NULL;
	g_autoptr(GByteArray) bytes = g_byte_array_new();
	PcsIoEvent prev = { 0 };
	PcsSweepCursor cur;
	GArray *orig = g_array_new(FALSE, FALSE, sizeof(PcsIoEvent));
	GRand *rnd = g_rand_new_with_seed(7);
	guint64 budget = 0;
	gsize n = 0, got;
	PcsIoEvent buf[7];

	/* 1. the encoder alone, on awkward events */
	for (guint i = 0; i < 20000; i++) {
		PcsIoEvent ev = tu_event((PcsOp) g_rand_int_range(rnd, 0, PCS_OP_COUNT),
					 g_rand_int_range(rnd, 0, 5),
					 (guint64) g_rand_int(rnd) << g_rand_int_range(rnd, 0, 30),
					 1 + g_rand_int_range(rnd, 0, 1 << 20),
					 g_rand_int_range(rnd, 0, 3));

		if (i % 7 == 0)
			ev.offset_bytes = PCS_NONE;
		if (i % 11 == 0)
			ev.len_bytes = PCS_NONE;
		if (i % 3)
			ev.t_ns = (gint64) i * 1000 + g_rand_int_range(rnd, -500, 500);
		if (i % 13 == 0)
			ev.offset_bytes = i ? g_array_index(orig, PcsIoEvent, i - 1).offset_bytes +
				g_array_index(orig, PcsIoEvent, i - 1).len_bytes : 0;
		ev.advice = (guint8) (i % 5 == 0 ? 3 : 0);
		ev.flags = (guint16) (i % 17 == 0 ? 0xffff : 0);
		g_array_append_val(orig, ev);
		pcs_sweep_encode(bytes, &prev, &ev);
	}
	assert_true(bytes->len < orig->len * sizeof(PcsIoEvent) / 2);
	{
		const guint8 *p = bytes->data;
		PcsIoEvent d = { 0 };

		for (guint i = 0; i < orig->len; i++) {
			p = pcs_sweep_decode(p, &d);
			assert_event_equal(&d, &g_array_index(orig, PcsIoEvent, i));
		}
		assert_ptr_equal(p, bytes->data + bytes->len);
	}
	g_rand_free(rnd);
	/* 2. a real trace, loaded, decoded in odd chunks */
	{
		g_autofree char *p = write_trace(dir, "t.txt", PCS_GEN_ZIPF, 5000, 12288, 0.3, 1000,
						 NULL);
		g_autoptr(PcsTrace) tr = pcs_trace_open(p, NULL, files2, &error);
		PcsIoEvent ev;

		tu_assert_no_error(tr != NULL, error);
		t = pcs_sweep_trace_load(p, NULL, NULL, files, &budget, NULL, NULL, &error);
		tu_assert_no_error(t != NULL, error);
		assert_int_equal(pcs_sweep_trace_nr_events(t), 5000);
		pcs_sweep_cursor_init(&cur, t);
		while ((got = pcs_sweep_cursor_next(&cur, buf, 1 + n % G_N_ELEMENTS (buf))) > 0) {
			for (gsize i = 0; i < got; i++) {
				assert_int_equal(pcs_trace_next(tr, &ev, &error), PCS_TRACE_OK);
				assert_event_equal(&ev, &buf[i]);
			}
			n += got;
		}
		assert_int_equal(n, 5000);
		assert_int_equal(pcs_trace_next(tr, &ev, &error), PCS_TRACE_EOF);
		assert_true(pcs_sweep_trace_encoded_bytes(t) < 5000 * sizeof(PcsIoEvent) / 3);
	}
	g_array_unref(orig);
	remove_dir(dir);
}

/* ---- jobs ---------------------------------------------------------------------------- */

/* What pcsim replay computes: pcs_replay_trace() on the file. */
static gboolean
replay_file(const char *const *paths, guint nr, const PcsConfig *cfg, PcsStats *measured,
	    PcsStats *warmup, GError **error)
{
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsReplay) rp = pcs_replay_new(cfg, error);
	gboolean complete;

	if (!rp)
		return FALSE;
	for (guint i = 0; i < nr; i++) {
		g_autoptr(PcsTrace) t = pcs_trace_open(paths[i], NULL, files, error);

		if (!t || !pcs_replay_trace(rp, t, error))
			return FALSE;
	}
	pcs_replay_finish(rp, warmup, measured, &complete);
	return TRUE;
}

typedef struct {
	GArray *results;  /* PcsSweepResult, errors copied */
} Collect;

static void
collect(const PcsSweepResult *r, gpointer user)
{
	Collect *c = user;
	PcsSweepResult copy = *r;

	assert_int_equal(r->index, c->results->len);  /* grid order */
	copy.error = r->error ? g_error_copy(r->error) : NULL;
	g_array_append_val(c->results, copy);
}

static void
result_clear(gpointer data)
{
	pcs_sweep_result_clear(data);
}

static void
test_sweep_jobs_equal_replays(void **state)
{
	g_autofree char *dir = make_tmpdir();
	/* two traces into one cache; the second has two bad records at its end */
	g_autofree char *p1 = write_trace(dir, "a.txt", PCS_GEN_ZIPF, 6000, 8192, 0.25, 0, NULL);
	g_autofree char *p2 = write_trace(dir, "b.txt", PCS_GEN_SCAN_HOT, 4000, 4096, 0.1, 0,
					  "bogus line\nread x\n");
	const char *paths[] = { p1, p2 };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsSweepGrid) g = pcs_sweep_grid_new(0);
	PcsSweepTrace *traces[2];
	PcsConfig base;
	guint64 budget = 2;
	Collect c1, c3;

	pcs_config_init(&base);
	base.skip_bad = 2;
	for (guint i = 0; i < 2; i++) {
		traces[i] = pcs_sweep_trace_load(paths[i], NULL, NULL, files, &budget, NULL, NULL,
						 &error);
		tu_assert_no_error(traces[i] != NULL, error);
	}
	assert_int_equal(pcs_sweep_trace_nr_bad(traces[1]), 2);
	assert_true(pcs_sweep_grid_add(g, "cache=128K,1M,4M", &error));
	assert_true(pcs_sweep_grid_add(g, "policy=two-list,lru", &error));
	assert_true(pcs_sweep_grid_add(g, "skip_bad=2,1", &error));
	assert_true(pcs_sweep_grid_add(g, "warmup=0,1500", &error));
	c1.results = g_array_new(FALSE, TRUE, sizeof(PcsSweepResult));
	c3.results = g_array_new(FALSE, TRUE, sizeof(PcsSweepResult));
	g_array_set_clear_func(c1.results, result_clear);
	g_array_set_clear_func(c3.results, result_clear);
	assert_int_equal(pcs_sweep_run(traces, 2, g, &base, 1, collect, NULL, &c1), 12);
	/* 3 threads, started before the traces are read: they follow the decoding */
	{
		g_autoptr(PcsFileTable) files3 = pcs_files_new();
		PcsSweepTrace *streamed[2];
		PcsSweepRun *run;

		budget = 2;
		for (guint i = 0; i < 2; i++) {
			streamed[i] = pcs_sweep_trace_open(paths[i], NULL, NULL, files3, &error);
			tu_assert_no_error(streamed[i] != NULL, error);
		}
		run = pcs_sweep_run_start(streamed, 2, g, &base, 3);
		for (guint i = 0; i < 2; i++)
			tu_assert_no_error(pcs_sweep_trace_read(streamed[i], &budget, NULL, NULL,
								&error), error);
		assert_int_equal(pcs_sweep_run_finish(run, collect, NULL, &c3), 12);
		pcs_sweep_trace_free(streamed[0]);
		pcs_sweep_trace_free(streamed[1]);
	}
	assert_int_equal(c1.results->len, 24);
	for (guint i = 0; i < 24; i++) {
		PcsSweepResult *a = &g_array_index(c1.results, PcsSweepResult, i);
		PcsSweepResult *b = &g_array_index(c3.results, PcsSweepResult, i);
		g_autoptr(GError) rerr = NULL;
		PcsStats m, w;
		gboolean ok = replay_file(paths, 2, &a->cfg, &m, &w, &rerr);

		/* 1 and 3 threads */
		assert_int_equal(a->ok, b->ok);
		if (a->ok) {
			assert_memory_equal(&a->measured, &b->measured, sizeof m);
			assert_memory_equal(&a->warmup, &b->warmup, sizeof w);
		} else {
			assert_string_equal(a->error->message, b->error->message);
		}
		/* the replay: the same statistics, or the same failure */
		assert_int_equal(a->ok, ok);
		if (ok) {
			assert_memory_equal(&a->measured, &m, sizeof m);
			assert_memory_equal(&a->warmup, &w, sizeof w);
			assert_int_equal(a->measured.bad_records + a->warmup.bad_records, 2);
		} else {
			/* skip_bad 1 < 2 bad records */
			assert_int_equal(a->cfg.skip_bad, 1);
			assert_string_equal(a->error->message, rerr->message);
		}
	}
	g_array_unref(c1.results);
	g_array_unref(c3.results);
	pcs_sweep_trace_free(traces[0]);
	pcs_sweep_trace_free(traces[1]);
	remove_dir(dir);
}

/* A trace that fails while jobs wait for it: every job fails with its error, none hangs. */
static void
test_sweep_load_failure(void **state)
{
	g_autofree char *dir = make_tmpdir();
	g_autofree char *p = write_trace(dir, "bad.txt", PCS_GEN_ZIPF, 3000, 4096, 0.1, 0,
					 "bogus line\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsSweepGrid) g = pcs_sweep_grid_new(0);
	g_autoptr(PcsSweepTrace) t = pcs_sweep_trace_open(p, NULL, NULL, files, &error);
	PcsSweepTrace *traces[1] = { t };
	PcsSweepRun *run;
	PcsConfig base;
	guint64 budget = 0;
	Collect c;

	tu_assert_no_error(t != NULL, error);
	pcs_config_init(&base);
	assert_true(pcs_sweep_grid_add(g, "cache=1M,2M,4M", &error));
	c.results = g_array_new(FALSE, TRUE, sizeof(PcsSweepResult));
	g_array_set_clear_func(c.results, result_clear);
	run = pcs_sweep_run_start(traces, 1, g, &base, 2);
	assert_false(pcs_sweep_trace_read(t, &budget, NULL, NULL, &error));
	assert_non_null(strstr(error->message, "bad.txt"));
	assert_int_equal(pcs_sweep_run_finish(run, collect, NULL, &c), 3);
	for (guint i = 0; i < 3; i++)
		assert_string_equal(g_array_index(c.results, PcsSweepResult, i).error->message,
				    error->message);
	g_array_unref(c.results);
	remove_dir(dir);
}

/* ---- the miss-ratio curve ------------------------------------------------------------ */

static void
test_sweep_mrc_equals_lru(void **state)
{
	static const guint64 sizes[] = { 4096, 32, 100, 256, 1000, 32, 2999, 3000, 5000 };
	static const guint64 warmups[] = { 0, 2500 };
	g_autofree char *dir = make_tmpdir();
	/* multi-page requests, reads and writes, three files */
	g_autofree char *p = write_trace(dir, "z.txt", PCS_GEN_ZIPF, 8000, 10000, 0.3, 0, NULL);
	g_autofree char *q = write_trace(dir, "s.txt", PCS_GEN_SCAN_HOT, 3000, 4096, 0.5, 0, NULL);
	const char *paths[] = { p, q };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	PcsSweepTrace *traces[2];
	guint64 budget = 0;

	for (guint i = 0; i < 2; i++) {
		traces[i] = pcs_sweep_trace_load(paths[i], NULL, NULL, files, &budget, NULL, NULL,
						 &error);
		tu_assert_no_error(traces[i] != NULL, error);
	}
	for (gsize w = 0; w < G_N_ELEMENTS (warmups); w++) {
		g_autoptr(PcsMrc) m = pcs_mrc_new(sizes, G_N_ELEMENTS (sizes), warmups[w]);

		for (guint t = 0; t < 2; t++) {
			PcsSweepCursor cur;
			PcsIoEvent buf[100];
			gsize n;

			pcs_sweep_cursor_init(&cur, traces[t]);
			while ((n = pcs_sweep_cursor_next(&cur, buf, G_N_ELEMENTS (buf))) > 0 ||
			       cur.at_bad)
				pcs_mrc_feed(m, buf, n);
		}
		assert_int_equal(pcs_mrc_nr_unsupported(m, NULL), 0);
		for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
			PcsConfig cfg;
			PcsStats got, want, wu;

			pcs_config_init(&cfg);
			assert_true(pcs_config_set(&cfg, "policy", "lru", NULL));
			assert_true(pcs_config_set(&cfg, "reclaim_batch", "1", NULL));
			assert_true(pcs_config_set(&cfg, "readahead", "0", NULL));
			cfg.cache_bytes = sizes[i] * PCS_PAGE_SIZE;
			cfg.warmup_requests = warmups[w];
			tu_assert_no_error(replay_file(paths, 2, &cfg, &want, &wu, &error), error);
			pcs_mrc_stats(m, (guint) i, &got);
			assert_true(want.hits > 0);
			assert_int_equal(got.requests, want.requests);
			assert_int_equal(got.accesses, want.accesses);
			assert_int_equal(got.hits, want.hits);
			assert_int_equal(got.read_hits, want.read_hits);
			assert_int_equal(got.write_hits, want.write_hits);
			assert_int_equal(got.request_hits, want.request_hits);
			assert_int_equal(got.misses, want.misses);
			assert_int_equal(got.evictions, want.evictions);
			assert_memory_equal(got.ops, want.ops, sizeof got.ops);
		}
	}
	pcs_sweep_trace_free(traces[0]);
	pcs_sweep_trace_free(traces[1]);
	remove_dir(dir);
}

/* Compaction and table growth: a long trace over many pages in a small tree. */
static void
test_sweep_mrc_long(void **state)
{
	static const guint64 sizes[] = { 50, 500, 5000 };
	g_autoptr(PcsMrc) m = pcs_mrc_new(sizes, G_N_ELEMENTS (sizes), 0);
	g_autoptr(GError) error = NULL;
	PcsConfig cfg;
	PcsCache *caches[G_N_ELEMENTS (sizes)];
	GRand *rnd = g_rand_new_with_seed(3);

	pcs_config_init(&cfg);
	cfg.policy = PCS_POLICY_LRU;
	cfg.reclaim_batch = 1;
	assert_true(pcs_config_set(&cfg, "readahead", "0", NULL));
	for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
		cfg.cache_bytes = sizes[i] * PCS_PAGE_SIZE;
		caches[i] = pcs_cache_new(&cfg, &error);
		tu_assert_no_error(caches[i] != NULL, error);
	}
	for (guint i = 0; i < 300000; i++) {
		/* a hot set and a long tail: distances of every size */
		guint64 page = g_rand_boolean(rnd) ? g_rand_int_range(rnd, 0, 400)
						   : g_rand_int_range(rnd, 0, 100000);
		PcsIoEvent ev = tu_event(PCS_OP_READ, 0, page * PCS_PAGE_SIZE, PCS_PAGE_SIZE, 0);

		pcs_mrc_feed(m, &ev, 1);
		for (gsize j = 0; j < G_N_ELEMENTS (sizes); j++)
			pcs_cache_submit(caches[j], &ev);
	}
	for (gsize j = 0; j < G_N_ELEMENTS (sizes); j++) {
		PcsStats got, want;

		pcs_mrc_stats(m, (guint) j, &got);
		pcs_cache_stats(caches[j], &want);
		assert_int_equal(got.hits, want.hits);
		assert_int_equal(got.evictions, want.evictions);
		pcs_cache_free(caches[j]);
	}
	assert_true(pcs_mrc_nr_pages(m) > 60000);
	g_rand_free(rnd);
}

/* ---- time series and CSV ------------------------------------------------------------- */

static void
test_sweep_timeline_rows(void **state)
{
	g_autofree char *dir = make_tmpdir();
	g_autofree char *p = write_trace(dir, "t.txt", PCS_GEN_ZIPF, 10500, 4096, 0.2, 1000000,
					 NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsTrace) t = pcs_trace_open(p, NULL, files, &error);
	g_autoptr(PcsTimeline) tl = pcs_timeline_new(PCS_TIMELINE_CSV, 1000, 0);
	g_autoptr(PcsTable) table = NULL;
	PcsConfig cfg;
	g_autoptr(PcsReplay) rp = NULL;
	PcsStats w, m;
	gboolean complete;
	guint64 sum = 0, every_r, every_ns;
	gint ir, rq, hr, tn;

	pcs_config_init(&cfg);
	cfg.cache_bytes = 1 << 20;
	rp = pcs_replay_new(&cfg, &error);
	tu_assert_no_error(rp && t, error);
	pcs_replay_set_interval(rp, 1000, 0, pcs_timeline_add, tl);
	tu_assert_no_error(pcs_replay_trace(rp, t, &error), error);
	pcs_timeline_note_end(tl);
	pcs_replay_finish(rp, &w, &m, &complete);
	assert_int_equal(pcs_timeline_nr_rows(tl), 11);
	table = pcs_table_parse(pcs_timeline_text(tl)->str, pcs_timeline_text(tl)->len, "tl",
				&error);
	tu_assert_no_error(table != NULL, error);
	assert_int_equal(table->rows->len, 11);
	ir = pcs_table_column(table, "interval_requests");
	rq = pcs_table_column(table, "requests");
	hr = pcs_table_column(table, "interval_hit_ratio");
	tn = pcs_table_column(table, "t_ns");
	assert_true(ir >= 0 && rq >= 0 && hr >= 0 && tn >= 0);
	/* every field of the statistics table is a column */
	for (const PcsStatField *f = pcs_stat_fields(); f->name; f++)
		assert_true(pcs_table_column(table, f->name) >= 0);
	for (guint r = 0; r < table->rows->len; r++) {
		sum += g_ascii_strtoull(pcs_table_get(table, r, (guint) ir), NULL, 10);
		assert_int_equal(g_ascii_strtoull(pcs_table_get(table, r, (guint) rq), NULL, 10),
				 r < 10 ? (r + 1) * 1000 : 10500);
	}
	assert_int_equal(sum, m.requests);
	/* --interval syntax */
	assert_true(pcs_interval_parse("100000req", &every_r, &every_ns, &error));
	assert_int_equal(every_r, 100000);
	assert_int_equal(every_ns, 0);
	assert_true(pcs_interval_parse("1.5s", &every_r, &every_ns, &error));
	assert_int_equal(every_ns, 1500000000);
	assert_int_equal(every_r, 0);
	assert_false(pcs_interval_parse("100", &every_r, &every_ns, NULL));
	assert_false(pcs_interval_parse("0s", &every_r, &every_ns, NULL));
	assert_false(pcs_interval_parse("req", &every_r, &every_ns, NULL));
	remove_dir(dir);
}

static void
test_sweep_table_parse(void **state)
{
	static const char text[] = "a,b,c\n1,\"x,y\",\"he said \"\"hi\"\"\"\r\n,\"two\nlines\",3";
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTable) t = pcs_table_parse(text, strlen(text), "t", &error);

	tu_assert_no_error(t != NULL, error);
	assert_int_equal(t->rows->len, 2);
	assert_string_equal(pcs_table_get(t, 0, 1), "x,y");
	assert_string_equal(pcs_table_get(t, 0, 2), "he said \"hi\"");
	assert_string_equal(pcs_table_get(t, 1, 0), "");
	assert_string_equal(pcs_table_get(t, 1, 1), "two\nlines");
	assert_string_equal(pcs_table_get(t, 1, 2), "3");
	assert_int_equal(pcs_table_column(t, "c"), 2);
	assert_int_equal(pcs_table_column(t, "d"), -1);
	assert_null(pcs_table_parse("a,b\n1\n", 6, "t", &error));
	assert_non_null(strstr(error->message, "line 2"));
	g_clear_error(&error);
	assert_null(pcs_table_parse("a\n\"open\n", 8, "t", &error));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_grid_values),
		cmocka_unit_test(test_sweep_grid_errors),
		cmocka_unit_test(test_sweep_grid_product),
		cmocka_unit_test(test_sweep_grid_order),
		cmocka_unit_test(test_sweep_encoding_round_trip),
		cmocka_unit_test(test_sweep_jobs_equal_replays),
		cmocka_unit_test(test_sweep_load_failure),
		cmocka_unit_test(test_sweep_mrc_equals_lru),
		cmocka_unit_test(test_sweep_mrc_long),
		cmocka_unit_test(test_sweep_timeline_rows),
		cmocka_unit_test(test_sweep_table_parse),
	};
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
