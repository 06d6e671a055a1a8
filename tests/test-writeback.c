/*
 * test-writeback.c - dirty pages and writeback (sim/writeback.c): hand-derived timelines with
 * exact counts, and properties on generated read/write traces.
 *
 * Every step runs pcs_cache_check(), which checks the dirty state too: every dirty page is
 * resident and in its file's bitmap, counts add up, writes in flight hold exactly the pages
 * under writeback, and the dirty-file list holds exactly the dirty files.
 */
#include "config.h"

#include <string.h>
#include "testutil.h"
#include <pcsim/cache.h>
#include <pcsim/gen.h>
#include <pcsim/replay.h>
#include <pcsim/transfer.h>

#define P   PCS_PAGE_SIZE
#define MS  G_GINT64_CONSTANT(1000000)
#define SEC G_GINT64_CONSTANT(1000000000)

static PcsConfig
config(guint64 pages)
{
	PcsConfig cfg;

	pcs_config_init(&cfg);
	cfg.cache_bytes = pages * P;
	cfg.readahead_bytes = 0;
	cfg.device_model = PCS_DEVICE_MODEL_NONE;  /* writes complete when issued */
	cfg.data = FALSE;
	return cfg;
}

static PcsCache *
cache_new(const PcsConfig *cfg)
{
	g_autoptr(GError) error = NULL;
	PcsCache *c = pcs_cache_new(cfg, &error);

	tu_assert_no_error(c != NULL, error);
	pcs_cache_resolve_readahead(c, TRUE);  /* a file-level trace */
	return c;
}

static void
submit_at(PcsCache *c, gint64 t, PcsOp op, guint32 file, guint64 off, guint64 len)
{
	g_autoptr(GError) error = NULL;
	PcsIoEvent ev = tu_event(op, file, off, len, file);
	gboolean ok;

	ev.t_ns = t;
	pcs_cache_submit(c, &ev);
	ok = pcs_cache_check(c, &error);
	tu_assert_no_error(ok, error);
}

static PcsStats
stats(const PcsCache *c)
{
	PcsStats s;

	pcs_cache_stats(c, &s);
	return s;
}

/*
 * A 64 MiB file written once at t = 0 (cache 1 GiB: far below the background threshold of
 * 26,214 pages). The flusher is armed 5 s after the first dirtying and runs every 5 s; the
 * file expires when dirtied_when <= now - 30 s, so the run at exactly 30 s writes it: 16,384
 * pages in 16 slices of 1,024 (4 MiB), each slice 3 writes of 320 pages (max_io 1280K) and
 * one of 64: 64 writes. With max_io 4M: one write per slice, 16 (what wb_trace.sh saw).
 */
static void
test_periodic_64m(void **state G_GNUC_UNUSED)
{
	for (int big = 0; big < 2; big++) {
		PcsConfig cfg = config(262144);
		g_autoptr(PcsCache) c = NULL;
		PcsStats s;

		if (big)
			cfg.max_io_bytes = 4 << 20;
		c = cache_new(&cfg);
		submit_at(c, 0, PCS_OP_WRITE, 0, 0, 64 << 20);
		s = stats(c);
		assert_int_equal(s.dirtied_pages, 16384);
		assert_int_equal(s.dirty_pages, 16384);
		submit_at(c, 30 * SEC - 1, PCS_OP_READ, 1, 0, P);
		s = stats(c);
		assert_int_equal(s.wb_periodic_pages, 0);
		assert_int_equal(s.dirty_pages, 16384);
		submit_at(c, 30 * SEC, PCS_OP_READ, 1, P, P);
		s = stats(c);
		assert_int_equal(s.wb_periodic_pages, 16384);
		assert_int_equal(s.dirty_pages, 0);
		assert_int_equal(s.wb_ios, big ? 16 : 64);
		/* 4M and 1280K are both "> 1M"; the 64-page tails are "<= 256K" */
		assert_int_equal(s.wb_ios_hist[PCS_IO_HIST_BUCKETS - 1], big ? 16 : 48);
		assert_int_equal(s.wb_ios_hist[pcs_io_hist_bucket(256 << 10)], big ? 0 : 16);
		assert_int_equal(s.dev_write_bytes, 64 << 20);
		assert_int_equal(s.dirty_max_age_ns, 30 * SEC);
		assert_int_equal(s.wb_background_pages + s.wb_sync_pages, 0);
		/* clean pages stay cached */
		assert_int_equal(s.resident_pages, 16384 + 2);
		pcs_cache_finish(c);
		assert_int_equal(stats(c).wb_sync_pages, 0);
	}
}

/* The file is rewritten continuously: dirtied_when stays at its first dirtying, so it is
 * written at the 30 s run all the same (expiry is per inode, from the first dirtying). */
static void
test_periodic_keeps_first_dirtying(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(262144);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	for (gint64 t = 0; t < 30 * SEC; t += SEC)
		submit_at(c, t, PCS_OP_WRITE, 0, (guint64) (t / SEC) * P, P);
	s = stats(c);
	assert_int_equal(s.dirty_pages, 30);
	assert_int_equal(s.wb_periodic_pages, 0);
	submit_at(c, 30 * SEC, PCS_OP_WRITE, 0, 30 * P, P);
	/* the run at 30 s came first (before the write at 30 s): pages 0..29 */
	s = stats(c);
	assert_int_equal(s.wb_periodic_pages, 30);
	assert_int_equal(s.dirty_pages, 1);
	/* page 30 dirtied the file again at 30 s: due at 60 s */
	submit_at(c, 59 * SEC, PCS_OP_READ, 1, 0, P);
	assert_int_equal(stats(c).wb_periodic_pages, 30);
	submit_at(c, 60 * SEC, PCS_OP_READ, 1, 0, P);
	assert_int_equal(stats(c).wb_periodic_pages, 31);
}

/*
 * Background writeback starts when the dirty pages exceed bg_thresh: a cache of 400 pages
 * has bg_thresh 40 (10%) and thresh 80 (20%). 40 one-page writes leave 40 dirty; the 41st
 * makes 41 > 40 and the flusher writes the file (one slice of up to 1,024 pages: all 41).
 */
static void
test_background_threshold(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(400);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	for (guint64 i = 0; i < 40; i++)
		submit_at(c, (gint64) i * MS, PCS_OP_WRITE, 0, i * P, P);
	s = stats(c);
	assert_int_equal(s.dirty_pages, 40);
	assert_int_equal(s.wb_background_pages, 0);
	submit_at(c, 40 * MS, PCS_OP_WRITE, 0, 40 * P, P);
	s = stats(c);
	assert_int_equal(s.wb_background_pages, 41);
	assert_int_equal(s.wb_ios, 1);
	assert_int_equal(s.dirty_pages, 0);
	assert_int_equal(s.dirty_max_pages, 41);
	assert_int_equal(s.throttle_events, 0);
	/* --dirty-background-bytes wins over the ratio: 8 pages */
	cfg.dirty_background_bytes = 8 * P;
	{
		g_autoptr(PcsCache) d = cache_new(&cfg);

		for (guint64 i = 0; i < 9; i++)
			submit_at(d, (gint64) i * MS, PCS_OP_WRITE, 0, i * P, P);
		assert_int_equal(stats(d).wb_background_pages, 9);
	}
}

/* fsync writes only its file, and waits; sync-range starts the range; sync everything. */
static void
test_fsync_one_file(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(1000);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	for (guint64 i = 0; i < 10; i++)
		submit_at(c, 0, PCS_OP_WRITE, 0, i * P, P);
	for (guint64 i = 0; i < 5; i++)
		submit_at(c, 0, PCS_OP_WRITE, 1, i * P, P);
	/* two runs of file 1: pages 0..4 and 8..9 */
	submit_at(c, 0, PCS_OP_WRITE, 1, 8 * P, 2 * P);
	submit_at(c, MS, PCS_OP_FSYNC, 0, PCS_NONE, PCS_NONE);
	s = stats(c);
	assert_int_equal(s.wb_sync_pages, 10);
	assert_int_equal(s.wb_ios, 1);
	assert_int_equal(s.dirty_pages, 7);
	submit_at(c, MS, PCS_OP_SYNC_RANGE, 1, 8 * P, 2 * P);
	s = stats(c);
	assert_int_equal(s.wb_sync_pages, 12);
	assert_int_equal(s.dirty_pages, 5);
	submit_at(c, MS, PCS_OP_SYNC, G_MAXUINT32, PCS_NONE, PCS_NONE);
	s = stats(c);
	assert_int_equal(s.wb_sync_pages, 17);
	assert_int_equal(s.wb_ios, 3);
	assert_int_equal(s.dirty_pages, 0);
	/* nothing left for the final sync */
	pcs_cache_finish(c);
	s = stats(c);
	assert_int_equal(s.wb_sync_pages, 17);
	assert_int_equal(s.dirty_end_pages, 0);
}

/* Dirty pages left at the end: counted, then written by the final sync (or not). */
static void
test_final_sync(void **state G_GNUC_UNUSED)
{
	for (int sync = 0; sync < 2; sync++) {
		PcsConfig cfg = config(1000);
		g_autoptr(PcsCache) c = NULL;
		PcsStats s;

		cfg.final_sync = sync;
		c = cache_new(&cfg);
		submit_at(c, 0, PCS_OP_WRITE, 0, 0, 3 * P);
		submit_at(c, 2 * SEC, PCS_OP_WRITE, 1, 0, P);
		pcs_cache_finish(c);
		pcs_cache_finish(c);  /* once only */
		s = stats(c);
		assert_int_equal(s.dirty_end_pages, 4);
		assert_int_equal(s.wb_sync_pages, sync ? 4 : 0);
		assert_int_equal(s.dirty_pages, sync ? 0 : 4);
		assert_int_equal(s.dirty_max_age_ns, 2 * SEC);  /* file 0, at the end */
	}
}

/*
 * Read-modify-write: a write covering part of a page that is not cached reads that page
 * first (alone) when the file held it; a whole-page write reads nothing; a partial write
 * past what the file held is zero-filled. On a block device every partial page is read.
 */
static void
test_read_modify_write(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(1000);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	/* a new file: partial pages past its end are not read */
	submit_at(c, 0, PCS_OP_WRITE, 0, 100, 100);
	s = stats(c);
	assert_int_equal(s.rmw_reads, 0);
	assert_int_equal(s.dev_read_ios, 0);
	/* file 1 has 16 KiB (read), dropped from the cache: a partial write reads its page */
	submit_at(c, 0, PCS_OP_READ, 1, 0, 4 * P);
	submit_at(c, 0, PCS_OP_FADVISE, 1, 0, 0);
	{
		PcsIoEvent ev = tu_event(PCS_OP_FADVISE, 1, 0, 0, 1);

		ev.advice = PCS_ADVICE_DONTNEED;
		pcs_cache_submit(c, &ev);
	}
	s = stats(c);
	assert_int_equal(s.resident_pages, 1);
	assert_int_equal(s.dev_read_ios, 1);
	submit_at(c, 0, PCS_OP_WRITE, 1, P + 10, 20);          /* page 1, partial: read */
	submit_at(c, 0, PCS_OP_WRITE, 1, 2 * P, P);            /* page 2, whole: no read */
	/* pages 3 (partial: read), 4 (whole) and 5 (partial, past the end: zero-filled) */
	submit_at(c, 0, PCS_OP_WRITE, 1, 3 * P + 1, 2 * P);
	s = stats(c);
	assert_int_equal(s.rmw_reads, 2);
	assert_int_equal(s.dev_read_ios, 3);
	assert_int_equal(s.dev_read_bytes, 6 * P);
	assert_int_equal(s.write_hits, 0);
	assert_int_equal(s.dirtied_pages, 1 + 1 + 1 + 3);

	/* a block device: every partial page not cached is read */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(PcsCache) b = pcs_cache_new(&cfg, &error);

		tu_assert_no_error(b != NULL, error);
		pcs_cache_resolve_readahead(b, FALSE);
		submit_at(b, 0, PCS_OP_WRITE, 0, 512, 512);
		submit_at(b, 0, PCS_OP_WRITE, 0, 8 * P, 8 * P);
		s = stats(b);
		assert_int_equal(s.rmw_reads, 1);
		assert_int_equal(s.dev_read_ios, 1);
	}
}

/* Truncation discards dirty pages; they are never written. */
static void
test_truncate_discards(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(1000);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	submit_at(c, 0, PCS_OP_WRITE, 0, 0, 8 * P);
	submit_at(c, 0, PCS_OP_TRUNCATE, 0, 2 * P, PCS_NONE);
	s = stats(c);
	assert_int_equal(s.dirty_pages, 2);
	assert_int_equal(s.dropped_pages, 6);
	pcs_cache_finish(c);
	s = stats(c);
	assert_int_equal(s.wb_sync_pages, 2);
	assert_int_equal(s.dev_write_bytes, 2 * P);
}

/*
 * Reclaim meeting dirty pages: a cache of 100 pages (bg_thresh 10), batch 32. Ten pages of
 * file 0 are written (dirty, oldest on the inactive list), then 100 pages of file 1 read.
 * The first reclaim meets the ten at the tail: tagged, activated, kept (10 < 32: the
 * flusher is not woken). At 30 s the flusher writes them; each ends writeback tagged and
 * clean, so it rotates to the inactive tail, and the next reclaim frees them first.
 */
static void
test_reclaim_meets_dirty(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(100);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	submit_at(c, 0, PCS_OP_WRITE, 0, 0, 10 * P);
	for (guint64 i = 0; i < 100; i++)
		submit_at(c, MS, PCS_OP_READ, 1, i * P, P);
	s = stats(c);
	assert_int_equal(s.reclaim_dirty, 10);
	assert_int_equal(s.flusher_wakeups, 0);
	assert_int_equal(s.dirty_pages, 10);
	assert_int_equal(s.wb_ios, 0);
	for (guint64 i = 0; i < 10; i++)
		assert_int_not_equal(pcs_cache_page_state(c, 0, i), PCS_PAGE_ABSENT);
	submit_at(c, 30 * SEC, PCS_OP_READ, 1, 0, P);  /* the flusher runs first */
	s = stats(c);
	assert_int_equal(s.wb_periodic_pages, 10);
	assert_int_equal(s.reclaim_rotated, 10);
	for (guint64 i = 0; i < 10; i++)
		assert_int_equal(pcs_cache_page_state(c, 0, i), PCS_PAGE_INACTIVE);
	/* the next reclaim takes them first (the cache holds 10 + 100 - 32 + 1 pages (file 1's
	 * page 0 was read again): 21 more reads fill it, the 22nd reclaims) */
	for (guint64 i = 0; i < 21; i++)
		submit_at(c, 30 * SEC, PCS_OP_READ, 2, i * P, P);
	assert_int_equal(stats(c).evictions, 32);
	submit_at(c, 30 * SEC, PCS_OP_READ, 2, 21 * P, P);
	assert_int_equal(stats(c).evictions, 64);
	for (guint64 i = 0; i < 10; i++)
		assert_int_equal(pcs_cache_page_state(c, 0, i), PCS_PAGE_ABSENT);
}

/*
 * Nothing to reclaim but dirty pages (no background writeback: dirty_background_bytes and
 * dirty_bytes far above the cache): the 65th write into a 64-page cache finds all 64 dirty;
 * the flusher is woken and the allocation waits for writeback; nothing dirty is evicted
 * (the checker and the eviction assertion would fail).
 */
static void
test_reclaim_all_dirty(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(64);
	g_autoptr(PcsCache) c = NULL;
	PcsStats s;

	cfg.dirty_bytes = cfg.dirty_background_bytes = G_GUINT64_CONSTANT(1) << 40;
	c = cache_new(&cfg);
	for (guint64 i = 0; i < 64; i++)
		submit_at(c, 0, PCS_OP_WRITE, 0, i * P, P);
	s = stats(c);
	assert_int_equal(s.dirty_pages, 64);
	assert_int_equal(s.evictions, 0);
	submit_at(c, 0, PCS_OP_WRITE, 0, 64 * P, P);
	s = stats(c);
	assert_int_equal(s.flusher_wakeups, 1);
	assert_int_equal(s.wb_reclaim_pages, 64);
	assert_int_equal(s.evictions, 32);
	assert_int_equal(s.dirty_pages, 1);
	assert_true(s.reclaim_dirty >= 64);
	for (guint64 i = 65; i < 300; i++)
		submit_at(c, 0, PCS_OP_WRITE, 0, i * P, P);
	s = stats(c);
	assert_int_equal(s.dirtied_pages, 300);
	assert_int_equal(s.evictions + s.resident_pages, 300);
	assert_int_equal(s.wb_reclaim_pages + s.dirty_pages, 300);
}

/*
 * Direct I/O: a direct read writes back the dirty pages of its range and leaves the cache
 * as it was; a direct write writes back and then invalidates the range, so no stale page
 * stays cached.
 */
static void
test_direct_io(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(1000);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	submit_at(c, 0, PCS_OP_READ, 0, 0, 8 * P);             /* pages 0..7 cached */
	submit_at(c, 0, PCS_OP_WRITE, 0, 2 * P, P);            /* page 2 dirty */
	submit_at(c, 0, PCS_OP_DIRECT_READ, 0, 0, 4 * P);
	s = stats(c);
	assert_int_equal(s.wb_direct_pages, 1);
	assert_int_equal(s.direct_read_pages, 4);
	assert_int_equal(s.resident_pages, 8);
	assert_int_equal(s.dirty_pages, 0);
	assert_int_equal(s.requests, 2);
	submit_at(c, 0, PCS_OP_WRITE, 0, 5 * P, P);            /* page 5 dirty */
	submit_at(c, 0, PCS_OP_DIRECT_WRITE, 0, 4 * P, 2 * P); /* pages 4, 5 */
	s = stats(c);
	assert_int_equal(s.wb_direct_pages, 2);
	assert_int_equal(s.direct_write_pages, 2);
	assert_int_equal(s.direct_invalidated, 2);
	assert_int_equal(s.resident_pages, 6);
	assert_int_equal(pcs_cache_page_state(c, 0, 4), PCS_PAGE_ABSENT);
	assert_int_equal(pcs_cache_page_state(c, 0, 5), PCS_PAGE_ABSENT);
	assert_int_not_equal(pcs_cache_page_state(c, 0, 6), PCS_PAGE_ABSENT);
	/* device: 8 pages read, 4 read direct, 2 written back, 2 written direct */
	assert_int_equal(s.dev_read_bytes, 12 * P);
	assert_int_equal(s.dev_write_bytes, 4 * P);
}

/* --directio-threshold: reads of files at least that large go around the cache. */
static void
test_directio_threshold(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(1000);
	g_autoptr(PcsCache) c = NULL;
	PcsStats s;

	cfg.directio_threshold = 1 << 20;
	c = cache_new(&cfg);
	submit_at(c, 0, PCS_OP_WRITE, 0, 0, 1 << 20);          /* a 1 MiB file (256 pages) */
	submit_at(c, 0, PCS_OP_WRITE, 1, 0, 64 * P);           /* a small one */
	submit_at(c, 0, PCS_OP_SYNC, G_MAXUINT32, PCS_NONE, PCS_NONE);
	submit_at(c, 0, PCS_OP_READ, 0, 0, 16 * P);
	submit_at(c, 0, PCS_OP_READ, 1, 0, 16 * P);
	s = stats(c);
	assert_int_equal(s.direct_read_pages, 16);
	assert_int_equal(s.read_requests, 1);
	assert_int_equal(s.read_hits, 16);
	assert_int_equal(s.resident_pages, 256 + 64);
}

/*
 * --timing model: each request advances the clock by hit_cost per page plus its wait; the
 * flusher runs on that clock. 100,000 one-page reads at 200 ns cost 20 ms: no periodic run;
 * with hit_cost 1ms the 40th second passes and the dirty page goes at 30 s.
 */
static void
test_timing_model(void **state G_GNUC_UNUSED)
{
	for (int slow = 0; slow < 2; slow++) {
		PcsConfig cfg = config(1000);
		g_autoptr(PcsCache) c = NULL;

		cfg.timing = PCS_TIMING_MODEL;
		if (slow)
			cfg.hit_cost_ns = 1000000;
		c = cache_new(&cfg);
		submit_at(c, PCS_TIME_UNKNOWN, PCS_OP_WRITE, 0, 0, P);
		for (int i = 0; i < 40000; i++)
			submit_at(c, PCS_TIME_UNKNOWN, PCS_OP_READ, 1, (guint64) (i % 100) * P, P);
		assert_int_equal(stats(c).wb_periodic_pages, slow ? 1 : 0);
	}
}

/* A timestamp that goes back (within the tolerance) stops the clock and is counted; one
 * going back further is a bad record (test-replay covers the message). */
static void
test_time_reorder(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg = config(1000);
	g_autoptr(PcsCache) c = cache_new(&cfg);
	PcsStats s;

	submit_at(c, 10 * SEC, PCS_OP_WRITE, 0, 0, P);
	submit_at(c, 10 * SEC - MS, PCS_OP_READ, 1, 0, P);
	submit_at(c, 50 * SEC, PCS_OP_READ, 1, 0, P);
	s = stats(c);
	assert_int_equal(s.time_reorders, 1);
	assert_int_equal(s.time_gaps, 1);
	assert_int_equal(s.wb_periodic_pages, 1);
	assert_int_equal(s.dirty_max_age_ns, 30 * SEC);
}

/* Properties on a generated read/write trace with a small cache, both policies, with and
 * without folios: the checker holds after every event, every dirtied page is written back
 * or discarded by the end, and the device wrote exactly the pages written back. */
static void
test_random_rw_properties(void **state G_GNUC_UNUSED)
{
	for (int variant = 0; variant < 3; variant++) {
		g_autoptr(GError) error = NULL;
		PcsGenConfig gc;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(PcsGen) g = NULL;
		PcsConfig cfg = config(256);
		g_autoptr(PcsCache) c = NULL;
		PcsIoEvent ev;
		PcsStats s;
		guint64 written, i = 0;

		pcs_gen_config_init(&gc, PCS_GEN_ZIPF);
		gc.requests = 20000;
		gc.pages = 2000;
		gc.files = 4;
		gc.write_ratio = 0.3;
		gc.request_bytes = 3 * P;
		cfg.policy = variant == 1 ? PCS_POLICY_LRU : PCS_POLICY_TWO_LIST;
		cfg.readahead_bytes = variant == 2 ? 128 << 10 : 0;
		cfg.folios = variant == 2;
		g = pcs_gen_new(&gc, files, &error);
		tu_assert_no_error(g != NULL, error);
		c = cache_new(&cfg);
		while (pcs_gen_next(g, &ev)) {
			pcs_cache_submit(c, &ev);
			if (i++ % 97 == 0) {
				gboolean ok = pcs_cache_check(c, &error);

				tu_assert_no_error(ok, error);
			}
		}
		pcs_cache_finish(c);
		s = stats(c);
		written = s.wb_periodic_pages + s.wb_background_pages + s.wb_reclaim_pages +
			  s.wb_sync_pages + s.wb_direct_pages;
		assert_true(s.dirtied_pages > 1000);
		assert_int_equal(s.dirty_pages, 0);
		assert_int_equal(s.writeback_pages, 0);
		assert_int_equal(s.dev_write_bytes, written * P);
		assert_true(written <= s.dirtied_pages);
		assert_true(s.dirty_max_pages <= 256 * 20 / 100 + 1);
	}
}

/*
 * Serving accounting (transfer.h): two reads of the same 8 KiB (a miss of 2 pages, then a
 * hit), served each way. DMA is the 8 KiB the device read plus 16 KiB sent to the NIC
 * (direct: the device reads both times); CPU copies are copies x 16 KiB; the cache behaves
 * the same for every method but direct, which bypasses it.
 */
static void
test_serve_accounting(void **state G_GNUC_UNUSED)
{
	static const struct {
		PcsServeMethod m;
		guint64 cpu, dma, syscalls, faults, hits;
	} want[] = {
		{ PCS_SERVE_READ_WRITE, 32768, 24576, 4, 0, 2 },
		{ PCS_SERVE_MMAP_WRITE, 16384, 24576, 4, 4, 2 },
		{ PCS_SERVE_SENDFILE, 16384, 24576, 2, 0, 2 },
		{ PCS_SERVE_SENDFILE_SG, 0, 24576, 2, 0, 2 },
		{ PCS_SERVE_DIRECT, 16384, 32768, 4, 0, 0 },
	};

	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		PcsConfig cfg = config(1000);
		g_autoptr(PcsCache) c = NULL;
		PcsStats s;

		cfg.serve = want[i].m;
		c = cache_new(&cfg);
		submit_at(c, 0, PCS_OP_READ, 0, 0, 2 * P);
		submit_at(c, 0, PCS_OP_READ, 0, 0, 2 * P);
		s = stats(c);
		assert_int_equal(s.served_requests, 2);
		assert_int_equal(s.served_bytes, 4 * P);
		assert_int_equal(s.cpu_copy_bytes, want[i].cpu);
		assert_int_equal(s.dma_bytes, want[i].dma);
		assert_int_equal(s.syscalls, want[i].syscalls);
		assert_int_equal(s.context_switches, 2 * want[i].syscalls);
		assert_int_equal(s.page_faults, want[i].faults);
		assert_int_equal(s.hits, want[i].hits);
		assert_int_equal(s.resident_pages, want[i].m == PCS_SERVE_DIRECT ? 0 : 2);
	}
	/* --serve trace: each op as recorded */
	{
		PcsConfig cfg = config(1000);
		g_autoptr(PcsCache) c = cache_new(&cfg);
		PcsStats s;

		submit_at(c, 0, PCS_OP_READ, 0, 0, P);          /* read-write: 2 copies */
		submit_at(c, 0, PCS_OP_SENDFILE, 0, 0, P);      /* 1 copy, 1 call */
		submit_at(c, 0, PCS_OP_MMAP_READ, 0, 0, P);     /* 1 copy, a fault */
		submit_at(c, 0, PCS_OP_DIRECT_READ, 0, 0, P);   /* 1 copy, device DMA */
		s = stats(c);
		assert_int_equal(s.served_requests, 4);
		assert_int_equal(s.cpu_copy_bytes, 5 * P);
		assert_int_equal(s.syscalls, 2 + 1 + 2 + 2);
		assert_int_equal(s.page_faults, 1);
		assert_int_equal(s.dma_bytes, 2 * P + 4 * P);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periodic_64m),
		cmocka_unit_test(test_periodic_keeps_first_dirtying),
		cmocka_unit_test(test_background_threshold),
		cmocka_unit_test(test_fsync_one_file),
		cmocka_unit_test(test_final_sync),
		cmocka_unit_test(test_read_modify_write),
		cmocka_unit_test(test_truncate_discards),
		cmocka_unit_test(test_reclaim_meets_dirty),
		cmocka_unit_test(test_reclaim_all_dirty),
		cmocka_unit_test(test_direct_io),
		cmocka_unit_test(test_directio_threshold),
		cmocka_unit_test(test_timing_model),
		cmocka_unit_test(test_time_reorder),
		cmocka_unit_test(test_random_rw_properties),
		cmocka_unit_test(test_serve_accounting),
	};

	return cmocka_run_group_tests_name("writeback", tests, NULL, NULL);
}
