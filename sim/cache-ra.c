/*
 * cache-ra.c - readahead's side of the cache: what the policy (readahead.c) sees of the cache,
 * and the reading of the windows it decides.
 *
 * readahead.c decides windows from a stream's state and two questions about the cache,
 * page_cache_prev_miss() and page_cache_next_miss() (mm/filemap.c), which it asks through a
 * PcsRaView; pcs_cache_ra_execute() then reads a window's missing pages the way
 * page_cache_ra_unbounded() and page_cache_ra_order() (mm/readahead.c) do.
 */
#include "config.h"

#include "cache-internal.h"

guint64
pcs_cache_ra_prev_miss(gpointer ctx, guint64 index, guint64 max_scan)
{
	PcsRaCtx *x = ctx;

	for (guint64 n = 0; n < max_scan; n++, index--) {
		if (!pcs_cache_ra_cached(x, index))
			return index;
		if (index == 0)
			return G_MAXUINT64;  /* cached back to the first page */
	}
	return index;
}

guint64
pcs_cache_ra_next_miss(gpointer ctx, guint64 index, guint64 max_scan)
{
	PcsRaCtx *x = ctx;

	for (guint64 n = 0; n < max_scan; n++, index++)
		if (!pcs_cache_ra_cached(x, index))
			return index;
	return index;
}

/* Flags of a page a window reads: a demand page of the triggering request, or read ahead. */
static inline guint16
page_flags(PcsCache *c, guint64 i, guint64 demand_lo, guint64 demand_hi)
{
	if (i >= demand_lo && i < demand_hi)
		return PCS_PG_NEW;
	c->stats.ra_pages++;
	return PCS_PG_RA_UNUSED;
}

/*
 * Carries out a readahead decision (do_page_cache_ra / page_cache_ra_unbounded, order 0):
 * reads the pages of the window that are not cached and stop before EOF when the file's size
 * is known; the page at start + nr - async_size gets the PG_readahead marker (if it is read
 * now). Pages in [demand_lo, demand_hi) are the pages the triggering request asked for: they
 * are demand reads (PCS_PG_NEW: the request counts them as misses); the others are read ahead
 * (PCS_PG_RA_UNUSED until their first access).
 */
void
pcs_cache_ra_execute(PcsCache *c, guint32 file, guint32 stream, guint64 trigger, PcsRaWindow w,
		     guint64 demand_lo, guint64 demand_hi)
{
	guint64 end, mark, i, size;
	/* The request waits for what it triggered, except async readahead and WILLNEED. */
	gboolean sync = w.kind != PCS_RA_ASYNC && w.kind != PCS_RA_WILLNEED;
	PcsFileState *f;

	if (w.kind == PCS_RA_NONE || w.nr == 0)
		return;
	f = pcs_cache_file(c, file);
	size = MAX(f->size_bytes, f->size_hint);
	if (c->ra_trace) {
		PcsRaRecord r = {
			.t_ns = c->ev_t_ns, .stream = stream, .file = file, .trigger_page = trigger,
			.start = w.start, .size = w.nr, .async_size = w.async_size,
			.kind = pcs_ra_kind_name(w.kind), .order = w.order,
		};

		c->ra_trace(&r, c->ra_trace_user);
	}
	switch (w.kind) {
	case PCS_RA_SYNC:
		c->stats.ra_sync_windows++;
		break;
	case PCS_RA_ASYNC:
		c->stats.ra_async_windows++;
		break;
	case PCS_RA_MMAP:
		c->stats.ra_mmap_windows++;
		break;
	default:
		break;
	}
	end = w.start + w.nr;
	/* Never past the page holding the last byte, when the size is known. */
	if (size && end > ((size - 1) >> PCS_PAGE_SHIFT) + 1)
		end = w.start <= (size - 1) >> PCS_PAGE_SHIFT ? ((size - 1) >> PCS_PAGE_SHIFT) + 1 :
		      w.start;
	mark = w.async_size ? w.start + w.nr - w.async_size : G_MAXUINT64;
	/* A window's groups of pages hash all over the index: start every probe's memory at
	 * once (one line of slots per group). */
	for (i = w.start & ~(guint64) PCS_INDEX_GROUP_MASK; i < end && i < w.start + 64;
	     i += PCS_INDEX_GROUP_MASK + 1)
		__builtin_prefetch(pcs_index_home(&c->index, file, i));
	i = w.start;
	/* page_cache_ra_order(): large folios, naturally aligned, not past the window or EOF;
	 * a folio that would cover a cached page stops it, and order-0 pages fill the rest. */
	while (w.order > 0 && i < end) {
		guint order = w.order;
		guint16 flags[1u << PCS_MAX_FOLIO_ORDER];
		guint32 nr;
		gboolean cached = FALSE;

		if (i & (((guint64) 1 << order) - 1))
			order = (guint) __builtin_ctzll(i);
		while (order > 0 && i + ((guint64) 1 << order) > end)
			order--;
		nr = 1u << order;
		for (guint32 j = 0; j < nr && !cached; j++)
			cached = pcs_cache_lookup(c, file, i + j) != PCS_NIL;
		if (cached)
			break;
		for (guint32 j = 0; j < nr; j++)
			flags[j] = page_flags(c, i + j, demand_lo, demand_hi);
		if (mark != G_MAXUINT64 && i == mark - mark % nr)
			flags[0] |= PCS_PG_READAHEAD;
		{
			guint32 h = pcs_cache_folio_alloc(c, file, i, order, flags);

			for (guint32 j = 0; j < nr; j++) {
				guint32 t = j == 0 ? h : pcs_cache_lookup(c, file, i + j);

				pcs_wb_read_page(c, file, i + j, t, sync);
			}
		}
		i += nr;
	}
	for (guint64 g = 0; i < end; i++) {
		guint64 pos, hash;
		guint32 v, s;
		guint16 flags;

		if (g == 0 || !(i & PCS_INDEX_GROUP_MASK))
			g = pcs_index_group_hash(&c->index, file, i);
		hash = pcs_index_hash_in(g, i);
		pos = pcs_index_find_hashed(&c->index, file, i, hash);
		v = pcs_index_at(&c->index, pos);
		if (v != 0 && !((v - 1) & PCS_INDEX_SHADOW))
			continue;  /* cached: skipped, and it gets no marker */
		flags = page_flags(c, i, demand_lo, demand_hi);
		if (i == mark)
			flags |= PCS_PG_READAHEAD;
		s = pcs_cache_page_alloc(c, file, i, hash, pos, FALSE, flags);
		pcs_wb_read_page(c, file, i, s, sync);
	}
	if (end > w.start) {
		f = pcs_cache_file(c, file);  /* pcs_cache_page_alloc() may have grown the table */
		f->pages_end = MAX(f->pages_end, end);
	}
}
