/*
 * lis.c - the block-reference traces of the ARC and LIRS papers ("arc", "lirs"), where each
 * block number is one cache page, as the papers count them: replaying them reproduces the
 * published hit ratios.
 *
 *   arc    (.lis, Megiddo & Modha, FAST'03; also the LRU-K and 2Q traces)
 *            start count ignore reqno          blank-separated unsigned numbers
 *          reads count consecutive blocks from start: one read event of
 *          [start * 4096, (start + count) * 4096), so count page accesses.
 *   lirs   (Jiang & Zhang, SIGMETRICS'02)
 *            block                             one unsigned number per line
 *            *                                 a checkpoint marker: skipped
 *          reads block: [block * 4096, block * 4096 + 4096).
 *
 * Both are reads of one volume "#0", stream 0, without times (the papers replay them in
 * order, one reference per step); --id-unit does not apply (a block is a page by
 * definition). Block numbers must stay below 2^52 (and start + count too), so byte offsets
 * fit in 64 bits; count 0 is an error (a request for nothing).
 *
 * Detection: arc 50 when every complete line of the head is four unsigned numbers with
 * count >= 1, 80 with a ".lis" name. lirs 30 when every line is a number or '*' (60 when a
 * '*' marker is among them, 50 with a ".trace" name or "lirs" in it). libCacheSim's txt (one
 * id per line, lcs-txt.c) accepts the same lines as lirs without markers and scores 30 (50 for
 * ".txt"); on a tie it wins, which changes nothing but the format's name: both read each
 * number as one page of "#0".
 *
 * Both read through the line reader (compressed files too: the ARC traces are distributed
 * as .lis.zst); nothing is allocated per record.
 *
 * Entry points: pcs_trace_arc_ops, pcs_trace_lirs_ops.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define LIS_VOLUME "#0"
#define LIS_MAX_BLOCK ((G_GUINT64_CONSTANT(1) << (64 - PCS_PAGE_SHIFT)) - 1)  /* (block+count)*4096 fits */

typedef struct {
	PcsLineReader lr;
	PcsFileTable *files;     /* borrowed */
	guint32       file;
	guint64       max_end;
	gboolean      arc;       /* TRUE: arc, FALSE: lirs */
} LisReader;

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(LisReader, lr) == 0);

/* Blank-separated tokens of line into tok[0..max); returns how many (max + 1 if more). */
static guint
tokens(const char *line, gsize len, const char **tok, gsize *tok_len, guint max)
{
	const char *p = line, *end = line + len;
	guint n = 0;

	for (;;) {
		const char *s;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == end)
			return n;
		if (n == max)
			return max + 1;
		s = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		tok[n] = s;
		tok_len[n] = (gsize) (p - s);
		n++;
	}
}

static gboolean
bad_token(GError **error, const char *what, const char *s, gsize len)
{
	pcs_trace_bad_input(error, s, len, "expected %s", what);
	return FALSE;
}

/*
 * Parses one line. *skip is set for a blank line (and, for lirs, a '*' marker); otherwise
 * [*first, *first + *count) are the blocks read. Changes no state.
 */
static gboolean
parse_lis_line(gboolean arc, const char *line, gsize len, gboolean *skip, guint64 *first,
	       guint64 *count, GError **error)
{
	const char *tok[4];
	gsize tl[4];
	guint n = tokens(line, len, tok, tl, 4);
	guint64 ignore;

	*skip = n == 0;
	if (n == 0)
		return TRUE;
	if (!arc) {
		if (n == 1 && tl[0] == 1 && tok[0][0] == '*') {
			*skip = TRUE;
			return TRUE;
		}
		if (n != 1)
			return bad_token(error, "one block number (or '*') per line", line, len);
		if (!pcs_parse_u64(tok[0], tl[0], first))
			return bad_token(error, "a block number (unsigned decimal) or '*'", tok[0],
					 tl[0]);
		*count = 1;
	} else {
		if (n != 4)
			return bad_token(error, "4 fields: start count ignore reqno", line, len);
		if (!pcs_parse_u64(tok[0], tl[0], first))
			return bad_token(error, "start as a block number", tok[0], tl[0]);
		if (!pcs_parse_u64(tok[1], tl[1], count) || *count == 0)
			return bad_token(error, "count as a number of blocks >= 1", tok[1], tl[1]);
		if (!pcs_parse_u64(tok[2], tl[2], &ignore))
			return bad_token(error, "the third field as an unsigned number", tok[2],
					 tl[2]);
		if (!pcs_parse_u64(tok[3], tl[3], &ignore))
			return bad_token(error, "reqno as an unsigned number", tok[3], tl[3]);
	}
	if (*first >= LIS_MAX_BLOCK || *count > LIS_MAX_BLOCK - *first) {
		if (error)
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
				    "block %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " is too "
				    "large (pcsim takes blocks below 2^52, one 4 KiB page each)",
				    *first, *count);
		return FALSE;
	}
	return TRUE;
}

static gpointer
lis_open(gboolean arc, const char *path, PcsFileTable *files, GError **error)
{
	LisReader *r = g_new0(LisReader, 1);

	if (!pcs_line_reader_init(&r->lr, path, error)) {
		g_free(r);
		return NULL;
	}
	r->arc = arc;
	r->files = files;
	r->file = pcs_files_intern(files, LIS_VOLUME, strlen(LIS_VOLUME));
	return r;
}

static gpointer
arc_open(const char *path, G_GNUC_UNUSED const PcsTraceOptions *opts, PcsFileTable *files,
	 GError **error)
{
	return lis_open(TRUE, path, files, error);
}

static gpointer
lirs_open(const char *path, G_GNUC_UNUSED const PcsTraceOptions *opts, PcsFileTable *files,
	  GError **error)
{
	return lis_open(FALSE, path, files, error);
}

static PcsTraceStatus
lis_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	LisReader *r = p;
	const char *line;
	PcsTraceStatus st;
	gsize len;
	guint64 first, count, end;
	gboolean skip;

	for (;;) {
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		/* The fast path of lirs: a line of digits. */
		if (!r->arc && G_LIKELY(len && pcs_parse_u64(line, len, &first) &&
					first < LIS_MAX_BLOCK)) {
			count = 1;
			break;
		}
		if (!parse_lis_line(r->arc, line, len, &skip, &first, &count, error))
			return PCS_TRACE_ERROR;
		if (!skip)
			break;
	}
	ev->t_ns = PCS_TIME_UNKNOWN;
	ev->offset_bytes = first << PCS_PAGE_SHIFT;
	ev->len_bytes = count << PCS_PAGE_SHIFT;
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

/* Every complete line of the head parses; *markers counts lirs '*' lines. */
static guint
probe_lines(gboolean arc, const guint8 *head, gsize len, guint *markers)
{
	const char *s = (const char *) head, *end = s + len;
	guint nr = 0;

	*markers = 0;
	if (memchr(head, '\0', len))
		return 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (gsize) (end - s));
		gsize n = (gsize) ((nl ? nl : end) - s);
		guint64 first, count;
		gboolean skip;

		if (!nl && len == PCS_TRACE_PROBE_BYTES)
			break;
		if (!parse_lis_line(arc, s, n, &skip, &first, &count, NULL))
			return 0;
		if (!skip)
			nr++;
		else if (memchr(s, '*', n))
			(*markers)++;
		s = nl ? nl + 1 : end;
	}
	return nr;
}

static int
arc_probe(const char *path, const guint8 *head, gsize len)
{
	guint markers;

	if (probe_lines(TRUE, head, len, &markers) == 0)
		return 0;
	return pcs_trace_name_has_suffix(path, ".lis") ? 80 : 50;
}

static int
lirs_probe(const char *path, const guint8 *head, gsize len)
{
	guint markers;

	if (probe_lines(FALSE, head, len, &markers) == 0)
		return 0;
	if (markers)
		return 60;
	if (pcs_trace_name_has_suffix(path, ".trace") || pcs_trace_name_contains(path, "lirs"))
		return 50;
	return 30;
}

const PcsTraceOps pcs_trace_arc_ops = {
	.name = "arc",
	.description = "ARC .lis: start count ignore reqno; each block one page read",
	.caps = 0,
	.probe = arc_probe,
	.open = arc_open,
	.next = lis_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = pcs_line_reader_free_op,
	.position_is_line = TRUE,
};

const PcsTraceOps pcs_trace_lirs_ops = {
	.name = "lirs",
	.description = "LIRS: one block number per line ('*' markers skipped); one page each",
	.caps = 0,
	.probe = lirs_probe,
	.open = lirs_open,
	.next = lis_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = pcs_line_reader_free_op,
	.position_is_line = TRUE,
};
