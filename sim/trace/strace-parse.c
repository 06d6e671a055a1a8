/*
 * strace-parse.c - the text of one system call as strace prints it: NAME(ARGS) = RESULT.
 *
 * Arguments are split in place (Spans of the line: no copy, no allocation), strings
 * unescaped into a reusable GString, numbers parsed strictly (decimal or 0x hex), and the
 * name looked up by binary search in the sorted table of the syscalls the reader knows.
 * Nothing here touches the reader's state.
 *
 * Entry points: pcs_strace_parse_call, pcs_strace_parse_num/_u/_fd/_string,
 * pcs_strace_has_flag, pcs_strace_bad_line
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

/* ---- Small parsers --------------------------------------------------------------------- */

gboolean
pcs_strace_bad_line(GError **error, const char *what, const char *s, gsize len)
{
	pcs_trace_bad_input(error, s, len, "%s", what);
	return FALSE;
}

/* TRUE when the '|'-separated flags of a contain flag (O_DIRECT, not O_DIRECTORY). */
gboolean
pcs_strace_has_flag(Span a, const char *flag)
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
gboolean
pcs_strace_parse_num(Span a, gint64 *out)
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
gboolean
pcs_strace_parse_u(Span a, guint64 *out)
{
	gint64 v;

	if (!pcs_strace_parse_num(a, &v) || v < 0)
		return FALSE;
	*out = (guint64) v;
	return TRUE;
}

/* An fd argument: "3", "3</path>" (-y; *ann gets "/path"), or AT_FDCWD. */
gboolean
pcs_strace_parse_fd(Span a, gint64 *fd, Span *ann)
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
	return pcs_strace_parse_num(a, fd) && *fd >= AT_FDCWD_VALUE && *fd < G_MAXINT32;
}

/* A quoted string argument, unescaped into r->str or out (strace's \n \t \" \\ \ooo \xNN).
 * A string strace cut (`"abc"...`) is taken as far as it goes. */
gboolean
pcs_strace_parse_string(Span a, GString *out)
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
gboolean
pcs_strace_parse_call(const char *s, gsize len, Call *c, GError **error)
{
	const char *end = s + len, *p = s, *close, *q;
	Span ret;

	memset(c, 0, sizeof *c);
	while (p < end && (g_ascii_isalnum(*p) || *p == '_'))
		p++;
	if (p == s || p == end || *p != '(')
		return pcs_strace_bad_line(error, "expected SYSCALL(ARGS) = RESULT", s, len);
	c->name.s = s;
	c->name.len = (gsize) (p - s);
	c->sc = lookup_syscall(c->name);
	close = split_args(p, end, c);
	if (!close)
		return pcs_strace_bad_line(error, "expected the arguments to end with ')'", p,
					   (gsize) (end - p));
	q = close + 1;
	while (q < end && pcs_is_blank(*q))
		q++;
	if (q == end || *q != '=')
		return pcs_strace_bad_line(error, "expected '= RESULT' after the arguments", q,
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

		if (!pcs_strace_parse_fd(ret, &v, &ann) || v == AT_FDCWD_VALUE) {
			if (!pcs_strace_parse_num(ret, &v))
				return pcs_strace_bad_line(error, "expected RESULT as a number or "
							   "'?'", ret.s, ret.len);
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
