/*
 * readahead.h - the readahead policy: per-stream state and window decisions (internal).
 *
 * The policy decides windows; the cache core executes them (allocates the pages, places the
 * marker, counts). It asks the core about the cache only through PcsRaView.
 */
#ifndef PCSIM_READAHEAD_H
#define PCSIM_READAHEAD_H

#include <glib.h>
#include <pcsim/event.h>

#define PCS_RA_NO_POS G_MAXUINT64   /* prev_pos after open: the kernel's -1 */

/* struct file_ra_state, per open file description. */
typedef struct {
	guint64 start;       /* first page of the last window */
	guint64 size;        /* pages in it */
	guint64 async_size;  /* pages of it still ahead when the marker is hit */
	guint64 prev_pos;    /* byte just after the last read (filemap_read), or PCS_RA_NO_POS */
	guint32 ra_pages;    /* max window: the device's, doubled by FADV_SEQUENTIAL */
	guint16 mmap_miss;   /* page-fault misses, for mmap read-around (capped at 1000) */
	guint8  order;       /* folio order of the last window (large folios only) */
	guint8  random;      /* FMODE_RANDOM (FADV_RANDOM) */
	guint8  sequential;  /* FADV_SEQUENTIAL / MADV_SEQUENTIAL seen: faults use sync_ra */
} PcsRaState;

/* The device's limits (bdi->ra_pages and bdi->io_pages), in pages. */
typedef struct {
	guint32  ra_pages;
	guint32  io_pages;
	gboolean folios;     /* large folios (kernels >= 6.10 on ext4/xfs): ra->order ramps */
} PcsRaParams;

/* MAX_PAGECACHE_ORDER on x86-64: PMD order, 2 MiB folios. */
#define PCS_MAX_FOLIO_ORDER 9

typedef enum {
	PCS_RA_NONE = 0,
	PCS_RA_SYNC,      /* page_cache_sync_ra: initial or context window */
	PCS_RA_ASYNC,     /* page_cache_async_ra: marker hit */
	PCS_RA_FORCED,    /* force_page_cache_ra: FMODE_RANDOM or readahead off */
	PCS_RA_SMALL,     /* a small random read: only what was asked, state untouched */
	PCS_RA_MMAP,      /* do_sync_mmap_readahead read-around */
	PCS_RA_WILLNEED,  /* FADV_WILLNEED / readahead(2) */
	PCS_RA_KIND_COUNT
} PcsRaKind;

/* A decision: read [start, start + nr); put the marker on start + nr - async_size when
 * async_size > 0. */
typedef struct {
	guint64   start;
	guint64   nr;
	guint64   async_size;
	PcsRaKind kind;
	guint8    order;  /* folio order to allocate in (page_cache_ra_order); 0: order-0 pages */
} PcsRaWindow;

/* What the policy may ask the cache (mm/filemap.c page_cache_prev_miss / next_miss). */
typedef struct {
	/* Scanning back from index, the first page not cached, at most max_scan pages back;
	 * index - max_scan when all are cached; G_MAXUINT64 when the scan passes page 0. */
	guint64 (*prev_miss)(gpointer ctx, guint64 index, guint64 max_scan);
	/* Scanning forward from index, the first page not cached; index + max_scan if none. */
	guint64 (*next_miss)(gpointer ctx, guint64 index, guint64 max_scan);
	gpointer ctx;
} PcsRaView;

const char *pcs_ra_kind_name(PcsRaKind k);

/* file_ra_state_init(): a new open file description. */
void pcs_ra_state_init(PcsRaState *ra, const PcsRaParams *p);
/* posix_fadvise NORMAL / SEQUENTIAL / RANDOM on this stream (generic_fadvise). */
void pcs_ra_fadvise(PcsRaState *ra, const PcsRaParams *p, PcsAdvice advice);

/* ractl_max_pages(): the largest window for a read of req pages; an oversized read may go up
 * to the device's optimal I/O size. */
static inline guint64
pcs_ra_max_pages(const PcsRaState *ra, const PcsRaParams *p, guint64 req)
{
	guint64 max = ra->ra_pages;

	if (req > max && p->io_pages > max)
		max = MIN(req, (guint64) p->io_pages);
	return max;
}

/*
 * Whether page_cache_sync_ra() of a read of req pages missing at index comes to context
 * readahead: readahead on, not FMODE_RANDOM, and not the start of the file, an oversized read
 * or a sequential miss (unsigned: prev_pos -1 never matches; 0 is an unaligned continuation,
 * 1 the next page). The window then depends on the cache only through
 * page_cache_prev_miss(index - 1): when page index - 1 is not cached, it is a small random
 * read of the req pages asked, with the state untouched (PCS_RA_SMALL). pcs_ra_sync() decides
 * by this test, and the cache core uses it to take most misses of a random workload without
 * calling pcs_ra_sync().
 */
static inline gboolean
pcs_ra_sync_is_context(const PcsRaState *ra, const PcsRaParams *p, guint64 index, guint64 req)
{
	return ra->ra_pages != 0 && !ra->random && index != 0 &&
	       req <= pcs_ra_max_pages(ra, p, req) &&
	       index - (ra->prev_pos >> PCS_PAGE_SHIFT) > 1;
}

/* page_cache_sync_ra(): a read of req pages missed at index. */
PcsRaWindow pcs_ra_sync(PcsRaState *ra, const PcsRaParams *p, guint64 index, guint64 req,
			const PcsRaView *view);
/* page_cache_async_ra(): the marker folio (first page index, folio_pages pages) was reached
 * by a read of req pages. */
PcsRaWindow pcs_ra_async(PcsRaState *ra, const PcsRaParams *p, guint64 index,
			 guint64 folio_pages, guint64 req, const PcsRaView *view);
/* do_sync_mmap_readahead(): a major fault at index. */
PcsRaWindow pcs_ra_mmap_fault(PcsRaState *ra, const PcsRaParams *p, guint64 index,
			      const PcsRaView *view);
/* do_async_mmap_readahead(): a minor fault (mmap_miss decays). */
void pcs_ra_mmap_hit(PcsRaState *ra);
/* force_page_cache_readahead() for FADV_WILLNEED of nr pages from index. */
PcsRaWindow pcs_ra_willneed(const PcsRaState *ra, const PcsRaParams *p, guint64 index,
			    guint64 nr);

/* The ramp-up functions of mm/readahead.c (exposed for tests). */
guint64 pcs_ra_init_size(guint64 req, guint64 max);
guint64 pcs_ra_next_size(guint64 cur, guint64 max);

#endif
