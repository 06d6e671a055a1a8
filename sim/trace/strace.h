/*
 * strace.h - what the parts of the strace reader share (private to sim/trace/strace*.c).
 *
 * The strace reader is one format (pcs_trace_strace_ops, sim/trace/strace.c, where its essay
 * is) in four files:
 *
 *   strace.c         the essay, lines (PID, time, unfinished/resumed pairs), the ops table
 *   strace-parse.c   a call's text: NAME(ARGS) = RESULT, its arguments, the syscall table
 *   strace-fd.c      paths, processes, fd tables, open file descriptions, file names
 *   strace-calls.c   what each system call does to that state, and the events it makes
 *
 * This header holds their types (the reader's state, StraceReader, among them) and the
 * functions one part calls in another, prefixed pcs_strace_. Small helpers of the hot path
 * are static inline here. Every function's contract is at its definition.
 */
#ifndef PCSIM_TRACE_STRACE_H
#define PCSIM_TRACE_STRACE_H

#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define MAX_ARGS 8
#define MAX_FD   65535       /* larger fds are counted as unknown (sockets, mostly) */
#define AT_FDCWD_VALUE (-100)
#define DAY_NS (G_GINT64_CONSTANT(86400) * 1000000000)

/* ---- Processes, fd tables, open file descriptions -------------------------------------- */

typedef enum {
	OFD_FILE,    /* a path we replay */
	OFD_DIR,     /* O_DIRECTORY or O_PATH: a base for openat, no I/O */
	OFD_PIPE,    /* pipe, pipe2, or -y's pipe:[...] */
	OFD_OTHER    /* -y's socket:[...], anon_inode:... */
} OfdKind;

typedef struct {
	guint    refs;       /* fd slots pointing here */
	OfdKind  kind;
	guint32  file;       /* OFD_FILE: file id */
	guint32  stream;     /* OFD_FILE: stream id */
	char    *path;       /* OFD_FILE, OFD_DIR: resolved path (owned) */
	guint64  pos;
	gboolean direct, append, pos_unknown;
} Ofd;

typedef struct {
	Ofd     *ofd;        /* NULL: fd not open (as far as the trace tells) */
	gboolean cloexec;
} FdSlot;

typedef struct {
	guint   refs;        /* processes sharing it */
	GArray *slots;       /* fd -> FdSlot */
} FdTable;

typedef struct {
	guint32  pid;
	FdTable *fds;
	char    *cwd;        /* NULL: unknown (relative paths stay relative) */
	GString *pending;    /* first half of an unfinished call; "" when none */
	guint64  pending_line;
} Proc;

/* What the trace tells about a file id, beyond the file table. */
typedef struct {
	guint32 nr_open;     /* Ofds on it */
	guint8  unlinked;    /* unlinked while open: truncate at the last close */
	guint8  moved;       /* its path now names something else (renamed or unlinked) */
	guint64 size;        /* as far as writes and truncates tell (O_APPEND) */
} FileState;

/* The syscalls this reader understands; sorted by name for bsearch. */
typedef enum {
	SC_CHDIR, SC_CLONE, SC_CLONE3, SC_CLOSE, SC_COPY_FILE_RANGE, SC_CREAT, SC_DUP, SC_DUP2,
	SC_DUP3, SC_EXECVE, SC_EXECVEAT, SC_FADVISE64, SC_FADVISE64_64, SC_FCHDIR, SC_FCNTL,
	SC_FCNTL64, SC_FDATASYNC, SC_FORK, SC_FSYNC, SC_FTRUNCATE, SC_LINK, SC_LINKAT, SC_LSEEK,
	SC_MMAP, SC_OPEN, SC_OPENAT, SC_OPENAT2, SC_PIPE, SC_PIPE2, SC_PREAD64, SC_PREADV,
	SC_PREADV2, SC_PWRITE64, SC_PWRITEV, SC_PWRITEV2, SC_READ, SC_READAHEAD, SC_READV,
	SC_RENAME, SC_RENAMEAT, SC_RENAMEAT2, SC_SENDFILE, SC_SENDFILE64, SC_SYNC,
	SC_SYNC_FILE_RANGE, SC_SYNCFS, SC_TRUNCATE, SC_UNLINK, SC_UNLINKAT, SC_VFORK, SC_WRITE,
	SC_WRITEV,
	SC_UNKNOWN
} Syscall;

/* One argument, or the annotated result, as a span of the line. */
typedef struct {
	const char *s;
	gsize       len;
} Span;

/* A complete call: NAME(ARGS) = RESULT. */
typedef struct {
	Syscall  sc;
	Span     name;
	Span     args[MAX_ARGS];
	guint    nr_args;
	gint64   ret;           /* the result; valid when ok */
	gboolean ok;            /* the result is a number >= 0 (or an address) */
	gboolean failed;        /* -1 ERRNO */
	Span     ret_path;      /* -y: `= 3</path>` */
} Call;

typedef struct {
	PcsLineReader lr;
	PcsFileTable *files;          /* borrowed */
	char         *cwd0;           /* --cwd, or NULL */
	GHashTable   *procs;          /* pid -> Proc* (owned) */
	Proc         *last_proc;
	GHashTable   *names;          /* path (owned) -> file id + 1: renames and links */
	GArray       *fstate;         /* file id -> FileState */
	guint32       nr_streams;
	guint32       path_stream;    /* stream of path-only ops (unlink), G_MAXUINT32: none */
	gint64        line_t_ns;      /* time of the line being handled (or unknown) */
	gint64        last_t_ns;      /* time of the last event */
	gint64        day_offset_ns;  /* -tt: days passed (midnight wraps) */
	gint64        last_raw_ns;    /* -tt: last time of day seen */
	GArray       *queue;          /* PcsIoEvent produced by the current line */
	guint         queue_head;
	GString      *joined;         /* an unfinished call joined with its resumption */
	GString      *path, *path2;   /* resolved paths */
	GString      *str;            /* an unescaped string argument */
	/* Counters for notes(). */
	guint64 nr_calls, nr_failed, nr_noresult, nr_ignored, nr_pipe_io, pipe_bytes,
		nr_unknown_fd_io, unknown_fd_bytes, nr_zero_io, nr_unfinished_lost,
		nr_resumed_orphan, nr_relative_nocwd, nr_dirfd_unknown, nr_mmaps, mmap_bytes,
		nr_clamped, nr_procs, nr_orphan_procs, nr_pos_unknown, nr_signals, nr_messages;
} StraceReader;

/* The ops use the shared line-reader accessors. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(StraceReader, lr) == 0);

/* ---- Small helpers of the hot path ----------------------------------------------------- */

static inline Span
trim(Span a)
{
	while (a.len > 0 && pcs_is_blank(a.s[0])) {
		a.s++;
		a.len--;
	}
	while (a.len > 0 && pcs_is_blank(a.s[a.len - 1]))
		a.len--;
	return a;
}

static inline gboolean
span_is(Span a, const char *lit)
{
	gsize n = strlen(lit);

	return a.len == n && memcmp(a.s, lit, n) == 0;
}

static inline FileState *
fstate(StraceReader *r, guint32 file)
{
	if (file >= r->fstate->len)
		g_array_set_size(r->fstate, file + 1);
	return &g_array_index(r->fstate, FileState, file);
}

static inline FdSlot *
fd_slot(FdTable *t, gint64 fd)
{
	if (fd < 0 || fd > MAX_FD)
		return NULL;
	if ((guint) fd >= t->slots->len)
		g_array_set_size(t->slots, (guint) fd + 1);
	return &g_array_index(t->slots, FdSlot, (guint) fd);
}

static inline Ofd *
fd_get(FdTable *t, gint64 fd)
{
	if (fd < 0 || (guint64) fd >= t->slots->len)
		return NULL;
	return g_array_index(t->slots, FdSlot, (guint) fd).ofd;
}

static inline guint32
path_stream(StraceReader *r)
{
	if (r->path_stream == G_MAXUINT32)
		r->path_stream = r->nr_streams++;
	return r->path_stream;
}

/* ---- strace-parse.c -------------------------------------------------------------------- */

gboolean pcs_strace_bad_line(GError **error, const char *what, const char *s, gsize len);
gboolean pcs_strace_has_flag(Span a, const char *flag);
gboolean pcs_strace_parse_num(Span a, gint64 *out);
gboolean pcs_strace_parse_u(Span a, guint64 *out);
gboolean pcs_strace_parse_fd(Span a, gint64 *fd, Span *ann);
gboolean pcs_strace_parse_string(Span a, GString *out);
gboolean pcs_strace_parse_call(const char *s, gsize len, Call *c, GError **error);

/* ---- strace-fd.c ----------------------------------------------------------------------- */

PcsIoEvent *pcs_strace_push_event(StraceReader *r, PcsOp op, guint32 file, guint32 stream,
				  guint64 offset, guint64 len);
void pcs_strace_drop_file(StraceReader *r, guint32 file);
void pcs_strace_ofd_unref(StraceReader *r, Ofd *o);
void pcs_strace_fd_close(StraceReader *r, FdTable *t, gint64 fd);
void pcs_strace_fd_install(StraceReader *r, FdTable *t, gint64 fd, Ofd *o, gboolean cloexec);
FdTable *pcs_strace_fdtable_copy(const FdTable *src);
void pcs_strace_fdtable_unref(StraceReader *r, FdTable *t);
void pcs_strace_proc_free_quiet(gpointer p);
Proc *pcs_strace_proc_new(StraceReader *r, guint32 pid, Proc *parent, gboolean share_files);
Proc *pcs_strace_get_proc(StraceReader *r, guint32 pid);
void pcs_strace_resolve(StraceReader *r, Proc *pr, gint64 dirfd, Span dir_ann, const GString *path,
			GString *out);
guint32 pcs_strace_file_of(StraceReader *r, const GString *path);
guint32 pcs_strace_known_file(StraceReader *r, const GString *path);

/* ---- strace-calls.c -------------------------------------------------------------------- */

void pcs_strace_do_exit(StraceReader *r, guint32 pid);
void pcs_strace_do_call(StraceReader *r, Proc *pr, const Call *c);

#endif
