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
 * Entry points: pcs_trace_strace_ops, pcs_trace_path_resolve() (shared with fio.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/reader.h"

#define MAX_ARGS 8
#define MAX_FD   65535       /* larger fds are counted as unknown (sockets, mostly) */
#define AT_FDCWD_VALUE (-100)
#define DAY_NS (G_GINT64_CONSTANT(86400) * 1000000000)

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

static const struct {
	const char *name;
	Syscall     sc;
} syscalls[] = {
	{ "chdir", SC_CHDIR }, { "clone", SC_CLONE }, { "clone3", SC_CLONE3 },
	{ "close", SC_CLOSE }, { "copy_file_range", SC_COPY_FILE_RANGE }, { "creat", SC_CREAT },
	{ "dup", SC_DUP }, { "dup2", SC_DUP2 }, { "dup3", SC_DUP3 }, { "execve", SC_EXECVE },
	{ "execveat", SC_EXECVEAT }, { "fadvise64", SC_FADVISE64 },
	{ "fadvise64_64", SC_FADVISE64_64 }, { "fchdir", SC_FCHDIR }, { "fcntl", SC_FCNTL },
	{ "fcntl64", SC_FCNTL64 }, { "fdatasync", SC_FDATASYNC }, { "fork", SC_FORK },
	{ "fsync", SC_FSYNC }, { "ftruncate", SC_FTRUNCATE }, { "link", SC_LINK },
	{ "linkat", SC_LINKAT }, { "lseek", SC_LSEEK }, { "mmap", SC_MMAP }, { "open", SC_OPEN },
	{ "openat", SC_OPENAT }, { "openat2", SC_OPENAT2 }, { "pipe", SC_PIPE },
	{ "pipe2", SC_PIPE2 }, { "pread64", SC_PREAD64 }, { "preadv", SC_PREADV },
	{ "preadv2", SC_PREADV2 }, { "pwrite64", SC_PWRITE64 }, { "pwritev", SC_PWRITEV },
	{ "pwritev2", SC_PWRITEV2 }, { "read", SC_READ }, { "readahead", SC_READAHEAD },
	{ "readv", SC_READV }, { "rename", SC_RENAME }, { "renameat", SC_RENAMEAT },
	{ "renameat2", SC_RENAMEAT2 }, { "sendfile", SC_SENDFILE },
	{ "sendfile64", SC_SENDFILE64 }, { "sync", SC_SYNC },
	{ "sync_file_range", SC_SYNC_FILE_RANGE }, { "syncfs", SC_SYNCFS },
	{ "truncate", SC_TRUNCATE }, { "unlink", SC_UNLINK }, { "unlinkat", SC_UNLINKAT },
	{ "vfork", SC_VFORK }, { "write", SC_WRITE }, { "writev", SC_WRITEV },
};

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

G_STATIC_ASSERT(G_STRUCT_OFFSET(StraceReader, lr) == 0);  /* the ops use the shared line-reader accessors */

/* ---- Small parsers --------------------------------------------------------------------- */

static gboolean
bad_line(GError **error, const char *what, const char *s, gsize len)
{
	pcs_trace_bad_input(error, s, len, "%s", what);
	return FALSE;
}

static Span
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

static gboolean
span_is(Span a, const char *lit)
{
	gsize n = strlen(lit);

	return a.len == n && memcmp(a.s, lit, n) == 0;
}

/* TRUE when the '|'-separated flags of a contain flag (O_DIRECT, not O_DIRECTORY). */
static gboolean
has_flag(Span a, const char *flag)
{
	gsize n = strlen(flag);
	const char *p = a.s, *end = a.s + a.len;

	while (p + n <= end) {
		const char *hit = g_strstr_len(p, end - p, flag);

		if (!hit)
			return FALSE;
		if ((hit == a.s || !(g_ascii_isalnum(hit[-1]) || hit[-1] == '_')) &&
		    (hit + n == end || !(g_ascii_isalnum(hit[n]) || hit[n] == '_')))
			return TRUE;
		p = hit + 1;
	}
	return FALSE;
}

/* A signed decimal (or 0x hex) number: the whole span. */
static gboolean
parse_num(Span a, gint64 *out)
{
	gboolean neg = FALSE;
	guint64 v = 0;

	a = trim(a);
	if (a.len > 0 && a.s[0] == '-') {
		neg = TRUE;
		a.s++;
		a.len--;
	}
	if (a.len > 2 && a.s[0] == '0' && (a.s[1] == 'x' || a.s[1] == 'X')) {
		if (a.len > 18)
			return FALSE;
		for (gsize i = 2; i < a.len; i++) {
			int d = g_ascii_xdigit_value(a.s[i]);

			if (d < 0)
				return FALSE;
			v = v * 16 + (guint64) d;
		}
		if (v > (guint64) G_MAXINT64)
			v = (guint64) G_MAXINT64;   /* an address: only its sign matters */
	} else if (!pcs_parse_u64(a.s, a.len, &v) || v > (guint64) G_MAXINT64) {
		return FALSE;
	}
	*out = neg ? -(gint64) v : (gint64) v;
	return TRUE;
}

/* An unsigned number argument (offsets, counts). */
static gboolean
parse_u(Span a, guint64 *out)
{
	gint64 v;

	if (!parse_num(a, &v) || v < 0)
		return FALSE;
	*out = (guint64) v;
	return TRUE;
}

/* An fd argument: "3", "3</path>" (-y; *ann gets "/path"), or AT_FDCWD. */
static gboolean
parse_fd(Span a, gint64 *fd, Span *ann)
{
	const char *lt;

	a = trim(a);
	ann->s = NULL;
	ann->len = 0;
	if (span_is(a, "AT_FDCWD")) {
		*fd = AT_FDCWD_VALUE;
		return TRUE;
	}
	lt = memchr(a.s, '<', a.len);
	if (lt && a.s[a.len - 1] == '>') {
		ann->s = lt + 1;
		ann->len = a.len - (gsize) (lt - a.s) - 2;
		a.len = (gsize) (lt - a.s);
	}
	return parse_num(a, fd) && *fd >= AT_FDCWD_VALUE && *fd < G_MAXINT32;
}

/* A quoted string argument, unescaped into r->str or out (strace's \n \t \" \\ \ooo \xNN).
 * A string strace cut (`"abc"...`) is taken as far as it goes. */
static gboolean
parse_string(Span a, GString *out)
{
	gsize i;

	a = trim(a);
	g_string_truncate(out, 0);
	if (a.len < 2 || a.s[0] != '"')
		return FALSE;
	for (i = 1; i < a.len && a.s[i] != '"'; i++) {
		char c = a.s[i];

		if (c == '\\' && i + 1 < a.len) {
			char e = a.s[++i];

			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'v': c = '\v'; break;
			case 'f': c = '\f'; break;
			case 'x':
				if (i + 2 < a.len && g_ascii_isxdigit(a.s[i + 1]) &&
				    g_ascii_isxdigit(a.s[i + 2])) {
					c = (char) (g_ascii_xdigit_value(a.s[i + 1]) * 16 +
						    g_ascii_xdigit_value(a.s[i + 2]));
					i += 2;
				} else {
					c = 'x';
				}
				break;
			default:
				if (e >= '0' && e <= '7') {
					unsigned v = (unsigned) (e - '0');

					for (int k = 0; k < 2 && i + 1 < a.len &&
					     a.s[i + 1] >= '0' && a.s[i + 1] <= '7'; k++)
						v = v * 8 + (unsigned) (a.s[++i] - '0');
					c = (char) v;
				} else {
					c = e;
				}
				break;
			}
		}
		g_string_append_c(out, c);
	}
	if (i >= a.len)
		return FALSE;           /* no closing quote */
	return TRUE;
}

/*
 * Finds the ')' that closes the '(' at open (depth counting (), [], {}, skipping quoted
 * strings and -y's <...> after a digit) and splits the arguments at top-level commas into
 * c->args (at most MAX_ARGS; more are merged into the last). Returns the ')' or NULL.
 */
static const char *
split_args(const char *open, const char *end, Call *c)
{
	const char *p = open + 1, *start = p;
	int depth = 0;

	c->nr_args = 0;
	for (; p < end; p++) {
		switch (*p) {
		case '"':
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= end)
				return NULL;
			break;
		case '<':
			if (p > open + 1 && g_ascii_isdigit(p[-1])) {
				const char *gt = memchr(p, '>', (gsize) (end - p));

				if (!gt)
					return NULL;
				p = gt;
			}
			break;
		case '(': case '[': case '{':
			depth++;
			break;
		case ']': case '}':
			depth--;
			break;
		case ')':
			if (depth > 0) {
				depth--;
				break;
			}
			if (p > start || c->nr_args > 0) {
				c->args[c->nr_args].s = start;
				c->args[c->nr_args].len = (gsize) (p - start);
				c->args[c->nr_args] = trim(c->args[c->nr_args]);
				c->nr_args++;
			}
			return p;
		case ',':
			if (depth == 0 && c->nr_args < MAX_ARGS - 1) {
				c->args[c->nr_args].s = start;
				c->args[c->nr_args].len = (gsize) (p - start);
				c->args[c->nr_args] = trim(c->args[c->nr_args]);
				c->nr_args++;
				start = p + 1;
			}
			break;
		default:
			break;
		}
	}
	return NULL;
}

static Syscall
lookup_syscall(Span name)
{
	gsize lo = 0, hi = G_N_ELEMENTS(syscalls);

	while (lo < hi) {
		gsize mid = (lo + hi) / 2;
		int cmp = strncmp(syscalls[mid].name, name.s, name.len);

		if (cmp == 0 && syscalls[mid].name[name.len] != '\0')
			cmp = 1;
		if (cmp == 0)
			return syscalls[mid].sc;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SC_UNKNOWN;
}

/*
 * Parses "NAME(ARGS) = RESULT [rest]" of s[0..len) into c. FALSE with an error when it is
 * not a call.
 */
static gboolean
parse_call(const char *s, gsize len, Call *c, GError **error)
{
	const char *end = s + len, *p = s, *close, *q;
	Span ret;

	memset(c, 0, sizeof *c);
	while (p < end && (g_ascii_isalnum(*p) || *p == '_'))
		p++;
	if (p == s || p == end || *p != '(')
		return bad_line(error, "expected SYSCALL(ARGS) = RESULT", s, len);
	c->name.s = s;
	c->name.len = (gsize) (p - s);
	c->sc = lookup_syscall(c->name);
	close = split_args(p, end, c);
	if (!close)
		return bad_line(error, "expected the arguments to end with ')'", p,
				(gsize) (end - p));
	q = close + 1;
	while (q < end && pcs_is_blank(*q))
		q++;
	if (q == end || *q != '=')
		return bad_line(error, "expected '= RESULT' after the arguments", q,
				(gsize) (end - q));
	q++;
	while (q < end && pcs_is_blank(*q))
		q++;
	ret.s = q;
	while (q < end && !pcs_is_blank(*q) && *q != '<')
		q++;
	if (q < end && *q == '<') {               /* -y: "3</a path>" may hold blanks */
		const char *gt = memchr(q, '>', (gsize) (end - q));

		q = gt ? gt + 1 : end;
	}
	ret.len = (gsize) (q - ret.s);
	if (span_is(ret, "?"))
		return TRUE;              /* no result: the process went away */
	{
		gint64 v;
		Span ann;

		if (!parse_fd(ret, &v, &ann) || v == AT_FDCWD_VALUE) {
			if (!parse_num(ret, &v))
				return bad_line(error, "expected RESULT as a number or '?'", ret.s,
						ret.len);
		}
		if (v < 0) {
			c->failed = TRUE;
			return TRUE;
		}
		c->ret = v;
		c->ok = TRUE;
		c->ret_path = ann;
	}
	return TRUE;
}

/* ---- State ----------------------------------------------------------------------------- */

static FileState *
fstate(StraceReader *r, guint32 file)
{
	if (file >= r->fstate->len)
		g_array_set_size(r->fstate, file + 1);
	return &g_array_index(r->fstate, FileState, file);
}

static PcsIoEvent *
push_event(StraceReader *r, PcsOp op, guint32 file, guint32 stream, guint64 offset,
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

static guint32
path_stream(StraceReader *r)
{
	if (r->path_stream == G_MAXUINT32)
		r->path_stream = r->nr_streams++;
	return r->path_stream;
}

/* Truncates file to 0: its pages go (an unlinked or replaced file). */
static void
drop_file(StraceReader *r, guint32 file)
{
	FileState *f = fstate(r, file);

	if (f->nr_open > 0) {
		f->unlinked = 1;
		f->moved = 1;
		return;
	}
	f->size = 0;
	push_event(r, PCS_OP_TRUNCATE, file, path_stream(r), 0, PCS_NONE);
}

static void
ofd_unref(StraceReader *r, Ofd *o)
{
	if (--o->refs > 0)
		return;
	if (o->kind == OFD_FILE) {
		FileState *f = fstate(r, o->file);

		push_event(r, PCS_OP_CLOSE, o->file, o->stream, PCS_NONE, PCS_NONE);
		if (f->nr_open > 0 && --f->nr_open == 0 && f->unlinked) {
			f->unlinked = 0;
			f->size = 0;
			push_event(r, PCS_OP_TRUNCATE, o->file, path_stream(r), 0, PCS_NONE);
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

static FdSlot *
fd_slot(FdTable *t, gint64 fd)
{
	if (fd < 0 || fd > MAX_FD)
		return NULL;
	if ((guint) fd >= t->slots->len)
		g_array_set_size(t->slots, (guint) fd + 1);
	return &g_array_index(t->slots, FdSlot, (guint) fd);
}

static Ofd *
fd_get(FdTable *t, gint64 fd)
{
	if (fd < 0 || (guint64) fd >= t->slots->len)
		return NULL;
	return g_array_index(t->slots, FdSlot, (guint) fd).ofd;
}

/* Closes fd in t (events when it was the Ofd's last reference). */
static void
fd_close(StraceReader *r, FdTable *t, gint64 fd)
{
	FdSlot *s = fd < 0 || (guint64) fd >= t->slots->len ? NULL : fd_slot(t, fd);

	if (s && s->ofd) {
		ofd_unref(r, s->ofd);
		s->ofd = NULL;
		s->cloexec = FALSE;
	}
}

/* Installs o (taking a new reference) at fd, closing what was there. */
static void
fd_install(StraceReader *r, FdTable *t, gint64 fd, Ofd *o, gboolean cloexec)
{
	FdSlot *s;

	o->refs++;
	if (fd < 0 || fd > MAX_FD) {
		ofd_unref(r, o);   /* nowhere to put it: the reference goes at once */
		return;
	}
	fd_close(r, t, fd);
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

static FdTable *
fdtable_copy(const FdTable *src)
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
static void
fdtable_unref(StraceReader *r, FdTable *t)
{
	if (--t->refs > 0)
		return;
	for (guint i = 0; i < t->slots->len; i++) {
		Ofd *o = g_array_index(t->slots, FdSlot, i).ofd;

		if (o) {
			if (r)
				ofd_unref(r, o);
			else
				ofd_unref_quiet(o);
		}
	}
	g_array_free(t->slots, TRUE);
	g_free(t);
}

static void
proc_free_quiet(gpointer p)
{
	Proc *pr = p;

	if (pr->fds)
		fdtable_unref(NULL, pr->fds);
	g_string_free(pr->pending, TRUE);
	g_free(pr->cwd);
	g_free(pr);
}

static Proc *
proc_new(StraceReader *r, guint32 pid, Proc *parent, gboolean share_files)
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
			pr->fds = fdtable_copy(parent->fds);
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

			*share_files = has_flag(a, "CLONE_FILES");
			return TRUE;
		}
	return FALSE;
}

/* The process of pid: known, or a child whose parent is still inside clone, or new. */
static Proc *
get_proc(StraceReader *r, guint32 pid)
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
		pr = proc_new(r, pid, parent, share);
	}
	r->last_proc = pr;
	return pr;
}

/* ---- Names ----------------------------------------------------------------------------- */

/*
 * Resolves path (a string argument, unescaped) for process pr, relative to dirfd
 * (AT_FDCWD_VALUE: the process's directory; dir_ann: -y's path of dirfd) into out.
 */
static void
resolve(StraceReader *r, Proc *pr, gint64 dirfd, Span dir_ann, const GString *path, GString *out)
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
static guint32
file_of(StraceReader *r, const GString *path)
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
static guint32
known_file(StraceReader *r, const GString *path)
{
	gpointer v = g_hash_table_lookup(r->names, path->str);

	return v ? GPOINTER_TO_UINT(v) - 1 : G_MAXUINT32;
}

/* ---- The calls ------------------------------------------------------------------------- */

/* The Ofd of a data fd, or NULL after counting the call as I/O pcsim cannot place. With -y,
 * an unknown fd whose annotation is an absolute path becomes a file. */
static Ofd *
data_ofd(StraceReader *r, Proc *pr, Span fd_arg, guint64 bytes)
{
	gint64 fd;
	Span ann;
	Ofd *o;

	if (!parse_fd(fd_arg, &fd, &ann) || fd < 0) {
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
			o->file = file_of(r, r->path);
			o->stream = r->nr_streams++;
			o->pos_unknown = TRUE;
			fstate(r, o->file)->nr_open++;
			push_event(r, PCS_OP_OPEN, o->file, o->stream, PCS_NONE, PCS_NONE);
		} else {
			o->kind = g_str_has_prefix(ann.s, "pipe:") ? OFD_PIPE : OFD_OTHER;
		}
		fd_install(r, pr->fds, fd, o, FALSE);
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
	push_event(r, write ? (o->direct ? PCS_OP_DIRECT_WRITE : PCS_OP_WRITE)
		   : (o->direct ? PCS_OP_DIRECT_READ : PCS_OP_READ), o->file, o->stream, offset, n);
}

/* open, openat, openat2, creat: the Ofd for fd c->ret. */
static void
do_open(StraceReader *r, Proc *pr, const Call *c, gint64 dirfd, Span dir_ann, Span path_arg,
	Span flags)
{
	gboolean creat = c->sc == SC_CREAT;
	gboolean dir = !creat && (has_flag(flags, "O_DIRECTORY") || has_flag(flags, "O_PATH"));
	gboolean writable = creat || has_flag(flags, "O_WRONLY") || has_flag(flags, "O_RDWR");
	Ofd *o = g_new0(Ofd, 1);

	if (!parse_string(path_arg, r->str))
		g_string_truncate(r->str, 0);
	if (c->ret_path.len > 0 && c->ret_path.s[0] == '/') {
		g_string_truncate(r->str, 0);
		g_string_append_len(r->str, c->ret_path.s, (gssize) c->ret_path.len);
		pcs_trace_path_resolve(r->path, NULL, r->str->str, r->str->len);
	} else {
		resolve(r, pr, dirfd, dir_ann, r->str, r->path);
	}
	o->path = g_strdup(r->path->str);
	if (dir) {
		o->kind = OFD_DIR;
	} else {
		FileState *f;

		o->kind = OFD_FILE;
		o->file = file_of(r, r->path);
		o->stream = r->nr_streams++;
		o->direct = has_flag(flags, "O_DIRECT");
		o->append = has_flag(flags, "O_APPEND");
		f = fstate(r, o->file);
		f->nr_open++;
		push_event(r, PCS_OP_OPEN, o->file, o->stream, PCS_NONE, PCS_NONE);
		if (writable && (creat || has_flag(flags, "O_TRUNC"))) {
			f->size = 0;
			push_event(r, PCS_OP_TRUNCATE, o->file, o->stream, 0, PCS_NONE);
		}
	}
	fd_install(r, pr->fds, c->ret, o, !creat && has_flag(flags, "O_CLOEXEC"));
}

/* dup, dup2, dup3, fcntl(F_DUPFD*): newfd shares oldfd's Ofd. */
static void
do_dup(StraceReader *r, Proc *pr, Span old_arg, gint64 newfd, gboolean cloexec)
{
	gint64 oldfd;
	Span ann;
	Ofd *o;

	if (!parse_fd(old_arg, &oldfd, &ann) || oldfd == newfd)
		return;
	o = fd_get(pr->fds, oldfd);
	if (!o) {
		fd_close(r, pr->fds, newfd);
		return;
	}
	o->refs++;              /* hold it across fd_install's close of newfd */
	fd_install(r, pr->fds, newfd, o, cloexec);
	ofd_unref(r, o);
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
	if (!parse_fd(x, &fds[0], &ann) || !parse_fd(y, &fds[1], &ann))
		return;
	for (int i = 0; i < 2; i++) {
		Ofd *o = g_new0(Ofd, 1);

		o->kind = OFD_PIPE;
		fd_install(r, pr->fds, fds[i], o, cloexec);
	}
}

static void
do_exec(StraceReader *r, Proc *pr)
{
	if (pr->fds->refs > 1) {
		FdTable *t = fdtable_copy(pr->fds);

		fdtable_unref(r, pr->fds);
		pr->fds = t;
	}
	for (guint i = 0; i < pr->fds->slots->len; i++)
		if (g_array_index(pr->fds->slots, FdSlot, i).cloexec)
			fd_close(r, pr->fds, i);
}

static void
do_exit(StraceReader *r, guint32 pid)
{
	Proc *pr = g_hash_table_lookup(r->procs, GUINT_TO_POINTER(pid));

	if (!pr)
		return;
	if (pr->pending->len)
		r->nr_unfinished_lost++;
	fdtable_unref(r, pr->fds);
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

	if (i >= c->nr_args || (d >= 0 && !parse_fd(c->args[d], &dirfd, &ann)))
		return FALSE;
	if (!parse_string(c->args[i], r->str))
		return FALSE;
	resolve(r, pr, dirfd, ann, r->str, out);
	return TRUE;
}

static void
do_unlink(StraceReader *r, const GString *path)
{
	guint32 id = known_file(r, path);

	if (id == G_MAXUINT32) {
		id = pcs_files_lookup(r->files, path->str);
		if (id == G_MAXUINT32)
			return;          /* a file the trace never opened: nothing cached */
	}
	g_hash_table_remove(r->names, path->str);
	drop_file(r, id);
}

/* rename: the file keeps its id under the new path; what the new path named goes. */
static void
do_rename(StraceReader *r, const GString *from, const GString *to, gboolean link)
{
	guint32 a = known_file(r, from), b = known_file(r, to);

	if (a == G_MAXUINT32)
		a = pcs_files_lookup(r->files, from->str);
	if (b == G_MAXUINT32)
		b = pcs_files_lookup(r->files, to->str);
	if (a != G_MAXUINT32 && a == b)
		return;
	if (b != G_MAXUINT32) {
		g_hash_table_remove(r->names, to->str);
		drop_file(r, b);
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
static void
do_call(StraceReader *r, Proc *pr, const Call *c)
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
		if (!parse_fd(c->args[0], &fd, &ann))
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
		if (!parse_num(c->args[3], &off))
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
		if (parse_fd(c->args[0], &fd, &ann) && (o = fd_get(pr->fds, fd))) {
			o->pos = (guint64) c->ret;
			o->pos_unknown = FALSE;
		}
		break;
	case SC_CLOSE:
		NEED_ARGS(1);
		if (parse_fd(c->args[0], &fd, &ann))
			fd_close(r, pr->fds, fd);
		break;
	case SC_DUP:
		NEED_ARGS(1);
		do_dup(r, pr, c->args[0], c->ret, FALSE);
		break;
	case SC_DUP2:
	case SC_DUP3:
		NEED_ARGS(2);
		do_dup(r, pr, c->args[0], c->ret, c->sc == SC_DUP3 && c->nr_args > 2 &&
		       has_flag(c->args[2], "O_CLOEXEC"));
		break;
	case SC_FCNTL:
	case SC_FCNTL64:
		NEED_ARGS(2);
		if (span_is(c->args[1], "F_DUPFD") || span_is(c->args[1], "F_DUPFD_CLOEXEC")) {
			do_dup(r, pr, c->args[0], c->ret, span_is(c->args[1], "F_DUPFD_CLOEXEC"));
		} else if (span_is(c->args[1], "F_SETFD") && c->nr_args > 2 &&
			   parse_fd(c->args[0], &fd, &ann) && fd_get(pr->fds, fd)) {
			fd_slot(pr->fds, fd)->cloexec = has_flag(c->args[2], "FD_CLOEXEC");
		} else if (span_is(c->args[1], "F_SETFL") && c->nr_args > 2 &&
			   parse_fd(c->args[0], &fd, &ann) && (o = fd_get(pr->fds, fd))) {
			o->direct = has_flag(c->args[2], "O_DIRECT");
			o->append = has_flag(c->args[2], "O_APPEND");
		}
		break;
	case SC_PIPE:
	case SC_PIPE2:
		NEED_ARGS(1);
		do_pipe(r, pr, c->args[0], c->sc == SC_PIPE2 && c->nr_args > 1 &&
			has_flag(c->args[1], "O_CLOEXEC"));
		break;
	case SC_CLONE:
	case SC_CLONE3:
	case SC_FORK:
	case SC_VFORK:
		if (c->ret > 0 && c->ret <= G_MAXUINT32 &&
		    !g_hash_table_contains(r->procs, GUINT_TO_POINTER((guint32) c->ret))) {
			gboolean share = FALSE;

			for (guint i = 0; i < c->nr_args; i++)
				share = share || has_flag(c->args[i], "CLONE_FILES");
			proc_new(r, (guint32) c->ret, pr, share);
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
		if (has_flag(c->args[3], "MAP_ANONYMOUS") || !parse_fd(c->args[4], &fd, &ann) ||
		    fd < 0 || !parse_u(c->args[1], &u) || !parse_u(c->args[5], &v))
			break;
		m = data_ofd(r, pr, c->args[4], 0);
		if (!m)
			break;
		if (u > G_MAXUINT64 - 1 - v)
			goto malformed;
		r->nr_mmaps++;
		r->mmap_bytes += u;
		op = has_flag(c->args[3], "MAP_SHARED") && has_flag(c->args[2], "PROT_WRITE")
		     ? PCS_OP_MMAP_WRITE : PCS_OP_MMAP_READ;
		push_event(r, op, m->file, m->stream, v, u)->flags = PCS_EVENT_BOUND;
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
				if (!parse_u(num, &u))
					goto malformed;
			} else {
				goto malformed;
			}
			if ((guint64) c->ret > G_MAXUINT64 - 1 - u)
				goto malformed;
			push_event(r, PCS_OP_SENDFILE, in->file, in->stream, u, (guint64) c->ret);
		} else if (in) {
			r->nr_zero_io++;
		}
		if (parse_fd(c->args[0], &fd, &ann) && (out = fd_get(pr->fds, fd)) &&
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
				if (!parse_num(num, &off))
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
			push_event(r, c->sc == SC_FSYNC ? PCS_OP_FSYNC : PCS_OP_FDATASYNC, o->file,
				   o->stream, PCS_NONE, PCS_NONE);
		break;
	case SC_SYNC_FILE_RANGE:
		NEED_ARGS(3);
		if (!parse_u(c->args[1], &u) || !parse_u(c->args[2], &v) ||
		    v > G_MAXUINT64 - 1 - u)
			goto malformed;
		if ((o = data_ofd(r, pr, c->args[0], 0)))
			push_event(r, PCS_OP_SYNC_RANGE, o->file, o->stream, u, v ? v : PCS_NONE);
		break;
	case SC_SYNC:
	case SC_SYNCFS:
		push_event(r, PCS_OP_SYNC, G_MAXUINT32, path_stream(r), PCS_NONE, PCS_NONE);
		break;
	case SC_FADVISE64:
	case SC_FADVISE64_64:
	case SC_READAHEAD: {
		PcsAdvice adv = PCS_ADVICE_WILLNEED;

		NEED_ARGS(3);
		if (!parse_u(c->args[1], &u) || !parse_u(c->args[2], &v) ||
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
			push_event(r, PCS_OP_FADVISE, o->file, o->stream, u, v)->advice =
				(guint8) adv;
		break;
	}
	case SC_FTRUNCATE:
		NEED_ARGS(2);
		if (!parse_u(c->args[1], &u) || u == PCS_NONE)
			goto malformed;
		if ((o = data_ofd(r, pr, c->args[0], 0))) {
			fstate(r, o->file)->size = u;
			push_event(r, PCS_OP_TRUNCATE, o->file, o->stream, u, PCS_NONE);
		}
		break;
	case SC_TRUNCATE:
		NEED_ARGS(2);
		if (!parse_u(c->args[1], &u) || u == PCS_NONE ||
		    !path_arg(r, pr, c, -1, 0, r->path))
			goto malformed;
		{
			guint32 id = file_of(r, r->path);

			fstate(r, id)->size = u;
			push_event(r, PCS_OP_TRUNCATE, id, path_stream(r), u, PCS_NONE);
		}
		break;
	case SC_UNLINK:
	case SC_UNLINKAT:
		if (c->sc == SC_UNLINKAT && c->nr_args > 2 && has_flag(c->args[2], "AT_REMOVEDIR"))
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
		if (parse_fd(c->args[0], &fd, &ann) && ann.len > 0 && ann.s[0] == '/') {
			g_string_truncate(r->path, 0);
			g_string_append_len(r->path, ann.s, (gssize) ann.len);
			set_cwd(pr, r->path);
		} else if (parse_fd(c->args[0], &fd2, &ann) && (o = fd_get(pr->fds, fd2)) &&
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
		return bad_line(error, "expected [PID] [TIME] SYSCALL(ARGS) = RESULT", line, len);
	}
	r->line_t_ns = h.has_time ? h.t_ns : PCS_TIME_UNKNOWN;
	s = h.rest;
	n = h.rest_len;
	/* 2. */
	if (n >= 3 && memcmp(s, "+++", 3) == 0) {
		do_exit(r, h.pid);
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
	pr = get_proc(r, h.pid);
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
			return bad_line(error, "expected '<... SYSCALL resumed>'", s, n);
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
	if (!parse_call(s, n, &c, error))
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
	do_call(r, pr, &c);
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
	r->procs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, proc_free_quiet);
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

			return parse_call(h.rest, h.rest_len, &c, NULL) ? 60 : 0;
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
