/*
 * lcs-csv.c - libCacheSim's csv traces ("lcs-csv"): delimited text, columns named by
 * --csv-spec (time-col=1,obj-id-col=2,obj-size-col=3,op-col=4,has-header=true,delimiter=,
 * plus pcsim's time-unit=s|ms|us|ns) or by a header row naming at least an id column.
 *
 * Detection: 45 when the first line is a header naming an id column (55 with a ".csv"
 * name), else 0 (a csv without a header needs --format lcs-csv --csv-spec).
 *
 * Entry points: pcs_trace_lcs_csv_ops.
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

#define LCS_MAX_COLS   64
#define PROBE_LINES    32

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

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(CsvReader, lr) == 0);

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
