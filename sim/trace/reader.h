/*
 * reader.h - what the trace readers share (internal to sim/trace.c and the readers in sim/trace/).
 *
 * The registry in sim/trace.c knows each format by its const PcsTraceOps (declared below) and,
 * for the two formats pcsim can write, by a PcsTraceEmitOps: the format-specific half of a
 * PcsTraceWriter. The generic half (temporary file, rename, abort) lives in sim/trace.c.
 *
 * Helpers shared by the readers:
 *   - PcsLineReader (sim/trace/linereader.c): streams a file line by line through one fixed
 *     buffer (no allocation per line, never loads the file); lines longer than
 *     PCS_TRACE_MAX_LINE are reported once and skipped, so the reader can carry on with the
 *     next line. A line-based reader embeds it as the first member of its state and points
 *     its ops at the shared position/progress/close accessors.
 * and, in sim/trace.c:
 *   - pcs_trace_bad_input(): the "WHAT, got 'BYTES'" parse error every reader reports.
 *   - pcs_trace_note*(): the "label: N" lines of a reader's notes().
 *   - pcs_parse_u64(): strict unsigned decimal (no sign, no spaces, no hex, no overflow).
 *   - pcs_trace_quote(): a bounded, printable copy of untrusted bytes for error messages.
 *   - pcs_trace_map_file(): a read-only mmap of a whole file, for the binary readers.
 */
#ifndef PCSIM_TRACE_READER_H
#define PCSIM_TRACE_READER_H

#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <pcsim/trace.h>

/* The three formats, in probing order (see pcs_trace_formats()). */
extern const PcsTraceOps pcs_trace_text_ops;
extern const PcsTraceOps pcs_trace_pcsb_ops;
extern const PcsTraceOps pcs_trace_oracle_ops;
/* Block traces (blockcsv.c), libCacheSim's (lcs-csv.c, lcs-txt.c, lcs-vscsi.c), ARC and LIRS
 * (lis.c). */
extern const PcsTraceOps pcs_trace_msr_ops;
extern const PcsTraceOps pcs_trace_spc_ops;
extern const PcsTraceOps pcs_trace_systor_ops;
extern const PcsTraceOps pcs_trace_tencent_ops;
extern const PcsTraceOps pcs_trace_alibaba_ops;
extern const PcsTraceOps pcs_trace_disksim_ops;
extern const PcsTraceOps pcs_trace_lcs_csv_ops;
extern const PcsTraceOps pcs_trace_lcs_txt_ops;
extern const PcsTraceOps pcs_trace_vscsi_ops;
extern const PcsTraceOps pcs_trace_arc_ops;
extern const PcsTraceOps pcs_trace_lirs_ops;
/* File-level recordings (fio.c, strace.c) and the block layer as blkparse prints it. */
extern const PcsTraceOps pcs_trace_fio_ops;
extern const PcsTraceOps pcs_trace_strace_ops;
extern const PcsTraceOps pcs_trace_blkparse_ops;

/* The longest line the text format accepts, without its newline. */
#define PCS_TRACE_MAX_LINE (64 * 1024)

/* How many bytes of a file the probes see and the identity hashes. */
#define PCS_TRACE_PROBE_BYTES (64 * 1024)
#define PCS_TRACE_HASH_BYTES  (1024 * 1024)

/* The first line of a pcsim-text trace (optional, but it makes detection certain). */
#define PCS_TEXT_MAGIC "# pcsim trace v1"

/*
 * The format-specific half of a writer. open() gets a stdio stream (borrowed; the generic
 * writer closes it) and the file table events refer to; add() writes one event; finish()
 * writes whatever comes after the records (the pcsim-bin name table and header) and frees the
 * state; discard() frees the state without writing. All of them report write errors through
 * GError with a message that does not name the path (the caller prefixes it).
 */
typedef struct {
	const char *name;
	gboolean    seekable;   /* TRUE: needs a regular file (cannot write to stdout) */
	gpointer  (*open)(FILE *out, const PcsFileTable *files, GError **error);
	gboolean  (*add)(gpointer w, const PcsIoEvent *ev, GError **error);
	gboolean  (*finish)(gpointer w, GError **error);
	void      (*discard)(gpointer w);
} PcsTraceEmitOps;

extern const PcsTraceEmitOps pcs_trace_text_emit_ops;
extern const PcsTraceEmitOps pcs_trace_pcsb_emit_ops;

/*
 * Checks that an event is one pcsim-text could express: op and advice in range, advice set on
 * fadvise and only there, file G_MAXUINT32 (all files) only on sync, time >= 0 or unknown,
 * OFFSET/LENGTH present or absent as the op needs (text.c's op_rules[]), no 64-bit overflow
 * of offset + length. Fails with PCS_TRACE_ERROR_PARSE. Defined in text.c.
 */
gboolean pcs_trace_check_event(const PcsIoEvent *ev, GError **error);

/* TRUE for the commonest event, a read or write of a byte range of one file below 1 EiB
 * without advice and with a time >= 0 (or unknown): then pcs_trace_check_event() would pass,
 * so binary readers can skip the call. FALSE says nothing (call the full check). Cannot fail. */
static inline gboolean
pcs_trace_event_is_plain_io(const PcsIoEvent *ev)
{
	return ev->op <= PCS_OP_WRITE && ev->advice == PCS_ADVICE_NONE &&
	       ev->file != G_MAXUINT32 && ev->t_ns >= PCS_TIME_UNKNOWN &&
	       ev->offset_bytes <= (G_GUINT64_CONSTANT(1) << 60) &&
	       ev->len_bytes <= (G_GUINT64_CONSTANT(1) << 60) - ev->offset_bytes;
}

/* TRUE for the data ops, whose OFFSET + LENGTH say the file is at least that large (read,
 * write, mmap-*, direct-*, sendfile); not fadvise or the sync family. Cannot fail. */
static inline gboolean
pcs_trace_op_notes_size(PcsOp op)
{
	switch (op) {
	case PCS_OP_READ:
	case PCS_OP_WRITE:
	case PCS_OP_MMAP_READ:
	case PCS_OP_MMAP_WRITE:
	case PCS_OP_DIRECT_READ:
	case PCS_OP_DIRECT_WRITE:
	case PCS_OP_SENDFILE:
		return TRUE;
	default:
		return FALSE;
	}
}

/* A buffered line reader over a file it owns, decompressed on the fly (trace/input.h). */
struct PcsInput;
typedef struct {
	int      fd;           /* the file's descriptor (owned by in), for fstat */
	struct PcsInput *in;
	char    *buf;          /* PCS_LINE_BUF_BYTES, allocated at init */
	gsize    start, end;   /* unread bytes are buf[start..end) */
	gboolean eof;
	guint64  lineno;       /* number (1-based) of the line returned last */
	guint64  consumed;     /* bytes handed out so far, newlines included */
} PcsLineReader;

typedef enum {
	PCS_LINE_OK,
	PCS_LINE_EOF,
	PCS_LINE_TOO_LONG,     /* the line (number lineno) was skipped */
	PCS_LINE_ERROR         /* read() failed; error is set */
} PcsLineStatus;

/* Opens path for reading. Fails with PCS_TRACE_ERROR_FAILED ("cannot open: ..."). */
gboolean pcs_line_reader_init(PcsLineReader *lr, const char *path, GError **error);
/* Closes the file and frees the buffer; safe on a zeroed or already cleared reader. */
void pcs_line_reader_clear(PcsLineReader *lr);
/* The next line, without its '\n', in *line (valid until the next call; not NUL-terminated). */
PcsLineStatus pcs_line_reader_next(PcsLineReader *lr, const char **line, gsize *len,
				   GError **error);
/* Fraction 0..1 of the file consumed (of its compressed bytes when compressed). */
double pcs_line_reader_progress(const PcsLineReader *lr);

/*
 * The next line for a reader's next(): PCS_TRACE_OK with the line in *line, *len (as
 * pcs_line_reader_next()), PCS_TRACE_EOF, or PCS_TRACE_ERROR on a read error or a line longer
 * than PCS_TRACE_MAX_LINE (PCS_TRACE_ERROR_PARSE "line longer than N bytes"; the next call
 * goes on with the line after it).
 */
PcsTraceStatus pcs_line_reader_next_record_slow(PcsLineReader *lr, const char **line,
						gsize *len, GError **error);

static inline PcsTraceStatus
pcs_line_reader_next_record(PcsLineReader *lr, const char **line, gsize *len, GError **error)
{
	/* The common case inline: a whole line of at most PCS_TRACE_MAX_LINE bytes is in the
	 * buffer (exactly what pcs_line_reader_next() would hand out first). */
	const char *p = lr->buf + lr->start;
	const char *nl = memchr(p, '\n', lr->end - lr->start);

	if (G_LIKELY(nl && (gsize) (nl - p) <= PCS_TRACE_MAX_LINE)) {
		gsize n = (gsize) (nl - p);

		lr->start += n + 1;
		lr->consumed += n + 1;
		lr->lineno++;
		*line = p;
		*len = n;
		return PCS_TRACE_OK;
	}
	return pcs_line_reader_next_record_slow(lr, line, len, error);
}

/* Accessors for the ops of a reader whose state starts with its PcsLineReader (check with
 * G_STATIC_ASSERT (G_STRUCT_OFFSET (FooReader, lr) == 0)): position() is the line number of
 * the last line read, progress() that of the line reader; free_op() is a close() for a state
 * that owns nothing but the line reader (clears it, frees the state; NULL is a no-op). None
 * can fail. */
guint64 pcs_line_reader_position_op(gpointer reader);
double pcs_line_reader_progress_op(gpointer reader);
void pcs_line_reader_free_op(gpointer reader);

/* Sets error (when not NULL) to PCS_TRACE_ERROR_PARSE "WHAT, got 'S'", WHAT formatted from
 * what_fmt, S a quoted copy of s[0..len) (pcs_trace_quote()). Returns FALSE. (The readers'
 * inline field parsers call it, then `return FALSE;` themselves: then the compiler sees that
 * a failed parse leaves its outputs unset on purpose.) Cannot fail otherwise. */
gboolean pcs_trace_bad_input(GError **error, const char *s, gsize len, const char *what_fmt,
			     ...) G_GNUC_PRINTF(4, 5);

/* Appends "LABEL: N\n" to out when n is not 0 (nothing otherwise); _bytes appends
 * "LABEL: N (BYTES bytes)\n". For notes(). Cannot fail. */
void pcs_trace_note(GString *out, const char *label, guint64 n);
void pcs_trace_note_bytes(GString *out, const char *label, guint64 n, guint64 bytes);
/* The note of readers that replay out-of-order records at the time of the record before
 * them: "reordered: N records were earlier than ..." when n is not 0. Cannot fail. */
void pcs_trace_note_reordered(GString *out, guint64 n);

/* Parses s[0..len) as an unsigned decimal number. FALSE on an empty string, any byte that is
 * not a digit, or a value above G_MAXUINT64. Cannot fail otherwise. */
static inline gboolean
pcs_parse_u64(const char *s, gsize len, guint64 *out)
{
	guint64 v = 0;

	if (len == 0)
		return FALSE;
	if (G_LIKELY(len <= 19)) {
		/* at most 10^19 - 1 < 2^64: no overflow to check */
		for (gsize i = 0; i < len; i++) {
			unsigned d = (unsigned char) s[i] - '0';

			if (d > 9)
				return FALSE;
			v = v * 10 + d;
		}
		*out = v;
		return TRUE;
	}
	for (gsize i = 0; i < len; i++) {
		unsigned d = (unsigned char) s[i] - '0';

		if (d > 9)
			return FALSE;
		if (v > (G_MAXUINT64 - d) / 10)
			return FALSE;
		v = v * 10 + d;
	}
	*out = v;
	return TRUE;
}

/* Blanks between the fields of the text formats: space, tab, CR (CRLF files), VT, FF. Every
 * byte above ' ' (most of a line) is decided by the first comparison. */
static inline gboolean
pcs_is_blank(char c)
{
	unsigned char u = (unsigned char) c;

	if (G_LIKELY(u > ' '))
		return FALSE;
	return u == ' ' || (u >= '\t' && u <= '\r' && u != '\n');
}

/* The next blank-separated token of [*p, end) in *tok, *tok_len; FALSE (and *p = end) when
 * only blanks are left. Cannot fail. */
static inline gboolean
pcs_next_token(const char **p, const char *end, const char **tok, gsize *tok_len)
{
	const char *s = *p;

	while (s < end && pcs_is_blank(*s))
		s++;
	if (s == end) {
		*p = s;
		return FALSE;
	}
	*tok = s;
	while (s < end && !pcs_is_blank(*s))
		s++;
	*tok_len = (gsize) (s - *tok);
	*p = s;
	return TRUE;
}

/*
 * Resolves path[0..len) against the directory dir (NULL or "": none) into out, lexically:
 * an absolute path ignores dir; "." and empty components go, ".." removes the previous
 * component (at "/" it stays "/"; in a relative result with nothing left to remove it is
 * kept). No symlinks are followed and nothing touches the file system. The result has no
 * trailing '/' (except "/" itself); an empty result is ".". Cannot fail. Defined in strace-fd.c.
 */
void pcs_trace_path_resolve(GString *out, const char *dir, const char *path, gsize len);

/*
 * Parses s[0..len) as an unsigned decimal with an optional fraction ("12", "12.5", "12.")
 * and returns it scaled by 10^frac_digits, rounded down: frac_digits 9 turns seconds into
 * nanoseconds exactly, without a double. FALSE on an empty string, a sign, an exponent, any
 * other byte, or a result above G_MAXINT64. Cannot fail otherwise.
 */
static inline gboolean
pcs_parse_fixed(const char *s, gsize len, unsigned frac_digits, guint64 *out)
{
	guint64 v = 0;
	gsize i = 0;
	unsigned k = 0;
	gboolean digits = FALSE;

	for (; i < len && s[i] != '.'; i++) {
		unsigned d = (unsigned char) s[i] - '0';

		if (d > 9 || v > ((guint64) G_MAXINT64 - d) / 10)
			return FALSE;
		v = v * 10 + d;
		digits = TRUE;
	}
	if (i < len)
		i++;                         /* the '.' */
	for (; i < len; i++) {
		unsigned d = (unsigned char) s[i] - '0';

		if (d > 9)
			return FALSE;
		digits = TRUE;
		if (k < frac_digits) {
			if (v > ((guint64) G_MAXINT64 - d) / 10)
				return FALSE;
			v = v * 10 + d;
			k++;
		}
	}
	for (; k < frac_digits; k++) {
		if (v > (guint64) G_MAXINT64 / 10)
			return FALSE;
		v *= 10;
	}
	if (!digits)
		return FALSE;
	*out = v;
	return TRUE;
}

/* A newly allocated copy of s[0..len) fit for an error message: at most 40 bytes (then "..."),
 * non-printable bytes escaped as \xNN. Cannot fail. */
char *pcs_trace_quote(const char *s, gsize len);

/* Maps all of path read-only (MADV_SEQUENTIAL). *size_out gets the size; a file of size 0
 * maps to NULL. Fails with PCS_TRACE_ERROR_FAILED. Release with pcs_trace_unmap_file(). */
gboolean pcs_trace_map_file(const char *path, const guint8 **base_out, gsize *size_out,
			    GError **error);
void pcs_trace_unmap_file(const guint8 *base, gsize size);

/* Little-endian loads from possibly unaligned bytes. */
static inline guint16
pcs_le16(const guint8 *p)
{
	guint16 v;

	memcpy(&v, p, sizeof v);
	return GUINT16_FROM_LE(v);
}

static inline guint32
pcs_le32(const guint8 *p)
{
	guint32 v;

	memcpy(&v, p, sizeof v);
	return GUINT32_FROM_LE(v);
}

static inline guint64
pcs_le64(const guint8 *p)
{
	guint64 v;

	memcpy(&v, p, sizeof v);
	return GUINT64_FROM_LE(v);
}

#endif
