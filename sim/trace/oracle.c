/*
 * oracle.c - libCacheSim's "oracleGeneral" binary traces, "oracle-general" here.
 *
 * The file is nothing but 24-byte little-endian records, no header and no magic:
 *
 *     0        4                12           16                  24
 *     +--------+----------------+------------+-------------------+
 *     | u32    | u64 obj_id     | u32        | i64               |
 *     | time s |                | obj_size   | next_access_vtime |   (-1: never again)
 *     +--------+----------------+------------+-------------------+
 *
 * Mapping: every record is ONE read of one 4 KiB page of one volume, as libCacheSim and the
 * benchmark floor count it:
 *
 *     { t_ns = time * 10^9, op = read, file = "#0", stream = 0,
 *       offset = obj_id * 4096, len = 4096 }
 *
 * obj_size is ignored (an object is a page; a 64 KiB request is still one page, as
 * libCacheSim's --ignore-obj-size counts), and so is next_access_vtime (an oracle for offline
 * policies; pcsim's policies are online). obj_id must be below 2^52 - 1 so that obj_id * 4096 + 4096 fits
 * in 64 bits; a larger one (hashed ids, as in some public traces) is a record error, and the
 * replay can skip it. Times are seconds, so many records share one; they are not checked for
 * order (the probe checks the first 64).
 *
 * With --id-unit SIZE (PcsTraceOptions.id_unit_bytes) ids are addresses instead: the record
 * reads [obj_id * SIZE, obj_id * SIZE + obj_size), every page of it (512 for the sector
 * numbers of the CloudPhysics traces). obj_size 0 and a product past 2^64 are record errors.
 *
 * Detection: there is no magic, so the probe looks for plausibility: the size is a non-zero
 * multiple of 24 (of a compressed file, only its first decompressed bytes are seen), and in
 * the first (up to) 64 records time never decreases, 0 < obj_size < 2^31, and
 * next_access_vtime is -1 or beyond the record's own index. Then the score is 90 when the
 * name ends in ".oracleGeneral" or ".oracleGeneral.bin" (before any ".zst", ".gz", ".bz2"),
 * 40 otherwise (so a pcsim-text trace, at 60, still wins over a text file that happens to
 * look plausible).
 *
 * This reader is the benchmark's hot path (tens of millions of records): a plain file is
 * mapped with MADV_SEQUENTIAL, a compressed one streamed through a 1 MiB buffer (input.c), and
 * next() decodes one record in place, with no GError, no allocation and no call except when
 * the buffer runs dry or the volume's known size grows. A compressed file whose data ends
 * inside a record reports that record as truncated (a plain one is refused at open).
 *
 * Entry point: pcs_trace_oracle_ops.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define ORACLE_RECORD_BYTES 24
/* Ids below this keep obj_id * 4096 + 4096 within 64 bits. */
#define ORACLE_MAX_OBJ      ((G_GUINT64_CONSTANT(1) << (64 - PCS_PAGE_SHIFT)) - 1)
#define ORACLE_VOLUME       "#0"
#define ORACLE_PROBE_RECORDS 64

typedef struct {
	PcsByteStream s;          /* the records: mapped, or decompressed through a buffer */
	guint64       index;      /* 1-based number of the record next() read last */
	guint64       id_unit;    /* 0: an id is a page; else bytes per id unit (--id-unit) */
	PcsFileTable *files;      /* borrowed */
	guint32       file;       /* id of "#0" */
	guint64       max_end;    /* largest offset + len noted for the volume */
} OracleReader;

static void
oracle_close(gpointer p)
{
	OracleReader *r = p;

	if (!r)
		return;
	pcs_byte_stream_clear(&r->s);
	g_free(r);
}

static gpointer
oracle_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files,
	   GError **error)
{
	OracleReader *r = g_new0(OracleReader, 1);
	gsize size;

	if (!pcs_byte_stream_open(&r->s, path, error)) {
		g_free(r);
		return NULL;
	}
	size = (gsize) (r->s.end - r->s.pos);
	if (!pcs_byte_stream_is_compressed(&r->s) && size % ORACLE_RECORD_BYTES) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "size %" G_GSIZE_FORMAT " is not a multiple of the %d-byte record: %"
			    G_GSIZE_FORMAT " trailing bytes after record %" G_GSIZE_FORMAT,
			    size, ORACLE_RECORD_BYTES, size % ORACLE_RECORD_BYTES,
			    size / ORACLE_RECORD_BYTES);
		oracle_close(r);
		return NULL;
	}
	r->id_unit = opts->id_unit_bytes;
	r->files = files;
	r->file = pcs_files_intern(files, ORACLE_VOLUME, strlen(ORACLE_VOLUME));
	return r;
}

/* The slow path of next(): refills a compressed stream; EOF, or a record cut short. */
static PcsTraceStatus
oracle_refill(OracleReader *r, GError **error)
{
	gssize n = pcs_byte_stream_fill(&r->s, ORACLE_RECORD_BYTES, error);

	if (n < 0)
		return PCS_TRACE_ERROR;
	if (n == 0)
		return PCS_TRACE_EOF;
	if (n < ORACLE_RECORD_BYTES) {
		r->index++;
		r->s.pos = r->s.end;
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "truncated record at byte %" G_GUINT64_FORMAT ": the data ends after %"
			    G_GSSIZE_FORMAT " of its %d bytes", pcs_byte_stream_offset(&r->s) -
			    (guint64) n, n, ORACLE_RECORD_BYTES);
		return PCS_TRACE_ERROR;
	}
	return PCS_TRACE_OK;
}

static PcsTraceStatus
oracle_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	OracleReader *r = p;
	const guint8 *rec;
	guint64 obj, end;

	if (G_UNLIKELY(r->s.end - r->s.pos < ORACLE_RECORD_BYTES)) {
		PcsTraceStatus st = oracle_refill(r, error);

		if (st != PCS_TRACE_OK)
			return st;
	}
	rec = r->s.pos;
	r->s.pos = rec + ORACLE_RECORD_BYTES;
	r->index++;
	obj = pcs_le64(rec + 4);
	if (G_LIKELY(!r->id_unit)) {
		if (G_UNLIKELY(obj >= ORACLE_MAX_OBJ)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "obj_id %" G_GUINT64_FORMAT " is too large (pcsim takes ids "
				    "below 2^52 - 1, one 4 KiB page each)", obj);
			return PCS_TRACE_ERROR;
		}
		ev->offset_bytes = obj << PCS_PAGE_SHIFT;
		ev->len_bytes = PCS_PAGE_SIZE;
	} else {
		guint32 size = pcs_le32(rec + 12);

		if (G_UNLIKELY(size == 0 || obj > (G_MAXUINT64 - size) / r->id_unit)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    size == 0 ? "obj_size 0: with --id-unit a request needs a size"
				    : "obj_id %" G_GUINT64_FORMAT " times --id-unit %" G_GUINT64_FORMAT
				    " overflows 64 bits", obj, r->id_unit);
			return PCS_TRACE_ERROR;
		}
		ev->offset_bytes = obj * r->id_unit;
		ev->len_bytes = size;
	}
	ev->t_ns = (gint64) pcs_le32(rec) * 1000000000;
	ev->file = r->file;
	ev->stream = 0;
	ev->op = PCS_OP_READ;
	ev->advice = PCS_ADVICE_NONE;
	ev->flags = 0;
	end = ev->offset_bytes + ev->len_bytes;
	if (G_UNLIKELY(end > r->max_end)) {
		r->max_end = end;
		pcs_files_note_size(r->files, r->file, end);
	}
	return PCS_TRACE_OK;
}

static guint64
oracle_position(gpointer p)
{
	return ((OracleReader *) p)->index;
}

static guint64
oracle_record_offset(gpointer p)
{
	const OracleReader *r = p;

	return (r->index ? r->index - 1 : 0) * ORACLE_RECORD_BYTES;
}

static double
oracle_progress(gpointer p)
{
	return pcs_byte_stream_progress(&((OracleReader *) p)->s);
}

static int
oracle_probe(const char *path, const guint8 *head, gsize len)
{
	gsize n = MIN(len / ORACLE_RECORD_BYTES, ORACLE_PROBE_RECORDS);
	guint64 size;
	guint32 prev_t = 0;

	/* A plain file must be a whole number of records; a compressed one is checked at EOF. */
	if (pcs_input_plain_size(path, &size) && (size == 0 || size % ORACLE_RECORD_BYTES))
		return 0;
	if (len < PCS_TRACE_PROBE_BYTES && len % ORACLE_RECORD_BYTES)
		return 0;
	if (n == 0)
		return 0;
	for (gsize i = 0; i < n; i++) {
		const guint8 *rec = head + i * ORACLE_RECORD_BYTES;
		guint32 t = pcs_le32(rec);
		guint32 obj_size = pcs_le32(rec + 12);
		gint64 next_access = (gint64) pcs_le64(rec + 16);

		if (i > 0 && t < prev_t)
			return 0;
		if (obj_size == 0 || obj_size >= (1u << 31))
			return 0;
		if (next_access != -1 && next_access <= (gint64) i)
			return 0;
		prev_t = t;
	}
	if (pcs_trace_name_has_suffix(path, ".oracleGeneral") ||
	    pcs_trace_name_has_suffix(path, ".oracleGeneral.bin"))
		return 90;
	return 40;
}

const PcsTraceOps pcs_trace_oracle_ops = {
	.name = "oracle-general",
	.description = "libCacheSim oracleGeneral: 24-byte records, one 4 KiB page read each",
	.caps = PCS_TRACE_CAP_TIME,
	.probe = oracle_probe,
	.open = oracle_open,
	.next = oracle_next,
	.position = oracle_position,
	.record_offset = oracle_record_offset,
	.progress = oracle_progress,
	.close = oracle_close,
	.position_is_line = FALSE,
};
