/*
 * trace.c - the registry of trace formats, sniffing, and the wrappers around every reader.
 *
 * pcsim reads traces in several formats, each a const PcsTraceOps in its own file under
 * sim/trace/ (after fio's engines). This file is the only one that calls them:
 *
 *   pcs_trace_open(path, format)                          pcs_trace_next(t, ev)
 *       |                                                     |
 *       1. open + fstat: a readable regular, non-empty file   ops->next(r, ev)
 *       2. read the head (64 KiB), hash the first MiB         | on PCS_TRACE_ERROR only:
 *          (compressed: the head is decompressed, input.c)    |
 *       3. format given? look it up by name                   |   prefix "PATH:LINE: " or
 *          else every probe(path, head) scores 0..100;        |   "PATH: record N: "
 *          the best score wins, ties go to the earlier        v
 *          format; all zero is PCS_TRACE_ERROR_FORMAT       event (caller-owned)
 *       4. ops->open(path, files)
 *
 * Invariants: a PcsTrace always has a reader (open never returns a half-made trace); the
 * path, size and sha256 it reports are those of the file as sniffed (size from fstat, hash of
 * the first MiB, so identity costs at most one MiB of reading however large the trace is).
 * The success path of pcs_trace_next() is one indirect call: no GError, no allocation.
 *
 * The writer (pcs_trace_writer_*) is split the same way: the generic half here writes to
 * PATH.tmp and renames it into place on finish, and removes it on abort or failure; the format
 * half is a PcsTraceEmitOps in sim/trace/text.c or sim/trace/pcsb.c. The path "-" writes
 * pcsim-text to standard output (what `pcsim trace cat` uses); nothing is renamed then.
 * Atomic means: whatever happens to pcsim (an error, a bad record, ^C), PATH is either the
 * old file or the complete new one (a kill may leave a stale PATH.tmp behind). There is no fsync before the rename, so it is not
 * promised across a power loss: traces can be regenerated, and an fsync of a trace of several
 * GB costs seconds on every `pcsim gen`.
 *
 * Also here, because every reader may use them: the quoting of bad input for error messages,
 * the notes readers append, and mmap of a whole file (declared in sim/trace/reader.h). The
 * buffered line reader the text formats share is sim/trace/linereader.c.
 *
 * Entry points: pcs_trace_formats, pcs_trace_format_by_name, pcs_trace_open, pcs_trace_next,
 * pcs_trace_next_batch, pcs_trace_progress, pcs_trace_notes, pcs_trace_close,
 * pcs_trace_path/ops/bytes/sha256/level, pcs_trace_writer_new, pcs_trace_writer_add,
 * pcs_trace_writer_finish, pcs_trace_writer_abort.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

G_DEFINE_QUARK(pcs-trace-error-quark, pcs_trace_error)

/* ---- The registry ---------------------------------------------------------------------- */

/* Probing order: on equal scores the earlier format wins. */
static const PcsTraceOps *const trace_formats[] = {
	&pcs_trace_text_ops,
	&pcs_trace_pcsb_ops,
	&pcs_trace_oracle_ops,
	&pcs_trace_vscsi_ops,
	&pcs_trace_msr_ops,
	&pcs_trace_spc_ops,
	&pcs_trace_systor_ops,
	&pcs_trace_tencent_ops,
	&pcs_trace_alibaba_ops,
	&pcs_trace_disksim_ops,
	&pcs_trace_lcs_csv_ops,
	&pcs_trace_lcs_txt_ops,
	&pcs_trace_lirs_ops,
	&pcs_trace_arc_ops,
	&pcs_trace_fio_ops,
	&pcs_trace_blkparse_ops,
	&pcs_trace_strace_ops,
	NULL
};

/* The formats pcsim can write, by the same names. */
static const PcsTraceEmitOps *const emit_formats[] = {
	&pcs_trace_text_emit_ops,
	&pcs_trace_pcsb_emit_ops,
	NULL
};

const PcsTraceOps *const *
pcs_trace_formats(void)
{
	return trace_formats;
}

const PcsTraceOps *
pcs_trace_format_by_name(const char *name)
{
	g_return_val_if_fail(name != NULL, NULL);

	for (unsigned i = 0; trace_formats[i]; i++)
		if (strcmp(trace_formats[i]->name, name) == 0)
			return trace_formats[i];
	return NULL;
}

static const PcsTraceEmitOps *
emit_format_by_name(const char *name)
{
	for (unsigned i = 0; emit_formats[i]; i++)
		if (strcmp(emit_formats[i]->name, name) == 0)
			return emit_formats[i];
	return NULL;
}

/* "pcsim-text, pcsim-bin, oracle-general" (newly allocated). */
static char *
format_list(void)
{
	GString *s = g_string_new(NULL);

	for (unsigned i = 0; trace_formats[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", trace_formats[i]->name);
	return g_string_free(s, FALSE);
}

/* ---- Helpers shared by the readers (reader.h) ------------------------------------------ */

gboolean
pcs_trace_bad_input(GError **error, const char *s, gsize len, const char *what_fmt, ...)
{
	g_autofree char *what = NULL;
	g_autofree char *q = NULL;
	va_list ap;

	if (!error)
		return FALSE;
	va_start(ap, what_fmt);
	what = g_strdup_vprintf(what_fmt, ap);
	va_end(ap);
	q = pcs_trace_quote(s, len);
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE, "%s, got '%s'", what, q);
	return FALSE;
}

void
pcs_trace_note(GString *out, const char *label, guint64 n)
{
	if (n)
		g_string_append_printf(out, "%s: %" G_GUINT64_FORMAT "\n", label, n);
}

void
pcs_trace_note_bytes(GString *out, const char *label, guint64 n, guint64 bytes)
{
	if (n)
		g_string_append_printf(out, "%s: %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
				       " bytes)\n", label, n, bytes);
}

void
pcs_trace_note_reordered(GString *out, guint64 n)
{
	if (n)
		g_string_append_printf(out, "reordered: %" G_GUINT64_FORMAT " records were earlier "
				       "than the record before them and replay at its time\n", n);
}

char *
pcs_trace_quote(const char *s, gsize len)
{
	GString *q = g_string_sized_new(48);
	gsize n = MIN(len, 40);

	for (gsize i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			g_string_append_c(q, (char) c);
		else
			g_string_append_printf(q, "\\x%02x", c);
	}
	if (len > n)
		g_string_append(q, "...");
	return g_string_free(q, FALSE);
}

gboolean
pcs_trace_map_file(const char *path, const guint8 **base_out, gsize *size_out, GError **error)
{
	struct stat st;
	void *base = NULL;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "cannot open: %s",
			    g_strerror(e));
		return FALSE;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "cannot stat: %s",
			    g_strerror(e));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "not a regular file");
		return FALSE;
	}
	if (st.st_size > 0) {
		base = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (base == MAP_FAILED) {
			e = errno;
			close(fd);
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "cannot mmap: %s", g_strerror(e));
			return FALSE;
		}
		(void) madvise(base, (size_t) st.st_size, MADV_SEQUENTIAL);
	}
	close(fd);
	*base_out = base;
	*size_out = (gsize) st.st_size;
	return TRUE;
}

void
pcs_trace_unmap_file(const guint8 *base, gsize size)
{
	if (base && size)
		munmap((void *) base, size);
}

/* ---- Opening and reading a trace ------------------------------------------------------- */

/* --include-path / --exclude-path: a decision per file id, made at its first record. */
typedef struct {
	GStrv               include, exclude, group;
	const PcsFileTable *files;
	guint8             *keep;     /* per file id: 0 undecided, 1 keep, 2 skip; | 4: group */
	guint32             nr_keep;
	PcsTraceFiltered    out;
} PathFilter;

struct PcsTrace {
	char              *path;
	const PcsTraceOps *ops;
	gpointer           r;
	guint64            size_bytes;
	char               sha256[65];
	PathFilter        *filter;    /* NULL: every file */
};

/* fnmatch(3) over the whole path; a pattern with no wildcard also matches as a directory. */
static gboolean
path_matches(const char *const *patterns, const char *name)
{
	for (gsize i = 0; patterns && patterns[i]; i++) {
		const char *p = patterns[i];
		gsize n = strlen(p);

		if (fnmatch(p, name, 0) == 0)
			return TRUE;
		if (!strpbrk(p, "*?[") && n && strncmp(name, p, n) == 0 &&
		    (p[n - 1] == '/' || name[n] == '/'))
			return TRUE;
	}
	return FALSE;
}

/* Whether the record ev is of a file the filter keeps (records of no file are kept); marks
 * the records of the group's files. */
static gboolean
filter_keep(PathFilter *f, PcsIoEvent *ev)
{
	const char *name;

	if (ev->file == G_MAXUINT32)
		return TRUE;
	if (G_UNLIKELY(ev->file >= f->nr_keep)) {
		guint32 n = MAX(ev->file + 1, f->nr_keep * 2);

		f->keep = g_realloc(f->keep, n);
		memset(f->keep + f->nr_keep, 0, n - f->nr_keep);
		f->nr_keep = n;
	}
	if (G_UNLIKELY(f->keep[ev->file] == 0)) {
		name = pcs_files_name(f->files, ev->file);
		f->keep[ev->file] = name && (!f->include || path_matches((const char *const *)
					     f->include, name)) &&
				    !path_matches((const char *const *) f->exclude, name) ? 1 : 2;
		f->out.files += f->keep[ev->file] == 2;
		if (name && path_matches((const char *const *) f->group, name))
			f->keep[ev->file] |= 4;
	}
	if (f->keep[ev->file] & 4)
		ev->flags |= PCS_EVENT_GROUP;
	if (f->keep[ev->file] & 1)
		return TRUE;
	f->out.records++;
	if (ev->len_bytes != PCS_NONE && pcs_op_is_request((PcsOp) ev->op))
		f->out.bytes += ev->len_bytes;
	return FALSE;
}

static void
filter_free(PathFilter *f)
{
	if (!f)
		return;
	g_strfreev(f->include);
	g_strfreev(f->exclude);
	g_strfreev(f->group);
	g_free(f->keep);
	g_free(f);
}

void
pcs_trace_filtered(const PcsTrace *t, PcsTraceFiltered *out)
{
	g_return_if_fail(t != NULL && out != NULL);
	if (t->filter)
		*out = t->filter->out;
	else
		*out = (PcsTraceFiltered) { 0, 0, 0 };
}

/* Reads up to len bytes at offset; returns the count, or -1 with errno set. */
static gssize
read_full(int fd, guint8 *buf, gsize len, guint64 offset)
{
	gsize done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t) (offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (gsize) n;
	}
	return (gssize) done;
}

/*
 * Steps 1 and 2 of pcs_trace_open(): checks path is a non-empty regular file, reads its head
 * into head (PCS_TRACE_PROBE_BYTES), hashes its first MiB. Fails with a message that does not
 * yet name the path.
 */
static gboolean
sniff_file(PcsTrace *t, guint8 *head, gsize *head_len, GError **error)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_autofree guint8 *chunk = NULL;
	struct stat st;
	guint64 off;
	gssize n;
	int fd, e;

	fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "cannot open: %s",
			    g_strerror(e));
		return FALSE;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "cannot stat: %s",
			    g_strerror(e));
		return FALSE;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "%s",
			    S_ISDIR(st.st_mode) ? "is a directory, not a trace"
			    : "not a regular file");
		return FALSE;
	}
	t->size_bytes = (guint64) st.st_size;

	n = read_full(fd, head, PCS_TRACE_PROBE_BYTES, 0);
	if (n < 0)
		goto read_error;
	*head_len = (gsize) n;
	g_checksum_update(sum, head, (gsize) n);
	off = (guint64) n;
	if ((gsize) n == PCS_TRACE_PROBE_BYTES) {
		chunk = g_malloc(PCS_TRACE_PROBE_BYTES);
		while (off < PCS_TRACE_HASH_BYTES) {
			n = read_full(fd, chunk, PCS_TRACE_PROBE_BYTES, off);
			if (n < 0)
				goto read_error;
			if (n == 0)
				break;
			g_checksum_update(sum, chunk, (gsize) n);
			off += (guint64) n;
		}
	}
	close(fd);
	g_strlcpy(t->sha256, g_checksum_get_string(sum), sizeof t->sha256);
	if (*head_len == 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "the file is empty, not a trace");
		return FALSE;
	}
	/* Compressed (gzip, zstd, bzip2): the probes see the first decompressed bytes. */
	if (pcs_input_detect(head, *head_len) != PCS_COMPRESS_NONE) {
		if (!pcs_input_peek(t->path, head, PCS_TRACE_PROBE_BYTES, head_len, error))
			return FALSE;
		if (*head_len == 0) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "the file decompresses to nothing, not a trace");
			return FALSE;
		}
	}
	return TRUE;

read_error:
	e = errno;
	close(fd);
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "read error: %s",
		    g_strerror(e));
	return FALSE;
}

/* Step 3 with no format given: the best probe, or NULL with an error. */
static const PcsTraceOps *
sniff_format(const char *path, const guint8 *head, gsize head_len, GError **error)
{
	const PcsTraceOps *best = NULL;
	int best_score = 0;

	for (unsigned i = 0; trace_formats[i]; i++) {
		int score = trace_formats[i]->probe(path, head, head_len);

		if (score > best_score) {
			best_score = score;
			best = trace_formats[i];
		}
	}
	if (!best) {
		g_autofree char *tried = format_list();

		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "not a trace in any known format (tried %s)", tried);
	}
	return best;
}

PcsTrace *
pcs_trace_open(const char *path, const char *format, PcsFileTable *files, GError **error)
{
	return pcs_trace_open_full(path, format, NULL, files, error);
}

PcsTrace *
pcs_trace_open_full(const char *path, const char *format, const PcsTraceOptions *opts,
		    PcsFileTable *files, GError **error)
{
	static const PcsTraceOptions defaults = { 0 };
	g_autofree guint8 *head = NULL;
	gsize head_len = 0;
	PcsTrace *t;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(files != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	t = g_new0(PcsTrace, 1);
	t->path = g_strdup(path);

	/* 3 (named format first: an unknown name is an error before touching the file). */
	if (format && strcmp(format, "auto") != 0) {
		t->ops = pcs_trace_format_by_name(format);
		if (!t->ops) {
			g_autofree char *known = format_list();

			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "unknown trace format '%s' (known: %s)", format, known);
			goto fail;
		}
	}
	/* 1, 2. */
	head = g_malloc(PCS_TRACE_PROBE_BYTES);
	if (!sniff_file(t, head, &head_len, error))
		goto fail;
	/* 3. */
	if (!t->ops) {
		t->ops = sniff_format(path, head, head_len, error);
		if (!t->ops)
			goto fail;
	}
	/* 4. */
	if (opts && ((opts->include_paths && opts->include_paths[0]) ||
		     (opts->exclude_paths && opts->exclude_paths[0]) ||
		     (opts->group_paths && opts->group_paths[0]))) {
		if (!(t->ops->caps & PCS_TRACE_CAP_FILES)) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
				    "--include-path, --exclude-path and --group are for file-level "
				    "traces; %s is a block-level format", t->ops->name);
			goto fail;
		}
		t->filter = g_new0(PathFilter, 1);
		if (opts->include_paths && opts->include_paths[0])
			t->filter->include = g_strdupv((char **) opts->include_paths);
		if (opts->exclude_paths && opts->exclude_paths[0])
			t->filter->exclude = g_strdupv((char **) opts->exclude_paths);
		if (opts->group_paths && opts->group_paths[0])
			t->filter->group = g_strdupv((char **) opts->group_paths);
		t->filter->files = files;
	}
	t->r = t->ops->open(path, opts ? opts : &defaults, files, error);
	if (!t->r) {
		g_prefix_error(error, "%s: ", t->ops->name);
		goto fail;
	}
	return t;

fail:
	g_prefix_error(error, "%s: ", path);
	filter_free(t->filter);
	g_free(t->path);
	g_free(t);
	return NULL;
}

/* "PATH:LINE: ", "PATH: record N: " or "PATH: record N (byte X): " before a record's error. */
static void
prefix_record_error(PcsTrace *t, GError **error)
{
	guint64 pos = t->ops->position(t->r);

	if (t->ops->position_is_line)
		g_prefix_error(error, "%s:%" G_GUINT64_FORMAT ": ", t->path, pos);
	else if (t->ops->record_offset)
		g_prefix_error(error, "%s: record %" G_GUINT64_FORMAT " (byte %" G_GUINT64_FORMAT
			       "): ", t->path, pos, t->ops->record_offset(t->r));
	else
		g_prefix_error(error, "%s: record %" G_GUINT64_FORMAT ": ", t->path, pos);
}

PcsTraceStatus
pcs_trace_next(PcsTrace *t, PcsIoEvent *ev, GError **error)
{
	PcsTraceStatus st = t->ops->next(t->r, ev, error);

	while (G_UNLIKELY(t->filter) && st == PCS_TRACE_OK && !filter_keep(t->filter, ev))
		st = t->ops->next(t->r, ev, error);
	if (G_UNLIKELY(st == PCS_TRACE_ERROR))
		prefix_record_error(t, error);
	return st;
}

/* The reader's batch when it has one (and no path filter drops events), else next() n times. */
gsize
pcs_trace_next_batch(PcsTrace *t, PcsIoEvent *ev, gsize n, PcsTraceStatus *st, GError **error)
{
	gsize i;

	if (t->ops->next_batch && !t->filter) {
		i = t->ops->next_batch(t->r, ev, n, st, error);
		if (G_UNLIKELY(*st == PCS_TRACE_ERROR))
			prefix_record_error(t, error);
		return i;
	}
	*st = PCS_TRACE_OK;
	for (i = 0; i < n; i++) {
		*st = pcs_trace_next(t, &ev[i], error);
		if (*st != PCS_TRACE_OK)
			break;
	}
	return i;
}

double
pcs_trace_progress(PcsTrace *t)
{
	g_return_val_if_fail(t != NULL, 0.0);
	return t->ops->progress ? t->ops->progress(t->r) : 0.0;
}

void
pcs_trace_notes(PcsTrace *t, GString *out)
{
	g_return_if_fail(t != NULL && out != NULL);
	if (t->ops->notes)
		t->ops->notes(t->r, out);
	if (t->filter && t->filter->out.records)
		g_string_append_printf(out, "path filters left out %" G_GUINT64_FORMAT " records (%"
				       G_GUINT64_FORMAT " bytes of requests) of %" G_GUINT64_FORMAT
				       " files\n", t->filter->out.records, t->filter->out.bytes,
				       t->filter->out.files);
}

void
pcs_trace_close(PcsTrace *t)
{
	if (!t)
		return;
	t->ops->close(t->r);
	filter_free(t->filter);
	g_free(t->path);
	g_free(t);
}

const char *
pcs_trace_path(const PcsTrace *t)
{
	return t->path;
}

const PcsTraceOps *
pcs_trace_ops(const PcsTrace *t)
{
	return t->ops;
}

guint64
pcs_trace_bytes(const PcsTrace *t)
{
	return t->size_bytes;
}

const char *
pcs_trace_sha256(const PcsTrace *t)
{
	return t->sha256;
}

PcsTraceLevel
pcs_trace_level(const PcsTrace *t)
{
	return (t->ops->caps & PCS_TRACE_CAP_FILES) ? PCS_TRACE_LEVEL_FILE : PCS_TRACE_LEVEL_BLOCK;
}

/* ---- Writing a trace ------------------------------------------------------------------- */

#define WRITER_BUF_BYTES (1024 * 1024)

struct PcsTraceWriter {
	char                  *path;
	char                  *tmp_path;   /* NULL when writing to stdout */
	FILE                  *out;
	char                  *buf;        /* stdio buffer of out */
	const PcsTraceEmitOps *emit;
	gpointer               state;
	gint64                 last_t_ns;  /* last known time, to refuse going backwards */
	guint64                nr_events;
};

static void
writer_free(PcsTraceWriter *w, gboolean remove_tmp)
{
	if (w->out && w->out != stdout)
		fclose(w->out);
	if (remove_tmp && w->tmp_path)
		g_unlink(w->tmp_path);
	g_free(w->buf);
	g_free(w->tmp_path);
	g_free(w->path);
	g_free(w);
}

PcsTraceWriter *
pcs_trace_writer_new(const char *path, const char *format, const PcsFileTable *files,
		     GError **error)
{
	const PcsTraceEmitOps *emit;
	PcsTraceWriter *w;
	int fd, e;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(files != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	emit = emit_format_by_name(format ? format : "pcsim-bin");
	if (!emit) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "%s: cannot write trace format '%s' (pcsim writes pcsim-text and "
			    "pcsim-bin)", path, format);
		return NULL;
	}
	w = g_new0(PcsTraceWriter, 1);
	w->path = g_strdup(path);
	w->emit = emit;
	w->last_t_ns = PCS_TIME_UNKNOWN;

	if (strcmp(path, "-") == 0) {
		if (emit->seekable) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "%s cannot be written to standard output", emit->name);
			goto fail;
		}
		w->out = stdout;
	} else {
		w->tmp_path = g_strconcat(path, ".tmp", NULL);
		/* read and write: pcsim-bin moves its records to put the name table first */
		fd = open(w->tmp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			e = errno;
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "cannot create %s: %s", w->tmp_path, g_strerror(e));
			g_clear_pointer(&w->tmp_path, g_free);
			goto fail;
		}
		w->out = fdopen(fd, "w+b");
		if (!w->out) {
			e = errno;
			close(fd);
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "cannot write %s: %s", w->tmp_path, g_strerror(e));
			goto fail;
		}
		w->buf = g_malloc(WRITER_BUF_BYTES);
		setvbuf(w->out, w->buf, _IOFBF, WRITER_BUF_BYTES);
	}
	w->state = emit->open(w->out, files, error);
	if (!w->state)
		goto fail;
	return w;

fail:
	g_prefix_error(error, "%s: ", path);
	writer_free(w, TRUE);
	return NULL;
}

gboolean
pcs_trace_writer_add(PcsTraceWriter *w, const PcsIoEvent *ev, GError **error)
{
	g_return_val_if_fail(w != NULL && ev != NULL, FALSE);

	w->nr_events++;
	if (ev->t_ns != PCS_TIME_UNKNOWN && w->last_t_ns != PCS_TIME_UNKNOWN &&
	    ev->t_ns < w->last_t_ns) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_PARSE,
			    "%s: event %" G_GUINT64_FORMAT ": time goes backwards: %"
			    G_GINT64_FORMAT " < %" G_GINT64_FORMAT,
			    w->path, w->nr_events, ev->t_ns, w->last_t_ns);
		return FALSE;
	}
	if (!w->emit->add(w->state, ev, error)) {
		g_prefix_error(error, "%s: event %" G_GUINT64_FORMAT ": ", w->path, w->nr_events);
		return FALSE;
	}
	if (ev->t_ns != PCS_TIME_UNKNOWN)
		w->last_t_ns = ev->t_ns;
	return TRUE;
}

/*
 * 1. The format writes what follows the records (pcsim-bin: names, then the header).
 * 2. Flush; check the stream for an earlier write error.
 * 3. Close and rename PATH.tmp to PATH.
 * Any failure removes PATH.tmp and leaves PATH as it was.
 */
gboolean
pcs_trace_writer_finish(PcsTraceWriter *w, GError **error)
{
	gpointer state;
	int e;

	g_return_val_if_fail(w != NULL, FALSE);

	/* 1. */
	state = g_steal_pointer(&w->state);
	if (!w->emit->finish(state, error))
		goto fail_prefixed;
	/* 2. */
	errno = 0;
	if (fflush(w->out) != 0 || ferror(w->out))
		goto fail_errno;
	if (w->out == stdout) {
		writer_free(w, FALSE);
		return TRUE;
	}
	/* 3. */
	if (fclose(g_steal_pointer(&w->out)) != 0)
		goto fail_errno;
	if (g_rename(w->tmp_path, w->path) < 0) {
		e = errno;
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "%s: cannot rename %s into place: %s", w->path, w->tmp_path,
			    g_strerror(e));
		writer_free(w, TRUE);
		return FALSE;
	}
	writer_free(w, FALSE);
	return TRUE;

fail_errno:
	e = errno;
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "cannot write: %s",
		    g_strerror(e ? e : EIO));
fail_prefixed:
	g_prefix_error(error, "%s: ", w->path);
	writer_free(w, TRUE);
	return FALSE;
}

void
pcs_trace_writer_abort(PcsTraceWriter *w)
{
	if (!w)
		return;
	if (w->state)
		w->emit->discard(w->state);
	if (w->out == stdout)
		fflush(stdout);
	writer_free(w, TRUE);
}
