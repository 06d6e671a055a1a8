/*
 * test-readahead.c - readahead (sim/readahead.c) as the cache core carries it out.
 *
 * Windows are captured through the --trace-ra callback and compared with the worked
 * sequences of linux-model.md §1a.11 (classic order-0 page cache, ra_pages 32), which follow
 * mm/readahead.c's get_init_ra_size / get_next_ra_size and the marker placement of
 * page_cache_ra_unbounded.
 */
#include "config.h"

#include <string.h>
#include "testutil.h"
#include <pcsim/cache.h>
#include "readahead.h"

#define P PCS_PAGE_SIZE

typedef struct {
	GString *log;   /* "kind start size async; ..." */
} Capture;

static void
capture(const PcsRaRecord *r, gpointer user)
{
	Capture *cap = user;

	g_string_append_printf(cap->log, "%s%s@%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT ",%"
			       G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ")",
			       cap->log->len ? " " : "", r->kind, r->trigger_page, r->start, r->size,
			       r->async_size);
	if (r->order)
		g_string_append_printf(cap->log, "o%u", r->order);
}

static PcsCache *
cache_new_full(guint64 pages, guint64 ra_bytes, gboolean folios, Capture *cap)
{
	g_autoptr(GError) error = NULL;
	PcsConfig cfg;
	PcsCache *c;

	pcs_config_init(&cfg);
	cfg.cache_bytes = pages * P;
	cfg.readahead_bytes = ra_bytes;
	cfg.folios = folios;
	c = pcs_cache_new(&cfg, &error);
	tu_assert_no_error(c != NULL, error);
	cap->log = g_string_new(NULL);
	pcs_cache_set_ra_trace(c, capture, cap);
	return c;
}

static PcsCache *
cache_new(guint64 pages, guint64 ra_bytes, Capture *cap)
{
	return cache_new_full(pages, ra_bytes, FALSE, cap);
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

/* Sequential reads of req_bytes each over [0, total) on stream 0. */
static void
read_seq(PcsCache *c, guint64 req_bytes, guint64 total)
{
	for (guint64 off = 0; off < total; off += req_bytes)
		submit(c, tu_event(PCS_OP_READ, 0, off, req_bytes, 0));
}

static void
test_ra_init_and_next_sizes(void **state)
{
	/* The table of linux-model.md §1a.5 for max 32 and 64. */
	assert_int_equal(pcs_ra_init_size(1, 32), 4);
	assert_int_equal(pcs_ra_init_size(2, 32), 4);
	assert_int_equal(pcs_ra_init_size(4, 32), 8);
	assert_int_equal(pcs_ra_init_size(8, 32), 16);
	assert_int_equal(pcs_ra_init_size(9, 32), 32);
	assert_int_equal(pcs_ra_init_size(2, 64), 8);
	assert_int_equal(pcs_ra_init_size(16, 64), 32);
	assert_int_equal(pcs_ra_init_size(17, 64), 64);
	assert_int_equal(pcs_ra_next_size(4, 32), 8);
	assert_int_equal(pcs_ra_next_size(8, 32), 16);
	assert_int_equal(pcs_ra_next_size(16, 32), 32);
	assert_int_equal(pcs_ra_next_size(32, 32), 32);
	assert_int_equal(pcs_ra_next_size(4, 2048), 16);   /* 4 -> 16 -> 64 -> 256 -> 512 */
	assert_int_equal(pcs_ra_next_size(256, 2048), 512);
	assert_int_equal(pcs_ra_next_size(1024, 2048), 2048);
}

/* §1a.11 A: ra_pages 32, 4 KiB sequential reads. */
static void
test_ra_sequence_a_4k(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsStats s;

	read_seq(c, P, 124 * P);
	assert_string_equal(cap.log->str,
			    "sync@0 (0,4,3) async@1 (4,8,8) async@4 (12,16,16) async@12 (28,32,32) "
			    "async@28 (60,32,32) async@60 (92,32,32) async@92 (124,32,32)");
	pcs_cache_stats(c, &s);
	/* Only page 0 was ever missing; every other page was read ahead and used. */
	assert_int_equal(s.misses, 1);
	assert_int_equal(s.hits, 123);
	assert_int_equal(s.ra_sync_windows, 1);
	assert_int_equal(s.ra_async_windows, 6);
	assert_int_equal(s.ra_pages, 155);  /* pages 1..155 */
	assert_int_equal(s.ra_used, 123);   /* pages 1..123 */
	assert_int_equal(s.ra_wasted, 0);
	assert_int_equal(s.resident_pages, 156);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* §1a.11 B: ra_pages 32, 16 KiB sequential reads (req = 4 pages). */
static void
test_ra_sequence_b_16k(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsStats s;

	read_seq(c, 4 * P, 120 * P);
	assert_string_equal(cap.log->str,
			    "sync@0 (0,8,4) async@4 (8,16,16) async@8 (24,32,32) async@24 (56,32,32) "
			    "async@56 (88,32,32) async@88 (120,32,32)");
	pcs_cache_stats(c, &s);
	assert_int_equal(s.requests, 30);
	assert_int_equal(s.misses, 4);       /* pages 0-3 of the first read */
	assert_int_equal(s.request_hits, 29);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* Small random reads read only what they ask and leave the state alone (§1a.7): no window,
 * one page per read; then a read continuing the previous one opens the initial window. */
static void
test_ra_small_random(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsStats s;

	submit(c, tu_event(PCS_OP_READ, 0, 100 * P, P, 0));   /* index 100, prev -1: context */
	submit(c, tu_event(PCS_OP_READ, 0, 500 * P, P, 0));
	submit(c, tu_event(PCS_OP_READ, 0, 300 * P, P, 0));
	assert_string_equal(cap.log->str, "small@100 (100,1,0) small@500 (500,1,0) small@300 (300,1,0)");
	pcs_cache_stats(c, &s);
	assert_int_equal(s.resident_pages, 3);
	assert_int_equal(s.ra_pages, 0);
	/* The next page after the last read: sequential, the initial window. */
	submit(c, tu_event(PCS_OP_READ, 0, 301 * P, P, 0));
	assert_non_null(strstr(cap.log->str, "sync@301 (301,4,3)"));
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* Context readahead: a read at a random offset preceded by more cached pages than it asks
 * for is treated as sequential (async_size 1); with no such history it is a small read. */
static void
test_ra_context(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);

	read_seq(c, P, 4 * P);  /* stream 0: windows (0,4,3) and (4,8,8): pages 0..11 cached */
	g_string_truncate(cap.log, 0);
	/* Stream 1 (prev_pos -1) misses at page 12: pages 11..0 are cached back to page 0, so
	 * contig = 12 doubles to 24, and the window is min(24 + 1, 32) = 25 with async 1. */
	submit(c, tu_event(PCS_OP_READ, 0, 12 * P, P, 1));
	assert_string_equal(cap.log->str, "sync@12 (12,25,1)");
	/* Stream 2 at page 100: page 99 is not cached, no history: a small random read. */
	submit(c, tu_event(PCS_OP_READ, 0, 100 * P, P, 2));
	assert_string_equal(cap.log->str, "sync@12 (12,25,1) small@100 (100,1,0)");
	/* Stream 1 reaches the marker at page 12 + 25 - 1 = 36: the expected async window. */
	submit(c, tu_event(PCS_OP_READ, 0, 36 * P, P, 1));
	assert_string_equal(cap.log->str, "sync@12 (12,25,1) small@100 (100,1,0) async@36 (37,32,32)");
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/*
 * Two sequential readers interleaved on ONE file description (stream 0): A from page 0, B from
 * page 1000, alternating. Derivation:
 *   A0: initial (0,4,3), marker 1            B1000: no history: small (1000,1,0)
 *   A1: the expected marker: (4,8,8)          B1001: 1 page of history <= req: small
 *   A2, then B1002: 2 pages of history > req: context window (1002,3,1), which replaces A's
 *   state; A3, B1003 hit; A4 hits A's marker, but the state says the marker is at 1004: a
 *   foreign marker, so the window restarts after the cached run: page_cache_next_miss(5) = 12,
 *   size get_next_ra_size(12 - 4 + 1 = 9, 32) = 18: (12,18,18).
 */
static void
test_ra_interleaved_foreign_marker(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);

	for (guint64 k = 0; k < 5; k++) {
		submit(c, tu_event(PCS_OP_READ, 0, k * P, P, 0));
		if (k < 4)
			submit(c, tu_event(PCS_OP_READ, 0, (1000 + k) * P, P, 0));
	}
	assert_string_equal(cap.log->str,
			    "sync@0 (0,4,3) small@1000 (1000,1,0) async@1 (4,8,8) "
			    "small@1001 (1001,1,0) sync@1002 (1002,3,1) async@4 (12,18,18)");
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* FADV_RANDOM: forced path, exactly the pages asked, no windows (§1a.9). */
static void
test_ra_fadvise_random(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsIoEvent adv = tu_event(PCS_OP_FADVISE, 0, 0, 0, 0);
	PcsStats s;

	adv.advice = PCS_ADVICE_RANDOM;
	submit(c, adv);
	read_seq(c, P, 3 * P);
	assert_string_equal(cap.log->str, "forced@0 (0,1,0) forced@1 (1,1,0) forced@2 (2,1,0)");
	pcs_cache_stats(c, &s);
	assert_int_equal(s.misses, 3);
	assert_int_equal(s.ra_pages, 0);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* FADV_SEQUENTIAL doubles ra_pages for the stream: 4 -> 8 -> 16 -> 32 -> 64 (table §1a.5). */
static void
test_ra_fadvise_sequential(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsIoEvent adv = tu_event(PCS_OP_FADVISE, 0, 0, 0, 0);

	adv.advice = PCS_ADVICE_SEQUENTIAL;
	submit(c, adv);
	read_seq(c, P, 64 * P);
	assert_string_equal(cap.log->str,
			    "sync@0 (0,4,3) async@1 (4,8,8) async@4 (12,16,16) async@12 (28,32,32) "
			    "async@28 (60,64,64) async@60 (124,64,64)");
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* WILLNEED reads the range, capped at max(io_pages, ra_pages) pages: 1280K = 320 pages. */
static void
test_ra_willneed_capped(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsIoEvent adv = tu_event(PCS_OP_FADVISE, 0, 0, 1000 * P, 0);
	PcsStats s;

	adv.advice = PCS_ADVICE_WILLNEED;
	submit(c, adv);
	assert_string_equal(cap.log->str, "willneed@0 (0,320,0)");
	pcs_cache_stats(c, &s);
	assert_int_equal(s.resident_pages, 320);
	assert_int_equal(s.ra_pages, 320);
	assert_int_equal(s.requests, 0);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* DONTNEED drops whole pages in the range, leaves no shadows, counts unused ones wasted. */
static void
test_ra_dontneed(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsIoEvent adv = tu_event(PCS_OP_FADVISE, 0, 100, 3 * P, 0);  /* [100, 12388) */
	PcsStats s;

	submit(c, tu_event(PCS_OP_READ, 0, 0, P, 0));   /* window (0,4,3): pages 0..3 */
	adv.advice = PCS_ADVICE_DONTNEED;
	submit(c, adv);  /* whole pages inside: 1 and 2 (page 0 and 3 are partial) */
	pcs_cache_stats(c, &s);
	assert_int_equal(s.dropped_pages, 2);
	assert_int_equal(s.ra_wasted, 2);
	assert_int_equal(s.shadow_entries, 0);
	assert_int_equal(pcs_cache_page_state(c, 0, 0), PCS_PAGE_INACTIVE_REFERENCED);
	assert_int_equal(pcs_cache_page_state(c, 0, 1), PCS_PAGE_ABSENT);
	assert_int_equal(pcs_cache_page_state(c, 0, 3), PCS_PAGE_INACTIVE);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* mmap: a sequential touch reads around the first fault (ra_pages centred, async 1/4), then
 * the marker page starts async windows; a random touch reads around each major fault. */
static void
test_ra_mmap(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsStats s;

	for (guint64 p = 0; p < 40; p++)
		submit(c, tu_event(PCS_OP_MMAP_READ, 0, p * P, P, 0));
	/* Fault at 0: read-around start max(0, 0 - 16) = 0, (0,32,8), marker at 24. */
	assert_string_equal(cap.log->str, "mmap@0 (0,32,8) async@24 (32,32,32) async@32 (64,32,32)");
	pcs_cache_stats(c, &s);
	assert_int_equal(s.major_faults, 1);
	assert_int_equal(s.ra_mmap_windows, 1);
	assert_int_equal(s.requests, 40);
	g_string_truncate(cap.log, 0);
	/* Another file, a fault in the middle: the window is centred on it. */
	submit(c, tu_event(PCS_OP_MMAP_READ, 1, 1000 * P, P, 1));
	assert_string_equal(cap.log->str, "mmap@1000 (984,32,8)");
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* Readahead never reads past the page holding a file's last byte, once the size is known. */
static void
test_ra_stops_at_eof(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 128 * 1024, &cap);
	PcsStats s;

	/* A write makes the size known: 10 pages + 100 bytes = 11 pages. */
	submit(c, tu_event(PCS_OP_WRITE, 0, 10 * P, 100, 1));
	submit(c, tu_event(PCS_OP_TRUNCATE, 0, 10 * P + 100, PCS_NONE, 1));
	read_seq(c, P, 2 * P);
	pcs_cache_stats(c, &s);
	/* window (0,4,3), then async (4,8,8) cut to pages 4..9 (page 10 is already cached) */
	assert_int_equal(s.resident_pages, 11);
	g_string_truncate(cap.log, 0);
	read_seq(c, P, 11 * P);
	assert_int_equal(pcs_cache_page_state(c, 0, 11), PCS_PAGE_ABSENT);
	assert_int_equal(pcs_cache_page_state(c, 0, 12), PCS_PAGE_ABSENT);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* Readahead off: results are exactly those of the list model alone. */
static void
test_ra_off_reads_only_demand(void **state)
{
	Capture cap;
	PcsCache *c = cache_new(4096, 0, &cap);
	PcsStats s;

	read_seq(c, P, 64 * P);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.misses, 64);
	assert_int_equal(s.ra_pages, 0);
	assert_int_equal(s.ra_sync_windows, 0);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* Counts the windows of each kind (the traced cache of test_ra_small_read_shortcut). */
static void
count_kinds(const PcsRaRecord *r, gpointer user)
{
	guint *n = user;

	n[0] += strcmp(r->kind, "small") == 0 && r->size == 1;
	n[1] += strcmp(r->kind, "sync") == 0 && r->async_size == 1;  /* context windows */
	n[2]++;
}

/*
 * The cache core decides most one-page small random reads without calling pcs_ra_sync()
 * (do_request), but not while windows are being traced. So a cache with a trace callback
 * takes the policy's path for every miss, and one without takes the shortcut: the same
 * mixed workload must leave both with the same statistics and the same pages in the same
 * states. The workload (fixed seed) mixes random one-page reads over a small range, where
 * the page before is often cached (context windows), sequential runs, multi-page reads,
 * reads of page 0, two files, FADV_RANDOM / NORMAL / SEQUENTIAL and mmap faults.
 */
static void
test_ra_small_read_shortcut(void **state)
{
	PcsCache *c[2];
	guint kinds[3] = { 0 };
	g_autoptr(GRand) rng = g_rand_new_with_seed(20261127);
	PcsStats s[2];

	for (int k = 0; k < 2; k++) {
		g_autoptr(GError) error = NULL;
		PcsConfig cfg;

		pcs_config_init(&cfg);
		cfg.cache_bytes = 700 * P;
		cfg.readahead_bytes = 128 * 1024;
		c[k] = pcs_cache_new(&cfg, &error);
		tu_assert_no_error(c[k] != NULL, error);
	}
	pcs_cache_set_ra_trace(c[0], count_kinds, kinds);
	for (int n = 0; n < 30000; n++) {
		guint32 r = g_rand_int_range(rng, 0, 100), stream = g_rand_int_range(rng, 0, 4);
		guint32 file = g_rand_int_range(rng, 0, 8) == 0;
		guint64 page = g_rand_int_range(rng, 0, 3000), len = P;
		PcsIoEvent ev;

		if (r < 3) {
			static const PcsAdvice adv[] = { PCS_ADVICE_RANDOM, PCS_ADVICE_NORMAL,
							 PCS_ADVICE_SEQUENTIAL, PCS_ADVICE_NORMAL };

			ev = tu_event(PCS_OP_FADVISE, file, 0, 0, stream);
			ev.advice = adv[g_rand_int_range(rng, 0, 4)];
		} else if (r < 13) {
			/* A sequential run: the stream's next reads follow on. */
			guint64 run = g_rand_int_range(rng, 1, 40);

			for (guint64 j = 0; j + 1 < run; j++) {
				ev = tu_event(PCS_OP_READ, file, (page + j) * P, P, stream);
				for (int k = 0; k < 2; k++)
					pcs_cache_submit(c[k], &ev);
			}
			ev = tu_event(PCS_OP_READ, file, (page + run - 1) * P, P, stream);
		} else {
			if (r < 20)
				len = g_rand_int_range(rng, 2, 9) * P;
			else if (r < 22)
				page = 0;
			ev = tu_event(r < 25 ? PCS_OP_MMAP_READ : PCS_OP_READ, file, page * P, len,
				      stream);
		}
		for (int k = 0; k < 2; k++)
			pcs_cache_submit(c[k], &ev);
	}
	for (int k = 0; k < 2; k++) {
		g_autoptr(GError) error = NULL;
		gboolean ok = pcs_cache_check(c[k], &error);

		tu_assert_no_error(ok, error);
		memset(&s[k], 0, sizeof s[k]);
		pcs_cache_stats(c[k], &s[k]);
	}
	/* The workload has what the shortcut is for, and what it must leave to the policy. */
	assert_true(kinds[0] > 5000);
	assert_true(kinds[1] > 50);
	assert_int_equal(s[0].ra_sync_windows, s[1].ra_sync_windows);
	assert_int_equal(s[0].misses, s[1].misses);
	assert_int_equal(s[0].ra_pages, s[1].ra_pages);
	assert_memory_equal(&s[0], &s[1], sizeof s[0]);
	for (guint32 f = 0; f < 2; f++)
		for (guint64 p = 0; p < 3100; p++)
			assert_int_equal(pcs_cache_page_state(c[0], f, p),
					 pcs_cache_page_state(c[1], f, p));
	pcs_cache_free(c[0]);
	pcs_cache_free(c[1]);
}

/* Properties of sequential scans (file size known, so readahead stops at EOF): each page is
 * brought in exactly once per pass (misses + pages read ahead = pages scanned), and readahead
 * never turns a hit into a miss. The cache is a quarter of the file. */
static void
test_ra_sequential_properties(void **state)
{
	Capture c1, c2;
	PcsCache *on = cache_new(256, 128 * 1024, &c1), *off = cache_new(256, 0, &c2);
	PcsIoEvent size = tu_event(PCS_OP_TRUNCATE, 0, 1000 * P, PCS_NONE, 9);
	PcsStats a, b;

	pcs_cache_submit(on, &size);
	pcs_cache_submit(off, &size);
	for (int pass = 0; pass < 2; pass++) {
		for (guint64 p = 0; p < 1000; p++) {
			PcsIoEvent ev = tu_event(PCS_OP_READ, 0, p * P, P, pass);

			pcs_cache_submit(on, &ev);
			pcs_cache_submit(off, &ev);
		}
	}
	pcs_cache_stats(on, &a);
	pcs_cache_stats(off, &b);
	assert_int_equal(a.accesses, b.accesses);
	assert_true(a.hits >= b.hits);
	assert_int_equal(a.misses + a.ra_pages, 2000);
	assert_int_equal(a.misses, 2);  /* the first page of each pass */
	assert_int_equal(b.misses, 2000);
	g_string_free(c1.log, TRUE);
	g_string_free(c2.log, TRUE);
	pcs_cache_free(on);
	pcs_cache_free(off);
}

/*
 * Large folios, ra_pages 32, 4 KiB sequential reads (page_cache_async_ra in ~6.17: order += 2,
 * the window end trimmed to 2^min(order, 5), then page_cache_ra_order caps the order at
 * ilog2(size)). Derivation of the first steps:
 *   sync@0 (0,4,3) order 0; async@1: start 4, size 8, order 2, 12 is 4-aligned: (4,8,8) o2,
 *   folios [4,8) [8,12), the marker on folio 4 (mark 4);
 *   async@4: start 12, size 16, order 4, align 16: end 28 -> 16, size 4 -> (12,4,4) o2;
 *   async@12: start 16, size 8, order 4 (capped from 4 at ilog2(8) = 3): (16,8,8) o3;
 *   async@16: start 24, size 16, order 5, align 32: end 40 -> 32: (24,8,8) o3;
 *   async@24: (32,16,16) o4; async@32: size 32, order 6, align 32: end 80 -> 64: (48,16,16) o4;
 *   async@48: (64,32,32) o5; async@64: (96,32,32) o5.
 */
static void
test_ra_folio_sequence(void **state)
{
	Capture cap;
	PcsCache *c = cache_new_full(4096, 128 * 1024, TRUE, &cap);
	PcsStats s;

	read_seq(c, P, 96 * P);
	assert_string_equal(cap.log->str,
			    "sync@0 (0,4,3) async@1 (4,8,8)o2 async@4 (12,4,4)o2 async@12 (16,8,8)o3 "
			    "async@16 (24,8,8)o3 async@24 (32,16,16)o4 async@32 (48,16,16)o4 "
			    "async@48 (64,32,32)o5 async@64 (96,32,32)o5");
	pcs_cache_stats(c, &s);
	assert_int_equal(s.misses, 1);
	assert_int_equal(s.resident_pages, 128);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

/* With folios the LRU state is per folio: a second reference to any page activates the whole
 * folio; eviction takes whole folios; DONTNEED keeps a folio it only partly covers. */
static void
test_ra_folio_lru(void **state)
{
	Capture cap;
	PcsCache *c = cache_new_full(64, 128 * 1024, TRUE, &cap);
	PcsIoEvent adv = tu_event(PCS_OP_FADVISE, 0, 8 * P, 2 * P, 0);
	PcsStats s;

	read_seq(c, P, 6 * P);                             /* folios [4,8) and [8,12) cached */
	submit(c, tu_event(PCS_OP_READ, 0, 5 * P, P, 1));  /* page 5 on another stream */
	pcs_cache_stats(c, &s);
	assert_int_equal(s.activations, 4);                /* the folio [4,8) */
	assert_int_equal(pcs_cache_page_state(c, 0, 7), PCS_PAGE_ACTIVE);
	adv.advice = PCS_ADVICE_DONTNEED;
	submit(c, adv);                                    /* [8,10) of the folio [8,12) */
	assert_int_equal(pcs_cache_page_state(c, 0, 9), PCS_PAGE_INACTIVE);
	adv.len_bytes = 4 * P;
	submit(c, adv);                                    /* the whole folio [8,12) */
	assert_int_equal(pcs_cache_page_state(c, 0, 9), PCS_PAGE_ABSENT);
	pcs_cache_stats(c, &s);
	assert_int_equal(s.dropped_pages, 4);
	/* A long scan through a 64-page cache evicts whole folios; every step is checked. */
	read_seq(c, P, 600 * P);
	pcs_cache_stats(c, &s);
	assert_true(s.evictions > 0);
	assert_true(s.resident_pages <= 64);
	g_string_free(cap.log, TRUE);
	pcs_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ra_init_and_next_sizes),
		cmocka_unit_test(test_ra_sequence_a_4k),
		cmocka_unit_test(test_ra_sequence_b_16k),
		cmocka_unit_test(test_ra_small_random),
		cmocka_unit_test(test_ra_context),
		cmocka_unit_test(test_ra_interleaved_foreign_marker),
		cmocka_unit_test(test_ra_fadvise_random),
		cmocka_unit_test(test_ra_fadvise_sequential),
		cmocka_unit_test(test_ra_willneed_capped),
		cmocka_unit_test(test_ra_dontneed),
		cmocka_unit_test(test_ra_mmap),
		cmocka_unit_test(test_ra_stops_at_eof),
		cmocka_unit_test(test_ra_off_reads_only_demand),
		cmocka_unit_test(test_ra_small_read_shortcut),
		cmocka_unit_test(test_ra_sequential_properties),
		cmocka_unit_test(test_ra_folio_sequence),
		cmocka_unit_test(test_ra_folio_lru),
	};

	return cmocka_run_group_tests_name("readahead", tests, NULL, NULL);
}
