/*
 * stats.h - one statistics model for every renderer (normal, JSON, CSV, time series).
 *
 * PcsStats holds cumulative counters that only grow, plus gauges of the cache's state at the
 * moment the snapshot was taken. A phase (warm-up, measured) is the difference of two
 * snapshots: pcs_stats_diff(). Every policy decision has a named counter here; tests and plots
 * assert on them. To add a counter: add the field, one row in the field table of sim/stats.c,
 * and every renderer shows it.
 */
#ifndef PCSIM_STATS_H
#define PCSIM_STATS_H

#include <glib.h>
#include <pcsim/event.h>

G_BEGIN_DECLS

/* I/O size histograms: bucket b counts I/Os of at most 4 KiB << b bytes; the last bucket
 * (b = PCS_IO_HIST_BUCKETS - 1) counts everything above 1 MiB. */
#define PCS_IO_HIST_BUCKETS 10

static inline guint
pcs_io_hist_bucket(guint64 bytes)
{
	guint b = 0;

	while (b < PCS_IO_HIST_BUCKETS - 1 && bytes > ((guint64) 4096 << b))
		b++;
	return b;
}

typedef struct {
	/* requests: read, write, sendfile and mmap touches (pcs_op_is_request) */
	guint64 requests;
	guint64 read_requests;
	guint64 write_requests;
	guint64 request_hits;        /* requests whose every page hit */
	/* page accesses: each page a request overlaps, once per request */
	guint64 accesses;
	guint64 read_accesses;
	guint64 write_accesses;
	guint64 hits;
	guint64 read_hits;
	guint64 write_hits;
	guint64 misses;
	guint64 group_requests;      /* requests of the --group files (and their accesses, hits) */
	guint64 group_accesses;
	guint64 group_hits;
	/* lists */
	guint64 activations;         /* inactive -> active on a second reference */
	guint64 deactivations;       /* active tail -> inactive head (ageing) */
	guint64 evictions;           /* pages reclaimed from the inactive tail */
	guint64 reclaims;            /* reclaim passes (each frees up to reclaim_batch pages) */
	guint64 refaults;            /* misses that found a shadow entry */
	guint64 refault_activations; /* ... whose distance was within the active list */
	/* readahead */
	guint64 ra_sync_windows;     /* page_cache_sync_ra windows (initial and context) */
	guint64 ra_async_windows;    /* page_cache_async_ra windows (marker hits) */
	guint64 ra_mmap_windows;     /* mmap read-around windows */
	guint64 ra_pages;            /* pages read ahead (beyond what the request asked for) */
	guint64 ra_used;             /* read-ahead pages accessed (counted at the first access) */
	guint64 ra_wasted;           /* read-ahead pages evicted or dropped unused */
	guint64 major_faults;        /* mmap touches of pages not cached */
	guint64 dropped_pages;       /* pages dropped by fadvise(DONTNEED) and truncate */
	/* dirty pages and writeback (linux-model.md 1d) */
	guint64 dirtied_pages;       /* clean pages made dirty by buffered writes (nr_dirtied) */
	guint64 rmw_reads;           /* pages read before a partial write (read-modify-write) */
	guint64 wb_periodic_pages;   /* pages written back by the periodic (kupdate) flusher */
	guint64 wb_background_pages; /* ... by background writeback (over the threshold) */
	guint64 wb_reclaim_pages;    /* ... by the flusher woken by reclaim */
	guint64 wb_sync_pages;       /* ... by fsync, fdatasync, sync, sync_file_range, final */
	guint64 wb_direct_pages;     /* ... before direct I/O to the same range */
	guint64 wb_ios;              /* device writes issued by writeback */
	guint64 wb_ios_hist[PCS_IO_HIST_BUCKETS]; /* their sizes (pcs_io_hist_bucket) */
	guint64 throttle_events;     /* balance_dirty_pages pauses */
	guint64 throttle_ns;         /* total modelled pause */
	guint64 reclaim_dirty;       /* dirty or writeback pages met by reclaim, tagged, kept */
	guint64 reclaim_rotated;     /* tagged pages moved to the inactive tail once clean */
	guint64 flusher_wakeups;     /* reclaim woke the flusher (a batch was all dirty) */
	guint64 direct_read_pages;   /* pages read around the cache (O_DIRECT, directio) */
	guint64 direct_write_pages;  /* pages written around the cache (O_DIRECT) */
	guint64 direct_invalidated;  /* cached pages invalidated by direct writes */
	/* time (--timing) */
	guint64 time_reorders;       /* timestamps that went back within the tolerance */
	guint64 time_gaps;           /* gaps longer than dirty_expire between records */
	guint64 app_io_ns;           /* modelled time the application waited for I/O */
	guint64 throttle_max_ns;     /* gauge: longest single pause */
	/* serving reads (transfer.h) */
	guint64 served_requests;     /* reads served to a client */
	guint64 served_bytes;
	guint64 cpu_copy_bytes;      /* bytes copied by the CPU */
	guint64 dma_bytes;           /* bytes moved by DMA: device to memory, memory to NIC */
	guint64 syscalls;
	guint64 context_switches;
	guint64 page_faults;         /* mmap: one per page served */
	/* the simulated device (DESIGN 4) */
	guint64 dev_read_queued;     /* page-in requests queued (runs, before the max_io split) */
	guint64 dev_read_ios;
	guint64 dev_read_bytes;
	guint64 dev_write_ios;
	guint64 dev_write_bytes;
	guint64 dev_ios;             /* reads + writes */
	guint64 dev_seq_ios;         /* I/Os starting where the previous one ended */
	guint64 dev_busy_ns;         /* modelled service time of all I/Os */
	guint64 dev_read_hist[PCS_IO_HIST_BUCKETS];
	guint64 dev_write_hist[PCS_IO_HIST_BUCKETS];
	guint64 verify_errors;       /* pages read back that were not what was written */
	/* gauges of the dirty state */
	guint64 dirty_pages;         /* now */
	guint64 writeback_pages;     /* now: under writeback */
	guint64 dirty_max_pages;     /* largest dirty amount held so far (data at risk) */
	guint64 dirty_max_age_ns;    /* oldest dirty data seen so far, by age at writeback */
	guint64 dirty_end_pages;     /* dirty at the end of the trace, before the final sync */
	guint64 dev_lat_p99_ns;      /* modelled per-I/O latency, 99th percentile so far */
	/* every op of the trace, by PcsOp, and records skipped by --skip-bad */
	guint64 ops[PCS_OP_COUNT];
	guint64 bad_records;
	guint64 filtered_records;    /* records of files --include/--exclude-path left out */
	guint64 filtered_bytes;      /* ... and the bytes of their requests */
	/* trace time covered: first and last timestamp seen (PCS_TIME_UNKNOWN if none) */
	gint64  first_t_ns;
	gint64  last_t_ns;
	/* gauges: the cache's state when the snapshot was taken */
	guint64 active_pages;
	guint64 inactive_pages;
	guint64 resident_pages;
	guint64 shadow_entries;
} PcsStats;

typedef enum {
	PCS_STAT_COUNTER,  /* cumulative guint64 */
	PCS_STAT_GAUGE,    /* state at snapshot time */
	PCS_STAT_RATIO,    /* derived: num / den, 0..1 (0 when den is 0) */
	PCS_STAT_TIME,     /* gint64 ns, PCS_TIME_UNKNOWN shown as null */
	PCS_STAT_MEAN,     /* derived: num / den as a plain number (0 when den is 0) */
} PcsStatKind;

typedef struct {
	const char  *name;       /* JSON key / CSV column: "hit_ratio" */
	PcsStatKind  kind;
	gsize        offset;     /* COUNTER/GAUGE/TIME: offsetof(PcsStats, f) */
	gsize        num, den;   /* RATIO, MEAN: offsets of numerator and denominator */
	const char  *label;      /* human table label: "hit ratio" */
	guint        flags;      /* PcsStatFlags */
} PcsStatField;

typedef enum {
	PCS_STAT_DETAIL = 1 << 0,  /* the human table shows it only when it is not zero (a ratio:
				    * when its denominator is not) */
} PcsStatFlags;

/* The fields in report order, terminated by name NULL. ops[] are rendered apart ("ops"). */
const PcsStatField *pcs_stat_fields(void);
/* Value of a counter/gauge field. */
guint64 pcs_stat_u64(const PcsStats *s, const PcsStatField *f);
/* Value of a time field (ns, or PCS_TIME_UNKNOWN). */
gint64 pcs_stat_time(const PcsStats *s, const PcsStatField *f);
/* Value of a ratio or mean field, 0 when the denominator is 0. */
double pcs_stat_ratio(const PcsStats *s, const PcsStatField *f);
/* out = later - earlier for counters; gauges and last_t_ns come from later; first_t_ns is
 * the boundary, earlier's last_t_ns (or later's first_t_ns when earlier saw no time). */
void pcs_stats_diff(const PcsStats *later, const PcsStats *earlier, PcsStats *out);
/* All zero, times unknown. */
void pcs_stats_init(PcsStats *s);

G_END_DECLS

#endif
