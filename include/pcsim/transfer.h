/*
 * transfer.h - how a read is served to a client, and what that costs in copies, DMA, system
 * calls and context switches (DESIGN.md 3, "Transfer paths and copies").
 *
 * The page cache is what zero-copy is built around. For each read a trace serves, pcsim
 * counts the work of the method that served it, per the source notes:
 *
 *   method        CPU copies  syscalls  switches  page faults    page cache
 *   read-write        2          2         4          -             yes
 *   mmap-write        1          2         4       per page         yes
 *   sendfile          1          1         2          -             yes
 *   sendfile-sg       0          1         2          -             yes  (SG-DMA NIC)
 *   direct            1          2         4          -             no   (O_DIRECT)
 *
 * DMA: the device's transfers into memory (the page-ins a request caused, or the direct read)
 * plus one transfer of the request's bytes to the NIC. A hit costs no device DMA.
 */
#ifndef PCSIM_TRANSFER_H
#define PCSIM_TRANSFER_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	PCS_SERVE_TRACE = 0,   /* as the trace says: read -> read-write, sendfile -> sendfile,
				* mmap-read -> mmap-write, direct-read -> direct */
	PCS_SERVE_READ_WRITE,
	PCS_SERVE_MMAP_WRITE,
	PCS_SERVE_SENDFILE,
	PCS_SERVE_SENDFILE_SG,
	PCS_SERVE_DIRECT,
	PCS_SERVE_COUNT
} PcsServeMethod;

typedef struct {
	const char *name;        /* "read-write", ... */
	guint       cpu_copies;  /* times the CPU copies the request's bytes */
	guint       syscalls;    /* system calls per request (two context switches each) */
	gboolean    faults;      /* a page fault per page (mmap) */
	gboolean    bypass;      /* around the page cache (O_DIRECT) */
} PcsTransferModel;

/* The model of a method other than PCS_SERVE_TRACE; NULL out of range. Cannot fail. */
const PcsTransferModel *pcs_transfer_model(PcsServeMethod m);

G_END_DECLS

#endif
