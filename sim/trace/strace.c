/*
 * strace.c - file I/O seen by strace (`strace -f -tt` or `-ttt`, with or without `-y`),
 * "strace" here: a file-level trace rebuilt from system calls.
 *
 *     26173 11:41:36.544638 openat(AT_FDCWD, "mnt/extract", O_RDONLY|O_DIRECTORY) = 4
 *     26173 11:41:36.544977 openat(4, "py/stat.py", O_WRONLY|O_CREAT|O_EXCL, 0600) = 5
 *     26173 11:41:36.545911 write(5, "\"\"\"\n    return False\n"..., 3437 <unfinished ...>
 *     26174 11:41:36.545921 <... write resumed>) = 32768
 *     26173 11:41:36.545945 <... write resumed>) = 3437
 *     [PID ]TIME SYSCALL(ARGS) = RESULT [ERRNO (text)] [<duration>]
 *
 * strace prints calls, not file offsets, so this reader keeps what the kernel keeps:
 *
 *     Proc (pid) --fds--> FdTable --slot[fd]--> Ofd (open file description)
 *        cwd              (shared by CLONE_FILES    file id, stream, position, O_DIRECT,
 *                         threads; copied on fork)  O_APPEND; shared by dup and fork
 *
 * and turns each successful call into events (sizes are the return values, never the
 * requested counts):
 *
 *     open, openat, openat2, creat   open (a new stream; O_TRUNC: then truncate 0)
 *     read, readv / write, writev    read / write at the Ofd's position, which advances
 *     pread64, preadv(2) / pwrite*   read / write at the given offset
 *     O_DIRECT Ofds                  direct-read / direct-write instead
 *     lseek                          the position becomes the result
 *     close (last fd of an Ofd),     close; process exit and execve (O_CLOEXEC fds) close
 *       exit, execve                 too. dup, dup2, dup3, fcntl(F_DUPFD*) share the Ofd
 *     mmap of a file                 mmap-read (mmap-write for shared writable maps) of the
 *                                    mapped range, flagged PCS_EVENT_BOUND (see below)
 *     sendfile(out, in, ...)         sendfile on the in-fd (and a write when out is a file)
 *     copy_file_range                read on the in-fd + write on the out-fd
 *     fsync / fdatasync              fsync / fdatasync; sync_file_range: sync-range
 *     sync, syncfs                   sync (all files)
 *     fadvise64, readahead           fadvise with the advice; readahead = willneed
 *     ftruncate, truncate            truncate
 *     unlink(at), rename(at)(2),     names: a renamed file keeps its identity (and pages)
 *       link(at)                     under its new path; an unlinked file is truncated to 0
 *                                    (its pages go) once no Ofd has it open
 *     chdir, fchdir                  the process's directory for relative paths
 *     pipe, pipe2                    pipe fds: their I/O is counted, not replayed
 *     clone, clone3, fork, vfork     the child gets a copy of the fd table (or shares it,
 *                                    CLONE_FILES) and the directory
 *
 * Paths: relative paths resolve against the process's directory, which starts as --cwd
 * (PcsTraceOptions.cwd; strace does not record it) and follows chdir; openat(dirfd, ...)
 * against dirfd's path when the fd is known. With -y, strace prints an fd's path itself
 * (`3</srv/a>`): that path wins. Unknown bases leave the path relative, and are counted.
 *
 * What strace cannot see: page touches through mmap. A mapping says which pages *may* be
 * read, not which were, so the truth for a mapped range lies between "none" and "all". The
 * mmap-read events carry PCS_EVENT_BOUND so that replays and the fidelity comparison can
 * count them apart (or skip them); their range does not raise the file's known size.
 *
 * Pairs: `<unfinished ...>` keeps the first half of a call per pid; `<... NAME resumed>`
 * joins it with the rest, and the event gets the time of the resumed line. A child's first
 * line may come before its parent's clone returns: a pid seen for the first time while some
 * process is inside clone/fork/vfork is that process's child.
 *
 * Counted, never replayed (notes()): failed calls (`= -1 ENOENT ...`) and calls without a
 * result (`= ?`); I/O on pipes, and on fds the trace never opened (stdin/stdout/stderr,
 * sockets, fds inherited from before the trace); zero-byte reads and writes; unfinished
 * calls never resumed; calls pcsim ignores. Events never go back in time (a line whose time
 * is earlier than the last event's keeps the last time, and is counted); -tt times that
 * wrap at midnight move to the next day.
 *
 * Cost: lines are split in place; the success path of a read or write looks up the pid
 * (the last one is cached) and the fd (an array index) and allocates nothing. Opens intern
 * names and allocate an Ofd; a process exit can queue many closes (the queue grows once).
 *
 * The reader is four files (strace.h says what each holds): this one reads lines (PID, time,
 * unfinished/resumed pairs) and holds the ops table; strace-parse.c parses a call's text,
 * strace-fd.c keeps processes, fd tables and names, strace-calls.c applies each call.
 *
 * Entry points: pcs_trace_strace_ops, pcs_trace_path_resolve() (strace-fd.c; shared with
 * fio.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"
#include "trace/strace.h"

/* ---- Lines ----------------------------------------------------------------------------- */

/* "HH:MM:SS[.frac]" (-t, -tt) or "SECONDS.frac" (-ttt) into ns; FALSE if neither. */
static gboolean
parse_time(StraceReader *r, const char *s, gsize n, gint64 *t_ns)
{
	guint64 h, m, sec;
	const char *c1 = memchr(s, ':', n);

	if (!c1) {
		if (!pcs_parse_fixed(s, n, 9, &sec))
			return FALSE;
		*t_ns = (gint64) sec;
		return TRUE;
	}
	{
		const char *c2 = memchr(c1 + 1, ':', (gsize) (s + n - c1 - 1));
		gint64 t;

		if (!c2 || !pcs_parse_u64(s, (gsize) (c1 - s), &h) ||
		    !pcs_parse_u64(c1 + 1, (gsize) (c2 - c1 - 1), &m) ||
		    !pcs_parse_fixed(c2 + 1, (gsize) (s + n - c2 - 1), 9, &sec) || h > 23 ||
		    m > 59 || sec >= G_GUINT64_CONSTANT(61) * 1000000000)
			return FALSE;
		t = (gint64) ((h * 3600 + m * 60) * 1000000000 + sec);
		if (r) {
			/* A time of day much earlier than the last one: midnight passed. */
			if (r->last_raw_ns != PCS_TIME_UNKNOWN && t + DAY_NS / 2 < r->last_raw_ns)
				r->day_offset_ns += DAY_NS;
			r->last_raw_ns = t;
			t += r->day_offset_ns;
		}
		*t_ns = t;
	}
	return TRUE;
}

typedef struct {
	guint32     pid;
	gboolean    has_time;
	gint64      t_ns;
	const char *rest;      /* after PID and TIME */
	gsize       rest_len;
} LineHead;

/* "[pid N] " or "N " (strace -f), then an optional time; FALSE if the line has neither a
 * syscall nor a marker after them (the caller then reports it). */
static gboolean
split_head(StraceReader *r, const char *line, gsize len, LineHead *h)
{
	const char *p = line, *end = line + len, *tok;
	gsize n;
	guint64 v;

	h->pid = 0;
	h->has_time = FALSE;
	while (p < end && pcs_is_blank(*p))
		p++;
	if (end - p > 5 && memcmp(p, "[pid", 4) == 0) {
		const char *rb = memchr(p, ']', (gsize) (end - p));
		Span num;

		if (!rb)
			return FALSE;
		num.s = p + 4;
		num.len = (gsize) (rb - num.s);
		num = trim(num);
		if (!pcs_parse_u64(num.s, num.len, &v) || v > G_MAXUINT32)
			return FALSE;
		h->pid = (guint32) v;
		p = rb + 1;
	} else {
		const char *q = p;

		if (pcs_next_token(&q, end, &tok, &n) && q < end &&
		    pcs_parse_u64(tok, n, &v) && v <= G_MAXUINT32) {
			h->pid = (guint32) v;
			p = q;
		}
	}
	{
		const char *q = p;

		if (pcs_next_token(&q, end, &tok, &n) && g_ascii_isdigit(tok[0])) {
			if (!parse_time(r, tok, n, &h->t_ns))
				return FALSE;
			h->has_time = TRUE;
			p = q;
		}
	}
	while (p < end && pcs_is_blank(*p))
		p++;
	h->rest = p;
	h->rest_len = (gsize) (end - p);
	return h->rest_len > 0;
}

static const char UNFINISHED[] = "<unfinished ...>";

/*
 * One line:
 * 1. PID and TIME.
 * 2. Markers: "+++ exited/killed +++" ends the process, "--- SIG... ---" is counted.
 * 3. "NAME(ARGS <unfinished ...>": keep the first half for the pid.
 * 4. "<... NAME resumed>REST": join with the first half.
 * 5. Parse the complete call; failed calls and calls without result are counted.
 * 6. Carry it out (events into the queue).
 */
static gboolean
handle_line(StraceReader *r, const char *line, gsize len, GError **error)
{
	LineHead h;
	Proc *pr;
	Call c;
	const char *s;
	gsize n;

	/* 1. */
	if (!split_head(r, line, len, &h)) {
		if (len == 0 || trim((Span) { line, len }).len == 0)
			return TRUE;
		return pcs_strace_bad_line(error, "expected [PID] [TIME] SYSCALL(ARGS) = RESULT", line, len);
	}
	r->line_t_ns = h.has_time ? h.t_ns : PCS_TIME_UNKNOWN;
	s = h.rest;
	n = h.rest_len;
	/* 2. */
	if (n >= 3 && memcmp(s, "+++", 3) == 0) {
		pcs_strace_do_exit(r, h.pid);
		return TRUE;
	}
	if (n >= 3 && memcmp(s, "---", 3) == 0) {
		r->nr_signals++;
		return TRUE;
	}
	if (n >= 8 && memcmp(s, "strace: ", 8) == 0) {
		r->nr_messages++;      /* "strace: Process N attached" (stderr merged in) */
		return TRUE;
	}
	pr = pcs_strace_get_proc(r, h.pid);
	/* 3. */
	while (n > 0 && pcs_is_blank(s[n - 1]))
		n--;
	if (n >= sizeof UNFINISHED - 1 &&
	    memcmp(s + n - (sizeof UNFINISHED - 1), UNFINISHED, sizeof UNFINISHED - 1) == 0) {
		gsize keep = n - (sizeof UNFINISHED - 1);

		if (keep > 0 && s[keep - 1] == ' ')
			keep--;
		if (pr->pending->len)
			r->nr_unfinished_lost++;
		g_string_truncate(pr->pending, 0);
		g_string_append_len(pr->pending, s, (gssize) keep);
		pr->pending_line = r->lr.lineno;
		return TRUE;
	}
	/* 4. */
	if (n >= 5 && memcmp(s, "<... ", 5) == 0) {
		const char *name = s + 5, *gt = memchr(s, '>', n);
		gsize name_len;

		if (!gt || gt - name < 9 || memcmp(gt - 8, " resumed", 8) != 0)
			return pcs_strace_bad_line(error, "expected '<... SYSCALL resumed>'", s, n);
		name_len = (gsize) (gt - 8 - name);
		if (pr->pending->len <= name_len || pr->pending->str[name_len] != '(' ||
		    memcmp(pr->pending->str, name, name_len) != 0) {
			if (pr->pending->len)
				r->nr_unfinished_lost++;
			g_string_truncate(pr->pending, 0);
			r->nr_resumed_orphan++;
			return TRUE;
		}
		g_string_truncate(r->joined, 0);
		g_string_append_len(r->joined, pr->pending->str, (gssize) pr->pending->len);
		g_string_append_len(r->joined, gt + 1, (gssize) (s + n - gt - 1));
		g_string_truncate(pr->pending, 0);
		s = r->joined->str;
		n = r->joined->len;
	}
	/* 5. */
	if (!pcs_strace_parse_call(s, n, &c, error))
		return FALSE;
	r->nr_calls++;
	if (c.failed) {
		r->nr_failed++;
		return TRUE;
	}
	if (!c.ok) {
		if (c.sc == SC_UNKNOWN)
			r->nr_ignored++;      /* exit_group(0) = ? and the like */
		else
			r->nr_noresult++;
		return TRUE;
	}
	/* 6. */
	pcs_strace_do_call(r, pr, &c);
	return TRUE;
}

/* ---- The reader ------------------------------------------------------------------------ */

static void
strace_close(gpointer p)
{
	StraceReader *r = p;

	if (!r)
		return;
	pcs_line_reader_clear(&r->lr);
	if (r->procs)
		g_hash_table_destroy(r->procs);
	if (r->names)
		g_hash_table_destroy(r->names);
	if (r->fstate)
		g_array_free(r->fstate, TRUE);
	if (r->queue)
		g_array_free(r->queue, TRUE);
	if (r->joined)
		g_string_free(r->joined, TRUE);
	if (r->path)
		g_string_free(r->path, TRUE);
	if (r->path2)
		g_string_free(r->path2, TRUE);
	if (r->str)
		g_string_free(r->str, TRUE);
	g_free(r->cwd0);
	g_free(r);
}

static gpointer
strace_open(const char *path, const PcsTraceOptions *opts, PcsFileTable *files, GError **error)
{
	StraceReader *r = g_new0(StraceReader, 1);

	if (!pcs_line_reader_init(&r->lr, path, error)) {
		g_free(r);
		return NULL;
	}
	r->files = files;
	if (opts->cwd && opts->cwd[0]) {
		GString *d = g_string_new(NULL);

		pcs_trace_path_resolve(d, NULL, opts->cwd, strlen(opts->cwd));
		r->cwd0 = g_string_free(d, FALSE);
	}
	r->procs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, pcs_strace_proc_free_quiet);
	r->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->fstate = g_array_new(FALSE, TRUE, sizeof(FileState));
	r->queue = g_array_new(FALSE, FALSE, sizeof(PcsIoEvent));
	r->joined = g_string_sized_new(1024);
	r->path = g_string_sized_new(256);
	r->path2 = g_string_sized_new(256);
	r->str = g_string_sized_new(256);
	r->path_stream = G_MAXUINT32;
	r->last_t_ns = PCS_TIME_UNKNOWN;
	r->last_raw_ns = PCS_TIME_UNKNOWN;
	return r;
}

static PcsTraceStatus
strace_next(gpointer p, PcsIoEvent *ev, GError **error)
{
	StraceReader *r = p;
	const char *line;
	PcsTraceStatus st;
	gsize len;

	for (;;) {
		if (r->queue_head < r->queue->len) {
			*ev = g_array_index(r->queue, PcsIoEvent, r->queue_head++);
			if (ev->t_ns != PCS_TIME_UNKNOWN) {
				if (r->last_t_ns != PCS_TIME_UNKNOWN && ev->t_ns < r->last_t_ns) {
					ev->t_ns = r->last_t_ns;
					r->nr_clamped++;
				}
				r->last_t_ns = ev->t_ns;
			}
			return PCS_TRACE_OK;
		}
		g_array_set_size(r->queue, 0);
		r->queue_head = 0;
		st = pcs_line_reader_next_record(&r->lr, &line, &len, error);
		if (st != PCS_TRACE_OK)
			return st;
		if (!handle_line(r, line, len, error)) {
			g_array_set_size(r->queue, 0);
			return PCS_TRACE_ERROR;
		}
	}
}

static void
strace_notes(gpointer p, GString *out)
{
	StraceReader *r = p;
	guint64 unfinished = r->nr_unfinished_lost;
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, r->procs);
	while (g_hash_table_iter_next(&it, NULL, &v))
		unfinished += ((Proc *) v)->pending->len > 0;
	g_string_append_printf(out, "system calls: %" G_GUINT64_FORMAT " in %" G_GUINT64_FORMAT
			       " process(es)\n", r->nr_calls, r->nr_procs);
	pcs_trace_note(out, "failed calls skipped (= -1 E...)", r->nr_failed);
	pcs_trace_note(out, "calls without a result skipped (= ?)", r->nr_noresult);
	pcs_trace_note(out, "calls ignored (no page-cache effect, or arguments pcsim cannot read)",
	     r->nr_ignored);
	pcs_trace_note_bytes(out, "I/O on pipes skipped", r->nr_pipe_io, r->pipe_bytes);
	pcs_trace_note_bytes(out, "I/O on fds the trace never opened skipped (stdin/stdout/stderr, "
		   "sockets, inherited)", r->nr_unknown_fd_io, r->unknown_fd_bytes);
	pcs_trace_note(out, "zero-byte reads and writes skipped", r->nr_zero_io);
	pcs_trace_note_bytes(out, "file mmaps (mmap-read/-write events flagged bound: page touches are "
		   "invisible to strace)", r->nr_mmaps, r->mmap_bytes);
	pcs_trace_note(out, "relative paths without a known directory (kept relative; use --cwd)",
	     r->nr_relative_nocwd);
	pcs_trace_note(out, "paths relative to an unknown directory fd (kept relative)",
	     r->nr_dirfd_unknown);
	pcs_trace_note(out, "I/O at a position the trace does not show (fd known from -y only)",
	     r->nr_pos_unknown);
	pcs_trace_note(out, "unfinished calls never resumed", unfinished);
	pcs_trace_note(out, "resumed calls whose start is missing", r->nr_resumed_orphan);
	pcs_trace_note(out, "processes whose parent the trace does not show", r->nr_orphan_procs);
	pcs_trace_note(out, "signals", r->nr_signals);
	pcs_trace_note(out, "strace messages", r->nr_messages);
	pcs_trace_note(out, "events whose time went backwards (kept the last time)", r->nr_clamped);
}

/*
 * 85: the first line that is not blank parses as a strace line with a PID or a time:
 *     [PID] [TIME] then SYSCALL( ... or "<... NAME resumed>" or "+++ " or "--- ";
 * 60: the same without PID and time (strace with neither -f nor -t);
 * 0:  anything else.
 */
static int
strace_probe(G_GNUC_UNUSED const char *path, const guint8 *head, gsize len)
{
	const char *s = (const char *) head, *end = s + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (gsize) (end - s));
		const char *eol = nl ? nl : end, *q;
		LineHead h;

		if (memchr(s, '\0', (gsize) (eol - s)))
			return 0;
		if (trim((Span) { s, (gsize) (eol - s) }).len == 0) {
			s = nl ? nl + 1 : end;
			continue;
		}
		if (!split_head(NULL, s, (gsize) (eol - s), &h))
			return 0;
		q = h.rest;
		if (h.rest_len >= 5 && (memcmp(q, "<... ", 5) == 0 || memcmp(q, "+++ ", 4) == 0 ||
					 memcmp(q, "--- ", 4) == 0))
			return h.pid || h.has_time ? 85 : 0;
		while (q < eol && (g_ascii_isalnum(*q) || *q == '_'))
			q++;
		if (q == h.rest || q == eol || *q != '(' || !g_ascii_isalpha(h.rest[0]))
			return 0;
		if (h.pid || h.has_time)
			return 85;
		/* No PID or time: only a complete call "NAME(...) = RESULT" will do. */
		{
			Call c;

			return pcs_strace_parse_call(h.rest, h.rest_len, &c, NULL) ? 60 : 0;
		}
	}
	return 0;
}

const PcsTraceOps pcs_trace_strace_ops = {
	.name = "strace",
	.description = "strace -f -tt|-ttt [-y] output: file I/O rebuilt from system calls",
	.caps = PCS_TRACE_CAP_TIME | PCS_TRACE_CAP_FILES | PCS_TRACE_CAP_WRITES,
	.probe = strace_probe,
	.open = strace_open,
	.next = strace_next,
	.position = pcs_line_reader_position_op,
	.progress = pcs_line_reader_progress_op,
	.close = strace_close,
	.position_is_line = TRUE,
	.notes = strace_notes,
};
