/*
 * readahead.c - Linux's on-demand readahead, window for window (mm/readahead.c, mm/filemap.c).
 *
 * One PcsRaState per open file description (struct file_ra_state). The policy only decides:
 * it returns a window {start, nr, async_size, kind} and the core reads the pages that are not
 * cached, putting the PG_readahead marker on page start + nr - async_size. Classic order-0
 * page cache (pre-large-folio kernels, or filesystems without large folios).
 *
 *   read miss at index ─► pcs_ra_sync ──┬─ FMODE_RANDOM / ra off ─► forced: min(req, max(io,ra))
 *                                       ├─ index 0, oversized, or sequential (index - prev ≤ 1)
 *                                       │    ─► initial window: get_init_ra_size(req, max)
 *                                       ├─ cached history before index ≤ req ─► small random:
 *                                       │    only the asked pages, state untouched
 *                                       └─ else context window: min(contig + req, max), async 1
 *   marker hit at index ─► pcs_ra_async ─┬─ index is the expected marker: start += size,
 *                                        │    size = get_next_ra_size
 *                                        └─ foreign marker: restart after the next hole
 *   major fault ─► pcs_ra_mmap_fault: random: 1 page; sequential: sync_ra(ra_pages);
 *                  else read-around ra_pages centred on the fault (async ra_pages/4), until
 *                  mmap_miss passes MMAP_LOTSAMISS (100)
 *
 * Window sizes (get_init_ra_size, get_next_ra_size): the initial window is 4x the request
 * rounded up to a power of two while that is at most max/32, 2x up to max/4, then max; each
 * async window grows 4x below max/16, 2x up to max/2, then stays at max. With ra_pages 32 and
 * 4 KiB reads: (0,4,3) (4,8,8) (12,16,16) (28,32,32) (60,32,32) ... (linux-model.md §1a.11).
 *
 * Large folios (--folios on, kernels 6.10+ where the filesystem allows them): a sync window
 * is read in order-0 folios (ra->order = 0); every async window raises ra->order by 2, trims
 * the window end down to a 2^min(order, lowest set bit of max_pages) boundary, and is read in
 * folios of order min(ra->order, 9, ilog2(size)) (page_cache_ra_order; the core reduces the
 * order for alignment and EOF). The expected-marker test rounds down to the marker folio's
 * size. 4 KiB sequential reads with ra_pages 32 then give windows (0,4,3) order 0, (4,8,8)
 * order 2, (12,16,16) order 4 trimmed to (12,4,4), ...
 *
 * Not modelled: VM_HUGEPAGE and VM_EXEC mappings, I/O errors (shrink_readahead_size_eio),
 * cgroup congestion. The kernel source followed is the ~6.10+ rework (page_cache_sync_ra /
 * page_cache_async_ra) with ra->order (~6.17).
 */
#include "config.h"

#include "readahead.h"

#define MMAP_LOTSAMISS 100   /* mm/filemap.c */
#define MMAP_MISS_MAX  1000

static const char *const kind_names[PCS_RA_KIND_COUNT] = {
	[PCS_RA_NONE] = "none",
	[PCS_RA_SYNC] = "sync",
	[PCS_RA_ASYNC] = "async",
	[PCS_RA_FORCED] = "forced",
	[PCS_RA_SMALL] = "small",
	[PCS_RA_MMAP] = "mmap",
	[PCS_RA_WILLNEED] = "willneed",
};

const char *
pcs_ra_kind_name(PcsRaKind k)
{
	return (unsigned) k < PCS_RA_KIND_COUNT ? kind_names[k] : "?";
}

void
pcs_ra_state_init(PcsRaState *ra, const PcsRaParams *p)
{
	*ra = (PcsRaState) { .prev_pos = PCS_RA_NO_POS, .ra_pages = p->ra_pages };
}

void
pcs_ra_fadvise(PcsRaState *ra, const PcsRaParams *p, PcsAdvice advice)
{
	switch (advice) {
	case PCS_ADVICE_NORMAL:
		ra->ra_pages = p->ra_pages;
		ra->random = FALSE;
		ra->sequential = FALSE;
		break;
	case PCS_ADVICE_SEQUENTIAL:
		ra->ra_pages = p->ra_pages * 2;
		ra->random = FALSE;
		ra->sequential = TRUE;
		break;
	case PCS_ADVICE_RANDOM:
		ra->random = TRUE;
		ra->sequential = FALSE;
		break;
	default:
		break;  /* WILLNEED and DONTNEED act on pages, not on the state */
	}
}

static guint64
roundup_pow2(guint64 x)
{
	guint64 p = 1;

	while (p < x)
		p <<= 1;
	return p;
}

guint64
pcs_ra_init_size(guint64 req, guint64 max)
{
	guint64 n = roundup_pow2(req);

	if (n <= max / 32)
		return n * 4;
	if (n <= max / 4)
		return n * 2;
	return max;
}

guint64
pcs_ra_next_size(guint64 cur, guint64 max)
{
	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

static PcsRaWindow
window(guint64 start, guint64 nr, guint64 async_size, PcsRaKind kind)
{
	return (PcsRaWindow) { .start = start, .nr = nr, .async_size = async_size, .kind = kind };
}

static guint
ilog2(guint64 x)
{
	guint r = 0;

	while (x >>= 1)
		r++;
	return r;
}

/* page_cache_ra_order(): the folio order a window is read in; updates ra->order. */
static PcsRaWindow
ra_order(PcsRaState *ra, const PcsRaParams *p, PcsRaWindow w)
{
	guint order;

	if (!p->folios) {
		ra->order = 0;
		return w;
	}
	order = MIN(ra->order, PCS_MAX_FOLIO_ORDER);
	order = MIN(order, ilog2(MAX(w.nr, 1)));
	ra->order = (guint8) order;
	w.order = (guint8) order;
	return w;
}

/* force_page_cache_ra(): exactly the asked pages (capped), no marker, state untouched. The
 * kernel submits them in 2 MiB chunks; the pages are the same. */
static PcsRaWindow
forced(const PcsRaState *ra, const PcsRaParams *p, guint64 index, guint64 req)
{
	guint64 cap = MAX((guint64) p->io_pages, (guint64) ra->ra_pages);

	return window(index, MIN(req, cap), 0, PCS_RA_FORCED);
}

PcsRaWindow
pcs_ra_sync(PcsRaState *ra, const PcsRaParams *p, guint64 index, guint64 req,
	    const PcsRaView *view)
{
	guint64 max, miss, contig;

	/* 1. Forced: FMODE_RANDOM, or readahead off (then only the page asked for). */
	if (ra->ra_pages == 0)
		return forced(ra, p, index, 1);
	if (ra->random)
		return forced(ra, p, index, req);
	max = pcs_ra_max_pages(ra, p, req);
	/* 2. Start of file, oversized read, or sequential miss. */
	if (!pcs_ra_sync_is_context(ra, p, index, req)) {
		ra->start = index;
		ra->size = pcs_ra_init_size(req, max);
		ra->async_size = ra->size > req ? ra->size - req : ra->size / 2;
		ra->order = 0;
		return ra_order(ra, p, window(ra->start, ra->size, ra->async_size, PCS_RA_SYNC));
	}
	/* 3. Context readahead: how much history a sequential stream would have left. */
	miss = view->prev_miss(view->ctx, index - 1, max);
	contig = index - miss - 1;
	if (contig <= req)
		return window(index, req, 0, PCS_RA_SMALL);  /* small random read */
	if (miss == G_MAXUINT64)
		contig *= 2;  /* cached from the first page: a long-run stream */
	ra->start = index;
	ra->size = MIN(contig + req, max);
	ra->async_size = 1;
	ra->order = 0;
	return ra_order(ra, p, window(ra->start, ra->size, ra->async_size, PCS_RA_SYNC));
}

PcsRaWindow
pcs_ra_async(PcsRaState *ra, const PcsRaParams *p, guint64 index, guint64 folio_pages,
	     guint64 req, const PcsRaView *view)
{
	guint64 max, start, expected;

	if (ra->ra_pages == 0)
		return window(0, 0, 0, PCS_RA_NONE);
	max = pcs_ra_max_pages(ra, p, req);
	expected = ra->start + ra->size - ra->async_size;
	expected -= expected % MAX(folio_pages, 1);
	if (index == expected) {
		/* The expected marker: push the window forward and ramp up. */
		ra->start += ra->size;
		ra->size = MAX(ra->size, pcs_ra_next_size(ra->size, max));
	} else {
		/* A marker without valid state (interleaved streams on one file description):
		 * the cached run after index stands for the old async size. */
		start = view->next_miss(view->ctx, index + 1, max);
		if (start == 0 || start - index > max)
			return window(0, 0, 0, PCS_RA_NONE);
		ra->start = start;
		ra->size = pcs_ra_next_size(start - index + req, max);
	}
	if (p->folios) {
		/* Raise the order and end the window on a folio boundary. */
		guint lowbit = 0;
		guint64 align, end, aligned_end;

		while (lowbit < 63 && !(max & ((guint64) 1 << lowbit)))
			lowbit++;
		ra->order = (guint8) MIN((guint) ra->order + 2, 63);
		align = (guint64) 1 << MIN((guint) ra->order, lowbit);
		end = ra->start + ra->size;
		aligned_end = end - end % align;
		if (aligned_end > ra->start)
			ra->size -= end - aligned_end;
	}
	ra->async_size = ra->size;
	return ra_order(ra, p, window(ra->start, ra->size, ra->async_size, PCS_RA_ASYNC));
}

PcsRaWindow
pcs_ra_mmap_fault(PcsRaState *ra, const PcsRaParams *p, guint64 index, const PcsRaView *view)
{
	guint64 start;

	/* MADV_RANDOM (VM_RAND_READ) or readahead off: the faulting page only. */
	if (ra->random || ra->ra_pages == 0)
		return window(index, 1, 0, PCS_RA_FORCED);
	/* MADV_SEQUENTIAL (VM_SEQ_READ): a sync readahead of ra_pages. */
	if (ra->sequential)
		return pcs_ra_sync(ra, p, index, ra->ra_pages, view);
	if (ra->mmap_miss < MMAP_MISS_MAX)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return window(index, 1, 0, PCS_RA_FORCED);
	/* Read-around: ra_pages centred on the fault, the marker three quarters in. */
	start = index > ra->ra_pages / 2 ? index - ra->ra_pages / 2 : 0;
	ra->start = start;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	ra->order = 0;
	return ra_order(ra, p, window(ra->start, ra->size, ra->async_size, PCS_RA_MMAP));
}

void
pcs_ra_mmap_hit(PcsRaState *ra)
{
	if (ra->mmap_miss > 0)
		ra->mmap_miss--;
}

PcsRaWindow
pcs_ra_willneed(const PcsRaState *ra, const PcsRaParams *p, guint64 index, guint64 nr)
{
	guint64 cap = MAX((guint64) p->io_pages, (guint64) ra->ra_pages);

	return window(index, MIN(nr, cap), 0, PCS_RA_WILLNEED);
}
