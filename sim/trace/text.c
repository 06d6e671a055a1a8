/*
 * text.c - pcsim's own text format, "pcsim-text": one record per line, meant to be written
 * by hand (tests, examples) and by `pcsim trace cat`.
 *
 *     # pcsim trace v1                       optional first line; makes detection certain
 *     # comments and blank lines are ignored
 *     TIME  OP     FILE    OFFSET  LENGTH  [key=value ...]   [# comment]
 *     0     open   db      -       -       stream=7
 *     100   read   db      0       4096    stream=7
 *     -     fadvise db     0       0       advice=dontneed
 *     250   sync   -       -       -
 *
 * TIME is integer nanoseconds or '-' (unknown). OP is a name from pcs_op_name(). FILE is a
 * name without whitespace, interned in the replay's PcsFileTable; sync alone may use '-' (all
 * files, file = G_MAXUINT32). OFFSET and LENGTH are unsigned decimal bytes or '-' (PCS_NONE);
 * which op needs which is the op_rules[] table below. Keys: stream=N (any unsigned number,
 * an open file description) and advice=... (fadvise only). Unknown keys are errors, so a typo
 * never passes silently.
 *
 * Streams: the event's stream is a dense id, 0.. in order of first appearance, shared by two
 * kinds of source: each distinct stream=N, and, for records without stream=, one default
 * stream per file (so a trace without stream= reads as "one open per file").
 *
 * Invariants: known times never decrease (equal is fine; an unknown time '-' is not compared);
 * a record that fails to parse changes nothing (no file interned, no stream numbered, time not
 * advanced), and the next call carries on at the next line. The file is streamed through the
 * PcsLineReader's fixed buffer; the success path allocates only when it meets a new file name
 * or stream (the file table and stream map grow, once per name).
 *
 * File sizes: read, write, mmap-*, direct-* and sendfile note OFFSET + LENGTH with
 * pcs_files_note_size(); truncate notes its new size (OFFSET). fadvise and the sync family
 * say nothing about the size.
 *
 * Entry points: pcs_trace_text_ops (reader), pcs_trace_text_emit_ops (writer), and
 * pcs_trace_check_event() (the op rules, shared with pcsim-bin).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define RECORD_SYNTAX "a record is TIME OP FILE OFFSET LENGTH [key=value ...]"

/* What an op does with OFFSET and LENGTH. */
enum {
	FIELD_ANY,    /* a number or '-' (fsync and sync-range ranges) */
	FIELD_NEED,   /* a number */
	FIELD_DASH    /* '-' only */
};

static const struct {
	guint8 offset, length;
} op_rules[PCS_OP_COUNT] = {
	[PCS_OP_READ]         = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_WRITE]        = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_FSYNC]        = { FIELD_ANY,  FIELD_ANY },
	[PCS_OP_FDATASYNC]    = { FIELD_ANY,  FIELD_ANY },
	[PCS_OP_SYNC]         = { FIELD_ANY,  FIELD_ANY },
	[PCS_OP_OPEN]         = { FIELD_ANY,  FIELD_ANY },
	[PCS_OP_CLOSE]        = { FIELD_ANY,  FIELD_ANY },
	[PCS_OP_FADVISE]      = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_MMAP_READ]    = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_MMAP_WRITE]   = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_DIRECT_READ]  = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_DIRECT_WRITE] = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_SENDFILE]     = { FIELD_NEED, FIELD_NEED },
	[PCS_OP_TRUNCATE]     = { FIELD_NEED, FIELD_DASH },
	[PCS_OP_SYNC_RANGE]   = { FIELD_ANY,  FIELD_ANY },
};

/*
 * Checks OFFSET and LENGTH against op_rules[] and for overflow; shared by the reader and
 * pcs_trace_check_event(), so pcsim never writes a record it would refuse to read.
 */
#define TEXT_MAX_BYTES (G_GUINT64_CONSTANT(1) << 60)

static gboolean
check_fields(PcsOp op, guint64 offset, guint64 len, GError **error)
{
	if (op_rules[op].offset == FIELD_NEED && offset == PCS_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s needs OFFSET as a number, got '-'", pcs_op_name(op));
		return FALSE;
	}
	if (op_rules[op].length == FIELD_NEED && len == PCS_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s needs LENGTH as a number, got '-'", pcs_op_name(op));
		return FALSE;
	}
	if (op_rules[op].length == FIELD_DASH && len != PCS_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s takes LENGTH '-' (the new size is OFFSET), got %" G_GUINT64_FORMAT,
			    pcs_op_name(op), len);
		return FALSE;
	}
	if (offset == PCS_NONE && len != PCS_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "LENGTH %" G_GUINT64_FORMAT " given without an OFFSET", len);
		return FALSE;
	}
	if (offset != PCS_NONE && len != PCS_NONE && len > G_MAXUINT64 - offset) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "offset + length overflows 64 bits");
		return FALSE;
	}
	/* No file is an exbibyte: such offsets are corrupt records, not workloads. */
	if (offset != PCS_NONE && (offset > TEXT_MAX_BYTES ||
				   (len != PCS_NONE && offset + len > TEXT_MAX_BYTES))) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "offset + length is past 1 EiB, beyond any real file");
		return FALSE;
	}
	if ((op == PCS_OP_MMAP_READ || op == PCS_OP_MMAP_WRITE) && len == 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s needs a LENGTH of at least 1 byte (the pages touched)",
			    pcs_op_name(op));
		return FALSE;
	}
	return TRUE;
}

gboolean
pcs_trace_check_event(const PcsIoEvent *ev, GError **error)
{
	if (ev->op >= PCS_OP_COUNT) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "op %u out of range (0..%d)", ev->op, PCS_OP_COUNT - 1);
		return FALSE;
	}
	if (ev->advice >= PCS_ADVICE_COUNT) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "advice %u out of range (0..%d)", ev->advice, PCS_ADVICE_COUNT - 1);
		return FALSE;
	}
	if (ev->op == PCS_OP_FADVISE && ev->advice == PCS_ADVICE_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "fadvise without advice");
		return FALSE;
	}
	if (ev->op != PCS_OP_FADVISE && ev->advice != PCS_ADVICE_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "advice is only valid on fadvise, not on %s",
			    pcs_op_name((PcsOp) ev->op));
		return FALSE;
	}
	if (ev->file == G_MAXUINT32 && ev->op != PCS_OP_SYNC) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "all files (-) is only valid on sync, not on %s",
			    pcs_op_name((PcsOp) ev->op));
		return FALSE;
	}
	if (ev->t_ns < 0 && ev->t_ns != PCS_TIME_UNKNOWN) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "negative time %" G_GINT64_FORMAT, ev->t_ns);
		return FALSE;
	}
	return check_fields((PcsOp) ev->op, ev->offset_bytes, ev->len_bytes, error);
}

/* ---- Parsing one line ------------------------------------------------------------------ */

/* One parsed line; file points into the line. */
typedef struct {
	gboolean    blank;      /* comment or blank line: no record */
	gint64      t_ns;
	PcsOp       op;
	const char *file;
	gsize       file_len;
	gboolean    all_files;  /* FILE was '-' */
	guint64     offset;
	guint64     len;
	gboolean    has_stream;
	guint64     stream_key;
	PcsAdvice   advice;
} TextRecord;

static inline gboolean
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next whitespace-separated token of [*p, end); FALSE at the end of the line. */
static inline gboolean
next_token(const char **p, const char *end, const char **tok, gsize *tok_len)
{
	const char *s = *p;

	while (s < end && is_space(*s))
		s++;
	if (s == end) {
		*p = s;
		return FALSE;
	}
	*tok = s;
	while (s < end && !is_space(*s))
		s++;
	*tok_len = (gsize) (s - *tok);
	*p = s;
	return TRUE;
}

static gboolean
bad_token(GError **error, const char *what, const char *tok, gsize len)
{
	pcs_trace_bad_input(error, tok, len, "%s", what);
	return FALSE;
}

static gboolean
missing(GError **error, const char *field)
{
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
		    "missing %s (" RECORD_SYNTAX ")", field);
	return FALSE;
}

static gboolean
is_dash(const char *tok, gsize len)
{
	return len == 1 && tok[0] == '-';
}

/* OFFSET or LENGTH: unsigned decimal or '-'; G_MAXUINT64 itself is PCS_NONE, so refused. */
static gboolean
parse_bytes(const char *what, const char *tok, gsize len, guint64 *out, GError **error)
{
	char msg[80];

	if (is_dash(tok, len)) {
		*out = PCS_NONE;
		return TRUE;
	}
	if (pcs_parse_u64(tok, len, out) && *out != PCS_NONE)
		return TRUE;
	g_snprintf(msg, sizeof msg, "expected %s as unsigned decimal bytes or '-'", what);
	return bad_token(error, msg, tok, len);
}

static gboolean
bad_op(GError **error, const char *tok, gsize len)
{
	g_autoptr(GString) what = g_string_new("expected an op name (");

	for (unsigned i = 0; i < PCS_OP_COUNT; i++)
		g_string_append_printf(what, "%s%s", i ? ", " : "", pcs_op_name((PcsOp) i));
	g_string_append_c(what, ')');
	return bad_token(error, what->str, tok, len);
}

/* A file name: not '-', no control bytes (names end up in C strings and in reports). */
static gboolean
check_name(const char *tok, gsize len, GError **error)
{
	for (gsize i = 0; i < len; i++) {
		unsigned char c = (unsigned char) tok[i];

		if (c < 0x20 || c == 0x7f)
			return bad_token(error, "expected FILE as a name without control bytes",
					 tok, len);
	}
	return TRUE;
}

static gboolean
parse_key(TextRecord *rec, const char *tok, gsize len, GError **error)
{
	const char *eq = memchr(tok, '=', len);
	const char *val;
	gsize key_len, val_len;

	if (!eq || eq == tok)
		return bad_token(error, "expected key=value (stream=N, advice=...)", tok, len);
	key_len = (gsize) (eq - tok);
	val = eq + 1;
	val_len = len - key_len - 1;

	if (key_len == 6 && memcmp(tok, "stream", 6) == 0) {
		if (rec->has_stream)
			return bad_token(error, "key stream= given twice", tok, len);
		if (!pcs_parse_u64(val, val_len, &rec->stream_key))
			return bad_token(error, "expected stream=N with N an unsigned number",
					 tok, len);
		rec->has_stream = TRUE;
		return TRUE;
	}
	if (key_len == 6 && memcmp(tok, "advice", 6) == 0) {
		if (rec->advice != PCS_ADVICE_NONE)
			return bad_token(error, "key advice= given twice", tok, len);
		if (!pcs_advice_from_name(val, val_len, &rec->advice))
			return bad_token(error, "expected advice=normal|sequential|random|"
					 "willneed|dontneed", tok, len);
		return TRUE;
	}
	{
		g_autofree char *q = pcs_trace_quote(tok, key_len);

		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "unknown key '%s' (known: stream, advice)", q);
	}
	return FALSE;
}

/*
 * Parses one line into rec, without touching any state (the probe uses it too).
 * 1. Blank or comment line: rec->blank.
 * 2. TIME OP FILE OFFSET LENGTH.
 * 3. key=value pairs, up to the end or a '#' comment.
 * 4. The op's rules: which fields it needs, advice only and always on fadvise, FILE '-' only
 *    on sync, no overflow.
 */
static gboolean
parse_record(const char *line, gsize len, TextRecord *rec, GError **error)
{
	const char *p = line, *end = line + len, *tok;
	gsize n;
	guint64 t;

	memset(rec, 0, sizeof *rec);
	/* 1. */
	if (!next_token(&p, end, &tok, &n) || tok[0] == '#') {
		rec->blank = TRUE;
		return TRUE;
	}
	/* 2. */
	if (is_dash(tok, n)) {
		rec->t_ns = PCS_TIME_UNKNOWN;
	} else if (!pcs_parse_u64(tok, n, &t)) {
		return bad_token(error, "expected TIME as integer nanoseconds or '-'", tok, n);
	} else if (t > (guint64) G_MAXINT64) {
		return bad_token(error, "TIME is too large (at most 2^63-1 ns)", tok, n);
	} else {
		rec->t_ns = (gint64) t;
	}

	if (!next_token(&p, end, &tok, &n))
		return missing(error, "OP");
	if (!pcs_op_from_name(tok, n, &rec->op))
		return bad_op(error, tok, n);

	if (!next_token(&p, end, &tok, &n))
		return missing(error, "FILE");
	if (is_dash(tok, n)) {
		rec->all_files = TRUE;
	} else {
		if (!check_name(tok, n, error))
			return FALSE;
		rec->file = tok;
		rec->file_len = n;
	}

	if (!next_token(&p, end, &tok, &n))
		return missing(error, "OFFSET");
	if (!parse_bytes("OFFSET", tok, n, &rec->offset, error))
		return FALSE;
	if (!next_token(&p, end, &tok, &n))
		return missing(error, "LENGTH");
	if (!parse_bytes("LENGTH", tok, n, &rec->len, error))
		return FALSE;

	/* 3. */
	while (next_token(&p, end, &tok, &n) && tok[0] != '#')
		if (!parse_key(rec, tok, n, error))
			return FALSE;

	/* 4. */
	if (rec->op == PCS_OP_FADVISE && rec->advice == PCS_ADVICE_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "fadvise needs advice=normal|sequential|random|willneed|dontneed");
		return FALSE;
	}
	if (rec->op != PCS_OP_FADVISE && rec->advice != PCS_ADVICE_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "advice= is only valid on fadvise, not on %s", pcs_op_name(rec->op));
		return FALSE;
	}
	if (rec->all_files && rec->op != PCS_OP_SYNC) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "FILE '-' (all files) is only valid on sync, not on %s",
			    pcs_op_name(rec->op));
		return FALSE;
	}
	return check_fields(rec->op, rec->offset, rec->len, error);
}

/* ---- The reader ------------------------------------------------------------------------ */

typedef struct {
	PcsLineReader lr;
	PcsFileTable *files;        /* borrowed */
	guint64       size_bytes;   /* of the file, for progress */
	gint64        last_t_ns;    /* last known time */
	char          last_name[64]; /* the last record's file name and id (interning cache) */
	gsize         last_name_len;
	guint32       last_file;     /* G_MAXUINT32: none */
	GHashTable   *stream_ids;   /* guint64 stream= key (owned) -> dense id + 1 */
	GArray       *file_stream;  /* file id -> dense id of its default stream, or G_MAXUINT32 */
	guint32       all_stream;   /* default stream of "sync -", or G_MAXUINT32 */
	guint32       nr_streams;
	guint64       last_key;     /* cache of the last stream= lookup */
	guint32       last_key_id;  /* G_MAXUINT32: cache empty */
} TextReader;

/* Position() is the shared line-reader accessor. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(TextReader, lr) == 0);

static gpointer
text_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files,
	   GError **error)
{
	TextReader *r = g_new0(TextReader, 1);
	struct stat st;

	if (!pcs_line_reader_init(&r->lr, path, error)) {
		g_free(r);
		return NULL;
	}
	if (fstat(r->lr.fd, &st) == 0)
		r->size_bytes = (guint64) st.st_size;
	r->files = files;
	r->last_t_ns = PCS_TIME_UNKNOWN;
	r->last_file = G_MAXUINT32;
	r->stream_ids = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	r->file_stream = g_array_new(FALSE, FALSE, sizeof(guint32));
	r->all_stream = G_MAXUINT32;
	r->last_key_id = G_MAXUINT32;
	return r;
}

static void
text_close(gpointer p)
{
	TextReader *r = p;

	if (!r)
		return;
	pcs_line_reader_clear(&r->lr);
	g_hash_table_destroy(r->stream_ids);
	g_array_free(r->file_stream, TRUE);
	g_free(r);
}

/* The dense stream id of a parsed record (file already interned). Cannot fail. */
static guint32
stream_of(TextReader *r, const TextRecord *rec, guint32 file)
{
	guint32 *slot;
	gpointer v;

	if (rec->has_stream) {
		if (r->last_key_id != G_MAXUINT32 && r->last_key == rec->stream_key)
			return r->last_key_id;
		v = g_hash_table_lookup(r->stream_ids, &rec->stream_key);
		if (!v) {
			v = GUINT_TO_POINTER(++r->nr_streams);
			g_hash_table_insert(r->stream_ids, g_memdup2(&rec->stream_key,
								     sizeof(guint64)), v);
		}
		r->last_key = rec->stream_key;
		r->last_key_id = GPOINTER_TO_UINT(v) - 1;
		return r->last_key_id;
	}
	if (file == G_MAXUINT32) {
		if (r->all_stream == G_MAXUINT32)
			r->all_stream = r->nr_streams++;
		return r->all_stream;
	}
	if (file >= r->file_stream->len) {
		guint old = r->file_stream->len;

		g_array_set_size(r->file_stream, file + 1);
		for (guint i = old; i <= file; i++)
			g_array_index(r->file_stream, guint32, i) = G_MAXUINT32;
	}
	slot = &g_array_index(r->file_stream, guint32, file);
	if (*slot == G_MAXUINT32)
		*slot = r->nr_streams++;
	return *slot;
}

/* Line 1 "# pcsim trace vN" with N other than 1: a newer format we must not misread. */
static gboolean
check_version(const char *line, gsize len, GError **error)
{
	static const char prefix[] = "# pcsim trace v";
	gsize n = sizeof prefix - 1;

	if (len < n || memcmp(line, prefix, n) != 0)
		return TRUE;
	while (len > n && is_space(line[len - 1]))
		len--;
	if (len - n == 1 && line[n] == '1')
		return TRUE;
	return bad_token(error, "unsupported pcsim-text version (this pcsim reads v1)",
			 line + n, len - n);
}

static PcsTraceStatus
text_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	TextReader *r = p;
	TextRecord rec;
	const char *line;
	PcsTraceStatus st;
	gsize len;
	guint32 file;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		if (G_UNLIKELY(r->lr.lineno == 1) && !check_version(line, len, error))
			return PCS_TRACE_ERROR;
		if (!parse_record(line, len, &rec, error))
			return PCS_TRACE_ERROR;
		if (!rec.blank)
			break;
	}
	/* fadvise and mmap act on an open file description: stream=N must name one that an
	 * earlier record opened or used. */
	if (rec.has_stream && (rec.op == PCS_OP_FADVISE || rec.op == PCS_OP_MMAP_READ ||
			       rec.op == PCS_OP_MMAP_WRITE) &&
	    !(r->last_key_id != G_MAXUINT32 && r->last_key == rec.stream_key) &&
	    !g_hash_table_contains(r->stream_ids, &rec.stream_key)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s on stream=%" G_GUINT64_FORMAT ", which no earlier record opened or "
			    "used", pcs_op_name(rec.op), rec.stream_key);
		return PCS_TRACE_ERROR;
	}
	if (rec.t_ns != PCS_TIME_UNKNOWN) {
		if (r->last_t_ns != PCS_TIME_UNKNOWN && rec.t_ns < r->last_t_ns) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "time goes backwards: %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT,
				    rec.t_ns, r->last_t_ns);
			return PCS_TRACE_ERROR;
		}
		r->last_t_ns = rec.t_ns;
	}

	if (rec.all_files) {
		file = G_MAXUINT32;
	} else if (rec.file_len == r->last_name_len && r->last_file != G_MAXUINT32 &&
		   memcmp(rec.file, r->last_name, rec.file_len) == 0) {
		file = r->last_file;  /* the same file as the last record: no hash lookup */
	} else {
		file = pcs_files_intern(r->files, rec.file, rec.file_len);
		if (rec.file_len <= sizeof r->last_name) {
			memcpy(r->last_name, rec.file, rec.file_len);
			r->last_name_len = rec.file_len;
			r->last_file = file;
		} else {
			r->last_file = G_MAXUINT32;
		}
	}
	if (pcs_trace_op_notes_size(rec.op))
		pcs_files_note_size(r->files, file, rec.offset + rec.len);
	else if (rec.op == PCS_OP_TRUNCATE)
		pcs_files_note_size(r->files, file, rec.offset);

	ev->t_ns = rec.t_ns;
	ev->offset_bytes = rec.offset;
	ev->len_bytes = rec.len;
	ev->file = file;
	ev->stream = stream_of(r, &rec, file);
	ev->op = (guint8) rec.op;
	ev->advice = (guint8) rec.advice;
	ev->flags = 0;
	return PCS_TRACE_OK;
}

static double
text_progress(gpointer p)
{
	TextReader *r = p;

	if (r->size_bytes == 0)
		return 1.0;
	return MIN(1.0, (double) r->lr.consumed / (double) r->size_bytes);
}

/*
 * 100: the file starts with "# pcsim trace v" (the reader then checks the version);
 * 60:  the first line that is neither blank nor a comment parses as a record;
 * 0:   anything else, including any NUL byte before that line (binary data).
 */
static int
text_probe(G_GNUC_UNUSED const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head, *end = s + len;
	static const char prefix[] = "# pcsim trace v";
	TextRecord rec;

	if (len >= sizeof prefix - 1 && memcmp(head, prefix, sizeof prefix - 1) == 0)
		return 100;
	while (s < end) {
		const char *nl = memchr(s, '\n', (gsize) (end - s));
		const char *eol = nl ? nl : end;

		if (memchr(s, '\0', (gsize) (eol - s)))
			return 0;
		if (!parse_record(s, (gsize) (eol - s), &rec, NULL))
			return 0;
		if (!rec.blank)
			return 60;
		s = nl ? nl + 1 : end;
	}
	return 0;
}

const PcsTraceOps pcs_trace_text_ops = {
	.name = "pcsim-text",
	.description = "pcsim's text format: TIME OP FILE OFFSET LENGTH [key=value ...] per line",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_FILES | PCS_TRACE_CAP_WRITES,
	.probe = text_probe,
	.open = text_open,
	.next = text_next,
	.position = pcs_line_reader_position_op,
	.progress = text_progress,
	.close = text_close,
	.position_is_line = TRUE,
};

/* ---- The writer ------------------------------------------------------------------------ */

typedef struct {
	FILE               *out;
	const PcsFileTable *files;
	GArray             *name_ok;   /* file id -> 1 once its name was checked */
} TextWriter;

static gpointer
text_emit_open(FILE *out, const PcsFileTable *files, G_GNUC_UNUSED GError **error)
{
	TextWriter *w = g_new0(TextWriter, 1);

	w->out = out;
	w->files = files;
	w->name_ok = g_array_new(FALSE, TRUE, 1);
	fputs(PCS_TEXT_MAGIC "\n", out);
	return w;
}

static void
text_emit_discard(gpointer p)
{
	TextWriter *w = p;

	if (!w)
		return;
	g_array_free(w->name_ok, TRUE);
	g_free(w);
}

/* The name of file id, checked once to be writable as a FILE field. */
static const char *
writable_name(TextWriter *w, guint32 file, GError **error)
{
	const char *name = pcs_files_name(w->files, file);

	if (!name) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "file id %u is not in the file table", file);
		return NULL;
	}
	if (file < w->name_ok->len && g_array_index(w->name_ok, guint8, file))
		return name;
	if (name[0] == '\0' || strcmp(name, "-") == 0 || strpbrk(name, " \t\r\n\v\f")) {
		g_autofree char *q = pcs_trace_quote(name, strlen(name));

		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "file name '%s' cannot be written in pcsim-text (empty, '-' or "
			    "whitespace)", q);
		return NULL;
	}
	if (!check_name(name, strlen(name), error))
		return NULL;
	if (file >= w->name_ok->len)
		g_array_set_size(w->name_ok, file + 1);
	g_array_index(w->name_ok, guint8, file) = 1;
	return name;
}

static gboolean
text_emit_add(gpointer p, const PcsIoEvent *ev, GError **error)
{
	TextWriter *w = p;
	const char *name;
	char t[24], off[24], len[24];

	if (!pcs_trace_check_event(ev, error))
		return FALSE;
	if (ev->file == G_MAXUINT32)
		name = "-";
	else if (!(name = writable_name(w, ev->file, error)))
		return FALSE;

	if (ev->t_ns == PCS_TIME_UNKNOWN)
		strcpy(t, "-");
	else
		g_snprintf(t, sizeof t, "%" G_GINT64_FORMAT, ev->t_ns);
	if (ev->offset_bytes == PCS_NONE)
		strcpy(off, "-");
	else
		g_snprintf(off, sizeof off, "%" G_GUINT64_FORMAT, ev->offset_bytes);
	if (ev->len_bytes == PCS_NONE)
		strcpy(len, "-");
	else
		g_snprintf(len, sizeof len, "%" G_GUINT64_FORMAT, ev->len_bytes);

	fprintf(w->out, "%s %s %s %s %s stream=%u", t, pcs_op_name((PcsOp) ev->op), name, off,
		len, ev->stream);
	if (ev->advice != PCS_ADVICE_NONE)
		fprintf(w->out, " advice=%s", pcs_advice_name((PcsAdvice) ev->advice));
	fputc('\n', w->out);
	return TRUE;
}

static gboolean
text_emit_finish(gpointer p, G_GNUC_UNUSED GError **error)
{
	text_emit_discard(p);
	return TRUE;
}

const PcsTraceEmitOps pcs_trace_text_emit_ops = {
	.name = "pcsim-text",
	.seekable = FALSE,
	.open = text_emit_open,
	.add = text_emit_add,
	.finish = text_emit_finish,
	.discard = text_emit_discard,
};
