/*
 * ra_ab.c - readahead's cost measured in one process: two replays of the same trace, one
 * with readahead off and one with it on, fed the same chunks of events in turn.
 *
 * On a shared VM, timings of whole runs move by 15-30% from one minute to the next, more
 * than the cost being measured, so back-to-back runs of `pcsim replay` need many pairs to
 * say anything. Here both replays advance together, a chunk of CHUNK events at a time
 * (the first to go alternates), so both see the same machine at the same moment; only the
 * time inside pcs_replay_feed() is counted. The trace is parsed once for both and parsing is
 * not counted: the ratio is that of the model's work (cache, readahead, device model,
 * stats), a little higher than end to end. Both replays share the CPU caches, as they would
 * not in separate runs.
 *
 * Usage: ra_ab TRACE FORMAT CACHE_PAGES RA_BYTES [CHUNK]
 * Prints each replay's seconds and hits, the cost in time (on / off - 1) and in throughput
 * (1 - off / on: the requests per second readahead costs). Exits 1 on any error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pcsim/pcsim.h>

enum { BATCH = 256 };

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static PcsReplay *
replay_new(guint64 cache_pages, guint64 ra_bytes, gboolean file_level, GError **error)
{
	PcsConfig cfg;
	PcsReplay *rp;

	pcs_config_init(&cfg);
	cfg.cache_bytes = cache_pages * PCS_PAGE_SIZE;
	cfg.readahead_bytes = ra_bytes;
	cfg.data = FALSE;
	rp = pcs_replay_new(&cfg, error);
	if (rp) {
		pcs_cache_resolve_readahead(pcs_replay_cache(rp), file_level);
		pcs_replay_begin_trace(rp);
	}
	return rp;
}

/* Feeds evs[0..n) to both replays, the first to go by `flip`, adding each one's time. */
static gboolean
feed_both(PcsReplay **rp, double *secs, const PcsIoEvent *evs, gsize n, gboolean flip,
	  GError **error)
{
	for (int j = 0; j < 2; j++) {
		int k = flip ? 1 - j : j;
		double t0 = now_s();

		if (!pcs_replay_feed(rp[k], evs, n, error))
			return FALSE;
		secs[k] += now_s() - t0;
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsFileTable) files = NULL;
	g_autoptr(PcsTrace) t = NULL;
	PcsReplay *rp[2] = { NULL, NULL };
	double secs[2] = { 0, 0 };
	guint64 cache_pages, ra_bytes, chunk = 65536, since_flip = 0, flips = 0;
	g_autofree PcsIoEvent *evs = NULL;
	gsize n = 0;
	int status = 1;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: ra_ab TRACE FORMAT CACHE_PAGES RA_BYTES [CHUNK]\n");
		return 2;
	}
	cache_pages = g_ascii_strtoull(argv[3], NULL, 10);
	ra_bytes = g_ascii_strtoull(argv[4], NULL, 10);
	if (argc == 6)
		chunk = g_ascii_strtoull(argv[5], NULL, 10);
	if (cache_pages == 0 || ra_bytes == 0 || chunk == 0) {
		fprintf(stderr, "ra_ab: CACHE_PAGES, RA_BYTES and CHUNK must be positive\n");
		return 2;
	}
	files = pcs_files_new();
	t = pcs_trace_open(argv[1], argv[2], files, &error);
	if (!t)
		goto out;
	for (int k = 0; k < 2; k++) {
		rp[k] = replay_new(cache_pages, k ? ra_bytes : 0,
				   (pcs_trace_ops(t)->caps & PCS_TRACE_CAP_FILES) != 0, &error);
		if (!rp[k])
			goto out;
	}
	evs = g_new(PcsIoEvent, BATCH);
	for (;;) {
		PcsTraceStatus st = pcs_trace_next(t, &evs[n], &error);

		if (st == PCS_TRACE_ERROR)
			goto out;
		if (st == PCS_TRACE_OK && ++n < BATCH)
			continue;
		if (!feed_both(rp, secs, evs, n, flips & 1, &error))
			goto out;
		since_flip += n;
		n = 0;
		if (since_flip >= chunk) {
			flips++;
			since_flip = 0;
		}
		if (st == PCS_TRACE_EOF)
			break;
	}
	for (int k = 0; k < 2; k++) {
		PcsStats s;

		pcs_replay_end_trace(rp[k]);
		pcs_cache_stats(pcs_replay_cache(rp[k]), &s);
		printf("readahead %-8s %8.3f s  %" G_GUINT64_FORMAT " requests  %" G_GUINT64_FORMAT
		       " hits\n", k ? argv[4] : "0", secs[k], s.requests, s.hits);
	}
	printf("cost %.1f%%\n", 100.0 * (secs[1] / secs[0] - 1));
	/* The same in the terms of replay throughput (requests/s): 1 - on / off. */
	printf("throughput cost %.1f%%\n", 100.0 * (1 - secs[0] / secs[1]));
	status = 0;
out:
	if (error)
		fprintf(stderr, "ra_ab: %s\n", error->message);
	for (int k = 0; k < 2; k++)
		if (rp[k])
			pcs_replay_free(rp[k]);
	return status;
}
