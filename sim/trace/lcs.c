/*
 * lcs.c - libCacheSim's csv, txt and vscsi traces ("lcs-csv", "lcs-txt", "vscsi"), so the
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
 * Entry points: pcs_trace_lcs_csv_ops, pcs_trace_lcs_txt_ops, pcs_trace_vscsi_ops.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define LCS_VOLUME     "#0"
#define LCS_MAX_ID     ((G_GUINT64_CONSTANT(1) << (64 - PCS_PAGE_SHIFT)) - 1)  /* id*4096+4096 fits */
#define LCS_MAX_COLS   64
#define PROBE_LINES    32

/* ---- What every reader of this file shares: ids to events ------------------------------ */

typedef struct {
	PcsFileTable *files;        /* borrowed */
	guint32       file;         /* "#0" */
	guint64       id_unit;      /* 0: an id is a page */
	guint64       max_end;
	gint64        last_t_ns;
	guint64       nr_reordered;
} IdMap;

static void
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

static void
id_map_notes(const IdMap *m, GString *out)
{
	pcs_trace_note_reordered(out, m->nr_reordered);
}

static gboolean
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

/* ---- lcs-csv: the column spec ---------------------------------------------------------- */

typedef enum { COL_TIME, COL_ID, COL_SIZE, COL_OP, NR_COLS } ColKind;

typedef struct {
	int      col[NR_COLS];     /* 0-based column, -1 when absent */
	int      has_header;       /* 1 yes, 0 no, -1 decide from the first line */
	char     delim;
	unsigned time_digits;      /* 9 for seconds, 6 ms, 3 us, 0 ns */
} CsvSpec;

static const char *const col_keys[NR_COLS] = { "time-col", "obj-id-col", "obj-size-col",
					       "op-col" };

/* "--csv-spec 'SPEC': WHAT, got 'GOT' (keys: ...)"; got may be NULL. Returns FALSE. */
static gboolean
spec_error(GError **error, const char *spec, const char *what, const char *got)
{
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
		    "--csv-spec '%s': %s%s%s%s (keys: time-col, obj-id-col, obj-size-col, op-col, "
		    "has-header=true|false, delimiter=C, time-unit=s|ms|us|ns)", spec, what,
		    got ? ", got '" : "", got ? got : "", got ? "'" : "");
	return FALSE;
}

/*
 * Parses "key=value,key=value,...". Keys may be spelt with '-' or '_', blanks around items
 * are ignored; "delimiter=," takes the character after '=' literally (also "tab", "space",
 * "\t"). Fails with PCS_TRACE_ERROR_FORMAT naming the bad item.
 */
static gboolean
parse_spec(const char *spec, CsvSpec *cs, GError **error)
{
	const char *p = spec;

	while (*p) {
		const char *key, *eq, *val, *end;
		g_autofree char *k = NULL, *v = NULL;
		guint64 n;
		int kind = -1;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		key = p;
		eq = strchr(p, '=');
		if (!eq)
			return spec_error(error, spec, "expected key=value", key);
		k = g_strstrip(g_strndup(key, (gsize) (eq - key)));
		g_strdelimit(k, "_", '-');
		val = eq + 1;
		if (strcmp(k, "delimiter") == 0) {
			if (g_str_has_prefix(val, "tab")) {
				cs->delim = '\t';
				p = val + 3;
			} else if (g_str_has_prefix(val, "space")) {
				cs->delim = ' ';
				p = val + 5;
			} else if (g_str_has_prefix(val, "\\t")) {
				cs->delim = '\t';
				p = val + 2;
			} else if (*val && *val != '\n') {
				cs->delim = *val;
				p = val + 1;
			} else {
				return spec_error(error, spec, "expected delimiter=C", key);
			}
			continue;
		}
		end = strchr(val, ',');
		if (!end)
			end = val + strlen(val);
		v = g_strstrip(g_strndup(val, (gsize) (end - val)));
		p = end;
		for (int i = 0; i < NR_COLS; i++)
			if (strcmp(k, col_keys[i]) == 0)
				kind = i;
		if (kind >= 0) {
			if (!pcs_parse_u64(v, strlen(v), &n) || n == 0 || n > LCS_MAX_COLS)
				return spec_error(error, spec, "expected a column number 1..64",
						  v);
			cs->col[kind] = (int) n - 1;
		} else if (strcmp(k, "has-header") == 0) {
			if (g_ascii_strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
				cs->has_header = 1;
			else if (g_ascii_strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
				cs->has_header = 0;
			else
				return spec_error(error, spec, "expected has-header=true|false",
						  v);
		} else if (strcmp(k, "time-unit") == 0) {
			static const char *const units[] = { "ns", "us", "ms", "s" };
			static const unsigned digits[] = { 0, 3, 6, 9 };
			gboolean ok = FALSE;

			for (unsigned i = 0; i < G_N_ELEMENTS(units); i++)
				if (strcmp(v, units[i]) == 0) {
					cs->time_digits = digits[i];
					ok = TRUE;
				}
			if (!ok)
				return spec_error(error, spec, "expected time-unit=s|ms|us|ns",
						  v);
		} else {
			return spec_error(error, spec, "expected a known key", k);
		}
	}
	if (cs->col[COL_ID] < 0)
		return spec_error(error, spec, "obj-id-col is required", NULL);
	return TRUE;
}

/* Header names pcsim recognises, by column kind (compared case-insensitively). */
static const char *const header_names[NR_COLS][12] = {
	[COL_TIME] = { "time", "timestamp", "ts", "clock_time", "req_time", NULL },
	[COL_ID]   = { "obj_id", "obj-id", "objid", "id", "key", "obj", "object", "lbn", "lba",
		       "block", "blkno", NULL },
	[COL_SIZE] = { "obj_size", "obj-size", "objsize", "size", "len", "length", "req_size",
		       "bytes", NULL },
	[COL_OP]   = { "op", "type", "rw", "operation", "cmd", "opcode", "req_type", NULL },
};

/* The delimiter of a header line: the first of , \t ; | it contains (',' by default). */
static char
guess_delim(const char *line, gsize len)
{
	static const char cands[] = ",\t;|";

	for (unsigned i = 0; cands[i]; i++)
		if (memchr(line, cands[i], len))
			return cands[i];
	return ',';
}

/*
 * Fills cs from a header line. TRUE when it names an id column; every column whose name is
 * known is used (the first of each kind). Cannot fail otherwise.
 */
static gboolean
spec_from_header(const char *line, gsize len, CsvSpec *cs)
{
	const char *p = line, *end = line + len;
	int col = 0;

	cs->delim = guess_delim(line, len);
	for (;;) {
		const char *d = memchr(p, cs->delim, (gsize) (end - p));
		const char *s = p;
		gsize n = (gsize) ((d ? d : end) - p);

		trim(&s, &n);
		for (int k = 0; k < NR_COLS; k++) {
			if (cs->col[k] >= 0)
				continue;
			for (unsigned i = 0; header_names[k][i]; i++)
				if (strlen(header_names[k][i]) == n &&
				    g_ascii_strncasecmp(s, header_names[k][i], n) == 0)
					cs->col[k] = col;
		}
		if (!d || ++col >= LCS_MAX_COLS)
			break;
		p = d + 1;
	}
	cs->has_header = 1;
	return cs->col[COL_ID] >= 0;
}

static void
spec_init(CsvSpec *cs)
{
	for (int k = 0; k < NR_COLS; k++)
		cs->col[k] = -1;
	cs->has_header = -1;
	cs->delim = ',';
	cs->time_digits = 9;
}

/* ---- lcs-csv: records ------------------------------------------------------------------ */

/* An op value: read (FALSE) or write (TRUE). */
static gboolean
parse_op(const char *s, gsize len, gboolean *write, GError **error)
{
	static const char *const reads[] = { "read", "get", "gets", "r", "28", "0x28", "08",
					     "0x08", "88", "0x88", "a8", "0xa8", NULL };
	static const char *const writes[] = { "write", "set", "add", "replace", "cas", "append",
					      "prepend", "update", "incr", "decr", "w", "2a",
					      "0x2a", "0a", "0x0a", "8a", "0x8a", "aa", "0xaa",
					      NULL };

	for (unsigned i = 0; reads[i]; i++)
		if (strlen(reads[i]) == len && g_ascii_strncasecmp(s, reads[i], len) == 0) {
			*write = FALSE;
			return TRUE;
		}
	for (unsigned i = 0; writes[i]; i++)
		if (strlen(writes[i]) == len && g_ascii_strncasecmp(s, writes[i], len) == 0) {
			*write = TRUE;
			return TRUE;
		}
	return bad_value(error, "op as read/get/r/28 or write/set/add/update/w/2a", s, len);
}

typedef struct {
	guint64  id, size;       /* size G_MAXUINT64: no size column */
	gint64   t_ns;
	gboolean write;
} CsvRecord;

/* Parses one data line by cs; changes no state. */
static gboolean
parse_csv_line(const CsvSpec *cs, int max_col, const char *line, gsize len, CsvRecord *rec,
	       GError **error)
{
	const char *p = line, *end = line + len;
	const char *f[NR_COLS] = { NULL };
	gsize fl[NR_COLS] = { 0 };
	int col = 0;

	/* Split up to the last column needed. */
	for (;;) {
		const char *d = memchr(p, cs->delim, (gsize) (end - p));
		const char *e = d ? d : end;

		for (int k = 0; k < NR_COLS; k++)
			if (cs->col[k] == col) {
				f[k] = p;
				fl[k] = (gsize) (e - p);
			}
		if (col == max_col)
			break;
		if (!d) {
			if (error) {
				g_autofree char *q = pcs_trace_quote(line, len);

				g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
					    "expected at least %d fields separated by '%c', got %d: "
					    "'%s'", max_col + 1, cs->delim, col + 1, q);
			}
			return FALSE;
		}
		p = d + 1;
		col++;
	}
	trim(&f[COL_ID], &fl[COL_ID]);
	if (!pcs_parse_u64(f[COL_ID], fl[COL_ID], &rec->id))
		return bad_value(error, "obj-id as an unsigned number (string ids are not "
				 "supported)", f[COL_ID], fl[COL_ID]);
	rec->size = G_MAXUINT64;
	if (f[COL_SIZE]) {
		trim(&f[COL_SIZE], &fl[COL_SIZE]);
		if (!pcs_parse_u64(f[COL_SIZE], fl[COL_SIZE], &rec->size) ||
		    rec->size == G_MAXUINT64)
			return bad_value(error, "obj-size as unsigned decimal bytes", f[COL_SIZE],
					 fl[COL_SIZE]);
	}
	rec->t_ns = PCS_TIME_UNKNOWN;
	if (f[COL_TIME]) {
		guint64 t;

		trim(&f[COL_TIME], &fl[COL_TIME]);
		if (!pcs_parse_fixed(f[COL_TIME], fl[COL_TIME], cs->time_digits, &t))
			return bad_value(error, "time as an unsigned number (optional fraction)",
					 f[COL_TIME], fl[COL_TIME]);
		rec->t_ns = (gint64) t;
	}
	rec->write = FALSE;
	if (f[COL_OP]) {
		trim(&f[COL_OP], &fl[COL_OP]);
		if (!parse_op(f[COL_OP], fl[COL_OP], &rec->write, error))
			return FALSE;
	}
	return TRUE;
}

typedef struct {
	PcsLineReader lr;
	CsvSpec       cs;
	int           max_col;
	gboolean      skip_header;   /* the next non-blank line is the header */
	IdMap         map;
} CsvReader;

G_STATIC_ASSERT(G_STRUCT_OFFSET(CsvReader, lr) == 0);  /* the ops use the shared line-reader accessors */

static gboolean
blank_line(const char *line, gsize len)
{
	trim(&line, &len);
	return len == 0;
}

/*
 * 1. The spec: --csv-spec when given, else the header row (which must name an id column).
 * 2. has-header unset: the first line is a header when its id field is not a number (so a
 *    bad first record still reads as a record, and is reported).
 */
static gpointer
csv_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files, GError **error)
{
	CsvReader *r = g_new0(CsvReader, 1);
	g_autofree guint8 *head = g_malloc(PCS_TRACE_MAX_LINE + 1);
	const char *line;
	gsize got = 0, len;

	spec_init(&r->cs);
	if (!pcs_input_peek(path, head, PCS_TRACE_MAX_LINE, &got, error))
		goto fail;
	line = (const char *) head;
	len = got;
	{
		const char *nl = memchr(line, '\n', len);

		if (nl)
			len = (gsize) (nl - line);
	}
	/* 1. */
	if (opts->csv_spec) {
		if (!parse_spec(opts->csv_spec, &r->cs, error))
			goto fail;
		/* 2. */
		if (r->cs.has_header < 0) {
			CsvSpec id_only = r->cs;
			CsvRecord rec;

			for (int k = 0; k < NR_COLS; k++)
				if (k != COL_ID)
					id_only.col[k] = -1;
			r->cs.has_header = !parse_csv_line(&id_only, id_only.col[COL_ID], line, len,
							   &rec, NULL);
		}
	} else if (!spec_from_header(line, len, &r->cs)) {
		g_autofree char *q = pcs_trace_quote(line, len);

		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "expected a header row naming an id column (obj_id, id, key, lbn, "
			    "...) or --csv-spec obj-id-col=N, got '%s'", q);
		goto fail;
	}
	for (int k = 0; k < NR_COLS; k++)
		r->max_col = MAX(r->max_col, r->cs.col[k]);
	r->skip_header = r->cs.has_header == 1;
	if (!pcs_line_reader_init(&r->lr, path, error))
		goto fail;
	id_map_init(&r->map, files, opts);
	return r;

fail:
	g_free(r);
	return NULL;
}

static PcsTraceStatus
csv_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	CsvReader *r = p;
	CsvRecord rec;
	const char *line;
	PcsTraceStatus st;
	gsize len;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		if (G_UNLIKELY(len == 0 || blank_line(line, len)))
			continue;
		if (G_UNLIKELY(r->skip_header)) {
			r->skip_header = FALSE;
			continue;
		}
		break;
	}
	if (!parse_csv_line(&r->cs, r->max_col, line, len, &rec, error))
		return PCS_TRACE_ERROR;
	if (!id_map_event(&r->map, rec.id, rec.size, rec.t_ns, rec.write, ev, error))
		return PCS_TRACE_ERROR;
	return PCS_TRACE_OK;
}

static void
csv_notes(gpointer p, GString *out)
{
	id_map_notes(&((CsvReader *) p)->map, out);
}

/*
 * 45 when the first line is a header naming an id column and the next lines (up to 32)
 * have a number in that column; 55 with a ".csv" name. 0 otherwise.
 */
static int
csv_probe(const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head, *end = s + len;
	const char *nl = memchr(s, '\n', len);
	CsvSpec cs;
	int max_col = 0;
	guint nr = 0;

	if (!nl || memchr(head, '\0', len))
		return 0;
	spec_init(&cs);
	if (!spec_from_header(s, (gsize) (nl - s), &cs))
		return 0;
	for (int k = 0; k < NR_COLS; k++)
		max_col = MAX(max_col, cs.col[k]);
	s = nl + 1;
	while (s < end && nr < PROBE_LINES) {
		const char *e = memchr(s, '\n', (gsize) (end - s));
		CsvRecord rec;

		if (!e && len == PCS_TRACE_PROBE_BYTES)
			break;
		if (!blank_line(s, (gsize) ((e ? e : end) - s))) {
			if (!parse_csv_line(&cs, max_col, s, (gsize) ((e ? e : end) - s), &rec, NULL))
				return 0;
			nr++;
		}
		s = e ? e + 1 : end;
	}
	if (nr == 0)
		return 0;
	return pcs_trace_name_has_suffix(path, ".csv") ? 55 : 45;
}

const PcsTraceOps pcs_trace_lcs_csv_ops = {
	.name = "lcs-csv",
	.description = "libCacheSim csv: columns by --csv-spec or header; one page per id",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_WRITES,
	.probe = csv_probe,
	.open = csv_open,
	.next = csv_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = pcs_line_reader_free_op,
	.position_is_line = TRUE,
	.notes = csv_notes,
};

/* ---- lcs-txt --------------------------------------------------------------------------- */

typedef struct {
	PcsLineReader lr;
	IdMap         map;
} TxtReader;

G_STATIC_ASSERT(G_STRUCT_OFFSET(TxtReader, lr) == 0);  /* the ops use the shared line-reader accessors */

static gpointer
txt_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files, GError **error)
{
	TxtReader *r = g_new0(TxtReader, 1);

	if (!pcs_line_reader_init(&r->lr, path, error)) {
		g_free(r);
		return NULL;
	}
	id_map_init(&r->map, files, opts);
	return r;
}

static PcsTraceStatus
txt_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	TxtReader *r = p;
	const char *line;
	PcsTraceStatus st;
	gsize len;
	guint64 id;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		if (G_LIKELY(len && pcs_parse_u64(line, len, &id)))
			break;                       /* the fast path: digits and '\n' */
		trim(&line, &len);
		if (len == 0)
			continue;
		if (!pcs_parse_u64(line, len, &id)) {
			bad_value(error, "an object id (unsigned number)", line, len);
			return PCS_TRACE_ERROR;
		}
		break;
	}
	if (!id_map_event(&r->map, id, G_MAXUINT64, PCS_TIME_UNKNOWN, FALSE, ev, error))
		return PCS_TRACE_ERROR;
	return PCS_TRACE_OK;
}

/* 30 when every complete line of the head is a number (blank lines aside), 50 with ".txt". */
static int
txt_probe(const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head, *end = s + len;
	guint nr = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (gsize) (end - s));
		const char *l = s;
		gsize n = (gsize) ((nl ? nl : end) - s);
		guint64 id;

		if (!nl && len == PCS_TRACE_PROBE_BYTES)
			break;
		trim(&l, &n);
		if (n) {
			if (!pcs_parse_u64(l, n, &id))
				return 0;
			nr++;
		}
		s = nl ? nl + 1 : end;
	}
	if (nr == 0)
		return 0;
	return pcs_trace_name_has_suffix(path, ".txt") ? 50 : 30;
}

const PcsTraceOps pcs_trace_lcs_txt_ops = {
	.name = "lcs-txt",
	.description = "libCacheSim txt: one object id per line, one page read each",
	.caps = 0,
	.probe = txt_probe,
	.open = txt_open,
	.next = txt_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = pcs_line_reader_free_op,
	.position_is_line = TRUE,
};

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
	.progress = vscsi_progress,
	.close = vscsi_close,
	.position_is_line = FALSE,
	.notes = vscsi_notes,
};
