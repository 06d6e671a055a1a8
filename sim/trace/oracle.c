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
 * obj_size is ignored (an object is a page; a 64 KiB request is still one page), and so is
 * next_access_vtime (an oracle for offline policies; pcsim's policies are online). obj_id must
 * be below 2^52 so that obj_id * 4096 fits in 64 bits; a larger one (hashed ids, as in some
 * public traces) is a record error, and the replay can skip it. Times are seconds, so many
 * records share one; they are not checked for order (the probe checks the first 64).
 *
 * Detection: there is no magic, so the probe looks for plausibility: the size is a non-zero
 * multiple of 24, and in the first (up to) 64 records time never decreases, 0 < obj_size
 * < 2^31, and next_access_vtime is -1 or beyond the record's own index. Then the score is 90
 * when the name ends in ".oracleGeneral" or ".oracleGeneral.bin", 40 otherwise (so a
 * pcsim-text trace, at 60, still wins over a text file that happens to look plausible).
 *
 * This reader is the benchmark's hot path (tens of millions of records): the file is mapped
 * with MADV_SEQUENTIAL and next() decodes one record in place, with no GError, no allocation
 * and no call except when the volume's known size grows.
 *
 * Entry point: pcs_trace_oracle_ops.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define ORACLE_RECORD_BYTES 24
#define ORACLE_MAX_OBJ      (G_GUINT64_CONSTANT(1) << (64 - PCS_PAGE_SHIFT))
#define ORACLE_VOLUME       "#0"
#define ORACLE_PROBE_RECORDS 64

typedef struct {
	const guint8 *base;
	gsize         size;
	const guint8 *pos;        /* next record */
	const guint8 *end;        /* base + size */
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
	pcs_trace_unmap_file(r->base, r->size);
	g_free(r);
}

static gpointer
oracle_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files,
	   GError **error)
{
	OracleReader *r = g_new0(OracleReader, 1);

	if (!pcs_trace_map_file(path, &r->base, &r->size, error)) {
		g_free(r);
		return NULL;
	}
	if (r->size % ORACLE_RECORD_BYTES) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "size %" G_GSIZE_FORMAT " is not a multiple of the %d-byte record: %"
			    G_GSIZE_FORMAT " trailing bytes after record %" G_GSIZE_FORMAT,
			    r->size, ORACLE_RECORD_BYTES, r->size % ORACLE_RECORD_BYTES,
			    r->size / ORACLE_RECORD_BYTES);
		oracle_close(r);
		return NULL;
	}
	r->pos = r->base;
	r->end = r->base + r->size;
	r->files = files;
	r->file = pcs_files_intern(files, ORACLE_VOLUME, strlen(ORACLE_VOLUME));
	return r;
}

static PcsTraceStatus
oracle_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	OracleReader *r = p;
	const guint8 *rec = r->pos;
	guint64 obj, end;

	if (G_UNLIKELY(rec == r->end))
		return PCS_TRACE_EOF;
	r->pos = rec + ORACLE_RECORD_BYTES;
	obj = pcs_le64(rec + 4);
	if (G_UNLIKELY(obj >= ORACLE_MAX_OBJ)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "obj_id %" G_GUINT64_FORMAT " is too large (pcsim takes ids below 2^52, "
			    "one 4 KiB page each)", obj);
		return PCS_TRACE_ERROR;
	}
	ev->t_ns = (gint64) pcs_le32(rec) * 1000000000;
	ev->offset_bytes = obj << PCS_PAGE_SHIFT;
	ev->len_bytes = PCS_PAGE_SIZE;
	ev->file = r->file;
	ev->stream = 0;
	ev->op = PCS_OP_READ;
	ev->advice = PCS_ADVICE_NONE;
	ev->flags = 0;
	end = ev->offset_bytes + PCS_PAGE_SIZE;
	if (G_UNLIKELY(end > r->max_end)) {
		r->max_end = end;
		pcs_files_note_size(r->files, r->file, end);
	}
	return PCS_TRACE_OK;
}

static guint64
oracle_position(gpointer p)
{
	OracleReader *r = p;

	return (guint64) (r->pos - r->base) / ORACLE_RECORD_BYTES;
}

static double
oracle_progress(gpointer p)
{
	OracleReader *r = p;

	return r->size ? (double) (r->pos - r->base) / (double) r->size : 1.0;
}

static gboolean
ends_with(const char *s, const char *suffix)
{
	gsize n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
oracle_probe(const char *path, const guint8 *head, gsize len)
{
	GStatBuf st;
	gsize n = MIN(len / ORACLE_RECORD_BYTES, ORACLE_PROBE_RECORDS);
	guint32 prev_t = 0;

	if (g_stat(path, &st) != 0 || st.st_size <= 0 || st.st_size % ORACLE_RECORD_BYTES)
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
	if (ends_with(path, ".oracleGeneral") || ends_with(path, ".oracleGeneral.bin"))
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
	.progress = oracle_progress,
	.close = oracle_close,
	.position_is_line = FALSE,
};
