/*
 * shadow.h - shadow entries of evicted pages, for refault detection (internal).
 *
 * The ring holds the entries; the cache's index (index.h) names them with tagged entries, in
 * the same table as resident pages.
 */
#ifndef PCSIM_SHADOW_H
#define PCSIM_SHADOW_H

#include <glib.h>
#include "index.h"
#include "page.h"

enum {
	PCS_SHADOW_VALID      = 1 << 0,
	PCS_SHADOW_WORKINGSET = 1 << 1,  /* the page had PG_workingset when evicted */
};

typedef struct {
	PcsKey  key;
	guint32 flags;
	guint64 clock;  /* nonresident_age at eviction */
} PcsShadowEntry;

typedef struct {
	PcsShadowEntry *ring;
	guint32         capacity;
	guint32         head;     /* next ring position to fill (the oldest entry) */
	guint32         count;    /* valid entries */
} PcsShadow;

/* Room for the shadows of the last `capacity` evictions (< 2^31). Cannot fail. */
void pcs_shadow_init(PcsShadow *sh, guint32 capacity);
void pcs_shadow_clear(PcsShadow *sh);

/*
 * workingset_eviction(): page `page_entry` (an untagged index entry, with key *key) leaves
 * the cache; its index entry becomes a shadow holding clock and flags. The oldest shadow is
 * dropped from ix first when the ring is full. Cannot fail.
 */
void pcs_shadow_evict(PcsShadow *sh, PcsIndex *ix, guint32 page_entry, const PcsKey *key,
		      guint64 clock, guint32 flags);
/*
 * The shadow named by the tagged index entry at ix->slots[pos] is consumed (its page comes
 * back): copies it to *out and frees its ring slot. The caller then replaces or removes the
 * index entry at pos. Cannot fail.
 */
void pcs_shadow_take(PcsShadow *sh, PcsIndex *ix, guint64 pos, PcsShadowEntry *out);
/* Debug checker: every valid ring entry is indexed at its tagged slot, the count agrees. */
gboolean pcs_shadow_check(const PcsShadow *sh, const PcsIndex *ix, GError **error);

#endif
