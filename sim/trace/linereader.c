/*
 * linereader.c - the buffered line reader every text format reads through, and the parts of
 * a line-based reader that are the same in every format.
 *
 * One fixed buffer per reader (PCS_LINE_BUF_BYTES, allocated at init), refilled through the
 * decompressing input (input.c), so a trace is never loaded whole and nothing is allocated
 * per line:
 *
 *   buf  [ consumed | unread: start .. end | free ]
 *                     ^ next() hands out lines from here, without their '\n'; when no '\n'
 *                       is left, the unread tail moves to the front and more is read after it
 *
 * Invariants: start <= end <= PCS_LINE_BUF_BYTES; lineno counts every line handed out or
 * skipped; consumed counts the bytes of those lines, newlines included. A line longer than
 * PCS_TRACE_MAX_LINE is dropped up to its newline and reported once (PCS_LINE_TOO_LONG), so
 * a reader can go on with the next line: the buffer is more than twice that size, so a line
 * that fits is always found whole.
 *
 * The shared half of a line-based reader: its state struct starts with its PcsLineReader
 *
 *   typedef struct { PcsLineReader lr; ...format's own state... } FooReader;
 *
 * so the ops table can point position(), progress() and (when the state holds nothing that
 * needs freeing) close() at pcs_line_reader_position_op(), pcs_line_reader_progress_op() and
 * pcs_line_reader_free_op(), and next() reads with pcs_line_reader_next_record(), which turns
 * the line statuses into the trace statuses the way every format reports them.
 *
 * Entry points: pcs_line_reader_init, pcs_line_reader_clear, pcs_line_reader_next,
 * pcs_line_reader_progress, pcs_line_reader_next_record (inline in reader.h, and its
 * _slow half), pcs_line_reader_position_op,
 * pcs_line_reader_progress_op, pcs_line_reader_free_op.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define PCS_LINE_BUF_BYTES (256 * 1024)
G_STATIC_ASSERT(PCS_LINE_BUF_BYTES > 2 * PCS_TRACE_MAX_LINE);

gboolean
pcs_line_reader_init(PcsLineReader *lr, const char *path, GError **error)
{
	memset(lr, 0, sizeof *lr);
	lr->in = pcs_input_open(path, error);
	if (!lr->in) {
		lr->fd = -1;
		return FALSE;
	}
	lr->fd = pcs_input_fd(lr->in);
	lr->buf = g_malloc(PCS_LINE_BUF_BYTES);
	return TRUE;
}

void
pcs_line_reader_clear(PcsLineReader *lr)
{
	g_clear_pointer(&lr->in, pcs_input_close);
	g_clear_pointer(&lr->buf, g_free);
	lr->fd = -1;
}

double
pcs_line_reader_progress(const PcsLineReader *lr)
{
	return lr->in ? pcs_input_progress(lr->in) : 1.0;
}

/* Reads more bytes after buf[end) through the decompressing input; returns FALSE on a read
 * error or corrupt compressed data. Sets eof at the end. */
static gboolean
line_fill(PcsLineReader *lr, GError **error)
{
	gssize n = pcs_input_read(lr->in, lr->buf + lr->end, PCS_LINE_BUF_BYTES - lr->end, error);

	if (n < 0)
		return FALSE;
	if (n == 0)
		lr->eof = TRUE;
	lr->end += (gsize) n;
	return TRUE;
}

/*
 * 1. Look for '\n' in the unread bytes; found: hand out the line (or report it as too long).
 * 2. No newline and more than PCS_TRACE_MAX_LINE bytes pending: the line is too long; drop
 *    bytes until its newline (or EOF) and report it once.
 * 3. At EOF, a last line without '\n' is still a line.
 * 4. Otherwise move the pending bytes to the front of the buffer and read more.
 */
PcsLineStatus
pcs_line_reader_next(PcsLineReader *lr, const char **line, gsize *len, GError **error)
{
	for (;;) {
		/* 1. */
		char *p = lr->buf + lr->start;
		gsize pending = lr->end - lr->start;
		char *nl = pending ? memchr(p, '\n', pending) : NULL;

		if (nl) {
			gsize n = (gsize) (nl - p);

			lr->start += n + 1;
			lr->consumed += n + 1;
			lr->lineno++;
			if (n > PCS_TRACE_MAX_LINE)
				return PCS_LINE_TOO_LONG;
			*line = p;
			*len = n;
			return PCS_LINE_OK;
		}
		/* 2. */
		if (pending > PCS_TRACE_MAX_LINE) {
			lr->lineno++;
			for (;;) {
				lr->consumed += lr->end - lr->start;
				lr->start = lr->end = 0;
				if (lr->eof)
					return PCS_LINE_TOO_LONG;
				if (!line_fill(lr, error))
					return PCS_LINE_ERROR;
				nl = memchr(lr->buf, '\n', lr->end);
				if (nl) {
					lr->start = (gsize) (nl - lr->buf) + 1;
					lr->consumed += lr->start;
					return PCS_LINE_TOO_LONG;
				}
			}
		}
		/* 3. */
		if (lr->eof) {
			if (pending == 0)
				return PCS_LINE_EOF;
			lr->start = lr->end;
			lr->consumed += pending;
			lr->lineno++;
			*line = p;
			*len = pending;
			return PCS_LINE_OK;
		}
		/* 4. */
		if (lr->start > 0) {
			memmove(lr->buf, p, pending);
			lr->start = 0;
			lr->end = pending;
		}
		if (!line_fill(lr, error))
			return PCS_LINE_ERROR;
	}
}

/* The rest of pcs_line_reader_next_record() (reader.h): refills, too-long lines, the end. */
PcsTraceStatus
pcs_line_reader_next_record_slow(PcsLineReader *lr, const char **line, gsize *len,
				 GError **error)
{
	switch (pcs_line_reader_next(lr, line, len, error)) {
	case PCS_LINE_OK:
		return PCS_TRACE_OK;
	case PCS_LINE_EOF:
		return PCS_TRACE_EOF;
	case PCS_LINE_TOO_LONG:
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "line longer than %d bytes", PCS_TRACE_MAX_LINE);
		return PCS_TRACE_ERROR;
	case PCS_LINE_ERROR:
	default:
		return PCS_TRACE_ERROR;
	}
}

guint64
pcs_line_reader_position_op(gpointer reader)
{
	return ((PcsLineReader *) reader)->lineno;
}

double
pcs_line_reader_progress_op(gpointer reader)
{
	return pcs_line_reader_progress((PcsLineReader *) reader);
}

void
pcs_line_reader_free_op(gpointer reader)
{
	if (!reader)
		return;
	pcs_line_reader_clear((PcsLineReader *) reader);
	g_free(reader);
}
