/*
 * cache-drop.c - pages that leave the cache without reclaim: invalidation and truncation
 * (pcs_cache_drop_range), and posix_fadvise (generic_fadvise, mm/fadvise.c), whose
 * DONTNEED invalidates and whose WILLNEED reads a window.
 *
 * Nothing here stores shadow entries: only reclaim does (shadow.c).
 */
#include "config.h"

#include "cache-internal.h"

/* Removes the folio headed by h from the cache without a shadow (invalidation); a dirty
 * one's data is discarded (truncation). */
static void
folio_drop(PcsCache *c, guint32 h)
{
	guint32 nr = pcs_folio_pages(&c->pages[h]);
	PcsKey key = c->pages[h].key;

	if (c->pages[h].flags & PCS_PG_DIRTY)
		pcs_wb_discard_folio(c, h);
	c->lops->remove(c->lists, h);
	for (guint32 j = 0; j < nr; j++) {
		guint32 t = j == 0 ? h : pcs_cache_lookup(c, key.file, key.index + j);
		PcsPage *p = &c->pages[t];

		c->stats.ra_wasted += (p->flags & PCS_PG_RA_UNUSED) != 0;
		pcs_index_remove(&c->index, t);
		p->next = c->free_head;
		c->free_head = t;
	}
	c->nr_resident -= nr;
}

/*
 * Drops the folios lying wholly inside pages [first, last_excl), without shadows (only
 * reclaim stores them); a large folio that straddles an end stays. With clear_shadows
 * (truncation: truncate_inode_pages) shadow entries in the range go too, and dirty folios
 * are discarded (writes in flight are waited for first); invalidation (fadvise DONTNEED,
 * direct writes) leaves shadows and skips dirty folios and folios under writeback
 * (invalidate_mapping_pages). The walk stops at the highest page the file ever had cached.
 */
guint64
pcs_cache_drop_range(PcsCache *c, guint32 file, guint64 first, guint64 last_excl,
		     gboolean clear_shadows)
{
	guint64 dropped = 0;

	if (clear_shadows)
		pcs_wb_wait_all(c);
	pcs_wb_read_flush(c);
	last_excl = MIN(last_excl, pcs_cache_file(c, file)->pages_end);
	for (guint64 i = first; i < last_excl; i++) {
		guint64 pos = pcs_index_find(&c->index, file, i);
		guint32 v = pcs_index_at(&c->index, pos), h;
		const PcsPage *hp;

		if (v == 0)
			continue;
		if ((v - 1) & PCS_INDEX_SHADOW) {
			PcsShadowEntry sh;

			if (clear_shadows) {
				pcs_shadow_take(&c->shadow, &c->index, pos, &sh);
				pcs_index_remove_at(&c->index, pos);
			}
			continue;
		}
		h = pcs_cache_folio_head(c, v - 1);
		hp = &c->pages[h];
		if (hp->key.index >= first && hp->key.index + pcs_folio_pages(hp) <= last_excl &&
		    (clear_shadows || !(hp->flags & PCS_PG_BUSY))) {
			guint64 end = hp->key.index + pcs_folio_pages(hp);

			dropped += pcs_folio_pages(hp);
			folio_drop(c, h);
			i = end - 1;
		}
	}
	return dropped;
}

/* generic_fadvise(), mm/fadvise.c (cache-internal.h). */
void
pcs_cache_fadvise(PcsCache *c, const PcsIoEvent *ev)
{
	PcsRaState *st = pcs_cache_stream(c, ev->stream);
	guint64 off = ev->offset_bytes == PCS_NONE ? 0 : ev->offset_bytes;
	guint64 len = ev->len_bytes == PCS_NONE ? 0 : ev->len_bytes;
	guint64 size = pcs_cache_file(c, ev->file)->size_bytes;
	guint64 end;  /* exclusive byte end; 0-length means to EOF */

	if (len == 0)  /* to EOF; an unknown size: as far as WILLNEED's cap reaches */
		end = size > off ? size :
		      off + ((guint64) MAX(c->ra.io_pages, st->ra_pages) << PCS_PAGE_SHIFT);
	else
		end = len > G_MAXUINT64 - off ? G_MAXUINT64 : off + len;
	switch ((PcsAdvice) ev->advice) {
	case PCS_ADVICE_NORMAL:
	case PCS_ADVICE_SEQUENTIAL:
	case PCS_ADVICE_RANDOM:
		pcs_ra_fadvise(st, &c->ra, ev->advice);
		break;
	case PCS_ADVICE_WILLNEED: {
		guint64 first = off >> PCS_PAGE_SHIFT;
		PcsRaWindow w;

		if (end <= off)
			break;
		w = pcs_ra_willneed(st, &c->ra, first, ((end - 1) >> PCS_PAGE_SHIFT) - first + 1);
		pcs_cache_ra_execute(c, ev->file, ev->stream, first, w, 0, 0);
		break;
	}
	case PCS_ADVICE_DONTNEED: {
		/* Only whole pages inside the range; the partial last page stays unless the range
		 * reaches EOF. */
		guint64 first = (off + PCS_PAGE_SIZE - 1) >> PCS_PAGE_SHIFT;
		guint64 last_excl = (size && end >= size) ? (end + PCS_PAGE_SIZE - 1) >> PCS_PAGE_SHIFT :
				    end >> PCS_PAGE_SHIFT;

		if (len == 0 && !size)
			last_excl = G_MAXUINT64;  /* to EOF, size unknown: every cached page */
		/* generic_fadvise: start writeback of the range, then drop what is clean. */
		if (last_excl > first) {
			pcs_wb_start_range(c, ev->file, first, last_excl);
			c->stats.dropped_pages += pcs_cache_drop_range(c, ev->file, first,
								       last_excl, FALSE);
		}
		break;
	}
	default:
		break;
	}
}
