/*
 * lcs-vscsi.c - CloudPhysics' binary vSCSI traces as libCacheSim reads them ("vscsi").
 *
 *   v1, 32 bytes: u32 sn, u32 len, u32 nSG, u16 cmd, u16 ver (0x01..), u64 lbn, u64 ts
 *   v2, 40 bytes: u16 cmd, u16 ver (0x02..), u32 sn, u32 len, u32 nSG, u64 lbn, u64 ts, u64 rt
 *
 * Little-endian; len in bytes, lbn in 512-byte sectors, ts in microseconds; cmd a SCSI
 * opcode: READ(6/10/12/16) 0x08 0x28 0xa8 0x88, WRITE 0x0a 0x2a 0xaa 0x8a. Read through a
 * PcsByteStream (mapped, or decompressed on the fly).
 *
 * Detection: 85 when the first (up to) 64 records carry the version byte of v1 (or v2) and a
 * 16-bit opcode with a zero high byte, and a plain file is a whole number of records; 95
 * with a ".vscsi" name.
 *
 * Entry points: pcs_trace_vscsi_ops.
 *
 * What the three libCacheSim readers share (ids to pages, --id-unit, the volume "#0",
 * reordered times) is in lcs.h, with the whole family's essay.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/lcs.h"
#include "trace/reader.h"

/* ---- vscsi ----------------------------------------------------------------------------- */

#define VSCSI1_BYTES 32
#define VSCSI2_BYTES 40
#define VSCSI_PROBE_RECORDS 64

typedef struct {
	PcsByteStream s;
	gsize         rec_bytes;   /* 32 (v1) or 40 (v2) */
	guint64       index;       /* 1-based number of the record read last */
	IdMap         map;
} VscsiReader;

/* The version (1, 2) the record at p claims, or 0. */
static int
vscsi_version(const guint8 *p, gsize avail)
{
	if (avail >= VSCSI1_BYTES && p[15] == 1 && p[13] == 0)
		return 1;
	if (avail >= VSCSI2_BYTES && p[3] == 2 && p[1] == 0)
		return 2;
	return 0;
}

static void
vscsi_close(gpointer p)
{
	VscsiReader *r = p;

	if (!r)
		return;
	pcs_byte_stream_clear(&r->s);
	g_free(r);
}

static gpointer
vscsi_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files, GError **error)
{
	VscsiReader *r = g_new0(VscsiReader, 1);
	gssize have;
	int ver;

	if (!pcs_byte_stream_open(&r->s, path, error)) {
		g_free(r);
		return NULL;
	}
	have = pcs_byte_stream_fill(&r->s, VSCSI2_BYTES, error);
	if (have < 0) {
		vscsi_close(r);
		return NULL;
	}
	ver = vscsi_version(r->s.pos, (gsize) have);
	if (ver == 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "expected a vscsi v1 record (byte 15 = 0x01) or v2 record (byte 3 = "
			    "0x02) at the start, got neither");
		vscsi_close(r);
		return NULL;
	}
	r->rec_bytes = ver == 1 ? VSCSI1_BYTES : VSCSI2_BYTES;
	if (!pcs_byte_stream_is_compressed(&r->s) && (gsize) have % r->rec_bytes) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "size %" G_GSSIZE_FORMAT " is not a multiple of the %" G_GSIZE_FORMAT
			    "-byte vscsi v%d record", have, r->rec_bytes, ver);
		vscsi_close(r);
		return NULL;
	}
	id_map_init(&r->map, files, opts);
	return r;
}

static PcsTraceStatus
vscsi_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	VscsiReader *r = p;
	const guint8 *rec;
	guint64 lbn, ts;
	guint32 len;
	guint16 cmd;
	gboolean write;

	if (G_UNLIKELY((gsize) (r->s.end - r->s.pos) < r->rec_bytes)) {
		gssize n = pcs_byte_stream_fill(&r->s, r->rec_bytes, error);

		if (n < 0)
			return PCS_TRACE_ERROR;
		if (n == 0)
			return PCS_TRACE_EOF;
		if ((gsize) n < r->rec_bytes) {
			r->index++;
			r->s.pos = r->s.end;
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "truncated record: the data ends after %" G_GSSIZE_FORMAT
				    " of its %" G_GSIZE_FORMAT " bytes", n, r->rec_bytes);
			return PCS_TRACE_ERROR;
		}
	}
	rec = r->s.pos;
	r->s.pos += r->rec_bytes;
	r->index++;
	if (r->rec_bytes == VSCSI1_BYTES) {
		len = pcs_le32(rec + 4);
		cmd = pcs_le16(rec + 12);
		lbn = pcs_le64(rec + 16);
		ts = pcs_le64(rec + 24);
	} else {
		cmd = pcs_le16(rec);
		len = pcs_le32(rec + 8);
		lbn = pcs_le64(rec + 16);
		ts = pcs_le64(rec + 24);
	}
	switch (cmd) {
	case 0x08: case 0x28: case 0x88: case 0xa8:
		write = FALSE;
		break;
	case 0x0a: case 0x2a: case 0x8a: case 0xaa:
		write = TRUE;
		break;
	default:
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "expected a SCSI READ (0x08 0x28 0x88 0xa8) or WRITE (0x0a 0x2a 0x8a "
			    "0xaa) command, got 0x%02x", cmd);
		return PCS_TRACE_ERROR;
	}
	if (G_UNLIKELY(ts > (guint64) G_MAXINT64 / 1000)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "timestamp %" G_GUINT64_FORMAT " us is too large", ts);
		return PCS_TRACE_ERROR;
	}
	if (!id_map_event(&r->map, lbn, len, (gint64) (ts * 1000), write, ev, error))
		return PCS_TRACE_ERROR;
	return PCS_TRACE_OK;
}

static guint64
vscsi_position(gpointer p)
{
	return ((VscsiReader *) p)->index;
}

static guint64
vscsi_record_offset(gpointer p)
{
	const VscsiReader *r = p;

	return (r->index ? r->index - 1 : 0) * r->rec_bytes;
}

static double
vscsi_progress(gpointer p)
{
	return pcs_byte_stream_progress(&((VscsiReader *) p)->s);
}

static void
vscsi_notes(gpointer p, GString *out)
{
	id_map_notes(&((VscsiReader *) p)->map, out);
}

static int
vscsi_probe(const char *path, const guint8 *head, gsize len)
{
	int ver = vscsi_version(head, len);
	gsize rec_bytes = ver == 1 ? VSCSI1_BYTES : VSCSI2_BYTES;
	guint64 size;
	gsize n;

	if (ver == 0)
		return 0;
	if (pcs_input_plain_size(path, &size) && size % rec_bytes)
		return 0;
	n = MIN(len / rec_bytes, VSCSI_PROBE_RECORDS);
	for (gsize i = 0; i < n; i++)
		if (vscsi_version(head + i * rec_bytes, rec_bytes) != ver)
			return 0;
	return pcs_trace_name_has_suffix(path, ".vscsi") ? 95 : 85;
}

const PcsTraceOps pcs_trace_vscsi_ops = {
	.name = "vscsi",
	.description = "CloudPhysics vSCSI binary (v1 32 B, v2 40 B records); one page per lbn",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_WRITES,
	.probe = vscsi_probe,
	.open = vscsi_open,
	.next = vscsi_next,
	.position = vscsi_position,
	.record_offset = vscsi_record_offset,
	.progress = vscsi_progress,
	.close = vscsi_close,
	.position_is_line = FALSE,
	.notes = vscsi_notes,
};
