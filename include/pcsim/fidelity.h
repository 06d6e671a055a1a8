/*
 * fidelity.h - what a block trace says the device really did, tallied to set beside pcsim's
 * prediction from the file-level trace of the same run (`pcsim fidelity`).
 *
 * A blkparse trace is read twice: its queued (Q) events, the I/Os as the page cache and the
 * filesystem submitted them, and its dispatched (D) events, the same I/Os after the block
 * layer split them at max_sectors (and merged neighbours). Data I/O is tallied apart from
 * metadata I/O (RWBS M), which a file-level trace cannot see.
 */
#ifndef PCSIM_FIDELITY_H
#define PCSIM_FIDELITY_H

#include <glib.h>
#include <pcsim/stats.h>
#include <pcsim/trace.h>

G_BEGIN_DECLS

/* I/Os, their bytes and their sizes (pcs_io_hist_bucket). */
typedef struct {
	guint64 ios;
	guint64 bytes;
	guint64 hist[PCS_IO_HIST_BUCKETS];
} PcsIoTally;

typedef struct {
	PcsIoTally q_read, q_write;          /* data, queued */
	PcsIoTally d_read, d_write;          /* data, dispatched */
	PcsIoTally meta_read, meta_write;    /* metadata, queued */
	gint64     t_first, t_last;          /* span of the Q events */
	GArray    *read_series;              /* PcsFidelityPoint: cumulative Q data read bytes */
	char      *device;                   /* "#blk:7,1" */
} PcsBlockTruth;

typedef struct {
	gint64  t_ns;   /* since the first Q event */
	guint64 bytes;  /* cumulative */
} PcsFidelityPoint;

/* Adds one I/O of `bytes` to t. Cannot fail. */
void pcs_io_tally_add(PcsIoTally *t, guint64 bytes);

/*
 * Reads the blkparse trace at path (any compression) twice, Q then D, through the blkparse
 * reader with opts (--blk-dev; blk_event is set here). Fails naming the file when it is not
 * a blkparse trace, has no Q events for the device, or a record is bad.
 */
gboolean pcs_block_truth_read(const char *path, const PcsTraceOptions *opts, PcsBlockTruth *out,
			      GError **error);
void pcs_block_truth_clear(PcsBlockTruth *t);

/* (predicted - truth) / truth; NAN when truth is 0 (no meaningful relative error). */
double pcs_fidelity_error(guint64 truth, guint64 predicted);

G_END_DECLS

#endif
