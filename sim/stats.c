/*
 * stats.c - the one statistics model: the field table every renderer walks, and phases.
 *
 * A PcsStats is a snapshot: counters that only grow since the replay began, plus gauges of
 * the cache's state at the moment of the snapshot. Nothing here knows how a number was
 * produced; the cache core increments the counters, the report renders them.
 *
 * The field table `fields[]` is the report order. Each row says how to read one number out
 * of a PcsStats (cf. fio stat.c, where one model feeds the normal, terse and JSON outputs):
 *
 *   COUNTER  guint64 at offset, cumulative        requests, hits, evictions, ...
 *   GAUGE    guint64 at offset, state at snapshot active_pages, resident_pages, ...
 *   RATIO    num / den (offsets of two counters)  hit_ratio = hits / accesses
 *   TIME     gint64 ns at offset, or unknown      first_t_ns, last_t_ns
 *
 * Phases: run a warm-up, snapshot A; run the measured part, snapshot B. Then
 *
 *     warm-up  = A                       (pcs_stats_diff(A, zero) would give the same)
 *     measured = pcs_stats_diff(B, A)    counters B - A; gauges and last_t_ns from B;
 *                                        first_t_ns = A.last_t_ns (the boundary)
 *
 * so the measured phase's time span starts where the warm-up stopped. Ratios are never
 * stored: they are derived from the phase's own counters, so they never mix phases.
 *
 * Invariants (kept by the cache core, relied on by reports): hits + misses == accesses,
 * read_accesses + write_accesses == accesses, inactive_pages + active_pages ==
 * resident_pages. Entry points: pcs_stats_init, pcs_stat_fields, pcs_stat_u64,
 * pcs_stat_time, pcs_stat_ratio, pcs_stats_diff.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <pcsim/stats.h>

#define COUNTER(f, label) { #f, PCS_STAT_COUNTER, offsetof (PcsStats, f), 0, 0, label , 0 }
#define GAUGE(f, label)   { #f, PCS_STAT_GAUGE, offsetof (PcsStats, f), 0, 0, label , 0 }
#define TIME(f, label)    { #f, PCS_STAT_TIME, offsetof (PcsStats, f), 0, 0, label , 0 }
/* One counter per bucket of an I/O size histogram: NAME_4k, NAME_8k, ..., NAME_1m, NAME_big. */
#define HIST(f, name, label) \
	HB (f, 0, name "_4k", label " <= 4K"), HB (f, 1, name "_8k", label " <= 8K"), \
	HB (f, 2, name "_16k", label " <= 16K"), HB (f, 3, name "_32k", label " <= 32K"), \
	HB (f, 4, name "_64k", label " <= 64K"), HB (f, 5, name "_128k", label " <= 128K"), \
	HB (f, 6, name "_256k", label " <= 256K"), HB (f, 7, name "_512k", label " <= 512K"), \
	HB (f, 8, name "_1m", label " <= 1M"), HB (f, 9, name "_big", label " > 1M")
#define HB(f, b, name, label) \
	{ name, PCS_STAT_COUNTER, offsetof (PcsStats, f) + (b) * sizeof (guint64), 0, 0, label, \
	  PCS_STAT_DETAIL }
/* A counter the human table shows only when it is not zero. */
#define DETAIL(f, label) { #f, PCS_STAT_COUNTER, offsetof (PcsStats, f), 0, 0, label, \
	  PCS_STAT_DETAIL }
/* A mean: num / den as a plain number (not a 0..1 ratio). */
#define MEAN(name, n, d, label) \
	{ name, PCS_STAT_MEAN, 0, offsetof (PcsStats, n), offsetof (PcsStats, d), label, 0 }
#define RATIO(name, n, d, label) \
	{ name, PCS_STAT_RATIO, 0, offsetof (PcsStats, n), offsetof (PcsStats, d), label, 0 }

static const PcsStatField fields[] = {
	COUNTER (requests, "requests"),
	COUNTER (read_requests, "read requests"),
	COUNTER (write_requests, "write requests"),
	COUNTER (request_hits, "requests all hit"),
	COUNTER (accesses, "page accesses"),
	COUNTER (read_accesses, "read accesses"),
	COUNTER (write_accesses, "write accesses"),
	COUNTER (hits, "hits"),
	COUNTER (read_hits, "read hits"),
	COUNTER (write_hits, "write hits"),
	COUNTER (misses, "misses"),
	RATIO ("hit_ratio", hits, accesses, "hit ratio"),
	RATIO ("read_hit_ratio", read_hits, read_accesses, "read hit ratio"),
	RATIO ("write_hit_ratio", write_hits, write_accesses, "write hit ratio"),
	RATIO ("request_hit_ratio", request_hits, requests, "request hit ratio"),
	DETAIL (group_requests, "group requests"),
	DETAIL (group_accesses, "group page accesses"),
	DETAIL (group_hits, "group hits"),
	{ "group_hit_ratio", PCS_STAT_RATIO, 0, offsetof (PcsStats, group_hits),
	  offsetof (PcsStats, group_accesses), "group hit ratio", PCS_STAT_DETAIL },
	COUNTER (activations, "activations"),
	COUNTER (deactivations, "deactivations"),
	COUNTER (evictions, "evictions"),
	COUNTER (reclaims, "reclaim passes"),
	COUNTER (refaults, "refaults"),
	COUNTER (refault_activations, "refault activations"),
	COUNTER (ra_sync_windows, "readahead sync windows"),
	COUNTER (ra_async_windows, "readahead async windows"),
	COUNTER (ra_mmap_windows, "mmap read-around windows"),
	COUNTER (ra_pages, "pages read ahead"),
	COUNTER (ra_used, "read-ahead pages used"),
	COUNTER (ra_wasted, "read-ahead pages wasted"),
	RATIO ("ra_hit_ratio", ra_used, ra_pages, "readahead hit ratio"),
	COUNTER (major_faults, "major faults (mmap)"),
	COUNTER (dropped_pages, "pages dropped (fadvise, truncate)"),
	COUNTER (bad_records, "bad records skipped"),
	DETAIL (filtered_records, "records left out by path filters"),
	DETAIL (filtered_bytes, "bytes left out by path filters"),
	COUNTER (dirtied_pages, "pages dirtied"),
	DETAIL (rmw_reads, "read-modify-write reads"),
	COUNTER (wb_periodic_pages, "written back: periodic"),
	COUNTER (wb_background_pages, "written back: background"),
	COUNTER (wb_reclaim_pages, "written back: reclaim"),
	COUNTER (wb_sync_pages, "written back: sync"),
	COUNTER (wb_direct_pages, "written back: direct I/O"),
	COUNTER (wb_ios, "writeback I/Os"),
	HIST (wb_ios_hist, "wb_ios", "writeback I/Os"),
	DETAIL (throttle_events, "throttle pauses"),
	DETAIL (throttle_ns, "throttle time (ns)"),
	{ "throttle_max_ns", PCS_STAT_GAUGE, offsetof (PcsStats, throttle_max_ns), 0, 0,
	  "longest pause (ns)", PCS_STAT_DETAIL },
	COUNTER (reclaim_dirty, "dirty pages met by reclaim"),
	DETAIL (reclaim_rotated, "pages rotated after writeback"),
	DETAIL (flusher_wakeups, "flusher woken by reclaim"),
	DETAIL (direct_read_pages, "direct read pages"),
	DETAIL (direct_write_pages, "direct write pages"),
	DETAIL (direct_invalidated, "pages invalidated by direct writes"),
	GAUGE (dirty_pages, "dirty pages"),
	GAUGE (writeback_pages, "pages under writeback"),
	GAUGE (dirty_max_pages, "most dirty pages held"),
	GAUGE (dirty_max_age_ns, "oldest dirty data (ns)"),
	GAUGE (dirty_end_pages, "dirty pages at the end"),
	DETAIL (time_reorders, "timestamps reordered"),
	DETAIL (time_gaps, "long gaps in time"),
	COUNTER (app_io_ns, "application I/O wait (ns)"),
	COUNTER (served_requests, "reads served"),
	COUNTER (served_bytes, "bytes served"),
	COUNTER (cpu_copy_bytes, "bytes copied by the CPU"),
	COUNTER (dma_bytes, "bytes moved by DMA"),
	COUNTER (syscalls, "system calls"),
	COUNTER (context_switches, "context switches"),
	COUNTER (page_faults, "page faults (mmap)"),
	MEAN ("cpu_copy_bytes_per_request", cpu_copy_bytes, served_requests,
	      "CPU-copied bytes per read"),
	MEAN ("dma_bytes_per_request", dma_bytes, served_requests, "DMA bytes per read"),
	MEAN ("context_switches_per_request", context_switches, served_requests,
	      "context switches per read"),
	COUNTER (dev_read_queued, "device reads queued"),
	COUNTER (dev_read_ios, "device read I/Os"),
	COUNTER (dev_read_bytes, "device read bytes"),
	HIST (dev_read_hist, "dev_read_ios", "device read I/Os"),
	COUNTER (dev_write_ios, "device write I/Os"),
	COUNTER (dev_write_bytes, "device write bytes"),
	HIST (dev_write_hist, "dev_write_ios", "device write I/Os"),
	COUNTER (dev_ios, "device I/Os"),
	COUNTER (dev_seq_ios, "sequential device I/Os"),
	RATIO ("dev_seq_ratio", dev_seq_ios, dev_ios, "sequential fraction"),
	COUNTER (dev_busy_ns, "device busy (ns)"),
	MEAN ("dev_mean_lat_ns", dev_busy_ns, dev_ios, "mean device latency (ns)"),
	GAUGE (dev_lat_p99_ns, "p99 device latency (ns)"),
	DETAIL (verify_errors, "verify errors"),
	GAUGE (active_pages, "active pages"),
	GAUGE (inactive_pages, "inactive pages"),
	GAUGE (resident_pages, "resident pages"),
	GAUGE (shadow_entries, "shadow entries"),
	TIME (first_t_ns, "first timestamp"),
	TIME (last_t_ns, "last timestamp"),
	{ NULL, 0, 0, 0, 0, NULL, 0 }
};

const PcsStatField *
pcs_stat_fields(void)
{
	return fields;
}

static guint64
u64_at(const PcsStats *s, gsize offset)
{
	guint64 v;

	memcpy(&v, (const char *) s + offset, sizeof v);
	return v;
}

static void
put_u64_at(PcsStats *s, gsize offset, guint64 v)
{
	memcpy((char *) s + offset, &v, sizeof v);
}

guint64
pcs_stat_u64(const PcsStats *s, const PcsStatField *f)
{
	g_return_val_if_fail (s != NULL && f != NULL, 0);
	g_return_val_if_fail (f->kind == PCS_STAT_COUNTER || f->kind == PCS_STAT_GAUGE, 0);
	return u64_at(s, f->offset);
}

gint64
pcs_stat_time(const PcsStats *s, const PcsStatField *f)
{
	gint64 v;

	g_return_val_if_fail (s != NULL && f != NULL, PCS_TIME_UNKNOWN);
	g_return_val_if_fail (f->kind == PCS_STAT_TIME, PCS_TIME_UNKNOWN);
	memcpy(&v, (const char *) s + f->offset, sizeof v);
	return v;
}

double
pcs_stat_ratio(const PcsStats *s, const PcsStatField *f)
{
	guint64 num, den;

	g_return_val_if_fail (s != NULL && f != NULL, 0.0);
	g_return_val_if_fail (f->kind == PCS_STAT_RATIO || f->kind == PCS_STAT_MEAN, 0.0);
	num = u64_at(s, f->num);
	den = u64_at(s, f->den);
	return den ? (double) num / (double) den : 0.0;
}

void
pcs_stats_init(PcsStats *s)
{
	g_return_if_fail (s != NULL);
	memset(s, 0, sizeof *s);
	s->first_t_ns = PCS_TIME_UNKNOWN;
	s->last_t_ns = PCS_TIME_UNKNOWN;
}

void
pcs_stats_diff(const PcsStats *later, const PcsStats *earlier, PcsStats *out)
{
	PcsStats d;

	g_return_if_fail (later != NULL && earlier != NULL && out != NULL);
	/* 1. Everything from later: gauges, and the counters' starting point. Working on a
	 *    copy lets out alias later or earlier. */
	d = *later;
	/* 2. Counters: later - earlier. */
	for (const PcsStatField *f = fields; f->name; f++)
		if (f->kind == PCS_STAT_COUNTER)
			put_u64_at(&d, f->offset, u64_at(later, f->offset) - u64_at(earlier, f->offset));
	for (guint i = 0; i < PCS_OP_COUNT; i++)
		d.ops[i] = later->ops[i] - earlier->ops[i];
	/* 3. Times: the phase begins where the earlier snapshot ended. */
	d.last_t_ns = later->last_t_ns;
	d.first_t_ns = earlier->last_t_ns != PCS_TIME_UNKNOWN ? earlier->last_t_ns
	                                                      : later->first_t_ns;
	*out = d;
}
