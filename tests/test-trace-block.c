/*
 * test-trace-block.c - the readers of block, libCacheSim and paper traces (blockcsv.c, lcs-*.c,
 * lis.c, oracle.c's --id-unit) and the decompressing input layer (input.c).
 *
 * Every sample in tests/data is replayed and its totals compared with values derived outside
 * pcsim (the awk/python lines are in the comment above samples[]). Detection is checked on
 * every file in tests/data and, when the directory exists, in ../shared/traces; each sample is
 * also checked to be refused by the other readers' probes. Compressed copies (gzip, zstd,
 * bzip2, made here with the libraries) must give the very same events as the originals, and
 * one workload in two encodings must give the same events.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bzlib.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>
#include <zstd.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#ifndef PCSIM_TEST_SRCDIR
#error "PCSIM_TEST_SRCDIR must name the top source directory"
#endif

#define DATA PCSIM_TEST_SRCDIR "/tests/data/"
#define SHARED PCSIM_TEST_SRCDIR "/../shared/traces"

typedef struct {
	char *dir;
} Fixture;

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	GError *error = NULL;

	f->dir = g_dir_make_tmp("pcsim-test-block-XXXXXX", &error);
	assert_null(error);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;
	GDir *d = g_dir_open(f->dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(f->dir, name, NULL);

		g_unlink(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* ---- Helpers --------------------------------------------------------------------------- */

/* All events of a trace, with the names of their files, or the first error. */
typedef struct {
	GArray    *events;     /* PcsIoEvent */
	GPtrArray *names;      /* file name of each event (owned) */
	char      *format;
	guint64    nr_reads, nr_writes, nr_pages;
	guint      nr_files;
} Replay;

static void
replay_free(Replay *r)
{
	g_array_free(r->events, TRUE);
	g_ptr_array_unref(r->names);
	g_free(r->format);
	g_free(r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Replay, replay_free)

static Replay *
replay(const char *path, const char *format, const PcsTraceOptions *opts)
{
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open_full(path, format, opts, files, &error);
	Replay *r = g_new0(Replay, 1);
	PcsTraceStatus st;
	PcsIoEvent ev;

	if (!t)
		fail_msg("%s", error->message);
	r->events = g_array_new(FALSE, FALSE, sizeof(PcsIoEvent));
	r->names = g_ptr_array_new_with_free_func(g_free);
	r->format = g_strdup(pcs_trace_ops(t)->name);
	while ((st = pcs_trace_next(t, &ev, &error)) == PCS_TRACE_OK) {
		g_array_append_val(r->events, ev);
		g_ptr_array_add(r->names, g_strdup(pcs_files_name(files, ev.file)));
		if (ev.op == PCS_OP_READ)
			r->nr_reads++;
		else if (ev.op == PCS_OP_WRITE)
			r->nr_writes++;
		if (ev.len_bytes)
			r->nr_pages += ((ev.offset_bytes + ev.len_bytes - 1) >> PCS_PAGE_SHIFT) -
				(ev.offset_bytes >> PCS_PAGE_SHIFT) + 1;
	}
	if (st != PCS_TRACE_EOF)
		fail_msg("%s", error->message);
	r->nr_files = pcs_files_count(files);
	return r;
}

static void
assert_same_events(const Replay *a, const Replay *b)
{
	assert_int_equal(a->events->len, b->events->len);
	for (guint i = 0; i < a->events->len; i++) {
		const PcsIoEvent *x = &g_array_index(a->events, PcsIoEvent, i);
		const PcsIoEvent *y = &g_array_index(b->events, PcsIoEvent, i);

		if (x->t_ns != y->t_ns || x->offset_bytes != y->offset_bytes ||
		    x->len_bytes != y->len_bytes || x->stream != y->stream || x->op != y->op ||
		    x->advice != y->advice || x->flags != y->flags ||
		    strcmp(g_ptr_array_index(a->names, i), g_ptr_array_index(b->names, i)) != 0)
			fail_msg("event %u differs: t %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
				 " off %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, i, x->t_ns,
				 y->t_ns, x->offset_bytes, y->offset_bytes);
	}
}

static char *
write_file(const Fixture *f, const char *name, const char *contents, gsize len)
{
	char *path = g_build_filename(f->dir, name, NULL);

	assert_true(g_file_set_contents(path, contents, (gssize) len, NULL));
	return path;
}

/* Copies of src compressed by gzip, zstd, bzip2 (index 0, 1, 2) under dir. */
static char *
compress_copy(const Fixture *f, const char *src, int kind, const char *name)
{
	g_autofree char *data = NULL;
	g_autofree char *out = NULL;
	gsize len = 0, out_len = 0;

	assert_true(g_file_get_contents(src, &data, &len, NULL));
	if (kind == 0) {
		z_stream z = { 0 };

		out_len = deflateBound(&z, (uLong) len) + 64;
		out = g_malloc(out_len);
		assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
				 Z_OK);
		z.next_in = (Bytef *) data;
		z.avail_in = (uInt) len;
		z.next_out = (Bytef *) out;
		z.avail_out = (uInt) out_len;
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		out_len = z.total_out;
		deflateEnd(&z);
	} else if (kind == 1) {
		out_len = ZSTD_compressBound(len);
		out = g_malloc(out_len);
		out_len = ZSTD_compress(out, out_len, data, len, 3);
		assert_false(ZSTD_isError(out_len));
	} else {
		unsigned n = (unsigned) (len + len / 100 + 600);

		out = g_malloc(n);
		assert_int_equal(BZ2_bzBuffToBuffCompress(out, &n, data, (unsigned) len, 9, 0, 0),
				 BZ_OK);
		out_len = n;
	}
	return write_file(f, name, out, out_len);
}

/* ---- Registry -------------------------------------------------------------------------- */

static const char *const my_formats[] = {
	"msr", "spc", "systor", "tencent", "alibaba", "disksim", "lcs-csv", "lcs-txt", "vscsi",
	"arc", "lirs", "oracle-general",
};

static void
test_registry(void **state)
{
	(void) state;
	for (unsigned i = 0; i < G_N_ELEMENTS(my_formats); i++) {
		const PcsTraceOps *ops = pcs_trace_format_by_name(my_formats[i]);

		assert_non_null(ops);
		assert_non_null(ops->probe);
		assert_non_null(ops->open);
		assert_non_null(ops->next);
		assert_non_null(ops->position);
		assert_non_null(ops->close);
		assert_non_null(ops->description);
		/* Block and id traces: never file-level. */
		assert_false(ops->caps & PCS_TRACE_CAP_FILES);
	}
}

/* ---- Samples --------------------------------------------------------------------------- */

/*
 * Expected totals, derived without pcsim ("pages" = sum over records of the 4 KiB pages each
 * request overlaps):
 *   msr:     awk -F, '{n++; if($4=="Read")r++; else w++; s=int($5/4096);
 *            e=int(($5+$6-1)/4096); if($6>0) p+=e-s+1} END{print n,r,w,p}'
 *            -> 1000 508 492 2473; one volume (hm, disk 0).
 *   systor:  the same on NR>1 with $3=="R" -> 999 826 173 10466; LUN 0 only.
 *   tencent: python, offset and size * 512, op 0 read -> 5000 2313 2687 41946, 477 volumes.
 *   arc:     python over `zstd -dc`: 20000 lines, sum of counts 20000 (every count is 1).
 *   lirs:    cpp.trace has 9047 numbers and no '*': 9047 page reads.
 *   csv/txt/vscsi head4000: 4000 requests; csv op column: 1 x 28 (read), 3999 x 2a (write);
 *            txt has no ops (all reads); one page each by default. With --id-unit 512 the
 *            csv's requests cover sum((lbn*512+size-1)/4096 - lbn*512/4096 + 1) = 13474 pages.
 *   spc:     hand-written, 5 records: LBA*512 / 4096 = 2617658 (8192 B: 2 pages), 2617480
 *            (2), 2617484 (4096 B: 1), 0 (512 B: 1), 2617658 (2) -> 8 pages; R, r reads (2),
 *            W, W, w writes (3); ASUs 0, 1, 2.
 *   alibaba: hand-written, 4 records: 8792731648 = 2146663 * 4096, 16384 B -> 4 pages;
 *            4096 B -> 1; 1024+4096 spans pages 0-1 -> 2; 8792748032 (page 2146667), 512 B
 *            -> 1: 8 pages; 2 reads, 2 writes; devices 419 and 37.
 *   disksim: hand-written, 4 records: lba 1000 * 512 = 512000 (page 125), 8 blocks -> 1
 *            page; lba 1008 -> 516096 (page 126) 1 page; lba 0, 1 block -> 1; lba 1000,
 *            16 blocks = 8192 B from 512000 -> pages 125-126, 2: 5 pages; type 1 read x 2,
 *            type 0 write x 2; devices 0 and 1.
 */
static const struct {
	const char *file;
	const char *format;      /* expected detection */
	guint64     id_unit;
	guint64     records, reads, writes, pages;
	guint       files;
	const char *first_name;  /* the first event's file */
} samples[] = {
	{ "msr-cambridge1-sample.csv", "msr", 0, 1000, 508, 492, 2473, 1, "#msr:hm_0" },
	{ "systor17-traces-sample.csv", "systor", 0, 999, 826, 173, 10466, 1, "#systor:0" },
	{ "tencent-cbs-head5000.csv", "tencent", 0, 5000, 2313, 2687, 41946, 477,
	  "#tencent:1058" },
	{ "OLTP-head20000.lis.zst", "arc", 0, 20000, 20000, 0, 20000, 1, "#0" },
	{ "cpp.trace", "lirs", 0, 9047, 9047, 0, 9047, 1, "#0" },
	{ "cloudPhysicsIO-head4000.csv", "lcs-csv", 0, 4000, 1, 3999, 4000, 1, "#0" },
	{ "cloudPhysicsIO-head4000.csv", "lcs-csv", 512, 4000, 1, 3999, 13474, 1, "#0" },
	{ "cloudPhysicsIO-head4000.txt", "lcs-txt", 0, 4000, 4000, 0, 4000, 1, "#0" },
	{ "cloudPhysicsIO-head4000.vscsi", "vscsi", 0, 4000, 1, 3999, 4000, 1, "#0" },
	{ "cloudPhysicsIO-head4000.vscsi", "vscsi", 512, 4000, 1, 3999, 13474, 1, "#0" },
	{ "spc-sample.spc", "spc", 0, 5, 2, 3, 8, 3, "#spc:0" },
	{ "alibaba-block-sample.csv", "alibaba", 0, 4, 2, 2, 8, 2, "#alibaba:419" },
	{ "sample.disksim", "disksim", 0, 4, 2, 2, 5, 2, "#disksim:0" },
};

static void
test_samples(void **state)
{
	(void) state;
	for (unsigned i = 0; i < G_N_ELEMENTS(samples); i++) {
		g_autofree char *path = g_strconcat(DATA, samples[i].file, NULL);
		PcsTraceOptions opts = { .id_unit_bytes = samples[i].id_unit };
		g_autoptr(Replay) r = replay(path, NULL, &opts);

		print_message("# %s (id unit %" G_GUINT64_FORMAT ")\n", samples[i].file,
			      samples[i].id_unit);
		assert_string_equal(r->format, samples[i].format);
		assert_int_equal(r->events->len, samples[i].records);
		assert_int_equal(r->nr_reads, samples[i].reads);
		assert_int_equal(r->nr_writes, samples[i].writes);
		assert_int_equal(r->nr_pages, samples[i].pages);
		assert_int_equal(r->nr_files, samples[i].files);
		assert_string_equal(g_ptr_array_index(r->names, 0), samples[i].first_name);
	}
}

/* Times and units of the first records, hand-converted. */
static void
test_sample_fields(void **state)
{
	g_autoptr(Replay) msr = replay(DATA "msr-cambridge1-sample.csv", NULL, NULL);
	g_autoptr(Replay) spc = replay(DATA "spc-sample.spc", NULL, NULL);
	g_autoptr(Replay) dsk = replay(DATA "sample.disksim", NULL, NULL);
	g_autoptr(Replay) ali = replay(DATA "alibaba-block-sample.csv", NULL, NULL);
	g_autoptr(Replay) vs = replay(DATA "cloudPhysicsIO-head4000.vscsi", NULL, NULL);
	const PcsIoEvent *e;

	(void) state;
	/* 128166385295514663 ticks - 116444736000000000 (1601 -> 1970), * 100 ns. */
	e = &g_array_index(msr->events, PcsIoEvent, 0);
	assert_int_equal(e->t_ns, G_GINT64_CONSTANT(1172164929551466300));
	assert_int_equal(e->offset_bytes, 9056014336u);
	assert_int_equal(e->len_bytes, 2048);
	assert_int_equal(e->op, PCS_OP_WRITE);
	/* 0.551706 s; LBA 20941264 * 512. */
	e = &g_array_index(spc->events, PcsIoEvent, 0);
	assert_int_equal(e->t_ns, 551706000);
	assert_int_equal(e->offset_bytes, G_GUINT64_CONSTANT(10721927168));
	/* 1.5 ms; 2.250 ms on device 1 (its own stream). */
	e = &g_array_index(dsk->events, PcsIoEvent, 1);
	assert_int_equal(e->t_ns, 1500000);
	e = &g_array_index(dsk->events, PcsIoEvent, 2);
	assert_int_equal(e->t_ns, 2250000);
	assert_int_equal(e->stream, 1);
	assert_string_equal(g_ptr_array_index(dsk->names, 2), "#disksim:1");
	/* microseconds. */
	e = &g_array_index(ali->events, PcsIoEvent, 0);
	assert_int_equal(e->t_ns, G_GINT64_CONSTANT(1577808144360767000));
	/* vscsi: ts 0x51fbe82cf22 us; lbn 42932745 -> page 42932745 by default. */
	e = &g_array_index(vs->events, PcsIoEvent, 0);
	assert_int_equal(e->t_ns, G_GINT64_CONSTANT(0x51fbe82cf22) * 1000);
	assert_int_equal(e->offset_bytes, G_GUINT64_CONSTANT(42932745) * 4096);
	assert_int_equal(e->len_bytes, 4096);
}

/* ---- Detection ------------------------------------------------------------------------- */

/* The format a file must be detected as, by its name; NULL: not one of this file's formats
 * (it must then not be detected as one of them). */
static const char *
expected_format(const char *path)
{
	static const struct {
		const char *needle, *format;
	} map[] = {
		{ "msr-cambridge", "msr" }, { "systor17", "systor" }, { "tencent-cbs", "tencent" },
		{ ".lis", "arc" }, { "cpp.trace", "lirs" }, { "ps.trace", "lirs" },
		{ "multi2.trace", "lirs" }, { "cloudPhysicsIO.csv", "lcs-csv" },
		{ "-head4000.csv", "lcs-csv" }, { ".txt", "lcs-txt" }, { ".vscsi", "vscsi" },
		{ ".oracleGeneral", "oracle-general" }, { ".spc", "spc" },
		{ "alibaba-block", "alibaba" }, { ".disksim", "disksim" },
	};

	if (strstr(path, "blkparse") || strstr(path, "strace") || strstr(path, "iolog") ||
	    strstr(path, "small.txt"))
		return NULL;
	for (unsigned i = 0; i < G_N_ELEMENTS(map); i++)
		if (strstr(path, map[i].needle))
			return map[i].format;
	return NULL;
}

static gboolean
is_my_format(const char *name)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(my_formats); i++)
		if (strcmp(my_formats[i], name) == 0)
			return TRUE;
	return FALSE;
}

/* Probes of two formats that accept the same lines (one number per line). */
static gboolean
may_overlap(const char *a, const char *b)
{
	return (strcmp(a, "lcs-txt") == 0 && strcmp(b, "lirs") == 0) ||
	       (strcmp(a, "lirs") == 0 && strcmp(b, "lcs-txt") == 0);
}

static void
check_detection(const char *path)
{
	const char *want = expected_format(path);
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, files, &error);
	g_autofree guint8 *head = g_malloc(PCS_TRACE_PROBE_BYTES);
	const PcsTraceOps *const *fmts = pcs_trace_formats();
	gsize len = 0;

	print_message("# detect %s -> %s\n", path, t ? pcs_trace_ops(t)->name : "(none)");
	if (!want) {
		if (t && is_my_format(pcs_trace_ops(t)->name))
			fail_msg("%s detected as %s", path, pcs_trace_ops(t)->name);
		return;
	}
	if (!t)
		fail_msg("%s", error->message);
	assert_string_equal(pcs_trace_ops(t)->name, want);
	/* Refusal: every other reader of this file's formats scores 0. */
	assert_true(pcs_input_peek(path, head, PCS_TRACE_PROBE_BYTES, &len, NULL));
	for (unsigned i = 0; fmts[i]; i++) {
		int score = fmts[i]->probe(path, head, len);

		if (strcmp(fmts[i]->name, want) == 0 || !is_my_format(fmts[i]->name))
			continue;
		if (may_overlap(fmts[i]->name, want))
			continue;
		if (score != 0)
			fail_msg("%s: %s scores %d", path, fmts[i]->name, score);
	}
}

static void
detect_dir(const char *dir, gboolean recurse)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			if (recurse)
				detect_dir(p, FALSE);
			continue;
		}
		if (g_str_has_suffix(name, ".md"))
			continue;
		check_detection(p);
	}
}

static void
test_detection(void **state)
{
	(void) state;
	detect_dir(DATA, FALSE);
	detect_dir(SHARED, TRUE);
}

/* ---- Errors ---------------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *format;     /* forced, or NULL */
	const char *spec;
	const char *contents;
	const char *message;    /* after "PATH:" */
	guint       nr_good;    /* records read around the bad one */
} bad_inputs[] = {
	{ "a.msr", "msr", NULL,
	  "128166385295514663,hm,0,Write,9056014336,2048,2833\n"
	  "128166385295514878,hm,0,Write,11855351808,512\n"
	  "128166385295515175,hm,0,Read,5548077056,4096,2320\n",
	  ":2: expected 7 fields separated by ',' (Timestamp,Hostname,DiskNumber,Type,Offset,"
	  "Size,ResponseTime), got 6", 2 },
	{ "b.msr", "msr", NULL,
	  "128166385295514663,hm,0,Rd,9056014336,2048,2833\n",
	  ":1: expected Type as Read or Write, got 'Rd'", 0 },
	{ "c.csv", "tencent", NULL,
	  "1538323200,4247200,128,1,1058\n1538323200,4247200,12x8,2,1058\n",
	  ":2: expected Size as an unsigned number of 512-byte sectors, got '12x8'", 1 },
	{ "d.csv", "tencent", NULL,
	  "1538323200,4247200,128,2,1058\n",
	  ":1: expected IOType as 0 (read) or 1 (write), got '2'", 0 },
	{ "e.csv", "systor", NULL,
	  "Timestamp,Response,IOType,LUN,Offset,Size\n1456095145.1,0.0008,X,0,899056122368,131072\n",
	  ":2: expected IOType as R or W, got 'X'", 0 },
	{ "f.csv", "alibaba", NULL,
	  "419,W,99999999999999999999,16384,1577808144360767\n",
	  ":1: expected offset as unsigned decimal bytes, got '99999999999999999999'", 0 },
	{ "g.spc", "spc", NULL,
	  "0,36028797018963968,8192,W,0.551706\n",
	  ":1: LBA 36028797018963968 overflows 64 bits in bytes", 0 },
	{ "h.lis", "arc", NULL, "1 1 0 0\n5 0 0 1\n7 2 0 2\n",
	  ":2: expected count as a number of blocks >= 1, got '0'", 2 },
	{ "i.trace", "lirs", NULL, "1\n*\nx2\n3\n",
	  ":3: expected a block number (unsigned decimal) or '*', got 'x2'", 2 },
	{ "j.txt", "lcs-txt", NULL, "1\n-2\n",
	  ":2: expected an object id (unsigned number), got '-2'", 1 },
	{ "k.csv", "lcs-csv", NULL, "time,obj_id,obj_size\n1,abc,10\n",
	  ":2: expected obj-id as an unsigned number (string ids are not supported), got 'abc'",
	  0 },
	{ "l.csv", "lcs-csv", "obj-id-col=3,has-header=false", "1,2\n",
	  ":1: expected at least 3 fields separated by ',', got 2", 0 },
	{ "m.csv", "lcs-csv", "time-col=1,obj-id-col=2,op-col=3", "1,2,delete\n",
	  ":1: expected op as read/get/r/28 or write/set/add/update/w/2a, got 'delete'", 0 },
	{ "n.disksim", "disksim", NULL, "0.0 0 1000 8\n",
	  ":1: expected 5 fields separated by blanks", 0 },
};

static void
test_errors(void **state)
{
	Fixture *f = *state;

	for (unsigned i = 0; i < G_N_ELEMENTS(bad_inputs); i++) {
		g_autofree char *path = write_file(f, bad_inputs[i].name, bad_inputs[i].contents,
						   strlen(bad_inputs[i].contents));
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		PcsTraceOptions opts = { .csv_spec = bad_inputs[i].spec };
		g_autoptr(PcsTrace) t = pcs_trace_open_full(path, bad_inputs[i].format, &opts,
							      files, &error);
		g_autofree char *want = g_strconcat(path, bad_inputs[i].message, NULL);
		guint nr_good = 0, nr_bad = 0;
		PcsTraceStatus st;
		PcsIoEvent ev;

		print_message("# %s\n", bad_inputs[i].name);
		if (!t)
			fail_msg("%s", error->message);
		/* Carry on after the bad record: the records around it are read. */
		while ((st = pcs_trace_next(t, &ev, &error)) != PCS_TRACE_EOF) {
			if (st == PCS_TRACE_OK) {
				nr_good++;
				continue;
			}
			assert_int_equal(error->domain, PCS_TRACE_ERROR_DOMAIN);
			assert_int_equal(error->code, PCS_TRACE_ERROR_PARSE);
			if (nr_bad++ == 0 && !g_str_has_prefix(error->message, want))
				fail_msg("got '%s', wanted '%s...'", error->message, want);
			g_clear_error(&error);
		}
		assert_int_equal(nr_bad, 1);
		assert_int_equal(nr_good, bad_inputs[i].nr_good);
	}
}

static void
test_open_errors(void **state)
{
	Fixture *f = *state;
	static const char *const specs[] = {
		"obj-id-col=0", "time-col=1", "obj-id-col=2,has-header=maybe", "obj-id-col=2,x=1",
		"obj-id-col=2,time-unit=fortnights", "obj-id-col",
	};
	g_autofree char *csv = write_file(f, "x.csv", "1,2\n", 4);
	g_autofree char *vs = write_file(f, "x.vscsi", "0123456789", 10);

	for (unsigned i = 0; i < G_N_ELEMENTS(specs); i++) {
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		PcsTraceOptions opts = { .csv_spec = specs[i] };

		assert_null(pcs_trace_open_full(csv, "lcs-csv", &opts, files, &error));
		assert_non_null(strstr(error->message, "--csv-spec"));
	}
	{
		/* A csv without a header and without --csv-spec. */
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;

		assert_null(pcs_trace_open(csv, "lcs-csv", files, &error));
		assert_non_null(strstr(error->message, "expected a header row naming an id column"));
	}
	{
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;

		assert_null(pcs_trace_open(vs, "vscsi", files, &error));
		assert_non_null(strstr(error->message, "expected a vscsi v1 record"));
	}
}

/* ---- Compression ----------------------------------------------------------------------- */

static void
test_compressed(void **state)
{
	Fixture *f = *state;
	static const char *const suffix[] = { ".gz", ".zst", ".bz2" };
	static const struct {
		const char *file, *copy;
	} inputs[] = {
		{ "msr-cambridge1-sample.csv", "msr" },
		{ "cpp.trace", "cpp.trace" },
		{ "cloudPhysicsIO-head4000.vscsi", "cp.vscsi" },
		{ "cloudPhysicsIO-head4000.csv", "cp.csv" },
		{ "cloudPhysicsIO.oracleGeneral.bin", "cp.oracleGeneral.bin" },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(inputs); i++) {
		g_autofree char *src = g_strconcat(DATA, inputs[i].file, NULL);
		g_autoptr(Replay) plain = replay(src, NULL, NULL);

		for (int k = 0; k < 3; k++) {
			g_autofree char *name = g_strconcat(inputs[i].copy, suffix[k], NULL);
			g_autofree char *path = compress_copy(f, src, k, name);
			g_autoptr(Replay) z = replay(path, NULL, NULL);

			print_message("# %s: %s\n", name, z->format);
			assert_string_equal(z->format, plain->format);
			assert_same_events(plain, z);
		}
	}
}

/* pcsim-bin through zstd: written by the library, compressed here, read back. */
static void
test_compressed_pcsb(void **state)
{
	Fixture *f = *state;
	g_autoptr(Replay) msr = replay(DATA "msr-cambridge1-sample.csv", NULL, NULL);
	g_autofree char *pcsb = g_build_filename(f->dir, "msr.pcsb", NULL);
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(DATA "msr-cambridge1-sample.csv", NULL, files,
					       &error);
	PcsTraceWriter *w = pcs_trace_writer_new(pcsb, "pcsim-bin", files, &error);
	PcsIoEvent ev;

	assert_non_null(t);
	assert_non_null(w);
	while (pcs_trace_next(t, &ev, &error) == PCS_TRACE_OK)
		assert_true(pcs_trace_writer_add(w, &ev, &error));
	assert_true(pcs_trace_writer_finish(w, &error));
	for (int k = 0; k < 3; k++) {
		static const char *const names[] = { "m.pcsb.gz", "m.pcsb.zst", "m.pcsb.bz2" };
		g_autofree char *path = compress_copy(f, pcsb, k, names[k]);
		g_autoptr(Replay) z = replay(path, NULL, NULL);

		assert_string_equal(z->format, "pcsim-bin");
		assert_same_events(msr, z);
	}
}

/* A compressed file cut short: an error that names the compression, never a short trace. */
static void
test_compressed_truncated(void **state)
{
	Fixture *f = *state;
	static const char *const names[] = { "t.trace.gz", "t.trace.zst", "t.trace.bz2" };

	for (int k = 0; k < 3; k++) {
		g_autofree char *path = compress_copy(f, DATA "cpp.trace", k, names[k]);
		g_autofree char *data = NULL;
		gsize len;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		PcsTrace *t;
		PcsTraceStatus st;
		PcsIoEvent ev;

		assert_true(g_file_get_contents(path, &data, &len, NULL));
		assert_true(g_file_set_contents(path, data, (gssize) (len * 2 / 3), NULL));
		/* Nothing decodable at all (a zstd block cut short) fails at open; otherwise the
		 * reader reads what there is and then reports the truncation. */
		t = pcs_trace_open(path, NULL, files, &error);
		if (t) {
			assert_string_equal(pcs_trace_ops(t)->name, "lirs");
			while ((st = pcs_trace_next(t, &ev, &error)) == PCS_TRACE_OK)
				;
			assert_int_equal(st, PCS_TRACE_ERROR);
		}
		print_message("# %s\n", error->message);
		assert_non_null(strstr(error->message, pcs_compression_name((PcsCompression)
									    (k + 1))));
		pcs_trace_close(t);
	}
}

/* ---- One workload, two encodings ------------------------------------------------------- */

static void
test_same_workload(void **state)
{
	Fixture *f = *state;
	PcsTraceOptions sector = { .id_unit_bytes = 512 };
	PcsTraceOptions spec = { .csv_spec = "time-col=2,obj-id-col=5,obj-size-col=4,op-col=3,"
					     "has-header=true,delimiter=,,time-unit=us" };
	g_autoptr(Replay) csv = replay(DATA "cloudPhysicsIO-head4000.csv", NULL, NULL);
	g_autoptr(Replay) csv512 = replay(DATA "cloudPhysicsIO-head4000.csv", NULL, &sector);
	g_autoptr(Replay) csv_spec = replay(DATA "cloudPhysicsIO-head4000.csv", NULL, &spec);
	g_autoptr(Replay) txt = replay(DATA "cloudPhysicsIO-head4000.txt", NULL, NULL);
	g_autoptr(Replay) vs = replay(DATA "cloudPhysicsIO-head4000.vscsi", NULL, NULL);
	g_autoptr(Replay) vs512 = replay(DATA "cloudPhysicsIO-head4000.vscsi", NULL, &sector);
	g_autoptr(Replay) oracle = replay(DATA "cloudPhysicsIO.oracleGeneral.bin", NULL, NULL);

	(void) f;
	/* csv, vscsi and oracleGeneral: the same pages; csv and vscsi the same ops; the csv's
	 * time column is vscsi's ts in whole seconds; txt and oracle are all reads. */
	for (guint i = 0; i < 4000; i++) {
		const PcsIoEvent *c = &g_array_index(csv->events, PcsIoEvent, i);
		const PcsIoEvent *c5 = &g_array_index(csv512->events, PcsIoEvent, i);
		const PcsIoEvent *cs = &g_array_index(csv_spec->events, PcsIoEvent, i);
		const PcsIoEvent *t = &g_array_index(txt->events, PcsIoEvent, i);
		const PcsIoEvent *v = &g_array_index(vs->events, PcsIoEvent, i);
		const PcsIoEvent *v5 = &g_array_index(vs512->events, PcsIoEvent, i);
		const PcsIoEvent *o = &g_array_index(oracle->events, PcsIoEvent, i);

		assert_int_equal(c->offset_bytes, v->offset_bytes);
		assert_int_equal(c->offset_bytes, t->offset_bytes);
		assert_int_equal(c->offset_bytes, o->offset_bytes);
		assert_int_equal(c->op, v->op);
		assert_int_equal(c->t_ns, o->t_ns);
		assert_int_equal(c->t_ns / 1000000000, v->t_ns / 1000000000);
		assert_int_equal(cs->t_ns * 1000000, c->t_ns);   /* time-unit=us */
		assert_int_equal(cs->offset_bytes, c->offset_bytes);
		assert_int_equal(c5->offset_bytes, v5->offset_bytes);
		assert_int_equal(c5->len_bytes, v5->len_bytes);
		assert_int_equal(c5->op, v5->op);
	}
	assert_int_equal(csv512->nr_pages, vs512->nr_pages);
	/* LIRS read as lcs-txt: the same events. */
	{
		g_autoptr(Replay) lirs = replay(DATA "cpp.trace", NULL, NULL);
		g_autoptr(Replay) as_txt = replay(DATA "cpp.trace", "lcs-txt", NULL);

		assert_string_equal(lirs->format, "lirs");
		assert_same_events(lirs, as_txt);
	}
	/* A block trace through pcsim-text and back: the same events, the same names. */
	{
		g_autoptr(Replay) msr = replay(DATA "tencent-cbs-head5000.csv", NULL, NULL);
		g_autofree char *out = g_build_filename(f->dir, "t.txt", NULL);
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		g_autoptr(PcsTrace) t = pcs_trace_open(DATA "tencent-cbs-head5000.csv", NULL,
						       files, &error);
		PcsTraceWriter *w = pcs_trace_writer_new(out, "pcsim-text", files, &error);
		PcsIoEvent ev;

		assert_non_null(w);
		while (pcs_trace_next(t, &ev, &error) == PCS_TRACE_OK)
			assert_true(pcs_trace_writer_add(w, &ev, &error));
		assert_true(pcs_trace_writer_finish(w, &error));
		{
			g_autoptr(Replay) back = replay(out, NULL, NULL);

			assert_string_equal(back->format, "pcsim-text");
			assert_same_events(msr, back);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sample_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed_pcsb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_workload, setup, teardown),
	};

	return cmocka_run_group_tests_name("trace-block", tests, NULL, NULL);
}
