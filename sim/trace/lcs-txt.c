/*
 * lcs-txt.c - libCacheSim's txt traces ("lcs-txt"): one object id per line, each a
 * read without a time.
 *
 * Detection: 30 when every line of the head is an unsigned number (50 with a ".txt" name);
 * the LIRS reader (lis.c) accepts the same lines, and wins with its own hints.
 *
 * Entry points: pcs_trace_lcs_txt_ops.
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

/* ---- lcs-txt --------------------------------------------------------------------------- */

typedef struct {
	PcsLineReader lr;
	IdMap         map;
} TxtReader;

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(TxtReader, lr) == 0);

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
