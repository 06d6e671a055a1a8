/*
 * trace.c - `pcsim trace`: look at traces and convert them between formats.
 *
 *   pcsim trace info FILE... [--format NAME] [--output-format normal|json] [--skip-bad N]
 *       format, level (file or block), size, sha256 of the first MiB, records, distinct files
 *       and streams, records per op, time span and duration, footprint (distinct pages the
 *       data ops touch, and bytes), bad records skipped, the reader's notes. One pass over
 *       each trace, no cache model.
 *   pcsim trace cat FILE [--format NAME]
 *       the trace as pcsim-text (with its "# pcsim trace v1" line) on stdout.
 *   pcsim trace convert FILE -o OUT [--to pcsim-bin|pcsim-text] [--format NAME]
 *       writes OUT.tmp and renames it into place, so OUT is whole or untouched.
 *   pcsim trace formats
 *       the formats pcsim reads (name, capabilities, description) and which it writes.
 *
 * Everything goes through the public trace API (pcs_trace_open/next, pcs_trace_writer_*):
 * this file knows no format. Exit status as cli.h says: 0 ok, 1 a trace could not be read or
 * holds a bad record or the output could not be written, 2 usage. Errors are printed as
 * "pcsim: PATH:LINE: message" (the trace layer puts the path and line in the message).
 * The first bad record stops a trace: info and convert are for checking and preparing traces,
 * so a silent skip would hide exactly what they are run to find (info --skip-bad N skips
 * and counts up to N, printing each).
 *
 * info, cat and convert take the trace reader options (--id-unit, --csv-spec, --blk-dev,
 * --blk-event, --cwd; traceopts.c).
 *
 * Entry point: pcs_cmd_trace().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/trace.h>

#include "cli.h"

/* The formats pcs_trace_writer_new() takes (the trace API has no query for it). */
static const char *const writable_formats[] = { "pcsim-bin", "pcsim-text", NULL };

static gboolean
is_writable(const char *name)
{
	for (unsigned i = 0; writable_formats[i]; i++)
		if (strcmp(writable_formats[i], name) == 0)
			return TRUE;
	return FALSE;
}

/* An argv whose argv[0] reads "pcsim trace CMD", so GOption's --help names the command. */
static char **
sub_argv(int argc, char **argv, const char *cmd)
{
	char **v = g_new0(char *, argc + 1);

	v[0] = g_strdup_printf("pcsim trace %s", cmd);
	for (int i = 1; i < argc; i++)
		v[i] = g_strdup(argv[i]);
	return v;
}

/* Parses options; FALSE (after printing the error) on a usage error. */
static gboolean
parse_options(GOptionContext *ctx, int *argc, char ***argv)
{
	g_autoptr(GError) error = NULL;

	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		pcs_cli_error("trace", "%s", error->message);
		return FALSE;
	}
	return TRUE;
}

/* --format NAME: NULL and "auto" sniff; any other name must exist. */
static gboolean
check_format(const char *format)
{
	if (!format || strcmp(format, "auto") == 0 || pcs_trace_format_by_name(format))
		return TRUE;
	pcs_cli_error("trace", "--format: unknown trace format '%s' (see 'pcsim trace formats')",
		      format);
	return FALSE;
}

static void
caps_string(guint caps, char *buf, gsize size)
{
	g_snprintf(buf, size, "%s%s%s%s",
		   caps & PCS_TRACE_CAP_TIME ? "time," : "",
		   caps & PCS_TRACE_CAP_FILES ? "files," : "",
		   caps & PCS_TRACE_CAP_WRITES ? "writes," : "",
		   caps ? "" : "-");
	if (buf[0] && buf[strlen(buf) - 1] == ',')
		buf[strlen(buf) - 1] = '\0';
}

/* ---- info ------------------------------------------------------------------------------ */

typedef struct {
	char       *path;
	const char *format;
	guint       caps;
	guint64     bytes;
	char        sha256[65];
	guint64     nr_records;
	guint64     nr_ops[PCS_OP_COUNT];
	guint64     nr_files;
	guint64     nr_streams;
	guint64     nr_unknown_time;
	gint64      t_first_ns;     /* PCS_TIME_UNKNOWN when no record has a time */
	gint64      t_last_ns;
	guint64     nr_pages;       /* footprint: distinct (file, page) the data ops touch */
	guint64     nr_pages_huge;  /* pages of requests too large to enumerate (upper bound) */
	guint64     nr_bad;         /* records skipped under --skip-bad */
	GString    *notes;          /* the reader's notes (pcs_trace_notes) */
} TraceInfo;

/*
 * The footprint: the set of (file, page) pairs the data ops touch, as bitmaps of 4096-page
 * blocks (512 bytes of bits each, one per 16 MiB of a file), found through an open-addressing
 * table keyed by (file, block), linear probing, at most half full. In front of it, a
 * direct-mapped cache of 512 blocks indexed by block number, so a run of pages, or random
 * pages within 8 GiB of a file, costs one compare per page and no probing. A random trace
 * over 8 GB (1.96M pages) has 489 blocks: 12 KiB of cache that stays in the L1 and 240 KiB
 * of bits in the L2. (Bitmaps of 512 pages inside the slots of a 640 KiB table, as before,
 * missed the L2 cache on nearly every page: `trace info` of the bench's 20M-record pcsim-bin
 * trace took 0.81 s, median of 15, against 0.64 s now.) The price is paid by sparse traces:
 * at worst 512 bytes per page touched, when each page touched is alone in its 16 MiB.
 * Cannot fail (g_malloc aborts).
 */
#define BLOCK_PAGE_SHIFT 12
#define BLOCK_WORDS      ((1u << BLOCK_PAGE_SHIFT) / 64)
typedef struct {
	guint64  block;     /* block + 1; 0 = empty slot */
	guint32  file;
	guint64 *bits;      /* BLOCK_WORDS words */
} PageBlock;

#define BLOCK_CACHE_SIZE 512

typedef struct {
	PageBlock      *slots;
	guint64         mask;
	guint64         nr_blocks;
	guint64         count;      /* pages in the set */
	PageBlock       cache[BLOCK_CACHE_SIZE];   /* blocks used lately, by (block + 97 file) */
} PageSet;

static void
page_set_init(PageSet *ps)
{
	ps->mask = 63;
	ps->slots = g_new0(PageBlock, ps->mask + 1);
	ps->nr_blocks = ps->count = 0;
	memset(ps->cache, 0, sizeof ps->cache);
}

static void
page_set_clear(PageSet *ps)
{
	for (guint64 i = 0; i <= ps->mask; i++)
		g_free(ps->slots[i].bits);
	g_free(ps->slots);
}

static inline guint64
block_hash(guint32 file, guint64 block)
{
	guint64 h = (block ^ ((guint64) file << 40)) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);

	return h ^ (h >> 29);
}

/* The slot of (file, block + 1), or the empty slot where it would go. */
static PageBlock *
block_find(PageSet *ps, guint32 file, guint64 key)
{
	guint64 pos = block_hash(file, key) & ps->mask;

	while (ps->slots[pos].block && (ps->slots[pos].block != key || ps->slots[pos].file != file))
		pos = (pos + 1) & ps->mask;
	return &ps->slots[pos];
}

static void
page_set_grow(PageSet *ps)
{
	PageBlock *old = ps->slots;
	guint64 n = ps->mask + 1;

	ps->mask = n * 2 - 1;
	ps->slots = g_new0(PageBlock, n * 2);
	for (guint64 i = 0; i < n; i++)
		if (old[i].block)
			*block_find(ps, old[i].file, old[i].block) = old[i];
	g_free(old);
}

/* The bitmap of (file, block + 1 = key), empty when new. */
static guint64 *
block_bits(PageSet *ps, guint32 file, guint64 key)
{
	PageBlock *b = block_find(ps, file, key);
	guint64 *bits;

	if (b->block)
		return b->bits;
	bits = g_new0(guint64, BLOCK_WORDS);
	b->block = key;
	b->file = file;
	b->bits = bits;
	if (++ps->nr_blocks * 2 > ps->mask)
		page_set_grow(ps);
	return bits;
}

static inline void
page_set_add(PageSet *ps, guint32 file, guint64 page)
{
	guint64 key = (page >> BLOCK_PAGE_SHIFT) + 1;
	guint64 bit = page & ((1u << BLOCK_PAGE_SHIFT) - 1), m = G_GUINT64_CONSTANT(1) << (bit & 63);
	PageBlock *e = &ps->cache[(key + file * 97u) % BLOCK_CACHE_SIZE];
	guint64 *w;

	if (G_UNLIKELY(e->block != key || e->file != file)) {
		e->bits = block_bits(ps, file, key);
		e->block = key;
		e->file = file;
	}
	w = &e->bits[bit >> 6];
	ps->count += !(*w & m);    /* branch-free: on a random trace the test is a coin toss */
	*w |= m;
}

/* A set of guint32 ids, with the last id cached: traces repeat files and streams in runs. */
typedef struct {
	GHashTable *set;
	guint32     last;
	gboolean    have_last;
} IdSet;

static void
id_set_add(IdSet *s, guint32 id)
{
	if (s->have_last && s->last == id)
		return;
	g_hash_table_add(s->set, GUINT_TO_POINTER(id + 1));
	s->last = id;
	s->have_last = TRUE;
}

/* Requests of at least this many pages are not enumerated into the footprint (a corrupt
 * length must not make info run for hours); their pages are added as an upper bound. */
#define HUGE_REQUEST_PAGES (G_GUINT64_CONSTANT(1) << 24)

/* The ops whose OFFSET + LENGTH are data the page cache holds. */
static gboolean
is_data_op(PcsOp op)
{
	return op == PCS_OP_READ || op == PCS_OP_WRITE || op == PCS_OP_MMAP_READ ||
	       op == PCS_OP_MMAP_WRITE || op == PCS_OP_DIRECT_READ ||
	       op == PCS_OP_DIRECT_WRITE || op == PCS_OP_SENDFILE;
}

/* One good record into info. */
static inline void
info_add(TraceInfo *info, PageSet *pages, IdSet *fileset, IdSet *streamset, const PcsIoEvent *ev)
{
	info->nr_records++;
	if (is_data_op((PcsOp) ev->op) && ev->len_bytes && ev->file != G_MAXUINT32) {
		guint64 first = ev->offset_bytes >> PCS_PAGE_SHIFT;
		guint64 last = (ev->offset_bytes + ev->len_bytes - 1) >> PCS_PAGE_SHIFT;

		if (last - first >= HUGE_REQUEST_PAGES)
			info->nr_pages_huge += last - first + 1;
		else
			for (guint64 pg = first; pg <= last; pg++)
				page_set_add(pages, ev->file, pg);
	}
	info->nr_ops[ev->op]++;
	if (ev->file != G_MAXUINT32)
		id_set_add(fileset, ev->file);
	id_set_add(streamset, ev->stream);
	if (ev->t_ns == PCS_TIME_UNKNOWN) {
		info->nr_unknown_time++;
	} else {
		if (info->t_first_ns == PCS_TIME_UNKNOWN)
			info->t_first_ns = ev->t_ns;
		info->t_last_ns = ev->t_ns;
	}
}

/*
 * Reads path to the end, in batches of 64 records; FALSE with error at the first unreadable
 * record, or at the first after skip_bad bad records were skipped (each is printed as a
 * warning).
 */
static gboolean
info_one(const char *path, const char *format, const PcsTraceOptions *opts, guint64 skip_bad,
	 TraceInfo *info, GError **error)
{
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsTrace) t = pcs_trace_open_full(path, format, opts, files, error);
	IdSet fileset = { g_hash_table_new(NULL, NULL), 0, FALSE };
	IdSet streamset = { g_hash_table_new(NULL, NULL), 0, FALSE };
	PcsTraceStatus st = PCS_TRACE_ERROR;
	PageSet pages;
	PcsIoEvent evs[64];

	page_set_init(&pages);

	info->path = g_strdup(path);
	info->t_first_ns = info->t_last_ns = PCS_TIME_UNKNOWN;
	if (t) {
		info->format = pcs_trace_ops(t)->name;
		info->caps = pcs_trace_ops(t)->caps;
		info->bytes = pcs_trace_bytes(t);
		g_strlcpy(info->sha256, pcs_trace_sha256(t), sizeof info->sha256);
		for (;;) {
			gsize got = pcs_trace_next_batch(t, evs, G_N_ELEMENTS(evs), &st, error);

			for (gsize i = 0; i < got; i++)
				info_add(info, &pages, &fileset, &streamset, &evs[i]);
			if (st == PCS_TRACE_OK)
				continue;
			if (st == PCS_TRACE_EOF || info->nr_bad == skip_bad)
				break;
			info->nr_bad++;
			pcs_cli_warn(NULL, "%s (skipped)", (*error)->message);
			g_clear_error(error);
		}
	}
	if (t) {
		info->notes = g_string_new(NULL);
		pcs_trace_notes(t, info->notes);
	}
	info->nr_pages = pages.count;
	page_set_clear(&pages);
	info->nr_files = g_hash_table_size(fileset.set);
	info->nr_streams = g_hash_table_size(streamset.set);
	g_hash_table_destroy(fileset.set);
	g_hash_table_destroy(streamset.set);
	return t && st == PCS_TRACE_EOF;
}

static void
print_info_normal(GString *out, const TraceInfo *info)
{
	char caps[32];
	gboolean first = TRUE;

	caps_string(info->caps, caps, sizeof caps);
	g_string_append_printf(out, "path:     %s\n", info->path);
	g_string_append_printf(out, "format:   %s (%s)\n", info->format, caps);
	g_string_append_printf(out, "level:    %s\n",
			       info->caps & PCS_TRACE_CAP_FILES ? "file" : "block");
	g_string_append_printf(out, "bytes:    %" G_GUINT64_FORMAT "\n", info->bytes);
	g_string_append_printf(out, "sha256:   %s (first MiB)\n", info->sha256);
	g_string_append_printf(out, "records:  %" G_GUINT64_FORMAT "\n", info->nr_records);
	g_string_append_printf(out, "files:    %" G_GUINT64_FORMAT "\n", info->nr_files);
	g_string_append_printf(out, "streams:  %" G_GUINT64_FORMAT "\n", info->nr_streams);
	if (info->t_first_ns == PCS_TIME_UNKNOWN)
		g_string_append(out, "time:     unknown\n");
	else
		g_string_append_printf(out, "time:     %" G_GINT64_FORMAT " .. %" G_GINT64_FORMAT
				       " ns (span %.6f s)\n", info->t_first_ns, info->t_last_ns,
				       (double) (info->t_last_ns - info->t_first_ns) / 1e9);
	if (info->nr_unknown_time && info->t_first_ns != PCS_TIME_UNKNOWN)
		g_string_append_printf(out, "          %" G_GUINT64_FORMAT
				       " records without a time\n", info->nr_unknown_time);
	if (info->t_first_ns == PCS_TIME_UNKNOWN)
		g_string_append(out, "duration: unknown\n");
	else
		g_string_append_printf(out, "duration: %.6f s\n",
				       (double) (info->t_last_ns - info->t_first_ns) / 1e9);
	g_string_append_printf(out, "footprint: %s%" G_GUINT64_FORMAT " pages, %" G_GUINT64_FORMAT
			       " bytes\n", info->nr_pages_huge ? "at most " : "",
			       info->nr_pages + info->nr_pages_huge,
			       (info->nr_pages + info->nr_pages_huge) * PCS_PAGE_SIZE);
	g_string_append_printf(out, "bad:      %" G_GUINT64_FORMAT " records skipped\n",
			       info->nr_bad);
	if (info->notes && info->notes->len) {
		g_auto(GStrv) lines = g_strsplit(info->notes->str, "\n", -1);

		for (unsigned i = 0; lines[i]; i++)
			if (lines[i][0])
				g_string_append_printf(out, "note:     %s\n", lines[i]);
	}
	g_string_append(out, "ops:      ");
	for (unsigned op = 0; op < PCS_OP_COUNT; op++) {
		if (!info->nr_ops[op])
			continue;
		g_string_append_printf(out, "%s%s %" G_GUINT64_FORMAT, first ? "" : ", ",
				       pcs_op_name((PcsOp) op), info->nr_ops[op]);
		first = FALSE;
	}
	g_string_append(out, first ? "none\n" : "\n");
}

static void
json_string(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (char) *p);
	}
	g_string_append_c(out, '"');
}

static void
print_info_json(GString *out, const TraceInfo *info)
{
	char caps[32];

	caps_string(info->caps, caps, sizeof caps);
	g_string_append(out, "    {\n      \"path\": ");
	json_string(out, info->path);
	g_string_append(out, ",\n      \"format\": ");
	json_string(out, info->format);
	g_string_append(out, ",\n      \"caps\": ");
	json_string(out, caps);
	g_string_append_printf(out, ",\n      \"bytes\": %" G_GUINT64_FORMAT
			       ",\n      \"sha256_first_mib\": \"%s\""
			       ",\n      \"records\": %" G_GUINT64_FORMAT
			       ",\n      \"files\": %" G_GUINT64_FORMAT
			       ",\n      \"streams\": %" G_GUINT64_FORMAT
			       ",\n      \"level\": \"%s\""
			       ",\n      \"footprint_pages\": %" G_GUINT64_FORMAT
			       ",\n      \"footprint_bytes\": %" G_GUINT64_FORMAT
			       ",\n      \"footprint_is_upper_bound\": %s"
			       ",\n      \"bad_records\": %" G_GUINT64_FORMAT
			       ",\n      \"ops\": {",
			       info->bytes, info->sha256, info->nr_records, info->nr_files,
			       info->nr_streams,
			       info->caps & PCS_TRACE_CAP_FILES ? "file" : "block",
			       info->nr_pages + info->nr_pages_huge,
			       (info->nr_pages + info->nr_pages_huge) * PCS_PAGE_SIZE,
			       info->nr_pages_huge ? "true" : "false", info->nr_bad);
	for (unsigned op = 0; op < PCS_OP_COUNT; op++)
		g_string_append_printf(out, "%s\"%s\": %" G_GUINT64_FORMAT, op ? ", " : "",
				       pcs_op_name((PcsOp) op), info->nr_ops[op]);
	g_string_append(out, "},\n      \"time\": {");
	if (info->t_first_ns == PCS_TIME_UNKNOWN)
		g_string_append(out, "\"first_ns\": null, \"last_ns\": null, \"span_ns\": null");
	else
		g_string_append_printf(out, "\"first_ns\": %" G_GINT64_FORMAT ", \"last_ns\": %"
				       G_GINT64_FORMAT ", \"span_ns\": %" G_GINT64_FORMAT,
				       info->t_first_ns, info->t_last_ns,
				       info->t_last_ns - info->t_first_ns);
	g_string_append_printf(out, ", \"records_without_time\": %" G_GUINT64_FORMAT "}\n    }",
			       info->nr_unknown_time);
}

static int
cmd_info(int argc, char **argv)
{
	g_autofree char *format = NULL;
	g_autofree char *output_format = NULL;
	g_autofree char *skip_bad_text = NULL;
	PcsTraceOptions opts = { 0 };
	guint64 skip_bad = 0;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "trace format (default: detected); see 'pcsim trace formats'", "NAME" },
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
		  "normal or json (default normal)", "FMT" },
		{ "skip-bad", 0, 0, G_OPTION_ARG_STRING, &skip_bad_text,
		  "skip (and count) up to N bad records per trace instead of stopping at the "
		  "first (default 0)", "N" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE... - describe traces");
	g_autoptr(GString) out = g_string_new(NULL);
	gboolean json;
	int status = PCS_EXIT_OK, nr_shown = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_cli_trace_option_group(&opts));
	if (!parse_options(ctx, &argc, &argv) || !check_format(format))
		return PCS_EXIT_USAGE;
	if (skip_bad_text && !pcs_parse_count(skip_bad_text, &skip_bad, NULL)) {
		pcs_cli_error("trace", "--skip-bad: expected a count, got '%s'", skip_bad_text);
		return PCS_EXIT_USAGE;
	}
	if (argc < 2) {
		pcs_cli_error("trace", "info: expected at least one FILE");
		return PCS_EXIT_USAGE;
	}
	if (output_format && strcmp(output_format, "normal") != 0 &&
	    strcmp(output_format, "json") != 0) {
		pcs_cli_error("trace", "--output-format: expected normal or json, got '%s'",
			      output_format);
		return PCS_EXIT_USAGE;
	}
	json = output_format && strcmp(output_format, "json") == 0;

	if (json)
		g_string_append(out, "{\n  \"traces\": [\n");
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		TraceInfo info = { 0 };

		if (info_one(argv[i], format, &opts, skip_bad, &info, &error)) {
			if (json) {
				if (nr_shown)
					g_string_append(out, ",\n");
				print_info_json(out, &info);
			} else {
				if (nr_shown)
					g_string_append_c(out, '\n');
				print_info_normal(out, &info);
			}
			nr_shown++;
		} else {
			pcs_cli_error(NULL, "%s", error->message);
			status = PCS_EXIT_FAILURE;
		}
		g_free(info.path);
		if (info.notes)
			g_string_free(info.notes, TRUE);
	}
	if (json)
		g_string_append(out, "\n  ]\n}\n");
	fwrite(out->str, 1, out->len, stdout);
	if (fflush(stdout) != 0) {
		pcs_cli_error(NULL, "cannot write to standard output");
		return PCS_EXIT_FAILURE;
	}
	return status;
}

/* ---- cat and convert ------------------------------------------------------------------- */

/* Copies every event of the trace at path into a writer on out ("-": stdout). */
static int
copy_trace(const char *path, const char *format, const PcsTraceOptions *opts, const char *out,
	   const char *to)
{
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open_full(path, format, opts, files, &error);
	PcsTraceWriter *w;
	PcsTraceStatus st;
	PcsIoEvent ev;

	if (!t) {
		pcs_cli_error(NULL, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	w = pcs_trace_writer_new(out, to, files, &error);
	if (!w) {
		pcs_cli_error(NULL, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	while ((st = pcs_trace_next(t, &ev, &error)) == PCS_TRACE_OK)
		if (!pcs_trace_writer_add(w, &ev, &error))
			break;
	if (error) {
		pcs_trace_writer_abort(w);
		pcs_cli_error(NULL, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	if (!pcs_trace_writer_finish(w, &error)) {
		pcs_cli_error(NULL, "%s", error->message);
		return PCS_EXIT_FAILURE;
	}
	return PCS_EXIT_OK;
}

static int
cmd_cat(int argc, char **argv)
{
	g_autofree char *format = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "trace format (default: detected); see 'pcsim trace formats'", "NAME" },
		{ NULL }
	};
	PcsTraceOptions opts = { 0 };
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE - print a trace as pcsim-text");

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_cli_trace_option_group(&opts));
	if (!parse_options(ctx, &argc, &argv) || !check_format(format))
		return PCS_EXIT_USAGE;
	if (argc != 2) {
		pcs_cli_error("trace", "cat: expected exactly one FILE");
		return PCS_EXIT_USAGE;
	}
	return copy_trace(argv[1], format, &opts, "-", "pcsim-text");
}

static int
cmd_convert(int argc, char **argv)
{
	g_autofree char *format = NULL;
	g_autofree char *output = NULL;
	g_autofree char *to = NULL;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "write the converted trace to OUT (via OUT.tmp, renamed when complete)", "OUT" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to,
		  "output format: pcsim-bin (default) or pcsim-text", "NAME" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "input format (default: detected); see 'pcsim trace formats'", "NAME" },
		{ NULL }
	};
	PcsTraceOptions opts = { 0 };
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE -o OUT - convert a trace to a pcsim format");

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, pcs_cli_trace_option_group(&opts));
	if (!parse_options(ctx, &argc, &argv) || !check_format(format))
		return PCS_EXIT_USAGE;
	if (argc != 2) {
		pcs_cli_error("trace", "convert: expected exactly one FILE");
		return PCS_EXIT_USAGE;
	}
	if (!output) {
		pcs_cli_error("trace", "convert: -o OUT is required");
		return PCS_EXIT_USAGE;
	}
	if (!to)
		to = g_strdup("pcsim-bin");
	if (!is_writable(to)) {
		pcs_cli_error("trace", "--to: pcsim writes pcsim-bin or pcsim-text, not '%s'", to);
		return PCS_EXIT_USAGE;
	}
	if (strcmp(output, "-") == 0 && strcmp(to, "pcsim-text") != 0) {
		pcs_cli_error("trace", "convert: %s cannot go to standard output (-o -)", to);
		return PCS_EXIT_USAGE;
	}
	return copy_trace(argv[1], format, &opts, output, to);
}

/* ---- formats --------------------------------------------------------------------------- */

static int
cmd_formats(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("- list the trace formats pcsim reads and writes");
	const PcsTraceOps *const *fmts = pcs_trace_formats();

	if (!parse_options(ctx, &argc, &argv))
		return PCS_EXIT_USAGE;
	if (argc != 1) {
		pcs_cli_error("trace", "formats: takes no arguments");
		return PCS_EXIT_USAGE;
	}
	printf("%-16s %-5s %-18s %s\n", "NAME", "RW", "CAPS", "DESCRIPTION");
	for (unsigned i = 0; fmts[i]; i++) {
		char caps[32];

		caps_string(fmts[i]->caps, caps, sizeof caps);
		printf("%-16s %-5s %-18s %s\n", fmts[i]->name,
		       is_writable(fmts[i]->name) ? "rw" : "r", caps, fmts[i]->description);
	}
	return fflush(stdout) == 0 ? PCS_EXIT_OK : PCS_EXIT_FAILURE;
}

/* ---- dispatch -------------------------------------------------------------------------- */

static const struct {
	const char *name;
	int       (*run)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
	{ "info", cmd_info, "FILE...        format, size, records, files, streams, ops, time span" },
	{ "cat", cmd_cat, "FILE           print a trace as pcsim-text" },
	{ "convert", cmd_convert, "FILE -o OUT    convert to pcsim-bin (or --to pcsim-text)" },
	{ "formats", cmd_formats, "               list the formats pcsim reads and writes" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: pcsim trace COMMAND [ARGS...]\n\ncommands:\n");
	for (unsigned i = 0; subcommands[i].name; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n'pcsim trace COMMAND --help' describes a command's options.\n");
}

int
pcs_cmd_trace(int argc, char **argv)
{
	if (argc < 2) {
		pcs_cli_error("trace", "expected a command: info, cat, convert or formats");
		usage(stderr);
		return PCS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return PCS_EXIT_OK;
	}
	for (unsigned i = 0; subcommands[i].name; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			int sub_argc = argc - 1;
			char **v = sub_argv(sub_argc, argv + 1, subcommands[i].name);
			/* GOption removes what it parses from v: free a copy of the pointers. */
			char **all = g_memdup2(v, sizeof(char *) * (gsize) (sub_argc + 1));
			int status = subcommands[i].run(sub_argc, v);

			g_strfreev(all);
			g_free(v);
			return status;
		}
	}
	pcs_cli_error("trace", "unknown command '%s'", argv[1]);
	usage(stderr);
	return PCS_EXIT_USAGE;
}
