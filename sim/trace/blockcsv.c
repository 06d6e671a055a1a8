/*
 * blockcsv.c - the public block-I/O traces that are one request per text line: MSR Cambridge,
 * UMass SPC, SYSTOR'17, Tencent CBS, Alibaba block 2020 and DiskSim ASCII.
 *
 * They differ only in column order, units and how a volume is named, so one reader serves all
 * six, driven by a small const table (BlockFormat), one row per format:
 *
 *   format   columns (delimiter)                                  units                  volume
 *   msr      Timestamp,Hostname,DiskNumber,Type,Offset,Size,      FILETIME 100 ns ticks, host_disk
 *            ResponseTime                                          bytes, Read/Write
 *   spc      ASU,LBA,Size,Opcode,Timestamp                        LBA 512 B, size bytes, ASU
 *                                                                  R/W, seconds (fraction)
 *   systor   Timestamp,Response,IOType,LUN,Offset,Size            seconds (fraction), R/W, LUN
 *            (optional header row of exactly these names)          bytes
 *   tencent  Timestamp,Offset,Size,IOType,VolumeID                seconds, 512 B sectors, VolumeID
 *                                                                  0 read / 1 write
 *   alibaba  device_id,opcode,offset,length,timestamp             R/W, bytes, microseconds device_id
 *   disksim  time dev lba size type (blanks)                      ms (fraction), 512 B   dev
 *                                                                  blocks, bit 0 of type = read
 *
 * Every record becomes one read or write of [offset, offset + size) bytes of its volume; a
 * volume is a "file" named "#FORMAT:VOLUME" ("#msr:hm_0", "#tencent:1058"; '#' marks a
 * volume, see files.h) with one stream of its own (streams numbered in order of first
 * appearance), so per-stream readahead state is per device, as in the block layer. Times are
 * made nanoseconds since the Unix epoch where the trace's clock is absolute (MSR's FILETIME
 * minus 1601..1970, SYSTOR, Tencent, Alibaba) and kept relative otherwise (SPC, DiskSim).
 *
 * Order: pcsim wants times that never decrease, and these traces are not strictly sorted
 * (Tencent's rows, SYSTOR's completions interleave). A record earlier than the latest one
 * gets the latest time (the order of the file is the order replayed); how many were moved is
 * a note (`pcsim trace info`). Nothing else is changed or dropped.
 *
 * Errors ("expected Type as Read or Write, got 'Rd'", "expected 7 fields separated by ',' ...,
 * got 5") leave the reader at the next line; a record that fails changes nothing. Numbers are
 * strict (reader.h); byte offsets that overflow 64 bits once scaled are errors.
 *
 * Detection: no magic, so each probe checks that the first (up to) 32 records of the head
 * parse with exactly the right number of fields, and each field its shape (digits, R/W, ...).
 * The shapes are disjoint: only MSR has 7 fields; SYSTOR 6; of the 5-field ones SPC has R/W
 * in column 4, Tencent 0/1 there, Alibaba R/W in column 2; DiskSim is blank-separated. Score:
 * 95 with SYSTOR's header, 50 plausible, 70 plausible and the name carries a hint ("msr",
 * "spc", "systor", "tencent", "cbs", "alibaba", "disksim"). Lines of the head are parsed with
 * the same code as records, so a file the probe accepts reads.
 *
 * Speed: one pass over each line (memchr for the line, one scan splitting fields, strict
 * digit loops), and the last volume is cached so the file table's hash is consulted only when
 * the volume changes. Nothing is allocated per record.
 *
 * Entry points: pcs_trace_msr_ops, pcs_trace_spc_ops, pcs_trace_systor_ops,
 * pcs_trace_tencent_ops, pcs_trace_alibaba_ops, pcs_trace_disksim_ops.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define MAX_FIELDS      8
#define MAX_VOLUME      96        /* bytes of a volume name after the prefix */
#define PROBE_RECORDS   32
#define SECTOR_BYTES    512

/* 100 ns ticks from 1601-01-01 to 1970-01-01. */
#define FILETIME_UNIX_EPOCH G_GUINT64_CONSTANT(116444736000000000)

typedef struct {
	const char *s;
	gsize       len;
} Field;

/* What a line says, before it touches any reader state. */
typedef struct {
	gint64      t_ns;
	guint64     offset_bytes;
	guint64     len_bytes;
	gboolean    write;
	const char *vol;         /* volume key, in the line */
	gsize       vol_len;
	const char *vol2;        /* second part (MSR disk number), or NULL */
	gsize       vol2_len;
} BlockRecord;

typedef struct {
	const char *name;        /* format name, also the volume prefix "#name:" */
	char        delim;       /* ',' or ' ' (runs of blanks) */
	guint       nr_fields;
	const char *columns;     /* for messages and the optional header row */
	gboolean    header_ok;   /* the file may start with `columns` as a header row */
	const char *hints[3];    /* name fragments that make the format likelier */
	gboolean  (*parse)(const Field *f, BlockRecord *rec, GError **error);
} BlockFormat;

/* ---- Field parsers --------------------------------------------------------------------- */

static gboolean
bad_field(GError **error, const char *what, const Field *f)
{
	pcs_trace_bad_input(error, f->s, f->len, "expected %s", what);
	return FALSE;
}

static inline gboolean
field_u64(const Field *f, const char *what, guint64 *v, GError **error)
{
	if (G_LIKELY(pcs_parse_u64(f->s, f->len, v)))
		return TRUE;
	return bad_field(error, what, f);
}

/* Seconds (or ms: frac_digits 6) with an optional fraction, as nanoseconds. */
static inline gboolean
field_fixed(const Field *f, unsigned frac_digits, const char *what, gint64 *t_ns, GError **error)
{
	guint64 v;

	if (G_LIKELY(pcs_parse_fixed(f->s, f->len, frac_digits, &v))) {
		*t_ns = (gint64) v;
		return TRUE;
	}
	return bad_field(error, what, f);
}

/* v * unit, refusing overflow. */
static inline gboolean
scale(guint64 v, guint64 unit, guint64 *out, const char *what, GError **error)
{
	if (G_UNLIKELY(v > G_MAXUINT64 / unit)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s %" G_GUINT64_FORMAT " overflows 64 bits in bytes", what, v);
		return FALSE;
	}
	*out = v * unit;
	return TRUE;
}

/* 'R'/'W' (any case): TRUE for a valid one, *write set. */
static inline gboolean
field_rw(const Field *f, const char *what, gboolean *write, GError **error)
{
	if (f->len == 1) {
		char c = (char) (f->s[0] | 0x20);

		if (c == 'r' || c == 'w') {
			*write = c == 'w';
			return TRUE;
		}
	}
	return bad_field(error, what, f);
}

/* A volume key: non-empty, printable, no '/' nor blanks (it becomes part of a name). */
static gboolean
field_volume(const Field *f, const char *what, GError **error)
{
	if (f->len == 0 || f->len > MAX_VOLUME)
		return bad_field(error, what, f);
	for (gsize i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char) f->s[i];

		if (c <= 0x20 || c >= 0x7f || c == '/')
			return bad_field(error, what, f);
	}
	return TRUE;
}

/* ---- The six formats ------------------------------------------------------------------- */

static gboolean
parse_msr(const Field *f, BlockRecord *rec, GError **error)
{
	guint64 ticks, disk, resp;

	if (!field_u64(&f[0], "Timestamp as Windows FILETIME (100 ns ticks)", &ticks, error))
		return FALSE;
	if (!field_volume(&f[1], "Hostname as a name without blanks", error))
		return FALSE;
	if (!field_u64(&f[2], "DiskNumber as an unsigned number", &disk, error))
		return FALSE;
	if (f[3].len == 4 && g_ascii_strncasecmp(f[3].s, "Read", 4) == 0)
		rec->write = FALSE;
	else if (f[3].len == 5 && g_ascii_strncasecmp(f[3].s, "Write", 5) == 0)
		rec->write = TRUE;
	else
		return bad_field(error, "Type as Read or Write", &f[3]);
	if (!field_u64(&f[4], "Offset as unsigned decimal bytes", &rec->offset_bytes, error) ||
	    !field_u64(&f[5], "Size as unsigned decimal bytes", &rec->len_bytes, error) ||
	    !field_u64(&f[6], "ResponseTime as an unsigned number", &resp, error))
		return FALSE;
	/* Absolute FILETIMEs become Unix time; small ones (rebased traces) stay relative. */
	if (ticks >= FILETIME_UNIX_EPOCH)
		ticks -= FILETIME_UNIX_EPOCH;
	if (ticks > (guint64) G_MAXINT64 / 100)
		return bad_field(error, "Timestamp as Windows FILETIME (100 ns ticks)", &f[0]);
	rec->t_ns = (gint64) (ticks * 100);
	rec->vol = f[1].s;
	rec->vol_len = f[1].len;
	rec->vol2 = f[2].s;
	rec->vol2_len = f[2].len;
	return TRUE;
}

static gboolean
parse_spc(const Field *f, BlockRecord *rec, GError **error)
{
	guint64 asu, lba;

	if (!field_u64(&f[0], "ASU as an unsigned number", &asu, error) ||
	    !field_u64(&f[1], "LBA as an unsigned number of 512-byte blocks", &lba, error) ||
	    !scale(lba, SECTOR_BYTES, &rec->offset_bytes, "LBA", error) ||
	    !field_u64(&f[2], "Size as unsigned decimal bytes", &rec->len_bytes, error) ||
	    !field_rw(&f[3], "Opcode as R or W", &rec->write, error) ||
	    !field_fixed(&f[4], 9, "Timestamp as seconds (digits, optional fraction)", &rec->t_ns,
			 error))
		return FALSE;
	rec->vol = f[0].s;
	rec->vol_len = f[0].len;
	return TRUE;
}

static gboolean
parse_systor(const Field *f, BlockRecord *rec, GError **error)
{
	gint64 resp;
	guint64 lun;

	if (!field_fixed(&f[0], 9, "Timestamp as seconds (digits, optional fraction)", &rec->t_ns,
			 error))
		return FALSE;
	/* Response is empty for requests that never completed. */
	if (f[1].len && !field_fixed(&f[1], 9, "Response as seconds or empty", &resp, error))
		return FALSE;
	if (!field_rw(&f[2], "IOType as R or W", &rec->write, error) ||
	    !field_u64(&f[3], "LUN as an unsigned number", &lun, error) ||
	    !field_u64(&f[4], "Offset as unsigned decimal bytes", &rec->offset_bytes, error) ||
	    !field_u64(&f[5], "Size as unsigned decimal bytes", &rec->len_bytes, error))
		return FALSE;
	rec->vol = f[3].s;
	rec->vol_len = f[3].len;
	return TRUE;
}

static gboolean
parse_tencent(const Field *f, BlockRecord *rec, GError **error)
{
	guint64 t, off, size, vol;

	if (!field_u64(&f[0], "Timestamp as Unix seconds", &t, error) ||
	    !field_u64(&f[1], "Offset as an unsigned number of 512-byte sectors", &off, error) ||
	    !field_u64(&f[2], "Size as an unsigned number of 512-byte sectors", &size, error))
		return FALSE;
	if (f[3].len != 1 || (f[3].s[0] != '0' && f[3].s[0] != '1'))
		return bad_field(error, "IOType as 0 (read) or 1 (write)", &f[3]);
	if (!field_u64(&f[4], "VolumeID as an unsigned number", &vol, error))
		return FALSE;
	if (t > (guint64) G_MAXINT64 / 1000000000)
		return bad_field(error, "Timestamp as Unix seconds", &f[0]);
	if (!scale(off, SECTOR_BYTES, &rec->offset_bytes, "Offset", error) ||
	    !scale(size, SECTOR_BYTES, &rec->len_bytes, "Size", error))
		return FALSE;
	rec->t_ns = (gint64) (t * 1000000000);
	rec->write = f[3].s[0] == '1';
	rec->vol = f[4].s;
	rec->vol_len = f[4].len;
	return TRUE;
}

static gboolean
parse_alibaba(const Field *f, BlockRecord *rec, GError **error)
{
	guint64 dev, t_us;

	if (!field_u64(&f[0], "device_id as an unsigned number", &dev, error) ||
	    !field_rw(&f[1], "opcode as R or W", &rec->write, error) ||
	    !field_u64(&f[2], "offset as unsigned decimal bytes", &rec->offset_bytes, error) ||
	    !field_u64(&f[3], "length as unsigned decimal bytes", &rec->len_bytes, error) ||
	    !field_u64(&f[4], "timestamp as microseconds", &t_us, error))
		return FALSE;
	if (t_us > (guint64) G_MAXINT64 / 1000)
		return bad_field(error, "timestamp as microseconds", &f[4]);
	rec->t_ns = (gint64) (t_us * 1000);
	rec->vol = f[0].s;
	rec->vol_len = f[0].len;
	return TRUE;
}

static gboolean
parse_disksim(const Field *f, BlockRecord *rec, GError **error)
{
	guint64 dev, lba, blocks, flags;

	if (!field_fixed(&f[0], 6, "time as milliseconds (digits, optional fraction)", &rec->t_ns,
			 error) ||
	    !field_u64(&f[1], "dev as an unsigned number", &dev, error) ||
	    !field_u64(&f[2], "lba as an unsigned number of 512-byte blocks", &lba, error) ||
	    !field_u64(&f[3], "size as an unsigned number of 512-byte blocks", &blocks, error) ||
	    !field_u64(&f[4], "type as flags (bit 0: 1 = read, 0 = write)", &flags, error) ||
	    !scale(lba, SECTOR_BYTES, &rec->offset_bytes, "lba", error) ||
	    !scale(blocks, SECTOR_BYTES, &rec->len_bytes, "size", error))
		return FALSE;
	rec->write = !(flags & 1);
	rec->vol = f[1].s;
	rec->vol_len = f[1].len;
	return TRUE;
}

static const BlockFormat fmt_msr = {
	"msr", ',', 7, "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime", FALSE,
	{ "msr", "cambridge", NULL }, parse_msr,
};
static const BlockFormat fmt_spc = {
	"spc", ',', 5, "ASU,LBA,Size,Opcode,Timestamp", FALSE,
	{ "spc", "financial", "websearch" }, parse_spc,
};
static const BlockFormat fmt_systor = {
	"systor", ',', 6, "Timestamp,Response,IOType,LUN,Offset,Size", TRUE,
	{ "systor", NULL, NULL }, parse_systor,
};
static const BlockFormat fmt_tencent = {
	"tencent", ',', 5, "Timestamp,Offset,Size,IOType,VolumeID", FALSE,
	{ "tencent", "cbs", NULL }, parse_tencent,
};
static const BlockFormat fmt_alibaba = {
	"alibaba", ',', 5, "device_id,opcode,offset,length,timestamp", FALSE,
	{ "alibaba", "ali", NULL }, parse_alibaba,
};
static const BlockFormat fmt_disksim = {
	"disksim", ' ', 5, "time dev lba size type", FALSE,
	{ "disksim", "mqsim", NULL }, parse_disksim,
};

/* ---- Splitting a line ------------------------------------------------------------------ */

/*
 * Splits line into at most MAX_FIELDS fields: at each delim, or at runs of blanks when delim
 * is ' ' (leading and trailing blanks ignored). A trailing '\r' is dropped. Returns the
 * number of fields (MAX_FIELDS + 1 when there are more). Cannot fail.
 */
static inline guint
split(const char *line, gsize len, char delim, Field *f)
{
	const char *p = line, *end = line + len;
	guint n = 0;

	if (len && end[-1] == '\r')
		end--;
	if (delim == ' ') {
		for (;;) {
			const char *s;

			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p == end)
				return n;
			s = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
			if (n == MAX_FIELDS)
				return MAX_FIELDS + 1;
			f[n].s = s;
			f[n].len = (gsize) (p - s);
			n++;
		}
	}
	for (;;) {
		const char *c = memchr(p, delim, (gsize) (end - p));
		const char *e = c ? c : end;

		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		f[n].s = p;
		f[n].len = (gsize) (e - p);
		n++;
		if (!c)
			return n;
		p = c + 1;
	}
}

static gboolean
is_blank(const char *line, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return FALSE;
	return TRUE;
}

/* TRUE when the line is the format's header row (names compared case-insensitively). */
static gboolean
is_header(const BlockFormat *fmt, const char *line, gsize len)
{
	gsize n = strlen(fmt->columns);

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	return fmt->header_ok && len == n && g_ascii_strncasecmp(line, fmt->columns, n) == 0;
}

/* Splits and parses one non-blank line into rec. Changes no state. */
static gboolean
parse_line(const BlockFormat *fmt, const char *line, gsize len, BlockRecord *rec,
	   GError **error)
{
	Field f[MAX_FIELDS];
	guint n = split(line, len, fmt->delim, f);

	if (G_UNLIKELY(n != fmt->nr_fields)) {
		if (error) {
			g_autofree char *q = pcs_trace_quote(line, len);

			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "expected %u fields separated by %s (%s), got %s%u: '%s'",
				    fmt->nr_fields, fmt->delim == ' ' ? "blanks" : "','",
				    fmt->columns, n > MAX_FIELDS ? "more than " : "",
				    MIN(n, MAX_FIELDS), q);
		}
		return FALSE;
	}
	rec->vol2 = NULL;
	rec->vol2_len = 0;
	if (!fmt->parse(f, rec, error))
		return FALSE;
	if (G_UNLIKELY(rec->vol_len > MAX_VOLUME || rec->vol2_len > MAX_VOLUME)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "expected a volume name of at most %d bytes, got %" G_GSIZE_FORMAT, MAX_VOLUME,
			    MAX(rec->vol_len, rec->vol2_len));
		return FALSE;
	}
	return TRUE;
}

/* ---- The reader ------------------------------------------------------------------------ */

typedef struct {
	PcsLineReader lr;
	const BlockFormat *fmt;
	PcsFileTable *files;         /* borrowed */
	GArray       *file_stream;   /* file id -> stream + 1 (0: none yet) */
	guint32       nr_streams;
	gint64        last_t_ns;
	guint64       nr_reordered;  /* records given the time of an earlier one */
	char          vol[MAX_VOLUME * 2 + 32];  /* "#fmt:" + the last volume, NUL-terminated */
	gsize         prefix_len;    /* of "#fmt:" */
	gsize         vol_len;
	guint32       vol_file;
	guint32       vol_stream;
	gboolean      have_vol;
} BlockReader;

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(BlockReader, lr) == 0);

static gpointer
block_open(const BlockFormat *fmt, const char *path, PcsFileTable *files, GError **error)
{
	BlockReader *r = g_new0(BlockReader, 1);

	if (!pcs_line_reader_init(&r->lr, path, error)) {
		g_free(r);
		return NULL;
	}
	r->fmt = fmt;
	r->files = files;
	r->file_stream = g_array_new(FALSE, TRUE, sizeof(guint32));
	r->last_t_ns = PCS_TIME_UNKNOWN;
	r->prefix_len = (gsize) g_snprintf(r->vol, sizeof r->vol, "#%s:", fmt->name);
	return r;
}

static void
block_close(gpointer p)
{
	BlockReader *r = p;

	if (!r)
		return;
	pcs_line_reader_clear(&r->lr);
	g_array_free(r->file_stream, TRUE);
	g_free(r);
}

/*
 * The file and stream of rec's volume "#fmt:vol[_vol2]". r->vol keeps "#fmt:" and the last
 * volume's key after it, so the common case (the same volume as the record before) is one
 * memcmp of a few bytes. Cannot fail.
 */
static inline void
volume_of(BlockReader *r, const BlockRecord *rec, guint32 *file, guint32 *stream)
{
	char key[MAX_VOLUME * 2 + 2];
	gsize n = rec->vol_len;
	guint32 *slot;

	memcpy(key, rec->vol, n);
	if (rec->vol2) {
		key[n++] = '_';
		memcpy(key + n, rec->vol2, rec->vol2_len);
		n += rec->vol2_len;
	}
	if (G_LIKELY(r->have_vol && n == r->vol_len - r->prefix_len &&
		     memcmp(key, r->vol + r->prefix_len, n) == 0)) {
		*file = r->vol_file;
		*stream = r->vol_stream;
		return;
	}
	memcpy(r->vol + r->prefix_len, key, n);
	r->vol_len = r->prefix_len + n;
	r->vol[r->vol_len] = '\0';
	r->vol_file = pcs_files_intern(r->files, r->vol, r->vol_len);
	if (r->vol_file >= r->file_stream->len)
		g_array_set_size(r->file_stream, r->vol_file + 1);
	slot = &g_array_index(r->file_stream, guint32, r->vol_file);
	if (*slot == 0)
		*slot = ++r->nr_streams;
	r->vol_stream = *slot - 1;
	r->have_vol = TRUE;
	*file = r->vol_file;
	*stream = r->vol_stream;
}

static PcsTraceStatus
block_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	BlockReader *r = p;
	BlockRecord rec;
	const char *line;
	PcsTraceStatus st;
	gsize len;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		if (G_UNLIKELY(len == 0 || is_blank(line, len)))
			continue;
		if (G_UNLIKELY(r->lr.lineno == 1 && is_header(r->fmt, line, len)))
			continue;
		break;
	}
	if (!parse_line(r->fmt, line, len, &rec, error))
		return PCS_TRACE_ERROR;
	if (G_UNLIKELY(rec.len_bytes > G_MAXUINT64 - rec.offset_bytes)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "offset + size overflows 64 bits");
		return PCS_TRACE_ERROR;
	}
	if (G_UNLIKELY(rec.t_ns < r->last_t_ns)) {
		rec.t_ns = r->last_t_ns;
		r->nr_reordered++;
	}
	r->last_t_ns = rec.t_ns;
	volume_of(r, &rec, &ev->file, &ev->stream);
	pcs_files_note_size(r->files, ev->file, rec.offset_bytes + rec.len_bytes);
	ev->t_ns = rec.t_ns;
	ev->offset_bytes = rec.offset_bytes;
	ev->len_bytes = rec.len_bytes;
	ev->op = rec.write ? PCS_OP_WRITE : PCS_OP_READ;
	ev->advice = PCS_ADVICE_NONE;
	ev->flags = 0;
	return PCS_TRACE_OK;
}

static void
block_notes(gpointer p, GString *out)
{
	BlockReader *r = p;

	pcs_trace_note_reordered(out, r->nr_reordered);
}

/*
 * 1. Walk the complete lines of the head (a last line cut by the 64 KiB window is not
 *    judged); no NUL bytes; blank lines skipped; a header row noted.
 * 2. Up to PROBE_RECORDS records must parse exactly as next() would parse them.
 * 3. Score: 95 header, else 50, 70 when the file name carries a hint.
 */
static int
block_probe(const BlockFormat *fmt, const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head, *end = s + len;
	gboolean header = FALSE;
	guint nr = 0;

	if (memchr(head, '\0', len))
		return 0;
	/* 1. */
	while (s < end && nr < PROBE_RECORDS) {
		const char *nl = memchr(s, '\n', (gsize) (end - s));
		gsize n = (gsize) ((nl ? nl : end) - s);
		BlockRecord rec;

		if (!nl && len == PCS_TRACE_PROBE_BYTES)
			break;
		if (!is_blank(s, n)) {
			if (nr == 0 && !header && s == (const char *) head && is_header(fmt, s, n))
				header = TRUE;
			else if (parse_line(fmt, s, n, &rec, NULL))   /* 2. */
				nr++;
			else
				return 0;
		}
		s = nl ? nl + 1 : end;
	}
	/* 3. */
	if (header)
		return 95;
	if (nr == 0)
		return 0;
	for (unsigned i = 0; i < G_N_ELEMENTS(fmt->hints) && fmt->hints[i]; i++)
		if (pcs_trace_name_contains(path, fmt->hints[i]))
			return 70;
	return 50;
}

#define BLOCK_FORMAT(id, desc)                                                                \
	static int id##_probe(const char *path, const guint8 *head, gsize len)                \
	{                                                                                     \
		return block_probe(&fmt_##id, path, head, len);                               \
	}                                                                                     \
	static gpointer id##_open(const char *path, G_GNUC_UNUSED const PcsTraceOptions *opts, \
				  PcsFileTable *files, GError **error)                        \
	{                                                                                     \
		return block_open(&fmt_##id, path, files, error);                             \
	}                                                                                     \
	const PcsTraceOps pcs_trace_##id##_ops = {                                            \
		.name = #id,                                                                  \
		.description = desc,                                                          \
		.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_WRITES,                            \
		.probe = id##_probe,                                                          \
		.open = id##_open,                                                            \
		.next = block_next,                                                           \
		.position = pcs_line_reader_position_op,                                      \
		.progress = pcs_line_reader_progress_op,                                      \
		.close = block_close,                                                         \
		.position_is_line = TRUE,                                                     \
		.notes = block_notes,                                                         \
	};

BLOCK_FORMAT(msr, "MSR Cambridge block CSV: FILETIME,host,disk,Read|Write,offset,size,resp")
BLOCK_FORMAT(spc, "UMass/SPC block CSV: ASU,LBA(512 B),size,R|W,seconds")
BLOCK_FORMAT(systor, "SYSTOR'17 block CSV: seconds,response,R|W,LUN,offset,size")
BLOCK_FORMAT(tencent, "Tencent CBS block CSV: seconds,offset(512 B),size(512 B),0|1,volume")
BLOCK_FORMAT(alibaba, "Alibaba block 2020 CSV: device,R|W,offset,length,microseconds")
BLOCK_FORMAT(disksim, "DiskSim ASCII: ms dev lba(512 B) blocks flags(bit 0 read)")
