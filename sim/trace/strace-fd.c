/*
 * strace-fd.c - the kernel state strace's calls act on: paths, processes, fd tables,
 * open file descriptions (Ofd) and the names of files.
 *
 *     Proc (pid) --fds--> FdTable --slot[fd]--> Ofd --file, stream, position
 *
 * An FdTable is shared by CLONE_FILES threads and copied on fork; an Ofd is shared by dup
 * and fork and closes (a close event) when its last fd goes. Names map paths to file ids so
 * a renamed file keeps its identity. Events go to the reader's queue (push_event).
 *
 * Entry points: pcs_trace_path_resolve (also used by fio.c), and the pcs_strace_ functions
 * of strace.h's strace-fd.c part
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

/* ---- Paths ----------------------------------------------------------------------------- */

/* Appends component c[0..n) to out, a normalised path, handling "." and "..". */
static void
path_push(GString *out, const char *c, gsize n, gboolean absolute)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		const char *slash;
		gsize base = absolute ? 1 : 0;

		if (out->len > base) {
			const char *last = out->str + base;

			slash = strrchr(last, '/');
			last = slash ? slash + 1 : last;
			if (!(strcmp(last, "..") == 0)) {
				g_string_truncate(out, slash ? (gsize) (slash - out->str) : base);
				return;
			}
		}
		if (absolute)
			return;     /* "/.." is "/" */
	}
	if (out->len > 0 && out->str[out->len - 1] != '/')
		g_string_append_c(out, '/');
	g_string_append_len(out, c, (gssize) n);
}

static void
path_push_all(GString *out, const char *s, gsize len, gboolean absolute)
{
	gsize i = 0;

	while (i < len) {
		gsize j = i;

		while (j < len && s[j] != '/')
			j++;
		path_push(out, s + i, j - i, absolute);
		i = j + 1;
	}
}

void
pcs_trace_path_resolve(GString *out, const char *dir, const char *path, gsize len)
{
	gboolean absolute = len > 0 && path[0] == '/';

	g_string_truncate(out, 0);
	if (!absolute && dir && dir[0] == '/')
		absolute = TRUE;
	if (absolute)
		g_string_append_c(out, '/');
	if (!(len > 0 && path[0] == '/') && dir)
		path_push_all(out, dir, strlen(dir), absolute);
	path_push_all(out, path, len, absolute);
	if (out->len == 0)
		g_string_append_c(out, '.');
}

/* ---- State ----------------------------------------------------------------------------- */

PcsIoEvent *
pcs_strace_push_event(StraceReader *r, PcsOp op, guint32 file, guint32 stream, guint64 offset,
		      guint64 len)
{
	PcsIoEvent ev = {
		.t_ns = r->line_t_ns,
		.offset_bytes = offset,
		.len_bytes = len,
		.file = file,
		.stream = stream,
		.op = (guint8) op,
	};

	g_array_append_val(r->queue, ev);
	if (pcs_trace_op_notes_size(op) && op != PCS_OP_MMAP_READ && op != PCS_OP_MMAP_WRITE)
		pcs_files_note_size(r->files, file, offset + len);
	return &g_array_index(r->queue, PcsIoEvent, r->queue->len - 1);
}

/* Truncates file to 0: its pages go (an unlinked or replaced file). */
void
pcs_strace_drop_file(StraceReader *r, guint32 file)
{
	FileState *f = fstate(r, file);

	if (f->nr_open > 0) {
		f->unlinked = 1;
		f->moved = 1;
		return;
	}
	f->size = 0;
	pcs_strace_push_event(r, PCS_OP_TRUNCATE, file, path_stream(r), 0, PCS_NONE);
}

void
pcs_strace_ofd_unref(StraceReader *r, Ofd *o)
{
	if (--o->refs > 0)
		return;
	if (o->kind == OFD_FILE) {
		FileState *f = fstate(r, o->file);

		pcs_strace_push_event(r, PCS_OP_CLOSE, o->file, o->stream, PCS_NONE, PCS_NONE);
		if (f->nr_open > 0 && --f->nr_open == 0 && f->unlinked) {
			f->unlinked = 0;
			f->size = 0;
			pcs_strace_push_event(r, PCS_OP_TRUNCATE, o->file, path_stream(r), 0, PCS_NONE);
		}
	}
	g_free(o->path);
	g_free(o);
}

/* Frees an Ofd without events (reader teardown). */
static void
ofd_unref_quiet(Ofd *o)
{
	if (--o->refs > 0)
		return;
	g_free(o->path);
	g_free(o);
}

/* Closes fd in t (events when it was the Ofd's last reference). */
void
pcs_strace_fd_close(StraceReader *r, FdTable *t, gint64 fd)
{
	FdSlot *s = fd < 0 || (guint64) fd >= t->slots->len ? NULL : fd_slot(t, fd);

	if (s && s->ofd) {
		pcs_strace_ofd_unref(r, s->ofd);
		s->ofd = NULL;
		s->cloexec = FALSE;
	}
}

/* Installs o (taking a new reference) at fd, closing what was there. */
void
pcs_strace_fd_install(StraceReader *r, FdTable *t, gint64 fd, Ofd *o, gboolean cloexec)
{
	FdSlot *s;

	o->refs++;
	if (fd < 0 || fd > MAX_FD) {
		pcs_strace_ofd_unref(r, o);   /* nowhere to put it: the reference goes at once */
		return;
	}
	pcs_strace_fd_close(r, t, fd);
	s = fd_slot(t, fd);
	s->ofd = o;
	s->cloexec = cloexec;
}

static FdTable *
fdtable_new(void)
{
	FdTable *t = g_new0(FdTable, 1);

	t->refs = 1;
	t->slots = g_array_new(FALSE, TRUE, sizeof(FdSlot));
	return t;
}

FdTable *
pcs_strace_fdtable_copy(const FdTable *src)
{
	FdTable *t = fdtable_new();

	g_array_set_size(t->slots, src->slots->len);
	for (guint i = 0; i < src->slots->len; i++) {
		FdSlot s = g_array_index(src->slots, FdSlot, i);

		if (s.ofd)
			s.ofd->refs++;
		g_array_index(t->slots, FdSlot, i) = s;
	}
	return t;
}

/* Drops a reference to t; the last one closes every fd (r NULL: without events). */
void
pcs_strace_fdtable_unref(StraceReader *r, FdTable *t)
{
	if (--t->refs > 0)
		return;
	for (guint i = 0; i < t->slots->len; i++) {
		Ofd *o = g_array_index(t->slots, FdSlot, i).ofd;

		if (o) {
			if (r)
				pcs_strace_ofd_unref(r, o);
			else
				ofd_unref_quiet(o);
		}
	}
	g_array_free(t->slots, TRUE);
	g_free(t);
}

void
pcs_strace_proc_free_quiet(gpointer p)
{
	Proc *pr = p;

	if (pr->fds)
		pcs_strace_fdtable_unref(NULL, pr->fds);
	g_string_free(pr->pending, TRUE);
	g_free(pr->cwd);
	g_free(pr);
}

Proc *
pcs_strace_proc_new(StraceReader *r, guint32 pid, Proc *parent, gboolean share_files)
{
	Proc *pr = g_new0(Proc, 1);

	pr->pid = pid;
	pr->pending = g_string_new(NULL);
	if (parent) {
		pr->cwd = g_strdup(parent->cwd);
		if (share_files) {
			pr->fds = parent->fds;
			pr->fds->refs++;
		} else {
			pr->fds = pcs_strace_fdtable_copy(parent->fds);
		}
	} else {
		pr->cwd = g_strdup(r->cwd0);
		pr->fds = fdtable_new();
	}
	g_hash_table_insert(r->procs, GUINT_TO_POINTER(pid), pr);
	r->nr_procs++;
	return pr;
}

static gboolean
is_fork_call(const GString *pending, gboolean *share_files)
{
	static const char *const names[] = { "clone(", "clone3(", "fork(", "vfork(" };

	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_str_has_prefix(pending->str, names[i])) {
			Span a = { pending->str, pending->len };

			*share_files = pcs_strace_has_flag(a, "CLONE_FILES");
			return TRUE;
		}
	return FALSE;
}

/* The process of pid: known, or a child whose parent is still inside clone, or new. */
Proc *
pcs_strace_get_proc(StraceReader *r, guint32 pid)
{
	GHashTableIter it;
	gpointer v;
	Proc *pr, *parent = NULL;
	gboolean share = FALSE, s;

	if (r->last_proc && r->last_proc->pid == pid)
		return r->last_proc;
	pr = g_hash_table_lookup(r->procs, GUINT_TO_POINTER(pid));
	if (!pr) {
		g_hash_table_iter_init(&it, r->procs);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			Proc *q = v;

			if (q->pending->len && is_fork_call(q->pending, &s) &&
			    (!parent || q->pending_line > parent->pending_line)) {
				parent = q;
				share = s;
			}
		}
		if (!parent && r->nr_procs > 0)
			r->nr_orphan_procs++;
		pr = pcs_strace_proc_new(r, pid, parent, share);
	}
	r->last_proc = pr;
	return pr;
}

/* ---- Names ----------------------------------------------------------------------------- */

/*
 * Resolves path (a string argument, unescaped) for process pr, relative to dirfd
 * (AT_FDCWD_VALUE: the process's directory; dir_ann: -y's path of dirfd) into out.
 */
void
pcs_strace_resolve(StraceReader *r, Proc *pr, gint64 dirfd, Span dir_ann, const GString *path,
		   GString *out)
{
	const char *base = NULL;

	if (path->len > 0 && path->str[0] == '/') {
		pcs_trace_path_resolve(out, NULL, path->str, path->len);
		return;
	}
	if (dir_ann.len > 0 && dir_ann.s[0] == '/') {
		g_autofree char *d = g_strndup(dir_ann.s, dir_ann.len);

		pcs_trace_path_resolve(out, d, path->str, path->len);
		return;
	}
	if (dirfd == AT_FDCWD_VALUE) {
		base = pr->cwd;
		if (!base || base[0] != '/')
			r->nr_relative_nocwd++;
	} else {
		Ofd *o = fd_get(pr->fds, dirfd);

		if (o && o->path)
			base = o->path;
		else
			r->nr_dirfd_unknown++;
	}
	pcs_trace_path_resolve(out, base, path->str, path->len);
}

/* The file id a resolved path names now (following renames and links). Cannot fail. */
guint32
pcs_strace_file_of(StraceReader *r, const GString *path)
{
	gpointer v = g_hash_table_lookup(r->names, path->str);
	guint32 id;

	if (v)
		return GPOINTER_TO_UINT(v) - 1;
	id = pcs_files_intern(r->files, path->str, path->len);
	/* 1. The name was renamed away or unlinked while open: a new generation "PATH;N". */
	for (guint gen = 2; fstate(r, id)->moved; gen++) {
		g_autofree char *g = g_strdup_printf("%s;%u", path->str, gen);

		id = pcs_files_intern(r->files, g, strlen(g));
	}
	g_hash_table_insert(r->names, g_strdup(path->str), GUINT_TO_POINTER(id + 1));
	return id;
}

/* The file id a path names if the trace knows it, else G_MAXUINT32. */
guint32
pcs_strace_known_file(StraceReader *r, const GString *path)
{
	gpointer v = g_hash_table_lookup(r->names, path->str);

	return v ? GPOINTER_TO_UINT(v) - 1 : G_MAXUINT32;
}
