/*
 * strace-calls.c - what each system call strace shows does to the reader's state, and the
 * events it makes (the table of calls and events is in strace.c's essay).
 *
 * Entry points: pcs_strace_do_call, pcs_strace_do_exit
 *
 * Part of the strace reader: see strace.c for what it models and strace.h for how its
 * parts fit together.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"
#include "trace/strace.h"

/* ---- The calls ------------------------------------------------------------------------- */

/* The Ofd of a data fd, or NULL after counting the call as I/O pcsim cannot place. With -y,
 * an unknown fd whose annotation is an absolute path becomes a file. */
static Ofd *
data_ofd(StraceReader *r, Proc *pr, Span fd_arg, guint64 bytes)
{
	gint64 fd;
	Span ann;
	Ofd *o;

	if (!pcs_strace_parse_fd(fd_arg, &fd, &ann) || fd < 0) {
		r->nr_unknown_fd_io++;
		r->unknown_fd_bytes += bytes;
		return NULL;
	}
	o = fd_get(pr->fds, fd);
	if (!o && ann.len > 0) {
		o = g_new0(Ofd, 1);
		if (ann.s[0] == '/') {
			g_string_truncate(r->str, 0);
			g_string_append_len(r->str, ann.s, (gssize) ann.len);
			pcs_trace_path_resolve(r->path, NULL, r->str->str, r->str->len);
			o->kind = OFD_FILE;
			o->path = g_strdup(r->path->str);
			o->file = pcs_strace_file_of(r, r->path);
			o->stream = r->nr_streams++;
			o->pos_unknown = TRUE;
			fstate(r, o->file)->nr_open++;
			pcs_strace_push_event(r, PCS_OP_OPEN, o->file, o->stream, PCS_NONE, PCS_NONE);
		} else {
			o->kind = g_str_has_prefix(ann.s, "pipe:") ? OFD_PIPE : OFD_OTHER;
		}
		pcs_strace_fd_install(r, pr->fds, fd, o, FALSE);
		o = fd_get(pr->fds, fd);
	}
	if (!o || o->kind != OFD_FILE) {
		if (o && o->kind == OFD_PIPE) {
			r->nr_pipe_io++;
			r->pipe_bytes += bytes;
		} else {
			r->nr_unknown_fd_io++;
			r->unknown_fd_bytes += bytes;
		}
		return NULL;
	}
	if (o->pos_unknown)
		r->nr_pos_unknown++;
	return o;
}

/* A read or write of n bytes at offset (PCS_NONE: the Ofd's position, which advances). */
static void
do_io(StraceReader *r, Proc *pr, Span fd_arg, gboolean write, guint64 offset, guint64 n)
{
	Ofd *o = data_ofd(r, pr, fd_arg, n);
	FileState *f;
	gboolean at_pos = offset == PCS_NONE;

	if (!o)
		return;
	f = fstate(r, o->file);
	if (at_pos) {
		if (write && o->append)
			o->pos = f->size;
		offset = o->pos;
	}
	if (n > G_MAXUINT64 - 1 - offset)
		n = G_MAXUINT64 - 1 - offset;
	if (at_pos)
		o->pos = offset + n;
	if (n == 0) {
		r->nr_zero_io++;
		return;
	}
	if (write && offset + n > f->size)
		f->size = offset + n;
	pcs_strace_push_event(r, write ? (o->direct ? PCS_OP_DIRECT_WRITE : PCS_OP_WRITE)
		   : (o->direct ? PCS_OP_DIRECT_READ : PCS_OP_READ), o->file, o->stream, offset, n);
}

/* open, openat, openat2, creat: the Ofd for fd c->ret. */
static void
do_open(StraceReader *r, Proc *pr, const Call *c, gint64 dirfd, Span dir_ann, Span path_arg,
	Span flags)
{
	gboolean creat = c->sc == SC_CREAT;
	gboolean dir = !creat && (pcs_strace_has_flag(flags, "O_DIRECTORY") ||
				  pcs_strace_has_flag(flags, "O_PATH"));
	gboolean writable = creat || pcs_strace_has_flag(flags, "O_WRONLY") ||
			    pcs_strace_has_flag(flags, "O_RDWR");
	Ofd *o = g_new0(Ofd, 1);

	if (!pcs_strace_parse_string(path_arg, r->str))
		g_string_truncate(r->str, 0);
	if (c->ret_path.len > 0 && c->ret_path.s[0] == '/') {
		g_string_truncate(r->str, 0);
		g_string_append_len(r->str, c->ret_path.s, (gssize) c->ret_path.len);
		pcs_trace_path_resolve(r->path, NULL, r->str->str, r->str->len);
	} else {
		pcs_strace_resolve(r, pr, dirfd, dir_ann, r->str, r->path);
	}
	o->path = g_strdup(r->path->str);
	if (dir) {
		o->kind = OFD_DIR;
	} else {
		FileState *f;

		o->kind = OFD_FILE;
		o->file = pcs_strace_file_of(r, r->path);
		o->stream = r->nr_streams++;
		o->direct = pcs_strace_has_flag(flags, "O_DIRECT");
		o->append = pcs_strace_has_flag(flags, "O_APPEND");
		f = fstate(r, o->file);
		f->nr_open++;
		pcs_strace_push_event(r, PCS_OP_OPEN, o->file, o->stream, PCS_NONE, PCS_NONE);
		if (writable && (creat || pcs_strace_has_flag(flags, "O_TRUNC"))) {
			f->size = 0;
			pcs_strace_push_event(r, PCS_OP_TRUNCATE, o->file, o->stream, 0, PCS_NONE);
		}
	}
	pcs_strace_fd_install(r, pr->fds, c->ret, o, !creat && pcs_strace_has_flag(flags, "O_CLOEXEC"));
}

/* dup, dup2, dup3, fcntl(F_DUPFD*): newfd shares oldfd's Ofd. */
static void
do_dup(StraceReader *r, Proc *pr, Span old_arg, gint64 newfd, gboolean cloexec)
{
	gint64 oldfd;
	Span ann;
	Ofd *o;

	if (!pcs_strace_parse_fd(old_arg, &oldfd, &ann) || oldfd == newfd)
		return;
	o = fd_get(pr->fds, oldfd);
	if (!o) {
		pcs_strace_fd_close(r, pr->fds, newfd);
		return;
	}
	o->refs++;              /* hold it across fd_install's close of newfd */
	pcs_strace_fd_install(r, pr->fds, newfd, o, cloexec);
	pcs_strace_ofd_unref(r, o);
}

/* "[3, 4]" of pipe/pipe2. */
static void
do_pipe(StraceReader *r, Proc *pr, Span a, gboolean cloexec)
{
	gint64 fds[2];
	const char *comma;
	Span x, y, ann;

	a = trim(a);
	if (a.len < 2 || a.s[0] != '[' || a.s[a.len - 1] != ']')
		return;
	comma = memchr(a.s, ',', a.len);
	if (!comma)
		return;
	x.s = a.s + 1;
	x.len = (gsize) (comma - x.s);
	y.s = comma + 1;
	y.len = (gsize) (a.s + a.len - 1 - y.s);
	if (!pcs_strace_parse_fd(x, &fds[0], &ann) || !pcs_strace_parse_fd(y, &fds[1], &ann))
		return;
	for (int i = 0; i < 2; i++) {
		Ofd *o = g_new0(Ofd, 1);

		o->kind = OFD_PIPE;
		pcs_strace_fd_install(r, pr->fds, fds[i], o, cloexec);
	}
}

static void
do_exec(StraceReader *r, Proc *pr)
{
	if (pr->fds->refs > 1) {
		FdTable *t = pcs_strace_fdtable_copy(pr->fds);

		pcs_strace_fdtable_unref(r, pr->fds);
		pr->fds = t;
	}
	for (guint i = 0; i < pr->fds->slots->len; i++)
		if (g_array_index(pr->fds->slots, FdSlot, i).cloexec)
			pcs_strace_fd_close(r, pr->fds, i);
}

void
pcs_strace_do_exit(StraceReader *r, guint32 pid)
{
	Proc *pr = g_hash_table_lookup(r->procs, GUINT_TO_POINTER(pid));

	if (!pr)
		return;
	if (pr->pending->len)
		r->nr_unfinished_lost++;
	pcs_strace_fdtable_unref(r, pr->fds);
	pr->fds = NULL;
	if (r->last_proc == pr)
		r->last_proc = NULL;
	g_hash_table_remove(r->procs, GUINT_TO_POINTER(pid));
}

/* The path argument i (relative to dirfd argument d, or AT_FDCWD when d < 0) into out. */
static gboolean
path_arg(StraceReader *r, Proc *pr, const Call *c, int d, guint i, GString *out)
{
	gint64 dirfd = AT_FDCWD_VALUE;
	Span ann = { NULL, 0 };

	if (i >= c->nr_args || (d >= 0 && !pcs_strace_parse_fd(c->args[d], &dirfd, &ann)))
		return FALSE;
	if (!pcs_strace_parse_string(c->args[i], r->str))
		return FALSE;
	pcs_strace_resolve(r, pr, dirfd, ann, r->str, out);
	return TRUE;
}

static void
do_unlink(StraceReader *r, const GString *path)
{
	guint32 id = pcs_strace_known_file(r, path);

	if (id == G_MAXUINT32) {
		id = pcs_files_lookup(r->files, path->str);
		if (id == G_MAXUINT32)
			return;          /* a file the trace never opened: nothing cached */
	}
	g_hash_table_remove(r->names, path->str);
	pcs_strace_drop_file(r, id);
}

/* rename: the file keeps its id under the new path; what the new path named goes. */
static void
do_rename(StraceReader *r, const GString *from, const GString *to, gboolean link)
{
	guint32 a = pcs_strace_known_file(r, from), b = pcs_strace_known_file(r, to);

	if (a == G_MAXUINT32)
		a = pcs_files_lookup(r->files, from->str);
	if (b == G_MAXUINT32)
		b = pcs_files_lookup(r->files, to->str);
	if (a != G_MAXUINT32 && a == b)
		return;
	if (b != G_MAXUINT32) {
		g_hash_table_remove(r->names, to->str);
		pcs_strace_drop_file(r, b);
		fstate(r, b)->moved = 1;
	}
	if (a == G_MAXUINT32)
		return;
	g_hash_table_insert(r->names, g_strdup(to->str), GUINT_TO_POINTER(a + 1));
	if (!link) {
		g_hash_table_remove(r->names, from->str);
		fstate(r, a)->moved = 1;
	}
}

static void
set_cwd(Proc *pr, const GString *dir)
{
	g_free(pr->cwd);
	pr->cwd = g_strdup(dir->str);
}

/* Argument index helpers: FALSE (the call is counted as ignored) when missing. */
#define NEED_ARGS(n) do { if (c->nr_args < (n)) goto malformed; } while (0)

/*
 * Carries out one complete, successful call of process pr: updates the fd tables and
 * queues its events. Calls with arguments pcsim cannot read are counted as ignored.
 */
void
pcs_strace_do_call(StraceReader *r, Proc *pr, const Call *c)
{
	guint64 u, v;
	gint64 fd, fd2;
	Span ann;
	Ofd *o;

	switch (c->sc) {
	case SC_OPEN:
		NEED_ARGS(2);
		do_open(r, pr, c, AT_FDCWD_VALUE, (Span) { NULL, 0 }, c->args[0], c->args[1]);
		break;
	case SC_CREAT:
		NEED_ARGS(1);
		do_open(r, pr, c, AT_FDCWD_VALUE, (Span) { NULL, 0 }, c->args[0], (Span) { "", 0 });
		break;
	case SC_OPENAT:
	case SC_OPENAT2:
		NEED_ARGS(3);
		if (!pcs_strace_parse_fd(c->args[0], &fd, &ann))
			goto malformed;
		do_open(r, pr, c, fd, ann, c->args[1], c->args[2]);
		break;
	case SC_READ:
	case SC_READV:
	case SC_WRITE:
	case SC_WRITEV:
		NEED_ARGS(1);
		do_io(r, pr, c->args[0], c->sc == SC_WRITE || c->sc == SC_WRITEV, PCS_NONE,
		      (guint64) c->ret);
		break;
	case SC_PREAD64:
	case SC_PWRITE64:
	case SC_PREADV:
	case SC_PWRITEV:
	case SC_PREADV2:
	case SC_PWRITEV2: {
		gboolean w = c->sc == SC_PWRITE64 || c->sc == SC_PWRITEV || c->sc == SC_PWRITEV2;
		gint64 off;

		NEED_ARGS(4);
		if (!pcs_strace_parse_num(c->args[3], &off))
			goto malformed;
		if (off < 0 && (c->sc == SC_PREADV2 || c->sc == SC_PWRITEV2))
			do_io(r, pr, c->args[0], w, PCS_NONE, (guint64) c->ret);
		else if (off >= 0)
			do_io(r, pr, c->args[0], w, (guint64) off, (guint64) c->ret);
		else
			goto malformed;
		break;
	}
	case SC_LSEEK:
		NEED_ARGS(1);
		if (pcs_strace_parse_fd(c->args[0], &fd, &ann) && (o = fd_get(pr->fds, fd))) {
			o->pos = (guint64) c->ret;
			o->pos_unknown = FALSE;
		}
		break;
	case SC_CLOSE:
		NEED_ARGS(1);
		if (pcs_strace_parse_fd(c->args[0], &fd, &ann))
			pcs_strace_fd_close(r, pr->fds, fd);
		break;
	case SC_DUP:
		NEED_ARGS(1);
		do_dup(r, pr, c->args[0], c->ret, FALSE);
		break;
	case SC_DUP2:
	case SC_DUP3:
		NEED_ARGS(2);
		do_dup(r, pr, c->args[0], c->ret, c->sc == SC_DUP3 && c->nr_args > 2 &&
		       pcs_strace_has_flag(c->args[2], "O_CLOEXEC"));
		break;
	case SC_FCNTL:
	case SC_FCNTL64:
		NEED_ARGS(2);
		if (span_is(c->args[1], "F_DUPFD") || span_is(c->args[1], "F_DUPFD_CLOEXEC")) {
			do_dup(r, pr, c->args[0], c->ret, span_is(c->args[1], "F_DUPFD_CLOEXEC"));
		} else if (span_is(c->args[1], "F_SETFD") && c->nr_args > 2 &&
			   pcs_strace_parse_fd(c->args[0], &fd, &ann) && fd_get(pr->fds, fd)) {
			fd_slot(pr->fds, fd)->cloexec = pcs_strace_has_flag(c->args[2], "FD_CLOEXEC");
		} else if (span_is(c->args[1], "F_SETFL") && c->nr_args > 2 &&
			   pcs_strace_parse_fd(c->args[0], &fd, &ann) && (o = fd_get(pr->fds, fd))) {
			o->direct = pcs_strace_has_flag(c->args[2], "O_DIRECT");
			o->append = pcs_strace_has_flag(c->args[2], "O_APPEND");
		}
		break;
	case SC_PIPE:
	case SC_PIPE2:
		NEED_ARGS(1);
		do_pipe(r, pr, c->args[0], c->sc == SC_PIPE2 && c->nr_args > 1 &&
			pcs_strace_has_flag(c->args[1], "O_CLOEXEC"));
		break;
	case SC_CLONE:
	case SC_CLONE3:
	case SC_FORK:
	case SC_VFORK:
		if (c->ret > 0 && c->ret <= G_MAXUINT32 &&
		    !g_hash_table_contains(r->procs, GUINT_TO_POINTER((guint32) c->ret))) {
			gboolean share = FALSE;

			for (guint i = 0; i < c->nr_args; i++)
				share = share || pcs_strace_has_flag(c->args[i], "CLONE_FILES");
			pcs_strace_proc_new(r, (guint32) c->ret, pr, share);
			r->last_proc = NULL;
		}
		break;
	case SC_EXECVE:
	case SC_EXECVEAT:
		do_exec(r, pr);
		break;
	case SC_MMAP: {
		PcsOp op;
		Ofd *m;

		NEED_ARGS(6);
		if (pcs_strace_has_flag(c->args[3], "MAP_ANONYMOUS") ||
		    !pcs_strace_parse_fd(c->args[4], &fd, &ann) || fd < 0 ||
		    !pcs_strace_parse_u(c->args[1], &u) || !pcs_strace_parse_u(c->args[5], &v))
			break;
		m = data_ofd(r, pr, c->args[4], 0);
		if (!m)
			break;
		if (u > G_MAXUINT64 - 1 - v)
			goto malformed;
		r->nr_mmaps++;
		r->mmap_bytes += u;
		op = pcs_strace_has_flag(c->args[3], "MAP_SHARED") &&
		     pcs_strace_has_flag(c->args[2], "PROT_WRITE")
		     ? PCS_OP_MMAP_WRITE : PCS_OP_MMAP_READ;
		pcs_strace_push_event(r, op, m->file, m->stream, v, u)->flags = PCS_EVENT_BOUND;
		break;
	}
	case SC_SENDFILE:
	case SC_SENDFILE64: {
		Ofd *in, *out;
		Span off;

		NEED_ARGS(4);
		in = data_ofd(r, pr, c->args[1], (guint64) c->ret);
		if (in && c->ret > 0) {
			off = trim(c->args[2]);
			if (span_is(off, "NULL")) {
				u = in->pos;
				in->pos += (guint64) c->ret;
			} else if (off.len > 2 && off.s[0] == '[') {
				Span num = { off.s + 1, 0 };

				while (num.s + num.len < off.s + off.len &&
				       g_ascii_isdigit(num.s[num.len]))
					num.len++;
				if (!pcs_strace_parse_u(num, &u))
					goto malformed;
			} else {
				goto malformed;
			}
			if ((guint64) c->ret > G_MAXUINT64 - 1 - u)
				goto malformed;
			pcs_strace_push_event(r, PCS_OP_SENDFILE, in->file, in->stream, u, (guint64) c->ret);
		} else if (in) {
			r->nr_zero_io++;
		}
		if (pcs_strace_parse_fd(c->args[0], &fd, &ann) && (out = fd_get(pr->fds, fd)) &&
		    out->kind == OFD_FILE)
			do_io(r, pr, c->args[0], TRUE, PCS_NONE, (guint64) c->ret);
		break;
	}
	case SC_COPY_FILE_RANGE: {
		gint64 off;

		NEED_ARGS(5);
		for (int side = 0; side < 2; side++) {
			Span off_arg = trim(c->args[side * 2 + 1]);

			if (span_is(off_arg, "NULL")) {
				do_io(r, pr, c->args[side * 2], side == 1, PCS_NONE,
				      (guint64) c->ret);
			} else if (off_arg.len > 2 && off_arg.s[0] == '[') {
				Span num = { off_arg.s + 1, 0 };

				while (num.s + num.len < off_arg.s + off_arg.len &&
				       g_ascii_isdigit(num.s[num.len]))
					num.len++;
				if (!pcs_strace_parse_num(num, &off))
					goto malformed;
				do_io(r, pr, c->args[side * 2], side == 1, (guint64) off,
				      (guint64) c->ret);
			} else {
				goto malformed;
			}
		}
		break;
	}
	case SC_FSYNC:
	case SC_FDATASYNC:
		NEED_ARGS(1);
		if ((o = data_ofd(r, pr, c->args[0], 0)))
			pcs_strace_push_event(r, c->sc == SC_FSYNC ? PCS_OP_FSYNC : PCS_OP_FDATASYNC,
					      o->file, o->stream, PCS_NONE, PCS_NONE);
		break;
	case SC_SYNC_FILE_RANGE:
		NEED_ARGS(3);
		if (!pcs_strace_parse_u(c->args[1], &u) || !pcs_strace_parse_u(c->args[2], &v) ||
		    v > G_MAXUINT64 - 1 - u)
			goto malformed;
		if ((o = data_ofd(r, pr, c->args[0], 0)))
			pcs_strace_push_event(r, PCS_OP_SYNC_RANGE, o->file, o->stream, u, v ? v : PCS_NONE);
		break;
	case SC_SYNC:
	case SC_SYNCFS:
		pcs_strace_push_event(r, PCS_OP_SYNC, G_MAXUINT32, path_stream(r), PCS_NONE, PCS_NONE);
		break;
	case SC_FADVISE64:
	case SC_FADVISE64_64:
	case SC_READAHEAD: {
		PcsAdvice adv = PCS_ADVICE_WILLNEED;

		NEED_ARGS(3);
		if (!pcs_strace_parse_u(c->args[1], &u) || !pcs_strace_parse_u(c->args[2], &v) ||
		    v > G_MAXUINT64 - 1 - u)
			goto malformed;
		if (c->sc != SC_READAHEAD) {
			Span a;

			NEED_ARGS(4);
			a = trim(c->args[3]);
			if (span_is(a, "POSIX_FADV_NORMAL"))
				adv = PCS_ADVICE_NORMAL;
			else if (span_is(a, "POSIX_FADV_SEQUENTIAL"))
				adv = PCS_ADVICE_SEQUENTIAL;
			else if (span_is(a, "POSIX_FADV_RANDOM"))
				adv = PCS_ADVICE_RANDOM;
			else if (span_is(a, "POSIX_FADV_WILLNEED"))
				adv = PCS_ADVICE_WILLNEED;
			else if (span_is(a, "POSIX_FADV_DONTNEED"))
				adv = PCS_ADVICE_DONTNEED;
			else
				goto malformed;     /* NOREUSE, numbers: no pcsim advice */
		}
		if ((o = data_ofd(r, pr, c->args[0], 0)))
			pcs_strace_push_event(r, PCS_OP_FADVISE, o->file, o->stream, u, v)->advice =
				(guint8) adv;
		break;
	}
	case SC_FTRUNCATE:
		NEED_ARGS(2);
		if (!pcs_strace_parse_u(c->args[1], &u) || u == PCS_NONE)
			goto malformed;
		if ((o = data_ofd(r, pr, c->args[0], 0))) {
			fstate(r, o->file)->size = u;
			pcs_strace_push_event(r, PCS_OP_TRUNCATE, o->file, o->stream, u, PCS_NONE);
		}
		break;
	case SC_TRUNCATE:
		NEED_ARGS(2);
		if (!pcs_strace_parse_u(c->args[1], &u) || u == PCS_NONE ||
		    !path_arg(r, pr, c, -1, 0, r->path))
			goto malformed;
		{
			guint32 id = pcs_strace_file_of(r, r->path);

			fstate(r, id)->size = u;
			pcs_strace_push_event(r, PCS_OP_TRUNCATE, id, path_stream(r), u, PCS_NONE);
		}
		break;
	case SC_UNLINK:
	case SC_UNLINKAT:
		if (c->sc == SC_UNLINKAT && c->nr_args > 2 && pcs_strace_has_flag(c->args[2], "AT_REMOVEDIR"))
			break;
		if (!path_arg(r, pr, c, c->sc == SC_UNLINK ? -1 : 0, c->sc == SC_UNLINK ? 0 : 1,
			      r->path))
			goto malformed;
		do_unlink(r, r->path);
		break;
	case SC_RENAME:
	case SC_LINK:
		if (!path_arg(r, pr, c, -1, 0, r->path) || !path_arg(r, pr, c, -1, 1, r->path2))
			goto malformed;
		do_rename(r, r->path, r->path2, c->sc == SC_LINK);
		break;
	case SC_RENAMEAT:
	case SC_RENAMEAT2:
	case SC_LINKAT:
		if (!path_arg(r, pr, c, 0, 1, r->path) || !path_arg(r, pr, c, 2, 3, r->path2))
			goto malformed;
		do_rename(r, r->path, r->path2, c->sc == SC_LINKAT);
		break;
	case SC_CHDIR:
		if (!path_arg(r, pr, c, -1, 0, r->path))
			goto malformed;
		set_cwd(pr, r->path);
		break;
	case SC_FCHDIR:
		NEED_ARGS(1);
		if (pcs_strace_parse_fd(c->args[0], &fd, &ann) && ann.len > 0 && ann.s[0] == '/') {
			g_string_truncate(r->path, 0);
			g_string_append_len(r->path, ann.s, (gssize) ann.len);
			set_cwd(pr, r->path);
		} else if (pcs_strace_parse_fd(c->args[0], &fd2, &ann) && (o = fd_get(pr->fds, fd2)) &&
			   o->path) {
			g_string_assign(r->path, o->path);
			set_cwd(pr, r->path);
		} else {
			g_free(pr->cwd);
			pr->cwd = NULL;
			r->nr_dirfd_unknown++;
		}
		break;
	case SC_UNKNOWN:
	default:
		r->nr_ignored++;
		break;
	}
	return;

malformed:
	r->nr_ignored++;
}
