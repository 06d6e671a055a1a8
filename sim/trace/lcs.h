/*
 * lcs.h - libCacheSim's csv, txt and vscsi traces ("lcs-csv", "lcs-txt", "vscsi"), so the
 * large public collections converted for libCacheSim replay as they are. (Its oracleGeneral
 * binary format is oracle.c.)
 *
 *   lcs-csv   delimited text, columns named by --csv-spec or by a header row:
 *               time-col=1,obj-id-col=2,obj-size-col=3,op-col=4,has-header=true,delimiter=,
 *             (1-based columns, as libCacheSim's -t option; pcsim adds time-unit=s|ms|us|ns,
 *             default s). Without --csv-spec the first row must be a header naming at least
 *             an id column (obj_id, id, key, lbn, lba, block...), and optionally time, size
 *             and op columns (time/timestamp, size/obj_size/len, op/type/cmd...).
 *   lcs-txt   one object id per line.
 *   vscsi     CloudPhysics' binary vSCSI records, little-endian (libCacheSim's layouts):
 *               v1, 32 bytes: u32 sn, u32 len, u32 nSG, u16 cmd, u16 ver (0x01..), u64 lbn,
 *                             u64 ts
 *               v2, 40 bytes: u16 cmd, u16 ver (0x02..), u32 sn, u32 len, u32 nSG, u64 lbn,
 *                             u64 ts, u64 rt
 *             len in bytes, lbn in 512-byte sectors, ts in microseconds; cmd a SCSI opcode:
 *             READ(6/10/12/16) 0x08 0x28 0xa8 0x88, WRITE 0x0a 0x2a 0xaa 0x8a.
 *
 * Ids are objects, not byte addresses. By default each id is ONE page, whatever its size:
 * the record touches [id * 4096, id * 4096 + 4096), so page counts equal libCacheSim's object
 * counts under --ignore-obj-size and hit ratios compare directly. With --id-unit SIZE
 * (PcsTraceOptions.id_unit_bytes) ids are addresses in SIZE-byte units and a record covers
 * [id * SIZE, id * SIZE + size): every page of the request (size = the size column, vscsi's
 * len; one SIZE when a csv has no size column, and for txt). All records go to one volume,
 * "#0" (as oracle-general), stream 0, so the four libCacheSim encodings of one trace give the
 * same events. Ops: csv op column values read/get/gets/r/28 (any case, hex with or without
 * 0x) read, write/set/add/replace/cas/append/prepend/update/incr/decr/w/2a write; without an
 * op column, and in txt, everything is a read. Times: csv time column scaled by time-unit;
 * vscsi ts * 1000; txt has none. Records earlier than the one before get its time (libCacheSim
 * traces are sorted; this only guards the replay), counted in the notes.
 *
 * Detection: lcs-csv 45 when the first line is a header naming an id column (55 with a ".csv"
 * name), else 0 (a csv without a header needs --format lcs-csv --csv-spec). lcs-txt 30 when
 * every line of the head is an unsigned number (50 with a ".txt" name); the LIRS reader (lis.c)
 * accepts the same lines, and wins with its own hints. vscsi 85 when the first (up to) 64
 * records carry the version byte of v1 (or v2) and a 16-bit opcode with a zero high byte, and
 * a plain file is a whole number of records; 95 with a ".vscsi" name.
 *
 * vscsi is read through a PcsByteStream (mapped, or decompressed on the fly), csv and txt
 * through the line reader; nothing is allocated per record.
 *
 * One file per format: lcs-csv.c, lcs-txt.c, lcs-vscsi.c. This private header holds what the
 * three share: the mapping of ids to events (IdMap; inline, it is on every record's path),
 * and two small text helpers.
 *
 * Entry points (in the .c files): pcs_trace_lcs_csv_ops, pcs_trace_lcs_txt_ops,
 * pcs_trace_vscsi_ops.
 */
#ifndef PCSIM_TRACE_LCS_H
#define PCSIM_TRACE_LCS_H

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define LCS_VOLUME     "#0"
#define LCS_MAX_ID     ((G_GUINT64_CONSTANT(1) << (64 - PCS_PAGE_SHIFT)) - 1)  /* id*4096+4096 fits */

/* ---- What the three readers share: ids to events -------------------------------------- */

typedef struct {
	PcsFileTable *files;        /* borrowed */
	guint32       file;         /* "#0" */
	guint64       id_unit;      /* 0: an id is a page */
	guint64       max_end;
	gint64        last_t_ns;
	guint64       nr_reordered;
} IdMap;

static inline void
id_map_init(IdMap *m, PcsFileTable *files, const PcsTraceOptions *opts)
{
	m->files = files;
	m->file = pcs_files_intern(files, LCS_VOLUME, strlen(LCS_VOLUME));
	m->id_unit = opts->id_unit_bytes;
	m->last_t_ns = PCS_TIME_UNKNOWN;
}

/*
 * Fills ev for id (size bytes; G_MAXUINT64 when the record has no size). Fails with a
 * PCS_TRACE_ERROR_PARSE error when the id does not fit (2^52 pages, or 2^64 bytes).
 */
static inline gboolean
id_map_event(IdMap *m, guint64 id, guint64 size, gint64 t_ns, gboolean write, PcsIoEvent *ev,
	     GError **error)
{
	guint64 end;

	if (G_LIKELY(!m->id_unit)) {
		if (G_UNLIKELY(id >= LCS_MAX_ID)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "id %" G_GUINT64_FORMAT " is too large (pcsim takes ids below "
				    "2^52, one 4 KiB page each)", id);
			return FALSE;
		}
		ev->offset_bytes = id << PCS_PAGE_SHIFT;
		ev->len_bytes = PCS_PAGE_SIZE;
	} else {
		if (size == G_MAXUINT64)
			size = m->id_unit;
		if (G_UNLIKELY(size == 0)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "size 0: with --id-unit a request needs a size");
			return FALSE;
		}
		if (G_UNLIKELY(id > (G_MAXUINT64 - size) / m->id_unit)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "id %" G_GUINT64_FORMAT " times --id-unit %" G_GUINT64_FORMAT
				    " plus size overflows 64 bits", id, m->id_unit);
			return FALSE;
		}
		ev->offset_bytes = id * m->id_unit;
		ev->len_bytes = size;
	}
	if (t_ns != PCS_TIME_UNKNOWN) {
		if (G_UNLIKELY(t_ns < m->last_t_ns)) {
			t_ns = m->last_t_ns;
			m->nr_reordered++;
		}
		m->last_t_ns = t_ns;
	}
	ev->t_ns = t_ns;
	ev->file = m->file;
	ev->stream = 0;
	ev->op = write ? PCS_OP_WRITE : PCS_OP_READ;
	ev->advice = PCS_ADVICE_NONE;
	ev->flags = 0;
	end = ev->offset_bytes + ev->len_bytes;
	if (G_UNLIKELY(end > m->max_end)) {
		m->max_end = end;
		pcs_files_note_size(m->files, m->file, end);
	}
	return TRUE;
}

static inline void
id_map_notes(const IdMap *m, GString *out)
{
	pcs_trace_note_reordered(out, m->nr_reordered);
}

static inline gboolean
bad_value(GError **error, const char *what, const char *s, gsize len)
{
	pcs_trace_bad_input(error, s, len, "expected %s", what);
	return FALSE;
}

/* Drops blanks and a '\r' at both ends, and one pair of double quotes. */
static inline void
trim(const char **s, gsize *len)
{
	const char *p = *s, *e = p + *len;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - p >= 2 && *p == '"' && e[-1] == '"') {
		p++;
		e--;
	}
	*s = p;
	*len = (gsize) (e - p);
}

#endif
