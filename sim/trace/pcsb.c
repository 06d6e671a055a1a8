/*
 * pcsb.c - pcsim's binary trace format, "pcsim-bin" (files named *.pcsb): the events of a
 * pcsim-text trace in fixed 32-byte records, for replays that should not pay for parsing.
 *
 * Layout (every integer little-endian):
 *
 *   offset 0   +--------------------------------------------------------------+
 *              | magic "PCSIMTRB" | u32 version = 1 | u32 record_size = 32    |  header,
 *              | u64 nr_records   | u64 names_offset = 32 + 32 * nr_records   |  32 bytes
 *   32         +--------------------------------------------------------------+
 *              | i64 t_ns | u64 offset | u32 len | u32 file | u32 stream      |  record 1
 *              | u8 op | u8 advice | u16 flags                                |
 *              +--------------------------------------------------------------+
 *              | ... nr_records records of 32 bytes                           |
 *   names_off  +--------------------------------------------------------------+
 *              | u32 count | count x { u64 size_bytes | u32 len | len bytes } |  name table,
 *              +--------------------------------------------------------------+  up to EOF
 *
 * t_ns is -1 when unknown; offset all-ones and len all-ones (0xffffffff) mean "none" (PCS_NONE),
 * so a length must be below 4 GiB - 1 (the writer refuses longer ones). file indexes the name
 * table, or is all-ones for "all files" (sync only). stream is the event's stream, as written.
 * flags are reserved (written 0, passed through). size_bytes is what the writer knew of the
 * file's size: the larger of the file table's size and the largest offset + length (or truncate
 * size) among the records it wrote; the reader notes it in its file table at open, so a replay
 * of a pcsim-bin trace knows every size from the start and does no size bookkeeping per record.
 *
 * Validation, so that no file can make the reader read out of bounds: at open, the magic, the
 * version, the record size, the record area within the file, names_offset exactly after the
 * records, every name within the file, non-empty and without NUL, and no bytes after the
 * table; per record, everything pcs_trace_check_event() checks, a file index below count, and
 * time never going backwards. A bad record is reported and skipped; the next one is readable.
 *
 * The reader maps the file (MADV_SEQUENTIAL); next() decodes one record in place. A compressed
 * file (.pcsb.zst, .gz, .bz2; input.c) is read twice, streamed, never decompressed to disk: a
 * first pass at open finds its size and keeps the name table, which follows the records, then
 * next() decodes records from a refilled buffer; every check above is the same. The writer
 * streams records through stdio, then writes the name table, then seeks back to fill in the
 * header (which is why it cannot write to a pipe).
 *
 * Entry points: pcs_trace_pcsb_ops (reader), pcs_trace_pcsb_emit_ops (writer).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define PCSB_MAGIC        "PCSIMTRB"
#define PCSB_MAGIC_LEN    8
#define PCSB_VERSION      1
#define PCSB_HEADER_BYTES 32
#define PCSB_RECORD_BYTES 32
#define PCSB_LEN_NONE     G_MAXUINT32
#define PCSB_FILE_ALL     G_MAXUINT32
#define PCSB_MAX_NAME     4096

/* ---- The reader ------------------------------------------------------------------------ */

typedef struct {
	PcsByteStream s;            /* the file: mapped, or decompressed through a buffer */
	const guint8 *base;         /* the mapping (plain files), or NULL */
	guint64       size;         /* of the (decompressed) data */
	guint64       nr_records;
	guint64       next;         /* index of the next record; position() is this (1-based) */
	guint32       nr_names;
	guint32      *file_ids;     /* name table index -> PcsFileTable id */
	gint64        last_t_ns;
} PcsbReader;

static void
pcsb_close(gpointer p)
{
	PcsbReader *r = p;

	if (!r)
		return;
	pcs_byte_stream_clear(&r->s);
	g_free(r->file_ids);
	g_free(r);
}

static gpointer
fail(PcsbReader *r, GError **error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gpointer
fail(PcsbReader *r, GError **error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (error)
		*error = g_error_new_valist(PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT, fmt, ap);
	va_end(ap);
	pcsb_close(r);
	return NULL;
}

/*
 * The first pass over a compressed file: its decompressed size, and the bytes from
 * names_off to the end (the name table, which pcsim-bin puts after the records). When
 * names_off is not where the header says the records end, nothing is kept (open() then
 * reports the mismatch). Fails on a read error, corrupt data, or a table over 64 MiB.
 */
static gboolean
scan_compressed(const char *path, guint64 names_off, guint64 nr_records, guint64 *size,
		GByteArray *table, GError **error)
{
	PcsInput *in = pcs_input_open(path, error);
	gboolean want_table = nr_records <= (G_MAXUINT64 - PCSB_HEADER_BYTES) /
		PCSB_RECORD_BYTES && names_off == PCSB_HEADER_BYTES + nr_records * PCSB_RECORD_BYTES;
	guint64 skipped = 0;
	guint8 buf[64 * 1024];

	if (!in)
		return FALSE;
	if (!pcs_input_skip(in, want_table ? names_off : G_MAXUINT64, &skipped, error))
		goto fail;
	*size = skipped;
	for (;;) {
		gssize n = pcs_input_read(in, buf, sizeof buf, error);

		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		*size += (guint64) n;
		if (table->len + (gsize) n > 64 * 1024 * 1024) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "the name table is larger than 64 MiB");
			goto fail;
		}
		g_byte_array_append(table, buf, (guint) n);
	}
	pcs_input_close(in);
	return TRUE;
fail:
	pcs_input_close(in);
	return FALSE;
}

/*
 * 1. Open the file (mapped, or streamed when compressed); check the header: size, magic,
 *    version, record size. A compressed file is first read through once (scan_compressed)
 *    for its size and name table.
 * 2. The records lie within the file and the name table starts right after them.
 * 3. Read the name table, bounds-checking every entry; intern each name and note its size.
 * 4. Nothing may follow the table.
 */
static gpointer
pcsb_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files,
	   GError **error)
{
	PcsbReader *r = g_new0(PcsbReader, 1);
	g_autoptr(GByteArray) table = g_byte_array_new();
	const guint8 *tbl, *head;
	guint64 names_off, pos, max_records, tbl_off;
	guint32 version, rec_size;
	gssize have;

	/* 1. */
	if (!pcs_byte_stream_open(&r->s, path, error)) {
		g_free(r);
		return NULL;
	}
	r->last_t_ns = PCS_TIME_UNKNOWN;
	have = pcs_byte_stream_fill(&r->s, PCSB_HEADER_BYTES, error);
	if (have < 0) {
		pcsb_close(r);
		return NULL;
	}
	head = r->s.pos;
	r->size = (guint64) have;
	if (!pcs_byte_stream_is_compressed(&r->s))
		r->base = r->s.base;
	if (have < PCSB_HEADER_BYTES)
		return fail(r, error, "truncated: %" G_GUINT64_FORMAT " bytes, shorter than the "
			    "%d-byte header", r->size, PCSB_HEADER_BYTES);
	if (memcmp(head, PCSB_MAGIC, PCSB_MAGIC_LEN) != 0)
		return fail(r, error, "bad magic (expected \"" PCSB_MAGIC "\")");
	version = pcs_le32(head + 8);
	if (version != PCSB_VERSION)
		return fail(r, error, "unsupported version %u (this pcsim reads %d)", version,
			    PCSB_VERSION);
	rec_size = pcs_le32(head + 12);
	if (rec_size != PCSB_RECORD_BYTES)
		return fail(r, error, "record size %u, expected %d", rec_size, PCSB_RECORD_BYTES);

	/* 2. */
	r->nr_records = pcs_le64(head + 16);
	names_off = pcs_le64(head + 24);
	if (r->base) {
		tbl = r->base;
		tbl_off = 0;
	} else {
		g_autoptr(GError) scan_error = NULL;

		if (!scan_compressed(path, names_off, r->nr_records, &r->size, table,
				     &scan_error)) {
			g_propagate_error(error, g_steal_pointer(&scan_error));
			pcsb_close(r);
			return NULL;
		}
		tbl = table->data;
		tbl_off = names_off;
	}
	r->s.pos += PCSB_HEADER_BYTES;
	max_records = (r->size - PCSB_HEADER_BYTES) / PCSB_RECORD_BYTES;
	if (r->nr_records > max_records)
		return fail(r, error, "truncated: the header promises %" G_GUINT64_FORMAT
			    " records but the file has room for %" G_GUINT64_FORMAT,
			    r->nr_records, max_records);
	pos = PCSB_HEADER_BYTES + r->nr_records * PCSB_RECORD_BYTES;
	if (names_off != pos)
		return fail(r, error, "names_offset %" G_GUINT64_FORMAT " does not follow the "
			    "records (expected %" G_GUINT64_FORMAT ")", names_off, pos);

	/* 3. */
	if (r->size - pos < 4)
		return fail(r, error, "truncated: no name table at offset %" G_GUINT64_FORMAT, pos);
	r->nr_names = pcs_le32(tbl + (pos - tbl_off));
	pos += 4;
	if (r->nr_names > (r->size - pos) / 12)
		return fail(r, error, "truncated: the name table promises %u names but the file "
			    "is too short for them", r->nr_names);
	r->file_ids = g_new(guint32, MAX(r->nr_names, 1));
	for (guint32 i = 0; i < r->nr_names; i++) {
		guint64 size_bytes;
		guint32 len;
		const char *name;

		if (r->size - pos < 12)
			return fail(r, error, "truncated: name %u of %u is cut off", i, r->nr_names);
		size_bytes = pcs_le64(tbl + (pos - tbl_off));
		len = pcs_le32(tbl + (pos - tbl_off) + 8);
		pos += 12;
		if (len == 0 || len > PCSB_MAX_NAME)
			return fail(r, error, "name %u has length %u (expected 1..%d)", i, len,
				    PCSB_MAX_NAME);
		if (r->size - pos < len)
			return fail(r, error, "truncated: name %u of %u is cut off", i, r->nr_names);
		name = (const char *) tbl + (pos - tbl_off);
		if (memchr(name, '\0', len))
			return fail(r, error, "name %u contains a NUL byte", i);
		r->file_ids[i] = pcs_files_intern(files, name, len);
		if (size_bytes)
			pcs_files_note_size(files, r->file_ids[i], size_bytes);
		pos += len;
	}
	/* 4. */
	if (pos != r->size)
		return fail(r, error, "%" G_GUINT64_FORMAT " unexpected bytes after the name table",
			    (guint64) r->size - pos);
	return r;
}

static PcsTraceStatus
pcsb_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	PcsbReader *r = p;
	const guint8 *rec;
	guint32 len, file;

	if (r->next == r->nr_records)
		return PCS_TRACE_EOF;
	if (G_UNLIKELY(r->s.end - r->s.pos < PCSB_RECORD_BYTES)) {
		gssize n = pcs_byte_stream_fill(&r->s, PCSB_RECORD_BYTES, error);

		if (G_UNLIKELY(n < PCSB_RECORD_BYTES)) {
			r->next++;                    /* position() names this record */
			if (n >= 0)
				g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
					    "truncated: the data ends inside this record (did "
					    "the file change while it was read?)");
			r->nr_records = r->next;      /* nothing more can be read */
			return PCS_TRACE_ERROR;
		}
	}
	rec = r->s.pos;
	r->s.pos += PCSB_RECORD_BYTES;
	r->next++;

	ev->t_ns = (gint64) pcs_le64(rec);
	ev->offset_bytes = pcs_le64(rec + 8);
	len = pcs_le32(rec + 16);
	ev->len_bytes = len == PCSB_LEN_NONE ? PCS_NONE : len;
	file = pcs_le32(rec + 20);
	ev->stream = pcs_le32(rec + 24);
	ev->op = rec[28];
	ev->advice = rec[29];
	ev->flags = pcs_le16(rec + 30);

	if (file == PCSB_FILE_ALL) {
		ev->file = G_MAXUINT32;
	} else if (G_LIKELY(file < r->nr_names)) {
		ev->file = r->file_ids[file];
	} else {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "file index %u is not in the name table (%u names)", file, r->nr_names);
		return PCS_TRACE_ERROR;
	}
	if (G_UNLIKELY(!pcs_trace_event_is_plain_io(ev) && !pcs_trace_check_event(ev, error)))
		return PCS_TRACE_ERROR;
	if (ev->t_ns != PCS_TIME_UNKNOWN) {
		if (G_UNLIKELY(r->last_t_ns != PCS_TIME_UNKNOWN && ev->t_ns < r->last_t_ns)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "time goes backwards: %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT,
				    ev->t_ns, r->last_t_ns);
			return PCS_TRACE_ERROR;
		}
		r->last_t_ns = ev->t_ns;
	}
	return PCS_TRACE_OK;
}

static guint64
pcsb_position(gpointer p)
{
	return ((PcsbReader *) p)->next;
}

static double
pcsb_progress(gpointer p)
{
	PcsbReader *r = p;

	return r->nr_records ? (double) r->next / (double) r->nr_records : 1.0;
}

static int
pcsb_probe(G_GNUC_UNUSED const char *path, const guint8 *head, gsize len)
{
	return len >= PCSB_MAGIC_LEN && memcmp(head, PCSB_MAGIC, PCSB_MAGIC_LEN) == 0 ? 100 : 0;
}

const PcsTraceOps pcs_trace_pcsb_ops = {
	.name = "pcsim-bin",
	.description = "pcsim's binary format (.pcsb): 32-byte records and a name table",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_FILES | PCS_TRACE_CAP_WRITES,
	.probe = pcsb_probe,
	.open = pcsb_open,
	.next = pcsb_next,
	.position = pcsb_position,
	.progress = pcsb_progress,
	.close = pcsb_close,
	.position_is_line = FALSE,
};

/* ---- The writer ------------------------------------------------------------------------ */

typedef struct {
	FILE               *out;
	const PcsFileTable *files;
	guint64             nr_records;
	GArray             *sizes;   /* file id -> largest offset + len / truncate size seen */
} PcsbWriter;

static gboolean
write_error(GError **error)
{
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "cannot write: %s",
		    g_strerror(errno ? errno : EIO));
	return FALSE;
}

static gpointer
pcsb_emit_open(FILE *out, const PcsFileTable *files, GError **error)
{
	static const guint8 zeros[PCSB_HEADER_BYTES];
	PcsbWriter *w;

	errno = 0;
	if (fwrite(zeros, 1, sizeof zeros, out) != sizeof zeros) {
		write_error(error);
		return NULL;
	}
	w = g_new0(PcsbWriter, 1);
	w->out = out;
	w->files = files;
	w->sizes = g_array_new(FALSE, TRUE, sizeof(guint64));
	return w;
}

static void
pcsb_emit_discard(gpointer p)
{
	PcsbWriter *w = p;

	if (!w)
		return;
	g_array_free(w->sizes, TRUE);
	g_free(w);
}

static inline void
put_le16(guint8 *p, guint16 v)
{
	v = GUINT16_TO_LE(v);
	memcpy(p, &v, sizeof v);
}

static inline void
put_le32(guint8 *p, guint32 v)
{
	v = GUINT32_TO_LE(v);
	memcpy(p, &v, sizeof v);
}

static inline void
put_le64(guint8 *p, guint64 v)
{
	v = GUINT64_TO_LE(v);
	memcpy(p, &v, sizeof v);
}

static void
note_size(PcsbWriter *w, guint32 file, guint64 size_bytes)
{
	guint64 *s;

	if (file >= w->sizes->len)
		g_array_set_size(w->sizes, file + 1);
	s = &g_array_index(w->sizes, guint64, file);
	if (size_bytes > *s)
		*s = size_bytes;
}

static gboolean
pcsb_emit_add(gpointer p, const PcsIoEvent *ev, GError **error)
{
	PcsbWriter *w = p;
	guint8 rec[PCSB_RECORD_BYTES];

	if (!pcs_trace_check_event(ev, error))
		return FALSE;
	if (ev->len_bytes != PCS_NONE && ev->len_bytes >= PCSB_LEN_NONE) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "length %" G_GUINT64_FORMAT " does not fit pcsim-bin's 32-bit length "
			    "(at most %u bytes)", ev->len_bytes, PCSB_LEN_NONE - 1);
		return FALSE;
	}
	if (ev->file != G_MAXUINT32 && ev->file >= pcs_files_count(w->files)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "file id %u is not in the file table", ev->file);
		return FALSE;
	}
	if (ev->file != G_MAXUINT32 && ev->offset_bytes != PCS_NONE) {
		if (ev->op == PCS_OP_TRUNCATE)
			note_size(w, ev->file, ev->offset_bytes);
		else if (pcs_trace_op_notes_size((PcsOp) ev->op))
			note_size(w, ev->file, ev->offset_bytes + ev->len_bytes);
	}

	put_le64(rec, (guint64) ev->t_ns);
	put_le64(rec + 8, ev->offset_bytes);
	put_le32(rec + 16, ev->len_bytes == PCS_NONE ? PCSB_LEN_NONE : (guint32) ev->len_bytes);
	put_le32(rec + 20, ev->file == G_MAXUINT32 ? PCSB_FILE_ALL : ev->file);
	put_le32(rec + 24, ev->stream);
	rec[28] = ev->op;
	rec[29] = ev->advice;
	put_le16(rec + 30, ev->flags);
	errno = 0;
	if (fwrite(rec, 1, sizeof rec, w->out) != sizeof rec)
		return write_error(error);
	w->nr_records++;
	return TRUE;
}

/* 1. The name table.  2. Back to offset 0 for the header. */
static gboolean
pcsb_emit_finish(gpointer p, GError **error)
{
	PcsbWriter *w = p;
	guint32 count = pcs_files_count(w->files);
	guint8 hdr[PCSB_HEADER_BYTES], ent[12];
	gboolean ok = FALSE;

	errno = 0;
	/* 1. */
	put_le32(ent, count);
	if (fwrite(ent, 1, 4, w->out) != 4)
		goto out;
	for (guint32 i = 0; i < count; i++) {
		const char *name = pcs_files_name(w->files, i);
		gsize len = strlen(name);
		guint64 size = pcs_files_size(w->files, i);

		if (len == 0 || len > PCSB_MAX_NAME) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "file name %u has length %" G_GSIZE_FORMAT " (pcsim-bin takes "
				    "1..%d bytes)", i, len, PCSB_MAX_NAME);
			goto out_set;
		}
		if (i < w->sizes->len)
			size = MAX(size, g_array_index(w->sizes, guint64, i));
		put_le64(ent, size);
		put_le32(ent + 8, (guint32) len);
		if (fwrite(ent, 1, 12, w->out) != 12 || fwrite(name, 1, len, w->out) != len)
			goto out;
	}
	/* 2. */
	memcpy(hdr, PCSB_MAGIC, PCSB_MAGIC_LEN);
	put_le32(hdr + 8, PCSB_VERSION);
	put_le32(hdr + 12, PCSB_RECORD_BYTES);
	put_le64(hdr + 16, w->nr_records);
	put_le64(hdr + 24, PCSB_HEADER_BYTES + w->nr_records * PCSB_RECORD_BYTES);
	if (fseeko(w->out, 0, SEEK_SET) != 0 || fwrite(hdr, 1, sizeof hdr, w->out) != sizeof hdr)
		goto out;
	ok = TRUE;
out:
	if (!ok)
		write_error(error);
out_set:
	pcsb_emit_discard(w);
	return ok;
}

const PcsTraceEmitOps pcs_trace_pcsb_emit_ops = {
	.name = "pcsim-bin",
	.seekable = TRUE,
	.open = pcsb_emit_open,
	.add = pcsb_emit_add,
	.finish = pcsb_emit_finish,
	.discard = pcsb_emit_discard,
};
