/*
 * fio.c - fio's I/O logs (write_iolog / read_iolog), versions 2 and 3, "fio-iolog" here.
 *
 * fio records what a job did, one action per line, after a version line:
 *
 *     fio version 3 iolog                       fio version 2 iolog
 *     19 /srv/fio/zipf.dat add                  /srv/fio/zipf.dat add
 *     362 /srv/fio/zipf.dat open                /srv/fio/zipf.dat open
 *     365 /srv/fio/zipf.dat read 3317760 4096   /srv/fio/zipf.dat read 3317760 4096
 *     1157 /srv/fio/zipf.dat write 8925184 4096 /srv/fio/zipf.dat wait 1500 0
 *     242623 /srv/fio/zipf.dat close            /srv/fio/zipf.dat close
 *
 * Version 3 starts every line with the time in microseconds since the job started; version 2
 * has no times. File actions (add, open, close) take nothing more; I/O actions (read, write,
 * sync, datasync, trim, wait) take OFFSET and LENGTH in bytes (fio writes them for sync too).
 * Fields are separated by blanks, so file names have none (fio reads them with %s).
 *
 * Mapping to events, per file (the name, resolved against --cwd when relative, interned):
 *
 *     add       nothing (the file becomes known)      open      open, a new stream
 *     read      read OFFSET LENGTH on its stream      close     close of that stream
 *     write     write OFFSET LENGTH                   sync      fsync (whole file)
 *     datasync  fdatasync (whole file)                trim      none: counted (no discard op)
 *     wait      none: counted (v2: fio sleeps until OFFSET; v3: fio ignores it too)
 *
 * Each open is a stream (numbered 0, 1, ... in order), like one open() of the file. The file
 * state machine is checked, where fio itself would assert or crash:
 *
 *     (unknown) --add--> ADDED --open--> OPEN --close--> CLOSED --open--> OPEN ...
 *     (unknown) --open-> OPEN
 *
 * I/O on a file that is not OPEN, an open of an OPEN file and a close of one that is not
 * OPEN are record errors that say where the file was added, opened or closed. A bad record
 * changes nothing, and the next call carries on with the next line.
 *
 * Times (v3) are kept as t_ns = usec * 1000. fio replays a log whose time goes backwards by
 * not waiting; pcsim keeps the last time instead (events never go back in time) and counts
 * such records. v2 events have no time (PCS_TIME_UNKNOWN).
 *
 * The file is streamed line by line (PcsLineReader, compressed or not); the success path
 * allocates nothing except when a new file name is interned. The last file looked up is
 * cached, so a one-file log hashes nothing per line.
 *
 * Entry point: pcs_trace_fio_ops.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define FIO_MAGIC_PREFIX "fio version "
#define FIO_MAGIC_SUFFIX " iolog"
#define NO_STREAM G_MAXUINT32

typedef enum {
	ACT_ADD, ACT_OPEN, ACT_CLOSE,                        /* file actions: no numbers */
	ACT_READ, ACT_WRITE, ACT_SYNC, ACT_DATASYNC, ACT_TRIM, ACT_WAIT /* OFFSET LENGTH */
} FioAction;

static const struct {
	const char *name;
	FioAction   act;
} actions[] = {
	{ "read", ACT_READ }, { "write", ACT_WRITE }, { "add", ACT_ADD }, { "open", ACT_OPEN },
	{ "close", ACT_CLOSE }, { "sync", ACT_SYNC }, { "datasync", ACT_DATASYNC },
	{ "trim", ACT_TRIM }, { "wait", ACT_WAIT },
};

#define ACTION_LIST "add, open, close, read, write, sync, datasync, trim, wait"

/* Where a file is in the state machine above. */
enum { FILE_UNKNOWN = 0, FILE_ADDED, FILE_OPEN, FILE_CLOSED };

typedef struct {
	guint8  state;
	guint32 stream;   /* while OPEN */
	guint64 line;     /* line of the add, open or close that set state */
} FioFile;

typedef struct {
	PcsLineReader lr;
	PcsFileTable *files;       /* borrowed */
	char         *cwd;         /* --cwd, or NULL */
	int           version;     /* 2 or 3 */
	gint64        last_t_ns;
	GArray       *state;       /* file id -> FioFile (ids of this trace's files only) */
	guint32       nr_streams;
	GString      *scratch;     /* resolved names */
	GString      *last_name;   /* raw name of the last lookup ... */
	guint32       last_file;   /* ... and its id, or G_MAXUINT32 */
	/* What next() skipped or adjusted, for notes(). */
	guint64       nr_trims, trim_bytes, nr_waits, nr_clamped;
} FioReader;

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(FioReader, lr) == 0);

static gboolean
bad_token(GError **error, const char *what, const char *tok, gsize len)
{
	pcs_trace_bad_input(error, tok, len, "%s", what);
	return FALSE;
}

/* The version N of a line "fio version N iolog" (blanks after it allowed), or 0. */
static int
header_version(const char *line, gsize len)
{
	gsize n = sizeof FIO_MAGIC_PREFIX - 1, m = sizeof FIO_MAGIC_SUFFIX - 1;
	guint64 v;
	gsize i;

	while (len > 0 && pcs_is_blank(line[len - 1]))
		len--;
	if (len < n + 1 + m || memcmp(line, FIO_MAGIC_PREFIX, n) != 0 ||
	    memcmp(line + len - m, FIO_MAGIC_SUFFIX, m) != 0)
		return 0;
	i = len - m - n;
	if (!pcs_parse_u64(line + n, i, &v) || v == 0 || v > 1000)
		return 0;
	return (int) v;
}

static void
fio_close(gpointer p)
{
	FioReader *r = p;

	if (!r)
		return;
	pcs_line_reader_clear(&r->lr);
	g_free(r->cwd);
	if (r->state)
		g_array_free(r->state, TRUE);
	if (r->scratch)
		g_string_free(r->scratch, TRUE);
	if (r->last_name)
		g_string_free(r->last_name, TRUE);
	g_free(r);
}

/* Opens the log and checks line 1 (the version line). */
static gpointer
fio_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files, GError **error)
{
	FioReader *r = g_new0(FioReader, 1);
	const char *line;
	gsize len;

	if (!pcs_line_reader_init(&r->lr, path, error)) {
		g_free(r);
		return NULL;
	}
	r->files = files;
	r->cwd = opts->cwd && opts->cwd[0] ? g_strdup(opts->cwd) : NULL;
	r->last_t_ns = PCS_TIME_UNKNOWN;
	r->state = g_array_new(FALSE, TRUE, sizeof(FioFile));
	r->scratch = g_string_sized_new(256);
	r->last_name = g_string_sized_new(256);
	r->last_file = G_MAXUINT32;

	switch (pcs_line_reader_next(&r->lr, &line, &len, error)) {
	case PCS_LINE_OK:
		break;
	case PCS_LINE_ERROR:
		fio_close(r);
		return NULL;
	case PCS_LINE_EOF:
		line = "";
		len = 0;
		break;
	case PCS_LINE_TOO_LONG:
	default:
		line = "(a line too long to show)";
		len = strlen(line);
		break;
	}
	r->version = header_version(line, len);
	if (r->version != 2 && r->version != 3) {
		g_autofree char *q = pcs_trace_quote(line, len);

		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "line 1: expected 'fio version 2 iolog' or 'fio version 3 iolog', "
			    "got '%s'%s", q, r->version ? " (pcsim reads versions 2 and 3)" : "");
		fio_close(r);
		return NULL;
	}
	return r;
}

static FioFile *
file_state(FioReader *r, guint32 file)
{
	if (file >= r->state->len)
		g_array_set_size(r->state, file + 1);
	return &g_array_index(r->state, FioFile, file);
}

/* The name a record's FILE token stands for: itself, or resolved against --cwd. */
static const char *
resolved_name(FioReader *r, const char *tok, gsize len, gsize *out_len)
{
	if (!r->cwd || tok[0] == '/') {
		g_string_truncate(r->scratch, 0);
		g_string_append_len(r->scratch, tok, (gssize) len);
	} else {
		pcs_trace_path_resolve(r->scratch, r->cwd, tok, len);
	}
	*out_len = r->scratch->len;
	return r->scratch->str;
}

/*
 * The file id of a FILE token. intern: add it to the file table when new (add, open);
 * otherwise return G_MAXUINT32 for a name this trace never added or opened. Cannot fail.
 */
static guint32
lookup_file(FioReader *r, const char *tok, gsize len, gboolean intern)
{
	const char *name;
	gsize name_len;
	guint32 id;

	if (r->last_file != G_MAXUINT32 && r->last_name->len == len &&
	    memcmp(r->last_name->str, tok, len) == 0)
		return r->last_file;
	name = resolved_name(r, tok, len, &name_len);
	if (intern) {
		id = pcs_files_intern(r->files, name, name_len);
	} else {
		id = pcs_files_lookup(r->files, name);
		if (id == G_MAXUINT32 || id >= r->state->len ||
		    g_array_index(r->state, FioFile, id).state == FILE_UNKNOWN)
			return G_MAXUINT32;
	}
	g_string_truncate(r->last_name, 0);
	g_string_append_len(r->last_name, tok, (gssize) len);
	r->last_file = id;
	return id;
}

/* The error for an action on a file that is not open. */
static gboolean
not_open(FioReader *r, const char *act, const char *tok, gsize len, guint32 file,
	 GError **error)
{
	g_autofree char *q = pcs_trace_quote(tok, len);
	const FioFile *f = file == G_MAXUINT32 ? NULL : file_state(r, file);

	if (!f || f->state == FILE_UNKNOWN)
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s on '%s', a file never added or opened (expected '%s add' and "
			    "'%s open' before its I/O)", act, q, q, q);
	else if (f->state == FILE_ADDED)
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s on '%s', which was added at line %" G_GUINT64_FORMAT
			    " but is not open", act, q, f->line);
	else
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s on '%s', which was closed at line %" G_GUINT64_FORMAT, act, q,
			    f->line);
	return FALSE;
}

/* Parses one record line (not line 1) into ev; *skip: a valid record with no event. */
static gboolean
parse_line(FioReader *r, const char *line, gsize len, PcsIoEvent *ev, gboolean *skip,
	   GError **error)
{
	const char *p = line, *end = line + len, *tok, *name, *act_tok;
	gsize n, name_len, act_len;
	guint64 usec = 0, offset = PCS_NONE, length = PCS_NONE, lineno = r->lr.lineno;
	gint64 t_ns = PCS_TIME_UNKNOWN;
	FioAction act = ACT_READ;
	const char *act_name = NULL;
	guint32 file;
	FioFile *f;

	*skip = FALSE;
	/* 1. Blank lines carry nothing (fio skips them too). */
	if (!pcs_next_token(&p, end, &tok, &n)) {
		*skip = TRUE;
		return TRUE;
	}
	/* 2. [TIME] FILE ACTION [OFFSET LENGTH] */
	if (r->version == 3) {
		if (!pcs_parse_u64(tok, n, &usec) || usec > (guint64) G_MAXINT64 / 1000)
			return bad_token(error, "expected TIME as microseconds since the job "
					 "started (a v3 line is TIME FILE ACTION [OFFSET LENGTH])",
					 tok, n);
		t_ns = (gint64) usec * 1000;
		if (!pcs_next_token(&p, end, &tok, &n)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "missing FILE after TIME (a v3 line is TIME FILE ACTION "
				    "[OFFSET LENGTH])");
			return FALSE;
		}
	}
	name = tok;
	name_len = n;
	/* (the name of the last record passed this check already) */
	if (!(r->last_file != G_MAXUINT32 && r->last_name->len == name_len &&
	      memcmp(r->last_name->str, name, name_len) == 0))
		for (gsize i = 0; i < name_len; i++)
			if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f)
				return bad_token(error, "expected FILE as a name without "
						 "control bytes", name, name_len);
	if (!pcs_next_token(&p, end, &act_tok, &act_len)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "missing ACTION after FILE (expected one of " ACTION_LIST ")");
		return FALSE;
	}
	/* read and write first: nearly every line is one */
	if (act_len == 4 && memcmp(act_tok, "read", 4) == 0) {
		act = ACT_READ;
		act_name = "read";
	} else if (act_len == 5 && memcmp(act_tok, "write", 5) == 0) {
		act = ACT_WRITE;
		act_name = "write";
	}
	for (gsize i = 0; i < G_N_ELEMENTS(actions) && !act_name; i++)
		if (strlen(actions[i].name) == act_len &&
		    memcmp(actions[i].name, act_tok, act_len) == 0) {
			act = actions[i].act;
			act_name = actions[i].name;
		}
	if (!act_name)
		return bad_token(error, "expected ACTION " ACTION_LIST, act_tok, act_len);
	if (act >= ACT_READ) {
		if (!pcs_next_token(&p, end, &tok, &n)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "missing OFFSET and LENGTH after '%s'", act_name);
			return FALSE;
		}
		if (!pcs_parse_u64(tok, n, &offset) || offset == PCS_NONE)
			return bad_token(error, "expected OFFSET as unsigned decimal bytes",
					 tok, n);
		if (!pcs_next_token(&p, end, &tok, &n)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "missing LENGTH after OFFSET");
			return FALSE;
		}
		if (!pcs_parse_u64(tok, n, &length) || length == PCS_NONE)
			return bad_token(error, "expected LENGTH as unsigned decimal bytes",
					 tok, n);
		if (length > G_MAXUINT64 - 1 - offset) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "OFFSET + LENGTH overflows 64 bits");
			return FALSE;
		}
	}
	if (pcs_next_token(&p, end, &tok, &n))
		return bad_token(error, act >= ACT_READ
				 ? "expected the end of the line after LENGTH"
				 : "expected the end of the line after a file action (add, open "
				   "and close take no OFFSET LENGTH)", tok, n);

	/* 3. The file's state machine. */
	if (act == ACT_ADD || act == ACT_OPEN)
		file = lookup_file(r, name, name_len, TRUE);
	else
		file = lookup_file(r, name, name_len, FALSE);
	if (act == ACT_WAIT) {
		/* fio waits on a file name it does not check; neither do we. */
		r->nr_waits++;
		*skip = TRUE;
		goto time;
	}
	if (act != ACT_ADD && act != ACT_OPEN &&
	    (file == G_MAXUINT32 || file_state(r, file)->state != FILE_OPEN))
		return not_open(r, act_name, name, name_len, file, error);
	f = file_state(r, file);
	if (act == ACT_OPEN && f->state == FILE_OPEN) {
		g_autofree char *q = pcs_trace_quote(name, name_len);

		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "open of '%s', which is already open (since line %" G_GUINT64_FORMAT
			    ")", q, f->line);
		return FALSE;
	}

	/* 4. The event (every check passed: from here on the record changes state). */
	ev->offset_bytes = PCS_NONE;
	ev->len_bytes = PCS_NONE;
	ev->file = file;
	ev->advice = PCS_ADVICE_NONE;
	ev->flags = 0;
	switch (act) {
	case ACT_ADD:
		if (f->state == FILE_UNKNOWN) {
			f->state = FILE_ADDED;
			f->line = lineno;
		}
		*skip = TRUE;
		break;
	case ACT_OPEN:
		f->state = FILE_OPEN;
		f->stream = r->nr_streams++;
		f->line = lineno;
		ev->op = PCS_OP_OPEN;
		break;
	case ACT_CLOSE:
		f->state = FILE_CLOSED;
		f->line = lineno;
		ev->op = PCS_OP_CLOSE;
		break;
	case ACT_READ:
	case ACT_WRITE:
		ev->op = act == ACT_READ ? PCS_OP_READ : PCS_OP_WRITE;
		ev->offset_bytes = offset;
		ev->len_bytes = length;
		pcs_files_note_size(r->files, file, offset + length);
		break;
	case ACT_SYNC:
		ev->op = PCS_OP_FSYNC;
		break;
	case ACT_DATASYNC:
		ev->op = PCS_OP_FDATASYNC;
		break;
	case ACT_TRIM:
	case ACT_WAIT:
	default:
		r->nr_trims++;
		r->trim_bytes += length;
		*skip = TRUE;
		break;
	}
	ev->stream = act == ACT_OPEN || act == ACT_CLOSE || !*skip ? f->stream : 0;

time:
	/* 5. Time: never backwards (fio does not wait then; we keep the last time). */
	if (t_ns != PCS_TIME_UNKNOWN) {
		if (r->last_t_ns != PCS_TIME_UNKNOWN && t_ns < r->last_t_ns) {
			t_ns = r->last_t_ns;
			r->nr_clamped++;
		}
		r->last_t_ns = t_ns;
	}
	ev->t_ns = t_ns;
	return TRUE;
}

static PcsTraceStatus
fio_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	FioReader *r = p;
	const char *line;
	PcsTraceStatus st;
	gsize len;
	gboolean skip;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		if (!parse_line(r, line, len, ev, &skip, error))
			return PCS_TRACE_ERROR;
		if (!skip)
			return PCS_TRACE_OK;
	}
}

static void
fio_notes(gpointer p, GString *out)
{
	FioReader *r = p;

	g_string_append_printf(out, "fio iolog version: %d\n", r->version);
	pcs_trace_note_bytes(out, "trims skipped (pcsim has no discard)", r->nr_trims,
			     r->trim_bytes);
	pcs_trace_note(out, "waits ignored", r->nr_waits);
	pcs_trace_note(out, "records whose time went backwards (kept the last time)",
		       r->nr_clamped);
}

/* 100 for "fio version N iolog" on line 1 (any N: open() then names the versions it reads). */
static int
fio_probe(G_GNUC_UNUSED const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head;
	const char *nl = memchr(s, '\n', len);

	return header_version(s, nl ? (gsize) (nl - s) : len) ? 100 : 0;
}

const PcsTraceOps pcs_trace_fio_ops = {
	.name = "fio-iolog",
	.description = "fio write_iolog v2/v3: [USEC] FILE add|open|close|read|write|... per line",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_FILES | PCS_TRACE_CAP_WRITES,
	.probe = fio_probe,
	.open = fio_open,
	.next = fio_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = fio_close,
	.position_is_line = TRUE,
	.notes = fio_notes,
};
