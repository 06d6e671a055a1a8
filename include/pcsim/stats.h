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
	/* every op of the trace, by PcsOp, and records skipped by --skip-bad */
	guint64 ops[PCS_OP_COUNT];
	guint64 bad_records;
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
} PcsStatKind;

typedef struct {
	const char  *name;       /* JSON key / CSV column: "hit_ratio" */
	PcsStatKind  kind;
	gsize        offset;     /* COUNTER/GAUGE/TIME: offsetof(PcsStats, f) */
	gsize        num, den;   /* RATIO: offsets of numerator and denominator */
	const char  *label;      /* human table label: "hit ratio" */
} PcsStatField;

/* The fields in report order, terminated by name NULL. ops[] are rendered apart ("ops"). */
const PcsStatField *pcs_stat_fields(void);
/* Value of a counter/gauge field. */
guint64 pcs_stat_u64(const PcsStats *s, const PcsStatField *f);
/* Value of a time field (ns, or PCS_TIME_UNKNOWN). */
gint64 pcs_stat_time(const PcsStats *s, const PcsStatField *f);
/* Value of a ratio field, 0 when the denominator is 0. */
double pcs_stat_ratio(const PcsStats *s, const PcsStatField *f);
/* out = later - earlier for counters; gauges and last_t_ns come from later; first_t_ns is
 * the boundary, earlier's last_t_ns (or later's first_t_ns when earlier saw no time). */
void pcs_stats_diff(const PcsStats *later, const PcsStats *earlier, PcsStats *out);
/* All zero, times unknown. */
void pcs_stats_init(PcsStats *s);

G_END_DECLS

#endif
