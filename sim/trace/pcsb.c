/*
 * pcsb.c - pcsim's binary trace format, "pcsim-bin" (files named *.pcsb): the events of a
 * pcsim-text trace in fixed 32-byte records, for replays that should not pay for parsing.
 *
 * Layout, version 2 (every integer little-endian):
 *
 *   offset 0   +--------------------------------------------------------------+
 *              | magic "PCSIMTRB" | u32 version = 2 | u32 record_size = 32    |  header,
 *              | u64 nr_records   | u64 records_offset = 32 + table bytes     |  32 bytes
 *   32         +--------------------------------------------------------------+
 *              | u32 count | count x { u64 size_bytes | u32 len | len bytes } |  name table
 *   rec_off    +--------------------------------------------------------------+
 *              | i64 t_ns | u64 offset | u32 len | u32 file | u32 stream      |  record 1
 *              | u8 op | u8 advice | u16 flags                                |
 *              +--------------------------------------------------------------+
 *              | ... nr_records records of 32 bytes, up to EOF                |
 *              +--------------------------------------------------------------+
 *
 * Version 1 (still read; pcsim wrote it until 2026-11) has the same header with
 * names_offset = 32 + 32 * nr_records at 24, the records at 32, and the name table after them,
 * up to EOF. That order made a compressed trace cost two decompressions: the table, needed
 * before the first record, comes last.
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
 * version, the record size, every name within the table, non-empty and without NUL, the table
 * ending exactly at records_offset (v1: names_offset exactly after the records and no bytes
 * after the table), and the records filling the rest of the file exactly; per record,
 * everything pcs_trace_check_event() checks, a file index below count, and time never going
 * backwards. A bad record is reported and skipped; the next one is readable.
 *
 * The reader maps a plain file (MADV_SEQUENTIAL); next() decodes one record in place. A
 * compressed file (.pcsb.zst, .gz, .bz2; input.c) is streamed, never decompressed to disk. In
 * version 2 it is read once: the table at open, the records by next(), which reports data
 * that ends inside a record or goes on after the last one. In version 1 a first pass at open
 * finds its size and keeps the name table, then next() decodes records from a second. The
 * writer streams records through stdio after a 32-byte gap, then moves them up through the
 * same stream to make room for the name table, and writes the header (which is why it cannot
 * write to a pipe).
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
#define PCSB_VERSION      2     /* written; version 1 is still read */
#define PCSB_HEADER_BYTES 32
#define PCSB_RECORD_BYTES 32
#define PCSB_LEN_NONE     G_MAXUINT32
#define PCSB_FILE_ALL     G_MAXUINT32
#define PCSB_MAX_NAME     4096
#define STREAM_CHUNK      (256 * 1024)   /* table bytes taken from a stream at a time */

/* ---- The reader ------------------------------------------------------------------------ */

typedef struct {
	PcsByteStream s;            /* the file: mapped, or decompressed through a buffer */
	const guint8 *base;         /* the mapping (plain files), or NULL */
	guint64       size;         /* of the data (streamed version 2: unknown; the header's 32) */
	guint32       version;      /* 1: names after the records; 2: names first */
	gboolean      check_tail;   /* version 2, streamed: next() checks the data ends */
	guint64       records_off;  /* where record 1 starts: 32 (v1) or records_offset (v2) */
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

static gboolean
fail_msg(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Sets a PCS_TRACE_ERROR_FORMAT error; FALSE. */
static gboolean
fail_msg(GError **error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (error)
		*error = g_error_new_valist(PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT, fmt, ap);
	va_end(ap);
	return FALSE;
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
 * Reads the name table at [pos, end) of the data, which tbl holds from offset tbl_off on:
 * every entry within bounds, non-empty, at most PCSB_MAX_NAME bytes and without NUL; interns
 * each name and notes its size. The table must fill [pos, end) exactly. In version 1 end is
 * the end of the file; in version 2 it is records_offset, and the messages say so.
 */
static gboolean
read_names(PcsbReader *r, PcsFileTable *files, const guint8 *tbl, guint64 tbl_off,
	   guint64 pos, guint64 end, gboolean v2, GError **error)
{
	const char *cut = v2 ? "runs past records_offset" : "is cut off";

	if (end < pos || end - pos < 4) {
		if (v2)
			return fail_msg(error, "records_offset %" G_GUINT64_FORMAT " leaves no room "
					"for the name table", end);
		return fail_msg(error, "truncated: no name table at offset %" G_GUINT64_FORMAT,
				pos);
	}
	r->nr_names = pcs_le32(tbl + (pos - tbl_off));
	pos += 4;
	if (r->nr_names > (end - pos) / 12)
		return fail_msg(error, "%sthe name table promises %u names but %s too short for "
				"them", v2 ? "" : "truncated: ", r->nr_names,
				v2 ? "records_offset leaves it" : "the file is");
	r->file_ids = g_new(guint32, MAX(r->nr_names, 1));
	for (guint32 i = 0; i < r->nr_names; i++) {
		guint64 size_bytes;
		guint32 len;
		const char *name;

		if (end - pos < 12)
			return fail_msg(error, "%sname %u of %u %s", v2 ? "" : "truncated: ", i,
					r->nr_names, cut);
		size_bytes = pcs_le64(tbl + (pos - tbl_off));
		len = pcs_le32(tbl + (pos - tbl_off) + 8);
		pos += 12;
		if (len == 0 || len > PCSB_MAX_NAME)
			return fail_msg(error, "name %u has length %u (expected 1..%d)", i, len,
					PCSB_MAX_NAME);
		if (end - pos < len)
			return fail_msg(error, "%sname %u of %u %s", v2 ? "" : "truncated: ", i,
					r->nr_names, cut);
		name = (const char *) tbl + (pos - tbl_off);
		if (memchr(name, '\0', len))
			return fail_msg(error, "name %u contains a NUL byte", i);
		r->file_ids[i] = pcs_files_intern(files, name, len);
		if (size_bytes)
			pcs_files_note_size(files, r->file_ids[i], size_bytes);
		pos += len;
	}
	if (pos != end) {
		if (v2)
			return fail_msg(error, "the name table ends at offset %" G_GUINT64_FORMAT
					", not at records_offset %" G_GUINT64_FORMAT, pos, end);
		return fail_msg(error, "%" G_GUINT64_FORMAT " unexpected bytes after the name "
				"table", end - pos);
	}
	return TRUE;
}

/*
 * Version 1, names after the records: the records lie within the file and the name table
 * starts right after them and runs to the end. A compressed file is first read through once
 * (scan_compressed) for its size and its table.
 */
static gboolean
open_v1(PcsbReader *r, const char *path, guint64 names_off, PcsFileTable *files,
	GError **error)
{
	g_autoptr(GByteArray) table = g_byte_array_new();
	const guint8 *tbl = r->base;
	guint64 pos, max_records, tbl_off = 0;

	if (!r->base) {
		if (!scan_compressed(path, names_off, r->nr_records, &r->size, table, error))
			return FALSE;
		tbl = table->data;
		tbl_off = names_off;
	}
	max_records = (r->size - PCSB_HEADER_BYTES) / PCSB_RECORD_BYTES;
	if (r->nr_records > max_records)
		return fail_msg(error, "truncated: the header promises %" G_GUINT64_FORMAT
				" records but the file has room for %" G_GUINT64_FORMAT,
				r->nr_records, max_records);
	pos = PCSB_HEADER_BYTES + r->nr_records * PCSB_RECORD_BYTES;
	if (names_off != pos)
		return fail_msg(error, "names_offset %" G_GUINT64_FORMAT " does not follow the "
				"records (expected %" G_GUINT64_FORMAT ")", names_off, pos);
	return read_names(r, files, tbl, tbl_off, pos, r->size, FALSE, error);
}

/*
 * Version 2, names first: the table fills [32, records_offset), the records run from there
 * to the end of the data. A mapped file is checked whole here; a compressed one is streamed
 * once: its table is read now (at most 64 MiB), its records by next(), which checks at the
 * end that nothing follows them.
 */
static gboolean
open_v2(PcsbReader *r, guint64 records_off, PcsFileTable *files, GError **error)
{
	g_autoptr(GByteArray) table = NULL;
	guint64 tbl_len;

	if (records_off < PCSB_HEADER_BYTES + 4)
		return fail_msg(error, "records_offset %" G_GUINT64_FORMAT " leaves no room for "
				"the name table", records_off);
	tbl_len = records_off - PCSB_HEADER_BYTES;
	if (r->base) {
		guint64 room;

		if (records_off > r->size)
			return fail_msg(error, "truncated: records_offset %" G_GUINT64_FORMAT
					" is past the end of the file (%" G_GUINT64_FORMAT " bytes)",
					records_off, r->size);
		if (!read_names(r, files, r->base, 0, PCSB_HEADER_BYTES, records_off, TRUE, error))
			return FALSE;
		room = (r->size - records_off) / PCSB_RECORD_BYTES;
		if (r->nr_records > room)
			return fail_msg(error, "truncated: the header promises %" G_GUINT64_FORMAT
					" records but the file has room for %" G_GUINT64_FORMAT,
					r->nr_records, room);
		if (r->size - records_off != r->nr_records * PCSB_RECORD_BYTES)
			return fail_msg(error, "%" G_GUINT64_FORMAT " unexpected bytes after the "
					"records", r->size - records_off -
					r->nr_records * PCSB_RECORD_BYTES);
		r->s.pos = r->base + records_off;
		return TRUE;
	}
	if (tbl_len > 64 * 1024 * 1024)
		return fail_msg(error, "the name table is larger than 64 MiB (records_offset "
				"%" G_GUINT64_FORMAT ")", records_off);
	table = g_byte_array_sized_new((guint) tbl_len);
	while (table->len < tbl_len) {
		gsize want = MIN(tbl_len - table->len, STREAM_CHUNK);
		gssize n = pcs_byte_stream_fill(&r->s, want, error);

		if (n < 0)
			return FALSE;
		if ((gsize) n < want)
			return fail_msg(error, "truncated: the data ends inside the name table "
					"(records_offset %" G_GUINT64_FORMAT ")", records_off);
		g_byte_array_append(table, r->s.pos, (guint) want);
		r->s.pos += want;
	}
	r->check_tail = TRUE;
	return read_names(r, files, table->data, PCSB_HEADER_BYTES, PCSB_HEADER_BYTES,
			  records_off, TRUE, error);
}

/*
 * 1. Open the file (mapped, or streamed when compressed); check the header: size, magic,
 *    version, record size.
 * 2. The name table and where the records start, by version (open_v1, open_v2).
 */
static gpointer
pcsb_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files,
	   GError **error)
{
	PcsbReader *r = g_new0(PcsbReader, 1);
	const guint8 *head;
	guint64 off24;
	guint32 rec_size;
	gssize have;
	gboolean ok;

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
	r->version = pcs_le32(head + 8);
	if (r->version != 1 && r->version != PCSB_VERSION)
		return fail(r, error, "unsupported version %u (this pcsim reads 1 and %d)",
			    r->version, PCSB_VERSION);
	rec_size = pcs_le32(head + 12);
	if (rec_size != PCSB_RECORD_BYTES)
		return fail(r, error, "record size %u, expected %d", rec_size, PCSB_RECORD_BYTES);
	r->nr_records = pcs_le64(head + 16);
	off24 = pcs_le64(head + 24);
	r->s.pos += PCSB_HEADER_BYTES;

	/* 2. */
	r->records_off = r->version == 1 ? PCSB_HEADER_BYTES : off24;
	ok = r->version == 1 ? open_v1(r, path, off24, files, error)
			     : open_v2(r, off24, files, error);
	if (!ok) {
		pcsb_close(r);
		return NULL;
	}
	return r;
}

/* Version 2, streamed: after the last record the data must end. FALSE with error if not. */
static gboolean
check_tail(PcsbReader *r, GError **error)
{
	gssize n;

	r->check_tail = FALSE;
	n = pcs_byte_stream_fill(&r->s, 1, error);
	if (n < 0)
		return FALSE;
	if (n > 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "unexpected bytes after the last record (the header promises %"
			    G_GUINT64_FORMAT " records)", r->nr_records);
		return FALSE;
	}
	return TRUE;
}

/* One record into ev: next() and, inlined in its loop, next_batch(). */
static inline __attribute__((always_inline)) PcsTraceStatus
pcsb_read(PcsbReader *r, PcsIoEvent *ev, GError **error)
{
	const guint8 *rec;
	guint32 len, file;

	if (r->next == r->nr_records) {
		if (G_UNLIKELY(r->check_tail) && !check_tail(r, error)) {
			r->next++;                    /* position() names the record after the last */
			r->nr_records = r->next;
			return PCS_TRACE_ERROR;
		}
		return PCS_TRACE_EOF;
	}
	if (G_UNLIKELY(r->s.end - r->s.pos < PCSB_RECORD_BYTES)) {
		gssize n = pcs_byte_stream_fill(&r->s, PCSB_RECORD_BYTES, error);

		if (G_UNLIKELY(n < PCSB_RECORD_BYTES)) {
			r->next++;                    /* position() names this record */
			if (n >= 0)
				g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
					    "truncated: the data ends inside this record (did "
					    "the file change while it was read?)");
			r->nr_records = r->next;      /* nothing more can be read */
			r->check_tail = FALSE;
			return PCS_TRACE_ERROR;
		}
	}
	rec = r->s.pos;
	/* 64 records ahead: the prefetcher alone leaves a load stall per line (trace info of
	 * the bench's 20M records: 0.66 s -> 0.61 s, median of 11) */
	__builtin_prefetch(rec + 2048);
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

static PcsTraceStatus
pcsb_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	return pcsb_read(p, ev, error);
}

static gsize
pcsb_next_batch(gpointer p, PcsIoEvent *ev, gsize n, PcsTraceStatus *st, GError **error)
{
	PcsbReader *r = p;

	for (gsize i = 0; i < n; i++) {
		*st = pcsb_read(r, &ev[i], error);
		if (G_UNLIKELY(*st != PCS_TRACE_OK))
			return i;
	}
	*st = PCS_TRACE_OK;
	return n;
}

static guint64
pcsb_position(gpointer p)
{
	return ((PcsbReader *) p)->next;
}

static guint64
pcsb_record_offset(gpointer p)
{
	const PcsbReader *r = p;

	return r->records_off + (r->next ? r->next - 1 : 0) * PCSB_RECORD_BYTES;
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
	.next_batch = pcsb_next_batch,
	.position = pcsb_position,
	.record_offset = pcsb_record_offset,
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

/* fwrite() of len bytes at off; FALSE on error. */
static gboolean
put_at(FILE *out, const void *buf, gsize len, guint64 off)
{
	return fseeko(out, (off_t) off, SEEK_SET) == 0 && fwrite(buf, 1, len, out) == len;
}

/*
 * The records were written after a 32-byte gap; the name table goes between the header and
 * the records (version 2), so a compressed trace can be read in one pass.
 * 1. Make the name table in memory.
 * 2. Move the records up by the table's size, last MiB first (the ranges overlap), through
 *    the stream (the writer opens it for reading too).
 * 3. Write the table at 32 and the header at 0.
 * Moving the records costs one more read and write of them: 0.6 s for the bench's 640 MB
 * trace, paid once per conversion instead of a second decompression on every read.
 */
static gboolean
pcsb_emit_finish(gpointer p, GError **error)
{
	PcsbWriter *w = p;
	guint32 count = pcs_files_count(w->files);
	g_autoptr(GByteArray) table = g_byte_array_new();
	g_autofree guint8 *buf = NULL;
	guint64 rec_bytes = w->nr_records * PCSB_RECORD_BYTES, left;
	guint8 hdr[PCSB_HEADER_BYTES], ent[12];
	gboolean ok = FALSE;

	/* 1. */
	put_le32(ent, count);
	g_byte_array_append(table, ent, 4);
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
		g_byte_array_append(table, ent, 12);
		g_byte_array_append(table, (const guint8 *) name, (guint) len);
	}
	/* 2. */
	errno = 0;
	buf = g_malloc(1024 * 1024);
	for (left = rec_bytes; left > 0;) {
		gsize n = (gsize) MIN(left, 1024 * 1024);

		left -= n;
		if (fseeko(w->out, (off_t) (PCSB_HEADER_BYTES + left), SEEK_SET) != 0 ||
		    fread(buf, 1, n, w->out) != n ||
		    !put_at(w->out, buf, n, PCSB_HEADER_BYTES + table->len + left))
			goto out;
	}
	/* 3. */
	memcpy(hdr, PCSB_MAGIC, PCSB_MAGIC_LEN);
	put_le32(hdr + 8, PCSB_VERSION);
	put_le32(hdr + 12, PCSB_RECORD_BYTES);
	put_le64(hdr + 16, w->nr_records);
	put_le64(hdr + 24, PCSB_HEADER_BYTES + table->len);
	if (!put_at(w->out, table->data, table->len, PCSB_HEADER_BYTES) ||
	    !put_at(w->out, hdr, sizeof hdr, 0))
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
