/*
 * cache.h - the page-cache engine: pages, lists, shadow entries, one event at a time.
 *
 * A PcsCache is built from a const PcsConfig and owns everything it needs (page slab, index,
 * list policy, shadow entries, per-stream state). Events go in with pcs_cache_submit(); the
 * statistics come out with pcs_cache_stats(). Nothing is allocated per event once the caches'
 * tables are sized (new files and streams grow small arrays, amortised).
 */
#ifndef PCSIM_CACHE_H
#define PCSIM_CACHE_H

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/device.h>
#include <pcsim/event.h>
#include <pcsim/stats.h>

G_BEGIN_DECLS

typedef struct PcsCache PcsCache;

/* Page states a caller can ask about (tests, time series). */
typedef enum {
	PCS_PAGE_ABSENT = 0,
	PCS_PAGE_INACTIVE,
	PCS_PAGE_INACTIVE_REFERENCED,
	PCS_PAGE_ACTIVE,
	PCS_PAGE_ACTIVE_REFERENCED,
} PcsPageState;

/* One readahead decision, as the kernel's readahead tracepoints show it (--trace-ra). */
typedef struct {
	gint64      t_ns;          /* time of the triggering event, or PCS_TIME_UNKNOWN */
	guint32     stream;
	guint32     file;
	guint64     trigger_page;  /* page whose miss, marker or fault triggered it */
	guint64     start;         /* window, in pages */
	guint64     size;
	guint64     async_size;
	const char *kind;          /* sync, async, forced, small, mmap, willneed */
	guint       order;         /* folio order the window is read in (0 without folios) */
} PcsRaRecord;

typedef void (*PcsRaTraceFunc)(const PcsRaRecord *r, gpointer user);

/* Builds a cache. Fails (PCS_OPTIONS_ERROR_INVALID) when the configuration cannot make a
 * cache: fewer pages than one reclaim batch, or more than 2^31 pages. */
PcsCache *pcs_cache_new(const PcsConfig *cfg, GError **error);
/* The same with the device spelt out (--device FILE, ...; NULL: a temporary device). Fails
 * also with the device's PCS_DEVICE_ERROR when its backing file cannot be set up. */
PcsCache *pcs_cache_new_full(const PcsConfig *cfg, const PcsDeviceSpec *spec, GError **error);
void pcs_cache_free(PcsCache *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsCache, pcs_cache_free)

/* Replays one event. Cannot fail: an event the model does not act on is only counted. */
void pcs_cache_submit(PcsCache *c, const PcsIoEvent *ev);
/* Replays n events in order, exactly as n calls of pcs_cache_submit() would, prefetching
 * index slots and pages ahead (the fast path for long replays). Cannot fail. */
void pcs_cache_submit_batch(PcsCache *c, const PcsIoEvent *evs, gsize n);
/* The end of the replay: records the dirty pages left (dirty_end_pages) and, unless
 * cfg->final_sync is off, writes them back (counted as sync). Further calls do nothing.
 * Cannot fail. */
void pcs_cache_finish(PcsCache *c);
/* The first device error (an I/O error, no space): the replay must stop and report it.
 * NULL when none. Owned by the cache. */
const GError *pcs_cache_error(const PcsCache *c);
/* A new trace begins: its clock starts where the previous trace's ended (timing trace).
 * Cannot fail. */
void pcs_cache_begin_trace(PcsCache *c);
/* Snapshot of the cumulative statistics, with the gauges filled in. */
void pcs_cache_stats(const PcsCache *c, PcsStats *out);
/* Real time spent in pread/pwrite so far (--data on), measured once
 * pcs_cache_time_device_calls() turned it on. Not a statistic: it differs from run to run,
 * while every statistic is the same whatever the data mode and the machine. */
void pcs_cache_time_device_calls(PcsCache *c, gboolean on);
guint64 pcs_cache_device_wall_ns(const PcsCache *c);
/* Requests replayed so far (cheap; for warm-up boundaries). */
guint64 pcs_cache_nr_requests(const PcsCache *c);
/* Calls fn for every readahead decision (NULL: none). */
void pcs_cache_set_ra_trace(PcsCache *c, PcsRaTraceFunc fn, gpointer user);
/* Resolves --readahead auto once the trace's level is known: 128 KiB for file-level traces,
 * off for block-level ones (their I/O already includes the recording kernel's readahead).
 * No effect when readahead was set explicitly or already resolved. */
void pcs_cache_resolve_readahead(PcsCache *c, gboolean file_level);
/* The readahead window in effect (bytes). */
guint64 pcs_cache_readahead_bytes(const PcsCache *c);
/* Counts a record the replay skipped (--skip-bad). */
void pcs_cache_note_bad_record(PcsCache *c);
/* The trace's reader knows file's size (largest byte read or written, or a stat): readahead
 * stops at it, as at i_size. Read-modify-write does not trust it (files being written grow).
 * Cannot fail. */
void pcs_cache_note_file_size(PcsCache *c, guint32 file, guint64 size_bytes);
/* Counts records the path filters left out (and the bytes of their requests). */
void pcs_cache_note_filtered(PcsCache *c, guint64 records, guint64 bytes);

/* State of one page (tests and debugging). */
PcsPageState pcs_cache_page_state(const PcsCache *c, guint32 file, guint64 page_index);
/* Debug invariant checker (cf. sqlite3PcachePageSanity): every resident page is indexed and on
 * exactly one list, list counts match, shadow table and ring agree. Returns FALSE and sets
 * error describing the first violation. Costs O(pages); for tests. */
gboolean pcs_cache_check(const PcsCache *c, GError **error);

G_END_DECLS

#endif
