/*
 * trace.h - trace readers: one small const ops table per format, found by sniffing.
 *
 * Every format is a PcsTraceOps in its own file under sim/trace/, collected in one explicit
 * array in sim/trace.c (no constructor magic, no switch on format names). The core calls a
 * reader only through the pcs_trace_*() wrappers below.
 *
 * Contract of a reader:
 *   - probe() looks at the file's path and first bytes and returns a confidence 0..100
 *     (100: a magic number matched; 0: certainly not this format).
 *   - open() prepares to stream the file; it never loads the whole trace into memory
 *     (streamed with a fixed buffer, or mmap'd).
 *   - next() fills one caller-owned event and returns PCS_TRACE_OK, PCS_TRACE_EOF at the end,
 *     or PCS_TRACE_ERROR with a GError whose message names the record:
 *     "expected an op name, got 'rea'" (the wrapper prefixes "PATH:LINE: " or
 *     "PATH: record N: ").  After an error the reader can continue with the next record
 *     (that is what --skip-bad relies on).
 *   - no allocation per record on the success path.
 */
#ifndef PCSIM_TRACE_H
#define PCSIM_TRACE_H

#include <glib.h>
#include <pcsim/event.h>
#include <pcsim/files.h>

G_BEGIN_DECLS

/* The GError domain of trace errors. (Not PCS_TRACE_ERROR, which is the PcsTraceStatus of a
 * bad record: a macro of that name would silently turn `return PCS_TRACE_ERROR;` into a
 * quark.) */
#define PCS_TRACE_ERROR_DOMAIN (pcs_trace_error_quark ())
GQuark pcs_trace_error_quark (void);

typedef enum {
	PCS_TRACE_ERROR_PARSE,   /* a record is malformed */
	PCS_TRACE_ERROR_FORMAT,  /* the file is not in the format asked for / none detected */
	PCS_TRACE_ERROR_FAILED   /* I/O error: cannot open, read or write */
} PcsTraceErrorCode;

typedef enum {
	PCS_TRACE_OK = 0,
	PCS_TRACE_EOF,
	PCS_TRACE_ERROR
} PcsTraceStatus;

/* What a format's records can carry, so reports can say what a replay could not know. */
typedef enum {
	PCS_TRACE_CAP_TIME    = 1 << 0,  /* timestamps */
	PCS_TRACE_CAP_FILES   = 1 << 1,  /* file-level (names, streams) rather than block-level */
	PCS_TRACE_CAP_WRITES  = 1 << 2,  /* distinguishes reads from writes */
} PcsTraceCaps;

/*
 * What a trace records: file-level traces (file names, offsets in files, as an application
 * issued them) or block-level ones (device addresses: what got past a page cache already).
 * Hit ratios of the two are not comparable, so every result says which it replayed. A format
 * is file-level when its caps carry PCS_TRACE_CAP_FILES. UNKNOWN (0) is what a zeroed
 * PcsTraceIdent holds before anyone filled it in.
 */
typedef enum {
	PCS_TRACE_LEVEL_UNKNOWN = 0,
	PCS_TRACE_LEVEL_FILE,
	PCS_TRACE_LEVEL_BLOCK
} PcsTraceLevel;

/* "file", "block", or NULL for PCS_TRACE_LEVEL_UNKNOWN and values out of range. Cannot fail. */
static inline const char *
pcs_trace_level_name(PcsTraceLevel level)
{
	switch (level) {
	case PCS_TRACE_LEVEL_FILE:
		return "file";
	case PCS_TRACE_LEVEL_BLOCK:
		return "block";
	default:
		return NULL;
	}
}

/*
 * Options some readers take (all zero/NULL: every reader's defaults). Readers ignore the
 * fields that do not concern them. The struct is borrowed for the duration of open() only;
 * readers copy what they keep.
 */
typedef struct {
	guint64     id_unit_bytes;  /* object-id traces: 0 = each id is one page; else ids are
				     * addresses in units of this many bytes (--id-unit) */
	const char *blk_dev;        /* blkparse: "maj,min" device filter, NULL = the busiest */
	char        blk_event;      /* blkparse: 'Q' (default when 0) or 'D' */
	const char *csv_spec;       /* libCacheSim csv: column mapping (--csv-spec) */
	const char *cwd;            /* file-level traces: directory relative paths start in */
	/* file-level traces: which files live on the simulated device (NULL-terminated glob
	 * lists, fnmatch(3) without FNM_PATHNAME; a pattern without * ? [ also matches
	 * everything under it as a directory). A file is kept when it matches some include
	 * (or there is none) and no exclude; records of other files are skipped and counted
	 * (pcs_trace_filtered()). */
	const char *const *include_paths;
	const char *const *exclude_paths;
	/* file-level traces: files whose requests are also counted apart (group_* statistics,
	 * --group GLOB): their records carry PCS_EVENT_GROUP. Same pattern rules. */
	const char *const *group_paths;
} PcsTraceOptions;

typedef struct {
	const char *name;        /* "pcsim-text", "pcsim-bin", "oracle-general" */
	const char *description; /* one line for `pcsim trace formats` and --help */
	guint       caps;        /* PcsTraceCaps */
	/* Confidence 0..100 that the file at path, starting with head[0..len), is this format. */
	int       (*probe)(const char *path, const guint8 *head, gsize len);
	/* Opens path; interns file names into files (borrowed, outlives the reader). opts is
	 * never NULL. */
	gpointer  (*open)(const char *path, const PcsTraceOptions *opts, PcsFileTable *files,
			  GError **error);
	PcsTraceStatus (*next)(gpointer r, PcsIoEvent *ev, GError **error);
	/* Where the reader is: the line number (text) or record number (binary) of the record
	 * next() returned last, for error messages. */
	guint64   (*position)(gpointer r);
	/* Fraction 0..1 of the input consumed, for progress and ETA; may be NULL. */
	double    (*progress)(gpointer r);
	void      (*close)(gpointer r);
	gboolean    position_is_line; /* TRUE: position() is a line number ("PATH:LINE:") */
	/* Optional (may be NULL): appends what the reader noticed so far that a replay cannot
	 * show, one "label: text\n" line each (records skipped and why, the device a block trace
	 * was filtered to, failed system calls). Called after any next(), typically at EOF. */
	void      (*notes)(gpointer r, GString *out);
	/* Optional (may be NULL): up to n events into ev[0..n), exactly as calls of next() would
	 * give them until one is not PCS_TRACE_OK; returns how many. Fewer than n: *st says why,
	 * PCS_TRACE_EOF, or PCS_TRACE_ERROR with error set for the record after them (position()
	 * names it). n of them: *st is PCS_TRACE_OK. For readers whose records cost less than a
	 * call (pcsim-bin). */
	gsize     (*next_batch)(gpointer r, PcsIoEvent *ev, gsize n, PcsTraceStatus *st,
				GError **error);
	/* Optional (binary readers): the byte offset in the (decompressed) data where the record
	 * position() names starts; errors then say "record N (byte X)". */
	guint64   (*record_offset)(gpointer r);
} PcsTraceOps;

typedef struct PcsTrace PcsTrace;

/* The registry, in probing order; terminated by NULL. */
const PcsTraceOps *const *pcs_trace_formats(void);
/* The format called name, or NULL. */
const PcsTraceOps *pcs_trace_format_by_name(const char *name);

/*
 * Opens a trace. format NULL or "auto" sniffs: the best probe() score wins, a score of 0
 * everywhere is an error that lists the formats tried. Fails with PCS_TRACE_ERROR_FAILED
 * when the file cannot be opened and PCS_TRACE_ERROR_FORMAT when no format fits or the
 * named format is unknown. The message always starts with the path.
 */
PcsTrace *pcs_trace_open(const char *path, const char *format, PcsFileTable *files, GError **error);
/* The same with reader options (NULL: defaults). */
PcsTrace *pcs_trace_open_full(const char *path, const char *format, const PcsTraceOptions *opts,
			      PcsFileTable *files, GError **error);
/* Next event; errors are prefixed "PATH:LINE: ", "PATH: record N: " or, when the reader
 * knows it, "PATH: record N (byte X): ". */
PcsTraceStatus pcs_trace_next(PcsTrace *t, PcsIoEvent *ev, GError **error);
/* Up to n events, as calls of pcs_trace_next() would give them until one is not
 * PCS_TRACE_OK: returns how many (all good). Fewer than n: *st is PCS_TRACE_EOF, or
 * PCS_TRACE_ERROR with error set (and prefixed) for the record after them; a caller that
 * skips bad records calls again. n of them: *st is PCS_TRACE_OK. */
gsize pcs_trace_next_batch(PcsTrace *t, PcsIoEvent *ev, gsize n, PcsTraceStatus *st,
			   GError **error);
/* What the path filters left out so far: records, bytes of their requests, files. */
typedef struct {
	guint64 records;
	guint64 bytes;
	guint64 files;
} PcsTraceFiltered;
void pcs_trace_filtered(const PcsTrace *t, PcsTraceFiltered *out);
double pcs_trace_progress(PcsTrace *t);
/* Appends the reader's notes (PcsTraceOps.notes) to out; nothing when it has none. */
void pcs_trace_notes(PcsTrace *t, GString *out);
void pcs_trace_close(PcsTrace *t);

/* Identity of the trace, for reports: path, detected format, size in bytes, the sha256 of
 * its first MiB (hex, 64 chars) and the level (file or block). */
const char *pcs_trace_path(const PcsTrace *t);
const PcsTraceOps *pcs_trace_ops(const PcsTrace *t);
guint64 pcs_trace_bytes(const PcsTrace *t);
const char *pcs_trace_sha256(const PcsTrace *t);
/* The level of the trace's format: FILE when its caps carry PCS_TRACE_CAP_FILES, else BLOCK.
 * Cannot fail. */
PcsTraceLevel pcs_trace_level(const PcsTrace *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsTrace, pcs_trace_close)

/*
 * Writer of pcsim's formats (format "pcsim-bin", the default when NULL, or "pcsim-text"), used
 * by `pcsim trace convert` and `pcsim gen`. The file is written to PATH.tmp and renamed on
 * pcs_trace_writer_finish(), so a failed or interrupted conversion never leaves a half-written
 * trace under the final name. PATH "-" writes pcsim-text to standard output (`pcsim trace
 * cat`); pcsim-bin needs a seekable file. Every event must be one pcsim-text could express
 * (the op's fields, advice only on fadvise, file G_MAXUINT32 only on sync), known times must
 * not go backwards, and pcsim-bin takes lengths below 4 GiB - 1: otherwise add() fails.
 */
typedef struct PcsTraceWriter PcsTraceWriter;
PcsTraceWriter *pcs_trace_writer_new(const char *path, const char *format,
				     const PcsFileTable *files, GError **error);
gboolean pcs_trace_writer_add(PcsTraceWriter *w, const PcsIoEvent *ev, GError **error);
/* Flushes, writes the name table (binary) and renames into place. Frees w in every case. */
gboolean pcs_trace_writer_finish(PcsTraceWriter *w, GError **error);
/* Abandons the output (removes the temporary file) and frees w. NULL is a no-op. */
void pcs_trace_writer_abort(PcsTraceWriter *w);

G_END_DECLS

#endif
