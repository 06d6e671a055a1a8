/*
 * mrc.h - one-pass miss-ratio curves of the lru policy (Mattson's stack distances).
 *
 * Under LRU, a cache of C pages holds exactly the C most recently used pages (the inclusion
 * property), so one pass that measures each access's stack distance d (1 + the number of
 * distinct pages used since this page was last used; infinite on first use) gives the hits
 * of every cache size at once: an access hits in a cache of C pages exactly when d <= C.
 * The results equal `pcsim replay --policy lru --reclaim-batch 1 --readahead 0` at each size,
 * exactly (tests/test-sweep.c and tests/test-sweep-cli.sh compare them).
 *
 * The model follows cache.c for the lru policy: each page a read, sendfile or write request
 * overlaps is one access; requests without a length or offset are not requests. open, close,
 * fsync, fdatasync and sync do not move pages. Other ops (mmap, direct I/O, fadvise,
 * truncate) change what is cached in ways a stack cannot follow: they are counted, and a
 * curve of a trace that has them is refused by the command (pcs_mrc_nr_unsupported()).
 */
#ifndef PCSIM_MRC_H
#define PCSIM_MRC_H

#include <glib.h>
#include <pcsim/event.h>
#include <pcsim/stats.h>

G_BEGIN_DECLS

typedef struct PcsMrc PcsMrc;

/*
 * A curve that will be read at the given cache sizes (in pages, any order, duplicates
 * allowed; at least one), counting from the first request after warmup_requests requests
 * (0: from the start). Cannot fail.
 */
PcsMrc *pcs_mrc_new(const guint64 *sizes_pages, guint nr_sizes, guint64 warmup_requests);
void pcs_mrc_free(PcsMrc *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsMrc, pcs_mrc_free)

/* Feeds events in trace order. Cannot fail. */
void pcs_mrc_feed(PcsMrc *m, const PcsIoEvent *evs, gsize n);

/*
 * The statistics a replay of the lru policy with reclaim batch 1 would count at
 * sizes_pages[i]: requests, read/write requests, request_hits, accesses, read/write
 * accesses, hits, read/write hits, misses, evictions, reclaims, first/last times and ops;
 * every other field zero. Counted after the warm-up. Cannot fail.
 */
void pcs_mrc_stats(const PcsMrc *m, guint i, PcsStats *out);
/* Events whose op the curve cannot follow (see above); *first_op: the first one's op. */
guint64 pcs_mrc_nr_unsupported(const PcsMrc *m, PcsOp *first_op);
/* Distinct pages accessed (the largest cache size that can matter). */
guint64 pcs_mrc_nr_pages(const PcsMrc *m);

G_END_DECLS

#endif
