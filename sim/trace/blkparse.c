/*
 * blkparse.c - the default text output of blkparse (blktrace, or the kernel's block tracer
 * rendered by blkparse), "blkparse" here: what reached one block device.
 *
 *     maj,min cpu seq  sec.nsec   pid  action RWBS sector + count [process]
 *       7,1    0    0  0.004871774 26174  Q  RA   278528 + 1024 [(null)]
 *       7,1    0    0  0.004907827 26174  D  RA   278528 + 1024 [(null)]
 *       7,1    0    0  1.796999571    44  D  FN [(null)]                      (a flush: no data)
 *     CPU0 (7,1):                                                   (summary blocks at the end)
 *      Reads Queued:           2,      516KiB  Writes Queued:   1390,    53648KiB
 *
 * One event per request of the chosen ACTION on the chosen DEVICE:
 *
 *     ACTION  Q (queued: what the file system asked for; the default) or D (dispatched to the
 *             driver, after merging and splitting), from PcsTraceOptions.blk_event.
 *     DEVICE  PcsTraceOptions.blk_dev ("maj,min"); by default the device with the most events
 *             of ACTION. Finding it takes a first pass over the whole file at open (a second
 *             reader, streamed like the first, nothing kept but a count per device); notes()
 *             says which device was chosen and why.
 *
 *     RWBS R  read   sector * 512, count * 512 bytes (512-byte sectors, whatever the device)
 *          W  write
 *          D  discard: no event (pcsim has no discard op), counted with its bytes
 *          F  flush (preflush or FUA): with no data (count 0 or no sector), an fsync of the
 *             volume; with data, the read or write alone, and the flush is counted
 *          M  metadata: the event carries PCS_EVENT_META (fidelity reports it apart)
 *          N S A E  no data / sync / readahead / secure: accepted; N without F is counted
 *
 * The file is the volume, interned as "#blk:MAJ,MIN"; the stream is 0; t_ns = sec * 10^9 +
 * nsec. Lines that are not events (a first field that is not MAJ,MIN: summary blocks, "CPU0
 * (7,1):", "Throughput", "# ..." headers, blank lines) are skipped and counted; events of
 * other actions (G, P, M, I, C, U, A ...) and other devices are skipped and counted. A line
 * that starts like an event but is malformed is a record error naming the field. blkparse
 * sorts its output by time; should a time still go back, the event keeps the last time and
 * is counted (events never go back in time).
 *
 * The success path allocates nothing: a line is split in place, the device is compared as two
 * integers, and the volume's file id is interned once at open.
 *
 * Entry point: pcs_trace_blkparse_ops.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define SECTOR_BYTES 512
#define RWBS_LETTERS "FRWDNSMAE"

typedef struct {
	guint32 maj, min;
	guint64 nr_q, nr_d;
} BlkDev;

/* The fields of an event line that matter here; pointers into the line. */
typedef struct {
	guint32     maj, min;
	gint64      t_ns;
	const char *action;
	gsize       action_len;
	const char *rwbs;
	gsize       rwbs_len;
	gboolean    has_data;
	guint64     sector, count;
} BlkLine;

typedef enum {
	LINE_EVENT,      /* an event line whose first six fields parsed */
	LINE_OTHER,      /* not an event line (summary, header, blank) */
	LINE_BAD         /* starts as an event line but is malformed; error set */
} LineKind;

typedef struct {
	PcsLineReader lr;
	PcsFileTable *files;        /* borrowed */
	char          action;       /* 'Q' or 'D' */
	guint32       maj, min;     /* the device */
	gboolean      dev_given;    /* --blk-dev, else the busiest */
	guint32       file;         /* "#blk:MAJ,MIN" */
	gint64        last_t_ns;
	GArray       *devs;         /* BlkDev of the first pass, for notes() */
	guint64       nr_events;    /* of action on the device, seen by next() */
	guint64       nr_other_lines, nr_other_actions, nr_other_devs, nr_discards,
		      discard_bytes, nr_flushes, nr_flush_data, nr_meta, nr_nodata, nr_clamped;
} BlkReader;

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(BlkReader, lr) == 0);

static gboolean
bad_field(GError **error, const char *what, const char *tok, gsize len)
{
	pcs_trace_bad_input(error, tok, len, "%s", what);
	return FALSE;
}

/* "maj,min" with both parts unsigned decimal below 2^32. */
static gboolean
parse_dev(const char *s, gsize len, guint32 *maj, guint32 *min)
{
	const char *comma = memchr(s, ',', len);
	guint64 a, b;

	if (!comma || !pcs_parse_u64(s, (gsize) (comma - s), &a) ||
	    !pcs_parse_u64(comma + 1, len - (gsize) (comma - s) - 1, &b) ||
	    a > G_MAXUINT32 || b > G_MAXUINT32)
		return FALSE;
	*maj = (guint32) a;
	*min = (guint32) b;
	return TRUE;
}

/* "sec.nsec" (1 to 9 digits after the point, scaled to nanoseconds). */
static gboolean
parse_time(const char *s, gsize len, gint64 *t_ns)
{
	const char *dot = memchr(s, '.', len);
	gsize frac_len;
	guint64 sec, frac;

	if (!dot)
		return FALSE;
	frac_len = len - (gsize) (dot - s) - 1;
	if (frac_len == 0 || frac_len > 9 || !pcs_parse_u64(s, (gsize) (dot - s), &sec) ||
	    !pcs_parse_u64(dot + 1, frac_len, &frac) || sec > (guint64) G_MAXINT64 / 1000000000 - 1)
		return FALSE;
	for (gsize i = frac_len; i < 9; i++)
		frac *= 10;
	*t_ns = (gint64) (sec * 1000000000 + frac);
	return TRUE;
}

static LineKind
bad_line(GError **error, const char *what, const char *tok, gsize len)
{
	bad_field(error, what, tok, len);
	return LINE_BAD;
}

/* The next token of [*p, end) as an unsigned number; FALSE (tok "" when missing) if not. */
static gboolean
next_u64(const char **p, const char *end, const char **tok, gsize *n, guint64 *v)
{
	if (!pcs_next_token(p, end, tok, n)) {
		*tok = "";
		*n = 0;
		return FALSE;
	}
	return pcs_parse_u64(*tok, *n, v);
}

/*
 * Splits an event line. 1. MAJ,MIN or it is not an event line. 2. CPU SEQ TIME PID ACTION.
 * 3. Only for actions Q and D (the others carry other things after ACTION): RWBS, then
 * "SECTOR + COUNT" or nothing, then the process in brackets (ignored).
 */
static LineKind
split_line(const char *line, gsize len, BlkLine *bl, GError **error)
{
	const char *p = line, *end = line + len, *tok = "";
	gsize n = 0;
	guint64 v;

	/* 1. */
	if (!pcs_next_token(&p, end, &tok, &n) || !parse_dev(tok, n, &bl->maj, &bl->min))
		return LINE_OTHER;
	/* 2. */
	if (!next_u64(&p, end, &tok, &n, &v))
		return bad_line(error, "expected CPU as a number after MAJ,MIN", tok, n);
	if (!next_u64(&p, end, &tok, &n, &v))
		return bad_line(error, "expected SEQ as a number after CPU", tok, n);
	if (!pcs_next_token(&p, end, &tok, &n)) {
		tok = "";
		n = 0;
	}
	if (!parse_time(tok, n, &bl->t_ns))
		return bad_line(error, "expected TIME as SECONDS.NANOSECONDS after SEQ", tok, n);
	if (!next_u64(&p, end, &tok, &n, &v))
		return bad_line(error, "expected PID as a number after TIME", tok, n);
	if (!pcs_next_token(&p, end, &bl->action, &bl->action_len)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "missing ACTION after PID");
		return LINE_BAD;
	}
	/* 3. */
	bl->has_data = FALSE;
	bl->rwbs = NULL;
	bl->rwbs_len = 0;
	if (bl->action_len != 1 || (bl->action[0] != 'Q' && bl->action[0] != 'D'))
		return LINE_EVENT;
	if (!pcs_next_token(&p, end, &bl->rwbs, &bl->rwbs_len)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "missing RWBS after ACTION %c", bl->action[0]);
		return LINE_BAD;
	}
	for (gsize i = 0; i < bl->rwbs_len; i++)
		if (!strchr(RWBS_LETTERS, bl->rwbs[i]) || bl->rwbs[i] == '\0')
			return bad_line(error, "expected RWBS as letters of " RWBS_LETTERS,
					bl->rwbs, bl->rwbs_len);
	if (!pcs_next_token(&p, end, &tok, &n) || tok[0] == '[')
		return LINE_EVENT;   /* no data: a flush, or N */
	if (!pcs_parse_u64(tok, n, &bl->sector))
		return bad_line(error, "expected SECTOR as a number after RWBS", tok, n);
	if (!pcs_next_token(&p, end, &tok, &n) || n != 1 || tok[0] != '+') {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "expected '+ COUNT' after SECTOR (an event is MAJ,MIN CPU SEQ TIME PID "
			    "ACTION RWBS SECTOR + COUNT [PROCESS])");
		return LINE_BAD;
	}
	if (!next_u64(&p, end, &tok, &n, &bl->count))
		return bad_line(error, "expected COUNT as a number of sectors after '+'", tok, n);
	if (bl->sector > G_MAXUINT64 / SECTOR_BYTES || bl->count > G_MAXUINT32 ||
	    bl->sector * SECTOR_BYTES > G_MAXUINT64 - 1 - bl->count * SECTOR_BYTES) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "SECTOR %" G_GUINT64_FORMAT " + COUNT %" G_GUINT64_FORMAT
			    " is beyond 2^64 bytes", bl->sector, bl->count);
		return LINE_BAD;
	}
	bl->has_data = TRUE;
	return LINE_EVENT;
}

static BlkDev *
dev_slot(GArray *devs, guint32 maj, guint32 min)
{
	BlkDev d = { maj, min, 0, 0 };

	for (guint i = 0; i < devs->len; i++) {
		BlkDev *e = &g_array_index(devs, BlkDev, i);

		if (e->maj == maj && e->min == min)
			return e;
	}
	g_array_append_val(devs, d);
	return &g_array_index(devs, BlkDev, devs->len - 1);
}

/* The first pass: Q and D events per device, into r->devs. Malformed lines are left to
 * next() to report. Fails only on a read error. */
static gboolean
count_devices(BlkReader *r, const char *path, GError **error)
{
	PcsLineReader lr;
	const char *line;
	gsize len;
	BlkLine bl;
	BlkDev *last = NULL;
	PcsLineStatus st;

	if (!pcs_line_reader_init(&lr, path, error))
		return FALSE;
	while ((st = pcs_line_reader_next(&lr, &line, &len, error)) != PCS_LINE_EOF) {
		if (st == PCS_LINE_ERROR) {
			pcs_line_reader_clear(&lr);
			return FALSE;
		}
		if (st != PCS_LINE_OK || split_line(line, len, &bl, NULL) != LINE_EVENT ||
		    bl.action_len != 1 || (bl.action[0] != 'Q' && bl.action[0] != 'D'))
			continue;
		if (!last || last->maj != bl.maj || last->min != bl.min)
			last = dev_slot(r->devs, bl.maj, bl.min);
		if (bl.action[0] == 'Q')
			last->nr_q++;
		else
			last->nr_d++;
	}
	pcs_line_reader_clear(&lr);
	return TRUE;
}

static guint64
dev_events(const BlkReader *r, const BlkDev *d)
{
	return r->action == 'Q' ? d->nr_q : d->nr_d;
}

/* "7,1 (1837), 8,0 (12)": devices with events of the reader's action (newly allocated). */
static char *
dev_list(const BlkReader *r)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < r->devs->len; i++) {
		const BlkDev *d = &g_array_index(r->devs, BlkDev, i);

		if (dev_events(r, d))
			g_string_append_printf(s, "%s%u,%u (%" G_GUINT64_FORMAT ")",
					       s->len ? ", " : "", d->maj, d->min,
					       dev_events(r, d));
	}
	return g_string_free(s, FALSE);
}

static void
blk_close(gpointer p)
{
	BlkReader *r = p;

	if (!r)
		return;
	pcs_line_reader_clear(&r->lr);
	if (r->devs)
		g_array_free(r->devs, TRUE);
	g_free(r);
}

/*
 * 1. Check the options (--blk-event Q|D, --blk-dev MAJ,MIN).
 * 2. First pass: events per device.
 * 3. Choose the device: the one given (it must have events), else the busiest.
 * 4. Open the second reader, the one next() reads.
 */
static gpointer
blk_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files, GError **error)
{
	BlkReader *r = g_new0(BlkReader, 1);
	const BlkDev *best = NULL;
	char name[40];

	r->files = files;
	r->last_t_ns = PCS_TIME_UNKNOWN;
	r->devs = g_array_new(FALSE, FALSE, sizeof(BlkDev));
	/* 1. */
	r->action = opts->blk_event ? opts->blk_event : 'Q';
	if (r->action != 'Q' && r->action != 'D') {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "--blk-event: expected Q (queued) or D (dispatched), got '%c'",
			    g_ascii_isprint(r->action) ? r->action : '?');
		goto fail;
	}
	if (opts->blk_dev) {
		if (!parse_dev(opts->blk_dev, strlen(opts->blk_dev), &r->maj, &r->min)) {
			g_autofree char *q = pcs_trace_quote(opts->blk_dev, strlen(opts->blk_dev));

			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "--blk-dev: expected MAJ,MIN (as blkparse prints it, "
				    "e.g. 8,0), got '%s'", q);
			goto fail;
		}
		r->dev_given = TRUE;
	}
	/* 2. */
	if (!count_devices(r, path, error))
		goto fail;
	/* 3. */
	for (guint i = 0; i < r->devs->len; i++) {
		const BlkDev *d = &g_array_index(r->devs, BlkDev, i);

		if (r->dev_given ? (d->maj == r->maj && d->min == r->min)
		    : (dev_events(r, d) > (best ? dev_events(r, best) : 0)))
			best = d;
	}
	if (!best || dev_events(r, best) == 0) {
		g_autofree char *others = dev_list(r);
		guint64 other = 0;

		for (guint i = 0; i < r->devs->len; i++) {
			const BlkDev *d = &g_array_index(r->devs, BlkDev, i);

			other += r->action == 'Q' ? d->nr_d : d->nr_q;
		}
		if (r->dev_given && others[0])
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "device %u,%u has no %c events in this trace (devices with %c "
				    "events: %s)", r->maj, r->min, r->action, r->action, others);
		else
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "no %c events%s in this trace (%" G_GUINT64_FORMAT
				    " %c events%s)",
				    r->action, r->dev_given ? " at all" : "", other,
				    r->action == 'Q' ? 'D' : 'Q',
				    other ? r->action == 'Q' ? ": try --blk-event D"
					    : ": try --blk-event Q" : "");
		goto fail;
	}
	r->maj = best->maj;
	r->min = best->min;
	g_snprintf(name, sizeof name, "#blk:%u,%u", r->maj, r->min);
	r->file = pcs_files_intern(files, name, strlen(name));
	/* 4. */
	if (!pcs_line_reader_init(&r->lr, path, error))
		goto fail;
	return r;

fail:
	blk_close(r);
	return NULL;
}

static PcsTraceStatus
blk_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	BlkReader *r = p;
	const char *line;
	PcsTraceStatus st;
	gsize len;
	BlkLine bl;
	gboolean rd, wr, discard, flush, meta;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		switch (split_line(line, len, &bl, error)) {
		case LINE_BAD:
			return PCS_TRACE_ERROR;
		case LINE_OTHER:
			r->nr_other_lines++;
			continue;
		case LINE_EVENT:
		default:
			break;
		}
		if (bl.action_len != 1 || bl.action[0] != r->action) {
			r->nr_other_actions++;
			continue;
		}
		if (bl.maj != r->maj || bl.min != r->min) {
			r->nr_other_devs++;
			continue;
		}
		r->nr_events++;
		rd = memchr(bl.rwbs, 'R', bl.rwbs_len) != NULL;
		wr = memchr(bl.rwbs, 'W', bl.rwbs_len) != NULL;
		discard = memchr(bl.rwbs, 'D', bl.rwbs_len) != NULL;
		flush = memchr(bl.rwbs, 'F', bl.rwbs_len) != NULL;
		meta = memchr(bl.rwbs, 'M', bl.rwbs_len) != NULL;
		if (flush)
			r->nr_flushes++;
		if (discard) {
			r->nr_discards++;
			r->discard_bytes += bl.has_data ? bl.count * SECTOR_BYTES : 0;
			continue;
		}
		ev->offset_bytes = PCS_NONE;
		ev->len_bytes = PCS_NONE;
		if (bl.has_data && bl.count > 0 && (rd || wr)) {
			ev->op = rd ? PCS_OP_READ : PCS_OP_WRITE;
			ev->offset_bytes = bl.sector * SECTOR_BYTES;
			ev->len_bytes = bl.count * SECTOR_BYTES;
			if (flush)
				r->nr_flush_data++;
			pcs_files_note_size(r->files, r->file, ev->offset_bytes + ev->len_bytes);
		} else if (flush) {
			ev->op = PCS_OP_FSYNC;
		} else {
			r->nr_nodata++;
			continue;
		}
		if (meta)
			r->nr_meta++;
		if (r->last_t_ns != PCS_TIME_UNKNOWN && bl.t_ns < r->last_t_ns) {
			bl.t_ns = r->last_t_ns;
			r->nr_clamped++;
		}
		r->last_t_ns = bl.t_ns;
		ev->t_ns = bl.t_ns;
		ev->file = r->file;
		ev->stream = 0;
		ev->advice = PCS_ADVICE_NONE;
		ev->flags = meta ? PCS_EVENT_META : 0;
		return PCS_TRACE_OK;
	}
}

static void
blk_notes(gpointer p, GString *out)
{
	BlkReader *r = p;
	guint nr_devs = 0;
	guint64 total = 0;

	for (guint i = 0; i < r->devs->len; i++) {
		const BlkDev *d = &g_array_index(r->devs, BlkDev, i);

		nr_devs += dev_events(r, d) > 0;
		if (d->maj == r->maj && d->min == r->min)
			total = dev_events(r, d);
	}
	g_string_append_printf(out, "device: %u,%u (%s; %" G_GUINT64_FORMAT " %c events; %u "
			       "device(s) with %c events)\n", r->maj, r->min,
			       r->dev_given ? "given by --blk-dev" : "the one with the most events",
			       total, r->action, nr_devs, r->action);
	g_string_append_printf(out, "events used: %c (%s)\n", r->action,
			       r->action == 'Q' ? "queued" : "dispatched");
	pcs_trace_note(out, "metadata requests (RWBS M)", r->nr_meta);
	if (r->nr_flushes)
		g_string_append_printf(out, "flushes (RWBS F): %" G_GUINT64_FORMAT " (%"
				       G_GUINT64_FORMAT " with data, the others as fsync)\n",
				       r->nr_flushes, r->nr_flush_data);
	pcs_trace_note_bytes(out, "discards skipped (RWBS D)", r->nr_discards,
			     r->discard_bytes);
	if (r->nr_nodata)
		g_string_append_printf(out, "requests without data skipped: %" G_GUINT64_FORMAT
				       "\n", r->nr_nodata);
	if (r->nr_other_devs)
		g_string_append_printf(out, "events of other devices skipped: %" G_GUINT64_FORMAT
				       "\n", r->nr_other_devs);
	g_string_append_printf(out, "events of other actions skipped: %" G_GUINT64_FORMAT "\n",
			       r->nr_other_actions);
	g_string_append_printf(out, "lines that are not events (summaries, headers): %"
			       G_GUINT64_FORMAT "\n", r->nr_other_lines);
	if (r->nr_clamped)
		g_string_append_printf(out, "events whose time went backwards (kept the last "
				       "time): %" G_GUINT64_FORMAT "\n", r->nr_clamped);
}

/*
 * 90: the first line that is neither blank nor a '#' comment is an event line: MAJ,MIN CPU
 *     SEQ SEC.NSEC PID ACTION (and, for Q and D, well-formed RWBS and data);
 * 0:  anything else.
 */
static int
blk_probe(G_GNUC_UNUSED const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head, *end = s + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (gsize) (end - s));
		const char *eol = nl ? nl : end, *p = s, *tok;
		gsize n;
		BlkLine bl;

		if (!nl && end - s > 0 && len == PCS_TRACE_PROBE_BYTES)
			return 0;   /* a cut line at the end of the head: cannot tell */
		if (memchr(s, '\0', (gsize) (eol - s)))
			return 0;
		if (pcs_next_token(&p, eol, &tok, &n) && tok[0] != '#')
			return split_line(s, (gsize) (eol - s), &bl, NULL) == LINE_EVENT ? 90 : 0;
		s = nl ? nl + 1 : end;
	}
	return 0;
}

const PcsTraceOps pcs_trace_blkparse_ops = {
	.name = "blkparse",
	.description = "blkparse text: MAJ,MIN CPU SEQ TIME PID ACTION RWBS SECTOR + COUNT [PROC]",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_WRITES,
	.probe = blk_probe,
	.open = blk_open,
	.next = blk_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = blk_close,
	.position_is_line = TRUE,
	.notes = blk_notes,
};
