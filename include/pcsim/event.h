/*
 * event.h - the one record every trace reader produces and the engine consumes.
 *
 * A PcsIoEvent is what happened at one moment of a recording: an operation on a range of a
 * file, through an open-file stream. Readers fill events the caller owns (no allocation per
 * event, like fio's io_u); the engine reads them and never keeps a pointer.
 *
 * Identity: `file` is a dense id from the PcsFileTable the reader was opened with (the table
 * maps names to ids, so the same name in two traces is the same file). `stream` is a dense id,
 * local to one trace, naming an open file description (what the kernel's struct file_ra_state
 * belongs to); the replayer rebases it so streams of different traces never meet.
 */
#ifndef PCSIM_EVENT_H
#define PCSIM_EVENT_H

#include <glib.h>

G_BEGIN_DECLS

#define PCS_PAGE_SHIFT 12
#define PCS_PAGE_SIZE  (1u << PCS_PAGE_SHIFT)

/* Unknown time: the trace has no timestamp for this record. */
#define PCS_TIME_UNKNOWN ((gint64) -1)
/* An offset or length the op does not have (written `-` in the text format). */
#define PCS_NONE G_MAXUINT64

/* Every op of pcsim's text format. Keep PCS_OP_COUNT last; names in pcs_op_name(). */
typedef enum {
	PCS_OP_READ = 0,
	PCS_OP_WRITE,
	PCS_OP_FSYNC,
	PCS_OP_FDATASYNC,
	PCS_OP_SYNC,
	PCS_OP_OPEN,
	PCS_OP_CLOSE,
	PCS_OP_FADVISE,
	PCS_OP_MMAP_READ,
	PCS_OP_MMAP_WRITE,
	PCS_OP_DIRECT_READ,
	PCS_OP_DIRECT_WRITE,
	PCS_OP_SENDFILE,
	PCS_OP_TRUNCATE,
	PCS_OP_SYNC_RANGE,    /* sync_file_range(SYNC_FILE_RANGE_WRITE): start writeback, no wait */
	PCS_OP_COUNT
} PcsOp;

/* posix_fadvise advice carried by PCS_OP_FADVISE (PCS_ADVICE_NONE on every other op). */
typedef enum {
	PCS_ADVICE_NONE = 0,
	PCS_ADVICE_NORMAL,
	PCS_ADVICE_SEQUENTIAL,
	PCS_ADVICE_RANDOM,
	PCS_ADVICE_WILLNEED,
	PCS_ADVICE_DONTNEED,
	PCS_ADVICE_COUNT
} PcsAdvice;

/*
 * Bits of PcsIoEvent.flags: what a reader knows about a record beyond its op, so that reports
 * (and the fidelity comparison) can count such records apart. A replay that ignores them
 * treats the record as its op says. pcsim-bin carries them; pcsim-text does not.
 */
typedef enum {
	PCS_EVENT_META  = 1 << 0,  /* block traces: metadata I/O (blkparse RWBS 'M') */
	PCS_EVENT_BOUND = 1 << 1,  /* the range is an upper bound, not an access: a file-level
				    * mmap (strace) maps it, and any part of it may be touched */
	PCS_EVENT_GROUP = 1 << 2,  /* a file of the reported group (--group GLOB) */
} PcsEventFlags;

typedef struct {
	gint64  t_ns;          /* time since an arbitrary origin, or PCS_TIME_UNKNOWN */
	guint64 offset_bytes;  /* PCS_NONE when the op has none (sync, open, close) */
	guint64 len_bytes;     /* PCS_NONE when the op has none; truncate: unused (size in offset) */
	guint32 file;          /* PcsFileTable id; G_MAXUINT32 for sync (all files) */
	guint32 stream;        /* open file description, dense per trace */
	guint8  op;            /* PcsOp */
	guint8  advice;        /* PcsAdvice */
	guint16 flags;         /* PcsEventFlags; 0 for most records */
} PcsIoEvent;

/* "read", "write", ..., "truncate"; NULL for an out-of-range value. Cannot fail otherwise. */
const char *pcs_op_name(PcsOp op);
/* Parses an op name; returns FALSE (and leaves *op alone) when the name is unknown. */
gboolean pcs_op_from_name(const char *name, gsize len, PcsOp *op);
/* "normal", "sequential", "random", "willneed", "dontneed"; "" for NONE. */
const char *pcs_advice_name(PcsAdvice a);
gboolean pcs_advice_from_name(const char *name, gsize len, PcsAdvice *a);

/*
 * TRUE for the ops that access pages through the page cache: read(), write(), sendfile() and
 * page touches through a mapping (mmap-read, mmap-write). They are the "requests" of the
 * statistics.
 */
static inline gboolean
pcs_op_is_request(PcsOp op)
{
	return op == PCS_OP_READ || op == PCS_OP_WRITE || op == PCS_OP_SENDFILE ||
	       op == PCS_OP_MMAP_READ || op == PCS_OP_MMAP_WRITE;
}

G_END_DECLS

#endif
