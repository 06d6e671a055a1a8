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
 *   splice            1          1         2          -             yes  (as sendfile)
 *   direct            1          2         4          -             no   (O_DIRECT)
 *
 * DMA: the device's transfers into memory (the page-ins a request caused, or the direct read)
 * plus one transfer of the request's bytes to the NIC. A hit costs no device DMA. The same
 * table gives `pcsim copybench` its model columns.
 */
#ifndef PCSIM_TRANSFER_H
#define PCSIM_TRANSFER_H

#include <glib.h>

G_BEGIN_DECLS

/* The transfer methods of the model. Keep PCS_XFER_COUNT last. */
typedef enum {
	PCS_XFER_READ_WRITE = 0,   /* read() into a user buffer, write() to the socket */
	PCS_XFER_MMAP_WRITE,       /* write() from a mapping of the file */
	PCS_XFER_SENDFILE,         /* sendfile(): page cache to socket buffer in the kernel */
	PCS_XFER_SENDFILE_SG,      /* sendfile() with a scatter-gather DMA NIC: no CPU copy */
	PCS_XFER_SPLICE,           /* splice() file -> pipe -> socket (modelled as sendfile) */
	PCS_XFER_DIRECT,           /* O_DIRECT read() (device DMA to the user buffer), write() */
	PCS_XFER_COUNT
} PcsTransferMethod;

/* The cost of sending one block by a method, as the zero-copy notes lay it out. */
typedef struct {
	const char *name;              /* "read-write", "mmap-write", "sendfile", ... */
	guint       dma_per_block;     /* DMA transfers (device to memory, memory to NIC) */
	guint       cpu_copies;        /* times each byte is copied by the CPU */
	guint       syscalls_per_block;
	guint       switches_per_block; /* user/kernel mode switches: two per system call */
	gboolean    page_faults;       /* also one page fault per page touched (mmap) */
	gboolean    uses_cache;        /* FALSE: the data bypasses the page cache (O_DIRECT) */
} PcsTransferModel;

/* The model's figures for moving size_bytes in blocks of block_bytes by one method. */
typedef struct {
	guint64 blocks;
	guint64 dma_transfers;
	guint64 cpu_copy_bytes;
	guint64 syscalls;
	guint64 context_switches;
	guint64 page_faults;
} PcsTransferCost;

/* The table, PCS_XFER_COUNT entries indexed by PcsTransferMethod. Cannot fail. */
const PcsTransferModel *pcs_transfer_models(void);
/* The entry of a name ("sendfile-sg"); NULL when unknown. */
const PcsTransferModel *pcs_transfer_model_find(const char *name);
/* Fills cost for size_bytes sent in blocks of block_bytes (> 0) by method m. Cannot fail. */
void pcs_transfer_cost(PcsTransferMethod m, guint64 size_bytes, guint64 block_bytes,
		       PcsTransferCost *cost);

/* --serve: how a replay's reads are served (accounting; direct also bypasses the cache).
 * PCS_SERVE_TRACE is each op as the trace recorded it; the others are a PcsTransferMethod
 * + 1. */
typedef enum {
	PCS_SERVE_TRACE = 0,
	PCS_SERVE_READ_WRITE = PCS_XFER_READ_WRITE + 1,
	PCS_SERVE_MMAP_WRITE = PCS_XFER_MMAP_WRITE + 1,
	PCS_SERVE_SENDFILE = PCS_XFER_SENDFILE + 1,
	PCS_SERVE_SENDFILE_SG = PCS_XFER_SENDFILE_SG + 1,
	PCS_SERVE_SPLICE = PCS_XFER_SPLICE + 1,
	PCS_SERVE_DIRECT = PCS_XFER_DIRECT + 1,
	PCS_SERVE_COUNT
} PcsServeMethod;

G_END_DECLS

#endif
