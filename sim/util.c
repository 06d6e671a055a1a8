/*
 * util.c - large-table allocation for the engine (see util.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

#define HUGE_ALIGN (2u << 20)

gpointer
pcs_alloc_big(gsize bytes)
{
	void *p = NULL;

	if (bytes < HUGE_ALIGN)
		return g_malloc0(MAX(bytes, 1));
	if (posix_memalign(&p, HUGE_ALIGN, bytes) != 0)
		g_error("out of memory allocating %" G_GSIZE_FORMAT " bytes", bytes);
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);  /* a hint: failure only costs speed */
#endif
	memset(p, 0, bytes);
	return p;
}

void
pcs_free_big(gpointer p)
{
	free(p);  /* g_malloc0 and posix_memalign memory both go back through free() */
}
