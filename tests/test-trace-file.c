/*
 * test-trace-file.c - the readers of recordings users make themselves: fio iologs (v2, v3),
 * blkparse text and strace output; their detection, their notes and their error messages.
 *
 * Every test gets a fresh temporary directory (removed afterwards) and a fresh file table.
 * Expected totals of the real samples in tests/data are derived independently of pcsim; each
 * test says how (awk, or tests/data/SOURCE.md for the strace sample's Python cross-check).
 * Hand-written traces are small enough that their events are listed in full.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pcsim/trace.h>

#ifndef PCSIM_TEST_SRCDIR
#error "PCSIM_TEST_SRCDIR must name the top source directory"
#endif

#define DATA(f)   PCSIM_TEST_SRCDIR "/tests/data/" f
#define SHARED    PCSIM_TEST_SRCDIR "/../shared/traces"
#define NONE      PCS_NONE
#define TU        PCS_TIME_UNKNOWN

typedef struct {
	char         *dir;
	PcsFileTable *files;
} Fixture;

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	GError *error = NULL;

	f->dir = g_dir_make_tmp("pcsim-test-trace-file-XXXXXX", &error);
	assert_null(error);
	f->files = pcs_files_new();
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
	pcs_files_free(f->files);
	g_free(f);
	return 0;
}

/* Writes text to DIR/name; returns the path (owned by the caller). */
static char *
write_file(Fixture *f, const char *name, const char *text)
{
	char *path = g_build_filename(f->dir, name, NULL);
	GError *error = NULL;

	g_file_set_contents(path, text, -1, &error);
	assert_null(error);
	return path;
}

/* What a whole read of a trace gave. */
typedef struct {
	GArray  *events;       /* PcsIoEvent */
	GPtrArray *errors;     /* messages of the bad records (the read carried on) */
	char    *notes;
	char    *format;
} Readout;

static void
readout_free(Readout *o)
{
	g_array_free(o->events, TRUE);
	g_ptr_array_free(o->errors, TRUE);
	g_free(o->notes);
	g_free(o->format);
}

/* Reads path to the end (format NULL: detected), collecting events and errors. The open
 * must succeed. */
static Readout
read_all(Fixture *f, const char *path, const char *format, const PcsTraceOptions *opts)
{
	Readout o = { g_array_new(FALSE, FALSE, sizeof(PcsIoEvent)),
		      g_ptr_array_new_with_free_func(g_free), NULL, NULL };
	GError *error = NULL;
	PcsTrace *t = pcs_trace_open_full(path, format, opts, f->files, &error);
	GString *notes = g_string_new(NULL);
	PcsTraceStatus st;
	PcsIoEvent ev;

	if (!t)
		fail_msg("%s", error->message);
	o.format = g_strdup(pcs_trace_ops(t)->name);
	while ((st = pcs_trace_next(t, &ev, &error)) != PCS_TRACE_EOF) {
		if (st == PCS_TRACE_ERROR) {
			g_ptr_array_add(o.errors, g_strdup(error->message));
			g_clear_error(&error);
			assert_true(o.errors->len < 10000);
			continue;
		}
		g_array_append_val(o.events, ev);
	}
	pcs_trace_notes(t, notes);
	o.notes = g_string_free(notes, FALSE);
	pcs_trace_close(t);
	return o;
}

/* The error message of opening path, which must fail. */
static char *
open_error(Fixture *f, const char *path, const char *format, const PcsTraceOptions *opts)
{
	GError *error = NULL;
	PcsTrace *t = pcs_trace_open_full(path, format, opts, f->files, &error);
	char *msg;

	if (t)
		fail_msg("%s: opened as %s, expected an error", path, pcs_trace_ops(t)->name);
	msg = g_strdup(error->message);
	g_error_free(error);
	return msg;
}

#define assert_contains(hay, needle)                                                       \
	do {                                                                               \
		if (!strstr((hay), (needle)))                                              \
			fail_msg("'%s' does not contain '%s'", (hay), (needle));          \
	} while (0)

static const PcsIoEvent *
ev_at(const Readout *o, guint i)
{
	assert_true(i < o->events->len);
	return &g_array_index(o->events, PcsIoEvent, i);
}

static void
check_ev(Fixture *f, const PcsIoEvent *ev, gint64 t_ns, PcsOp op, const char *file,
	 guint64 off, guint64 len, guint32 stream)
{
	if (ev->op != op)
		fail_msg("op %s, expected %s", pcs_op_name((PcsOp) ev->op), pcs_op_name(op));
	assert_int_equal(ev->t_ns, t_ns);
	if (file)
		assert_string_equal(pcs_files_name(f->files, ev->file), file);
	else
		assert_int_equal(ev->file, G_MAXUINT32);
	assert_int_equal(ev->offset_bytes, off);
	assert_int_equal(ev->len_bytes, len);
	assert_int_equal(ev->stream, stream);
}

/* Totals of an event list, as the statistics would count them. */
typedef struct {
	guint64 nr[PCS_OP_COUNT];
	guint64 bytes[PCS_OP_COUNT];
	guint64 pages;          /* pages touched by reads and writes, each counted per request */
	guint64 nr_meta, nr_bound;
} Totals;

static Totals
totals(const Readout *o)
{
	Totals t;

	memset(&t, 0, sizeof t);

	for (guint i = 0; i < o->events->len; i++) {
		const PcsIoEvent *ev = ev_at(o, i);

		t.nr[ev->op]++;
		if (ev->len_bytes != NONE && ev->op != PCS_OP_FADVISE)
			t.bytes[ev->op] += ev->len_bytes;
		if ((ev->op == PCS_OP_READ || ev->op == PCS_OP_WRITE) && ev->len_bytes > 0)
			t.pages += ((ev->offset_bytes + ev->len_bytes - 1) >> PCS_PAGE_SHIFT) -
				   (ev->offset_bytes >> PCS_PAGE_SHIFT) + 1;
		t.nr_meta += (ev->flags & PCS_EVENT_META) != 0;
		t.nr_bound += (ev->flags & PCS_EVENT_BOUND) != 0;
	}
	return t;
}

/* ---- fio ------------------------------------------------------------------------------- */

/*
 * t0038.iolog (fio's own test log): add, open, then 10 x (trim 2 GiB, write 4 KiB) at
 * 0, 4096, ..., 36864, close. pcsim: open + 10 writes + close = 12 events, 10 pages written;
 * the 10 trims are counted in the notes (10 x 2147483648 = 21474836480 bytes).
 */
static void
test_fio_t0038(void **state)
{
	Fixture *f = *state;
	Readout o = read_all(f, DATA("t0038.iolog"), NULL, NULL);
	Totals t = totals(&o);

	assert_string_equal(o.format, "fio-iolog");
	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 12);
	check_ev(f, ev_at(&o, 0), 10731000, PCS_OP_OPEN, "/dev/null", NONE, NONE, 0);
	check_ev(f, ev_at(&o, 1), 10752000, PCS_OP_WRITE, "/dev/null", 0, 4096, 0);
	check_ev(f, ev_at(&o, 10), 10809000, PCS_OP_WRITE, "/dev/null", 36864, 4096, 0);
	check_ev(f, ev_at(&o, 11), 10892000, PCS_OP_CLOSE, "/dev/null", NONE, NONE, 0);
	assert_int_equal(t.nr[PCS_OP_WRITE], 10);
	assert_int_equal(t.pages, 10);
	assert_contains(o.notes, "fio iolog version: 3");
	assert_contains(o.notes, "trims skipped (pcsim has no discard): 10 (21474836480 bytes)");
	assert_int_equal(pcs_files_size(f->files, pcs_files_lookup(f->files, "/dev/null")), 40960);
	readout_free(&o);
}

/*
 * zipf_randrw.head.v3.iolog: the first 1,000 lines of the recorded zipf log plus its close.
 * Derivation:
 *   awk 'NR>1 && ($3=="read"||$3=="write") {n[$3]++; b[$3]+=$5}' ...   read 803 3289088,
 *                                                                     write 194 794624
 * every I/O is 4096 bytes at a multiple of 4096, so pages = 803 + 194 = 997; with the open
 * and the close, 999 events on one stream of one file.
 */
static void
test_fio_sample(void **state)
{
	Fixture *f = *state;
	Readout o = read_all(f, DATA("zipf_randrw.head.v3.iolog"), NULL, NULL);
	Totals t = totals(&o);

	assert_string_equal(o.format, "fio-iolog");
	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 999);
	assert_int_equal(t.nr[PCS_OP_READ], 803);
	assert_int_equal(t.bytes[PCS_OP_READ], 3289088);
	assert_int_equal(t.nr[PCS_OP_WRITE], 194);
	assert_int_equal(t.bytes[PCS_OP_WRITE], 794624);
	assert_int_equal(t.pages, 997);
	assert_int_equal(t.nr[PCS_OP_OPEN], 1);
	assert_int_equal(t.nr[PCS_OP_CLOSE], 1);
	check_ev(f, ev_at(&o, 1), 365000, PCS_OP_READ, "/srv/fio/zipf.dat", 3317760, 4096, 0);
	assert_int_equal(ev_at(&o, 998)->t_ns, 242623000);
	assert_int_equal(pcs_files_count(f->files), 1);
	readout_free(&o);
}

/* Version 2 (no times), every action, two opens of one file (two streams), --cwd. */
static void
test_fio_v2(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "v2.log",
		"fio version 2 iolog\n"
		"data add\n"
		"data open\n"
		"data read 0 8192\n"
		"data write 4096 100\n"
		"data sync 0 0\n"
		"data datasync 0 0\n"
		"data wait 1500 0\n"
		"data trim 0 4096\n"
		"\n"
		"data close\n"
		"data open\n"
		"data read 8192 4096\n"
		"data close\n");
	PcsTraceOptions opts = { .cwd = "/srv/jobs/" };
	Readout o = read_all(f, p, NULL, &opts);
	const char *name = "/srv/jobs/data";

	assert_string_equal(o.format, "fio-iolog");
	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 9);
	check_ev(f, ev_at(&o, 0), TU, PCS_OP_OPEN, name, NONE, NONE, 0);
	check_ev(f, ev_at(&o, 1), TU, PCS_OP_READ, name, 0, 8192, 0);
	check_ev(f, ev_at(&o, 2), TU, PCS_OP_WRITE, name, 4096, 100, 0);
	check_ev(f, ev_at(&o, 3), TU, PCS_OP_FSYNC, name, NONE, NONE, 0);
	check_ev(f, ev_at(&o, 4), TU, PCS_OP_FDATASYNC, name, NONE, NONE, 0);
	check_ev(f, ev_at(&o, 5), TU, PCS_OP_CLOSE, name, NONE, NONE, 0);
	check_ev(f, ev_at(&o, 6), TU, PCS_OP_OPEN, name, NONE, NONE, 1);
	check_ev(f, ev_at(&o, 7), TU, PCS_OP_READ, name, 8192, 4096, 1);
	check_ev(f, ev_at(&o, 8), TU, PCS_OP_CLOSE, name, NONE, NONE, 1);
	assert_contains(o.notes, "fio iolog version: 2");
	assert_contains(o.notes, "waits ignored: 1");
	assert_contains(o.notes, "trims skipped (pcsim has no discard): 1 (4096 bytes)");
	readout_free(&o);
}

/* Bad records: FILE:LINE, what was expected, and the read carries on after each. */
static void
test_fio_errors(void **state)
{
	Fixture *f = *state;
	static const struct {
		const char *line;
		const char *message;
	} cases[] = {
		{ "10 ghost read 0 4096", "read on 'ghost', a file never added or opened" },
		{ "10 added write 0 1",
		  "write on 'added', which was added at line 2 but is not open" },
		{ "10 gone read 0 1", "read on 'gone', which was closed at line 5" },
		{ "10 f open", "open of 'f', which is already open (since line 6)" },
		{ "10 f rea 0 1", "expected ACTION add, open, close, read, write, sync, datasync, "
		  "trim, wait, got 'rea'" },
		{ "10 f read 0", "missing LENGTH after OFFSET" },
		{ "10 f read", "missing OFFSET and LENGTH after 'read'" },
		{ "10 f read x 1", "expected OFFSET as unsigned decimal bytes, got 'x'" },
		{ "10 f read 0 4096 9", "expected the end of the line after LENGTH, got '9'" },
		{ "10 f close 0 0", "expected the end of the line after a file action" },
		{ "x f read 0 1", "expected TIME as microseconds since the job started" },
		{ "10 f read 18446744073709551615 1", "expected OFFSET as unsigned decimal bytes" },
		{ "10 f read 18446744073709551614 5", "OFFSET + LENGTH overflows 64 bits" },
		{ "10", "missing FILE after TIME" },
		{ "10 f", "missing ACTION after FILE" },
	};
	GString *text = g_string_new("fio version 3 iolog\n"
				     "1 added add\n"      /* 2 */
				     "2 gone add\n"       /* 3 */
				     "3 gone open\n"      /* 4 */
				     "4 gone close\n"     /* 5 */
				     "5 f open\n");       /* 6 */
	g_autofree char *p = NULL;
	Readout o;

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		g_string_append_printf(text, "%s\n20 f read %u 1\n", cases[i].line, i * 4096);
	p = write_file(f, "bad.log", text->str);
	o = read_all(f, p, NULL, NULL);
	assert_int_equal(o.errors->len, G_N_ELEMENTS(cases));
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *where = g_strdup_printf("%s:%u: ", p, 7 + 2 * i);

		assert_contains(g_ptr_array_index(o.errors, i), where);
		assert_contains(g_ptr_array_index(o.errors, i), cases[i].message);
	}
	/* open gone, close gone, open f, then one good read after every bad line. */
	assert_int_equal(o.events->len, 3 + G_N_ELEMENTS(cases));
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		assert_int_equal(ev_at(&o, 3 + i)->offset_bytes, i * 4096);
	readout_free(&o);
	g_string_free(text, TRUE);
}

/* A log without its header, or of another version, is refused at open. Time going back. */
static void
test_fio_header(void **state)
{
	Fixture *f = *state;
	g_autofree char *nohead = write_file(f, "nohead.log", "1 f add\n2 f open\n");
	g_autofree char *v4 = write_file(f, "v4.log", "fio version 4 iolog\n1 f add\n");
	g_autofree char *back = write_file(f, "back.log", "fio version 3 iolog\n1 f add\n"
					   "50 f open\n40 f read 0 1\n60 f close\n");
	g_autofree char *m1 = open_error(f, nohead, "fio-iolog", NULL);
	g_autofree char *m2 = open_error(f, v4, NULL, NULL);
	Readout o;

	assert_contains(m1, "line 1: expected 'fio version 2 iolog' or 'fio version 3 iolog', "
			"got '1 f add'");
	assert_contains(m2, "got 'fio version 4 iolog' (pcsim reads versions 2 and 3)");
	o = read_all(f, back, NULL, NULL);
	assert_int_equal(o.events->len, 3);
	assert_int_equal(ev_at(&o, 1)->t_ns, 50000);
	assert_int_equal(ev_at(&o, 2)->t_ns, 60000);
	assert_contains(o.notes, "records whose time went backwards (kept the last time): 1");
	readout_free(&o);
}

/* Field by field (the struct has padding). */
static gboolean
same_event(const PcsIoEvent *a, const PcsIoEvent *b)
{
	return a->t_ns == b->t_ns && a->offset_bytes == b->offset_bytes &&
	       a->len_bytes == b->len_bytes && a->file == b->file && a->stream == b->stream &&
	       a->op == b->op && a->advice == b->advice && a->flags == b->flags;
}

/*
 * The same workload in two formats gives the same events: the fio v3 sample, converted to
 * pcsim-text with pcs_trace_writer and read back; and the sample rewritten as a v2 log (the
 * same lines without their times) gives the same events without times.
 */
static void
test_fio_same_as_text(void **state)
{
	Fixture *f = *state;
	g_autofree char *txt = g_build_filename(f->dir, "zipf.txt", NULL);
	g_autofree char *contents = NULL;
	g_autofree char *v2path = NULL;
	g_auto(GStrv) lines = NULL;
	GString *v2 = g_string_new("fio version 2 iolog\n");
	GError *error = NULL;
	PcsTraceWriter *w;
	Readout a, b, c;

	a = read_all(f, DATA("zipf_randrw.head.v3.iolog"), NULL, NULL);
	w = pcs_trace_writer_new(txt, "pcsim-text", f->files, &error);
	assert_non_null(w);
	for (guint i = 0; i < a.events->len; i++)
		assert_true(pcs_trace_writer_add(w, ev_at(&a, i), &error));
	assert_true(pcs_trace_writer_finish(w, &error));
	b = read_all(f, txt, NULL, NULL);
	assert_string_equal(b.format, "pcsim-text");

	assert_true(g_file_get_contents(DATA("zipf_randrw.head.v3.iolog"), &contents, NULL, NULL));
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 1; lines[i]; i++) {
		const char *sp = strchr(lines[i], ' ');

		if (sp)
			g_string_append_printf(v2, "%s\n", sp + 1);
	}
	v2path = write_file(f, "zipf.v2.log", v2->str);
	c = read_all(f, v2path, NULL, NULL);

	assert_int_equal(a.events->len, b.events->len);
	assert_int_equal(a.events->len, c.events->len);
	for (guint i = 0; i < a.events->len; i++) {
		PcsIoEvent x = *ev_at(&a, i), y = *ev_at(&b, i), z = *ev_at(&c, i);

		assert_true(same_event(&x, &y));
		assert_int_equal(z.t_ns, TU);
		z.t_ns = x.t_ns;
		assert_true(same_event(&x, &z));
	}
	readout_free(&a);
	readout_free(&b);
	readout_free(&c);
	g_string_free(v2, TRUE);
}

/* ---- blkparse -------------------------------------------------------------------------- */

/*
 * nvme-dmcrypt.blkparse.txt, device 259,0 only. Derivation (awk over the events of the
 * device, $6 the action, $7 RWBS, $10 the count of sectors):
 *   Q: 248 events: 225 writes with data, 1,181,696 bytes; 23 flushes without data (fsync);
 *      2 with M; no reads, no discards.
 *   D: 142 events: 119 writes, 1,181,696 bytes; 23 flushes; 1 with M.
 * 95 lines are not events (the 2-line header and the summary blocks).
 */
static void
test_blkparse_sample(void **state)
{
	Fixture *f = *state;
	PcsTraceOptions d = { .blk_event = 'D' };
	Readout q = read_all(f, DATA("nvme-dmcrypt.blkparse.txt"), NULL, NULL);
	Readout o = read_all(f, DATA("nvme-dmcrypt.blkparse.txt"), "blkparse", &d);
	Totals tq = totals(&q), td = totals(&o);

	assert_string_equal(q.format, "blkparse");
	assert_int_equal(q.errors->len, 0);
	assert_int_equal(q.events->len, 248);
	assert_int_equal(tq.nr[PCS_OP_WRITE], 225);
	assert_int_equal(tq.bytes[PCS_OP_WRITE], 1181696);
	assert_int_equal(tq.nr[PCS_OP_FSYNC], 23);
	assert_int_equal(tq.nr[PCS_OP_READ], 0);
	assert_int_equal(tq.nr_meta, 2);
	/* 259,0 3 3 0.000000299 1867 Q W 763360912 + 8 [dmcrypt_write/2] */
	check_ev(f, ev_at(&q, 0), 299, PCS_OP_WRITE, "#blk:259,0", 763360912ull * 512, 4096, 0);
	assert_contains(q.notes, "device: 259,0 (the one with the most events; 248 Q events");
	assert_contains(q.notes, "lines that are not events (summaries, headers): 95");

	assert_int_equal(o.events->len, 142);
	assert_int_equal(td.nr[PCS_OP_WRITE], 119);
	assert_int_equal(td.bytes[PCS_OP_WRITE], 1181696);
	assert_int_equal(td.nr[PCS_OP_FSYNC], 23);
	assert_int_equal(td.nr_meta, 1);
	assert_contains(o.notes, "events used: D (dispatched)");
	readout_free(&q);
	readout_free(&o);
}

static const char two_devices[] =
	"  8,0    0        1     0.000000100   10  Q   R 0 + 8 [a]\n"
	"  8,0    0        2     0.000000200   10  G   R 0 + 8 [a]\n"
	"  7,1    0        3     0.000000300   10  Q  RM 16 + 8 [b]\n"
	"  7,1    0        4     0.000000400   10  Q  WS 32 + 16 [b]\n"
	"  7,1    0        5     0.000000350   10  Q  DS 64 + 8 [b]\n"       /* time back */
	"  7,1    0        6     0.000000500   10  Q FWS [b]\n"
	"  7,1    0        7     0.000000600   10  Q   N [b]\n"
	"  7,1    0        8     0.000000700   10  D  WS 32 + 16 [b]\n"
	"  7,1    1        9     0.000000650   10  Q   W 48 + 8 [b]\n"
	"CPU0 (7,1):\n"
	" Reads Queued:           1,        4KiB\t Writes Queued:           1,        8KiB\n";

/* Busiest device by default, --blk-dev, RWBS mapping, notes. */
static void
test_blkparse_devices(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "two.blk", two_devices);
	PcsTraceOptions dev8 = { .blk_dev = "8,0" };
	Readout o = read_all(f, p, NULL, NULL);
	Readout e;

	assert_string_equal(o.format, "blkparse");
	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 4);
	check_ev(f, ev_at(&o, 0), 300, PCS_OP_READ, "#blk:7,1", 16 * 512, 8 * 512, 0);
	assert_int_equal(ev_at(&o, 0)->flags, PCS_EVENT_META);
	check_ev(f, ev_at(&o, 1), 400, PCS_OP_WRITE, "#blk:7,1", 32 * 512, 16 * 512, 0);
	assert_int_equal(ev_at(&o, 1)->flags, 0);
	check_ev(f, ev_at(&o, 2), 500, PCS_OP_FSYNC, "#blk:7,1", NONE, NONE, 0);
	check_ev(f, ev_at(&o, 3), 650, PCS_OP_WRITE, "#blk:7,1", 48 * 512, 8 * 512, 0);
	assert_contains(o.notes, "device: 7,1 (the one with the most events; 6 Q events; "
			"2 device(s) with Q events)");
	assert_contains(o.notes, "discards skipped (RWBS D): 1 (4096 bytes)");
	assert_contains(o.notes, "requests without data skipped: 1");
	assert_contains(o.notes, "events of other devices skipped: 1");
	assert_contains(o.notes, "events of other actions skipped: 2");
	assert_contains(o.notes, "lines that are not events (summaries, headers): 2");
	assert_contains(o.notes, "metadata requests (RWBS M): 1");
	readout_free(&o);

	e = read_all(f, p, NULL, &dev8);
	assert_int_equal(e.events->len, 1);
	check_ev(f, ev_at(&e, 0), 100, PCS_OP_READ, "#blk:8,0", 0, 4096, 0);
	assert_contains(e.notes, "device: 8,0 (given by --blk-dev; 1 Q events");
	readout_free(&e);
}

static void
test_blkparse_errors(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "two.blk", two_devices);
	g_autofree char *onlyd = write_file(f, "d.blk",
					    "8,0 0 1 0.1 1 D R 0 + 8 [a]\n"
					    "8,0 0 2 0.2 1 C R 0 + 8 [0]\n");
	g_autofree char *bad = write_file(f, "bad.blk",
		"8,0 0 1 0.000000001 1 Q R 0 + 8 [a]\n"
		"8,0 x 1 0.000000002 1 Q R 0 + 8 [a]\n"
		"8,0 0 1 0.2.3 1 Q R 0 + 8 [a]\n"
		"8,0 0 1 0.000000004 1 Q RX 0 + 8 [a]\n"
		"8,0 0 1 0.000000005 1 Q R 0 - 8 [a]\n"
		"8,0 0 1 0.000000006 1 Q R 0 + [a]\n"
		"8,0 0 1 0.000000007 1 Q R 36028797018963968 + 8 [a]\n"
		"8,0 0 1 0.000000008 1\n"
		"8,0 0 1 0.000000009 1 Q R 8 + 8 [a]\n");
	PcsTraceOptions o1 = { .blk_dev = "9,9" }, o2 = { .blk_dev = "sda" },
			o3 = { .blk_event = 'C' };
	g_autofree char *m1 = open_error(f, p, NULL, &o1);
	g_autofree char *m2 = open_error(f, p, NULL, &o2);
	g_autofree char *m3 = open_error(f, p, NULL, &o3);
	g_autofree char *m4 = open_error(f, onlyd, "blkparse", NULL);
	static const char *const expect[] = {
		":2: expected CPU as a number after MAJ,MIN, got 'x'",
		":3: expected TIME as SECONDS.NANOSECONDS after SEQ, got '0.2.3'",
		":4: expected RWBS as letters of FRWDNSMAE, got 'RX'",
		":5: expected '+ COUNT' after SECTOR",
		":6: expected COUNT as a number of sectors after '+', got '[a]'",
		":7: SECTOR 36028797018963968 + COUNT 8 is beyond 2^64 bytes",
		":8: missing ACTION after PID",
	};
	Readout o;

	assert_contains(m1, "device 9,9 has no Q events in this trace (devices with Q events: "
			"8,0 (1), 7,1 (6))");
	assert_contains(m2, "--blk-dev: expected MAJ,MIN (as blkparse prints it, e.g. 8,0), "
			"got 'sda'");
	assert_contains(m3, "--blk-event: expected Q (queued) or D (dispatched), got 'C'");
	assert_contains(m4, "no Q events in this trace (1 D events: try --blk-event D)");

	o = read_all(f, bad, NULL, NULL);
	assert_int_equal(o.events->len, 2);
	assert_int_equal(o.errors->len, G_N_ELEMENTS(expect));
	for (guint i = 0; i < G_N_ELEMENTS(expect); i++)
		assert_contains(g_ptr_array_index(o.errors, i), expect[i]);
	assert_int_equal(ev_at(&o, 1)->offset_bytes, 8 * 512);
	readout_free(&o);
}

/* ---- strace ---------------------------------------------------------------------------- */

/*
 * tar_extract.head.strace: the first 1,500 lines of the shared recording (tar -xzf with gzip
 * in a child, 2 processes), read with --cwd /srv/work. A separate Python model (per-pid fd
 * tables copied on clone, pipe2, dup, unfinished/resumed pairs; see tests/data/SOURCE.md)
 * counts: 209 file opens; 18 reads of 1,061,597 bytes; 438 writes of 2,668,829 bytes;
 * 363 pipe transfers of 5,677,056 bytes; 25 failed calls; 35 mmaps of files, 9,640,423
 * bytes. It counts 208 closes of file fds; pcsim counts 207 closes of open file
 * descriptions: gzip's dup(3) = 0 keeps the archive open after its close(3). So 209 + 18 +
 * 438 + 207 + 35 = 907 events.
 */
static void
test_strace_sample(void **state)
{
	Fixture *f = *state;
	PcsTraceOptions opts = { .cwd = "/srv/work" };
	Readout o = read_all(f, DATA("tar_extract.head.strace"), NULL, &opts);
	Totals t = totals(&o);

	assert_string_equal(o.format, "strace");
	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 907);
	assert_int_equal(t.nr[PCS_OP_OPEN], 209);
	assert_int_equal(t.nr[PCS_OP_CLOSE], 207);
	assert_int_equal(t.nr[PCS_OP_READ], 18);
	assert_int_equal(t.bytes[PCS_OP_READ], 1061597);
	assert_int_equal(t.nr[PCS_OP_WRITE], 438);
	assert_int_equal(t.bytes[PCS_OP_WRITE], 2668829);
	assert_int_equal(t.nr[PCS_OP_MMAP_READ], 35);
	assert_int_equal(t.bytes[PCS_OP_MMAP_READ], 9640423);
	assert_int_equal(t.nr_bound, 35);
	assert_contains(o.notes, "system calls: 1343 in 2 process(es)");
	assert_contains(o.notes, "failed calls skipped (= -1 E...): 25");
	assert_contains(o.notes, "I/O on pipes skipped: 363 (5677056 bytes)");
	assert_true(pcs_files_lookup(f->files, "/srv/work/mnt/py311.tar.gz") != G_MAXUINT32);
	assert_true(pcs_files_lookup(f->files, "/srv/work/mnt/extract/python3.11/stat.py") !=
		    G_MAXUINT32);
	readout_free(&o);
}

/*
 * Fork inheritance (the child's first line before its parent's clone returns; a shared
 * file offset), unfinished/resumed pairs across pids, dup, close of the last fd, exit.
 */
static void
test_strace_processes(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "fork.strace",
		"100 10:00:00.000001 openat(AT_FDCWD, \"/d/a\", O_RDONLY) = 3\n"
		"100 10:00:00.000002 read(3, \"xx\"..., 4096) = 4096\n"
		"100 10:00:00.000003 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
		"101 10:00:00.000004 read(3, \"yy\"..., 4096) = 100\n"          /* shared offset */
		"100 10:00:00.000005 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>\n"
		"102 10:00:00.000006 read(3,  <unfinished ...>\n"   /* before the clone returns */
		"100 10:00:00.000007 <... clone resumed>) = 102\n"
		"101 10:00:00.000008 dup(3)            = 7\n"
		"101 10:00:00.000009 close(3)          = 0\n"
		"102 10:00:00.000010 <... read resumed>\"zz\", 10) = 10\n"
		"101 10:00:00.000011 pread64(7, \"\"..., 50, 8192) = 50\n"
		"101 10:00:00.000012 +++ exited with 0 +++\n"
		"100 10:00:00.000013 close(3) = 0\n"
		"102 10:00:00.000014 read(3, \"\", 10) = 0\n"
		"102 10:00:00.000015 +++ exited with 0 +++\n"
		"100 10:00:00.000016 exit_group(0) = ?\n"
		"100 10:00:00.000017 +++ exited with 0 +++\n");
	Readout o = read_all(f, p, NULL, NULL);
	gint64 t0 = 10 * G_GINT64_CONSTANT(3600000000000);

	assert_string_equal(o.format, "strace");
	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 6);
	check_ev(f, ev_at(&o, 0), t0 + 1000, PCS_OP_OPEN, "/d/a", NONE, NONE, 0);
	check_ev(f, ev_at(&o, 1), t0 + 2000, PCS_OP_READ, "/d/a", 0, 4096, 0);
	check_ev(f, ev_at(&o, 2), t0 + 4000, PCS_OP_READ, "/d/a", 4096, 100, 0);
	check_ev(f, ev_at(&o, 3), t0 + 10000, PCS_OP_READ, "/d/a", 4196, 10, 0);
	check_ev(f, ev_at(&o, 4), t0 + 11000, PCS_OP_READ, "/d/a", 8192, 50, 0);
	/* 101's exit drops its table; 100 closes its fd; 102's exit closes the last one. */
	check_ev(f, ev_at(&o, 5), t0 + 15000, PCS_OP_CLOSE, "/d/a", NONE, NONE, 0);
	assert_contains(o.notes, "system calls: 12 in 3 process(es)");
	assert_contains(o.notes, "zero-byte reads and writes skipped: 1");
	readout_free(&o);
}

/* Paths: --cwd, chdir, openat(dirfd), -y annotations, unresolvable bases counted. */
static void
test_strace_paths(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "paths.strace",
		"openat(AT_FDCWD, \"a/../b.txt\", O_RDONLY) = 3\n"
		"openat(AT_FDCWD, \"dir\", O_RDONLY|O_DIRECTORY) = 4\n"
		"openat(4, \"./c\", O_RDONLY) = 5\n"
		"openat(9, \"lost\", O_RDONLY) = 6\n"
		"chdir(\"/tmp//x/\") = 0\n"
		"open(\"rel\", O_RDONLY) = 7\n"
		"read(8</var/y>, \"abc\", 3) = 3\n"
		"openat(AT_FDCWD, \"q\", O_RDONLY) = 10</real/q>\n");
	PcsTraceOptions cwd = { .cwd = "/home/u" };
	Readout o = read_all(f, p, NULL, &cwd);
	static const char *const names[] = {
		"/home/u/b.txt", "/home/u/dir/c", "lost", "/tmp/x/rel", "/var/y", "/real/q"
	};

	assert_int_equal(o.errors->len, 0);
	assert_int_equal(o.events->len, 7);
	for (guint i = 0; i < 5; i++)
		assert_string_equal(pcs_files_name(f->files, ev_at(&o, i)->file), names[i]);
	check_ev(f, ev_at(&o, 5), TU, PCS_OP_READ, "/var/y", 0, 3, 4);
	assert_string_equal(pcs_files_name(f->files, ev_at(&o, 6)->file), names[5]);
	assert_contains(o.notes, "paths relative to an unknown directory fd (kept relative): 1");
	assert_contains(o.notes, "I/O at a position the trace does not show (fd known from -y "
			"only): 1");
	readout_free(&o);

	/* Without --cwd the relative names stay relative, and are counted. */
	o = read_all(f, p, NULL, NULL);
	assert_string_equal(pcs_files_name(f->files, ev_at(&o, 0)->file), "b.txt");
	assert_contains(o.notes, "relative paths without a known directory (kept relative; use "
			"--cwd): 2");
	readout_free(&o);
}

/* Every call that makes events, and the ones that are counted instead. */
static void
test_strace_calls(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "calls.strace",
		"1 1700000000.000001 openat(AT_FDCWD, \"/f\", O_RDWR|O_DIRECT) = 3\n"     /* s0 */
		"1 1700000000.000002 read(3, \"\"..., 8192) = 8192\n"
		"1 1700000000.000003 openat(AT_FDCWD, \"/g\", O_WRONLY|O_CREAT|O_TRUNC|O_APPEND"
		"|O_CLOEXEC, 0644) = 4\n"                                                 /* s1 */
		"1 1700000000.000004 write(4, \"a\", 1) = 1\n"
		"1 1700000000.000005 lseek(4, 100, SEEK_SET) = 100\n"
		"1 1700000000.000006 write(4, \"b\", 1) = 1\n"                         /* append */
		"1 1700000000.000007 openat(AT_FDCWD, \"/h\", O_RDONLY) = 5\n"           /* s2 */
		"1 1700000000.000008 lseek(5, 4096, SEEK_SET) = 4096\n"
		"1 1700000000.000009 sendfile(4, 5, NULL, 1000) = 1000\n"
		"1 1700000000.000010 sendfile(4, 5, [0] => [500], 500) = 500\n"
		"1 1700000000.000011 copy_file_range(5, NULL, 4, [10], 20, 0) = 20\n"
		"1 1700000000.000012 fadvise64(5, 0, 0, POSIX_FADV_DONTNEED) = 0\n"
		"1 1700000000.000013 readahead(5, 4096, 65536) = 0\n"
		"1 1700000000.000014 ftruncate(4, 7) = 0\n"
		"1 1700000000.000015 fsync(4) = 0\n"
		"1 1700000000.000016 fdatasync(4) = 0\n"
		"1 1700000000.000017 sync_file_range(4, 0, 4096, SYNC_FILE_RANGE_WRITE) = 0\n"
		"1 1700000000.000018 sync() = 0\n"
		"1 1700000000.000019 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 5, 0x1000) = 0x7f00\n"
		"1 1700000000.000020 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 4, 0) = "
		"0x7f10\n"
		"1 1700000000.000021 openat(AT_FDCWD, \"/nope\", O_RDONLY) = -1 ENOENT (No such "
		"file or directory)\n"
		"1 1700000000.000022 read(0, \"x\", 1) = 1\n"
		"1 1700000000.000023 pipe2([6, 7], O_CLOEXEC) = 0\n"
		"1 1700000000.000024 write(7, \"abc\", 3) = 3\n"
		"1 1700000000.000025 read(5, \"\", 4096) = 0\n"
		"1 1700000000.000026 unlink(\"/h\") = 0\n"                 /* /h open: deferred */
		"1 1700000000.000027 close(5) = 0\n"
		"1 1700000000.000028 rename(\"/g\", \"/g2\") = 0\n"
		"1 1700000000.000029 execve(\"/bin/x\", [\"x\"], 0x1 /* 1 var */) = 0\n"
		"1 1700000000.000030 openat(AT_FDCWD, \"/g2\", O_RDONLY) = 4\n"          /* s4 */
		"1 1700000000.000031 stat(\"/g2\", {st_mode=S_IFREG|0644, st_size=7}) = 0\n");
	Readout o = read_all(f, p, NULL, NULL);
	const gint64 t0 = G_GINT64_CONSTANT(1700000000) * 1000000000;
	guint i = 0;

	assert_int_equal(o.errors->len, 0);
#define NEXT_EV(t, op, file, off, len, s) check_ev(f, ev_at(&o, i++), t0 + (t) * 1000, op, file, \
						   off, len, s)
	NEXT_EV(1, PCS_OP_OPEN, "/f", NONE, NONE, 0);
	NEXT_EV(2, PCS_OP_DIRECT_READ, "/f", 0, 8192, 0);
	NEXT_EV(3, PCS_OP_OPEN, "/g", NONE, NONE, 1);
	NEXT_EV(3, PCS_OP_TRUNCATE, "/g", 0, NONE, 1);
	NEXT_EV(4, PCS_OP_WRITE, "/g", 0, 1, 1);
	NEXT_EV(6, PCS_OP_WRITE, "/g", 1, 1, 1);                /* O_APPEND: at the end */
	NEXT_EV(7, PCS_OP_OPEN, "/h", NONE, NONE, 2);
	NEXT_EV(9, PCS_OP_SENDFILE, "/h", 4096, 1000, 2);
	NEXT_EV(9, PCS_OP_WRITE, "/g", 2, 1000, 1);
	NEXT_EV(10, PCS_OP_SENDFILE, "/h", 0, 500, 2);
	NEXT_EV(10, PCS_OP_WRITE, "/g", 1002, 500, 1);
	NEXT_EV(11, PCS_OP_READ, "/h", 5096, 20, 2);
	NEXT_EV(11, PCS_OP_WRITE, "/g", 10, 20, 1);
	NEXT_EV(12, PCS_OP_FADVISE, "/h", 0, 0, 2);
	assert_int_equal(ev_at(&o, i - 1)->advice, PCS_ADVICE_DONTNEED);
	NEXT_EV(13, PCS_OP_FADVISE, "/h", 4096, 65536, 2);
	assert_int_equal(ev_at(&o, i - 1)->advice, PCS_ADVICE_WILLNEED);
	NEXT_EV(14, PCS_OP_TRUNCATE, "/g", 7, NONE, 1);
	NEXT_EV(15, PCS_OP_FSYNC, "/g", NONE, NONE, 1);
	NEXT_EV(16, PCS_OP_FDATASYNC, "/g", NONE, NONE, 1);
	NEXT_EV(17, PCS_OP_SYNC_RANGE, "/g", 0, 4096, 1);
	NEXT_EV(18, PCS_OP_SYNC, NULL, NONE, NONE, 3);
	NEXT_EV(19, PCS_OP_MMAP_READ, "/h", 4096, 8192, 2);
	assert_int_equal(ev_at(&o, i - 1)->flags, PCS_EVENT_BOUND);
	NEXT_EV(20, PCS_OP_MMAP_WRITE, "/g", 0, 4096, 1);
	assert_int_equal(ev_at(&o, i - 1)->flags, PCS_EVENT_BOUND);
	NEXT_EV(27, PCS_OP_CLOSE, "/h", NONE, NONE, 2);
	NEXT_EV(27, PCS_OP_TRUNCATE, "/h", 0, NONE, 3);         /* unlinked: pages go */
	NEXT_EV(29, PCS_OP_CLOSE, "/g", NONE, NONE, 1);         /* O_CLOEXEC at execve */
	NEXT_EV(30, PCS_OP_OPEN, "/g", NONE, NONE, 4);          /* renamed: same file */
#undef NEXT_EV
	assert_int_equal(o.events->len, i);
	assert_contains(o.notes, "failed calls skipped (= -1 E...): 1");
	assert_contains(o.notes, "I/O on pipes skipped: 1 (3 bytes)");
	assert_contains(o.notes, "I/O on fds the trace never opened skipped (stdin/stdout/stderr, "
			"sockets, inherited): 1 (1 bytes)");
	assert_contains(o.notes, "zero-byte reads and writes skipped: 1");
	assert_contains(o.notes, "file mmaps (mmap-read/-write events flagged bound: page touches "
			"are invisible to strace): 2 (12288 bytes)");
	assert_contains(o.notes, "calls ignored (no page-cache effect, or arguments pcsim cannot "
			"read): 1");
	/* mmap bounds do not raise a file's size; reads and writes do. */
	assert_int_equal(pcs_files_size(f->files, pcs_files_lookup(f->files, "/h")), 5116);
	readout_free(&o);
}

/* Malformed lines: FILE:LINE and what was expected; the read carries on. */
static void
test_strace_errors(void **state)
{
	Fixture *f = *state;
	g_autofree char *p = write_file(f, "bad.strace",
		"5 10:00:00.000001 openat(AT_FDCWD, \"/a\", O_RDONLY) = 3\n"
		"5 10:00:00.000002 read(3, \"abc\", 3\n"
		"5 10:00:00.000003 read(3, \"abc\", 3) 3\n"
		"5 10:00:00.000004 read(3, \"abc\", 3) = three\n"
		"5 10:00:00.000005 <... read resumed) = 3\n"
		"5 99:00:00.000006 read(3, \"abc\", 3) = 3\n"
		"5 10:00:00.000007 <... write resumed>) = 3\n"
		"5 10:00:00.000008 read(3, \"abc\", 3) = 3\n"
		"5 10:00:00.000009 read(3, \"abc\", 3 <unfinished ...>\n");
	static const char *const expect[] = {
		":2: expected the arguments to end with ')'",
		":3: expected '= RESULT' after the arguments, got '3'",
		":4: expected RESULT as a number or '?', got 'three'",
		":5: expected '<... SYSCALL resumed>'",
		":6: expected [PID] [TIME] SYSCALL(ARGS) = RESULT",
	};
	Readout o = read_all(f, p, NULL, NULL);

	assert_int_equal(o.errors->len, G_N_ELEMENTS(expect));
	for (guint i = 0; i < G_N_ELEMENTS(expect); i++)
		assert_contains(g_ptr_array_index(o.errors, i), expect[i]);
	assert_int_equal(o.events->len, 2);
	check_ev(f, ev_at(&o, 1), 10 * G_GINT64_CONSTANT(3600000000000) + 8000, PCS_OP_READ, "/a",
		 0, 3, 0);
	assert_contains(o.notes, "resumed calls whose start is missing: 1");
	assert_contains(o.notes, "unfinished calls never resumed: 1");
	readout_free(&o);
}

/* ---- Detection ------------------------------------------------------------------------- */

static gboolean
is_mine(const char *format)
{
	return format && (strcmp(format, "fio-iolog") == 0 || strcmp(format, "blkparse") == 0 ||
			  strcmp(format, "strace") == 0);
}

/* The detected format of path, or NULL when none fits. */
static char *
detect(Fixture *f, const char *path)
{
	GError *error = NULL;
	PcsTrace *t = pcs_trace_open(path, NULL, f->files, &error);
	char *name;

	if (!t) {
		g_error_free(error);
		return NULL;
	}
	name = g_strdup(pcs_trace_ops(t)->name);
	pcs_trace_close(t);
	return name;
}

/* Every file of dir: its expected format when it is one of these three (by the directory
 * or the name), and never one of these three otherwise. Returns how many were checked. */
static guint
detect_dir(Fixture *f, const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	guint n = 0;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autofree char *got = NULL;
		const char *want = NULL;

		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			n += detect_dir(f, path);
			continue;
		}
		g_autofree char *base = NULL;

		if (g_str_has_suffix(name, ".md"))
			continue;
		/* the format of a compressed file is its content's */
		base = g_strdup(name);
		for (const char *const *z = (const char *const[]) { ".zst", ".gz", ".bz2", NULL };
		     *z; z++)
			if (g_str_has_suffix(base, *z))
				base[strlen(base) - strlen(*z)] = '\0';
		if (g_str_has_suffix(base, ".iolog"))
			want = "fio-iolog";
		else if (g_str_has_suffix(base, ".blkparse.txt"))
			want = "blkparse";
		else if (g_str_has_suffix(base, ".strace"))
			want = "strace";
		got = detect(f, path);
		if (want && g_strcmp0(got, want) != 0)
			fail_msg("%s: detected as %s, expected %s", path, got ? got : "nothing",
				 want);
		if (!want && is_mine(got))
			fail_msg("%s: detected as %s", path, got);
		n++;
	}
	if (d)
		g_dir_close(d);
	return n;
}

static void
test_detect(void **state)
{
	Fixture *f = *state;
	g_autofree char *text = write_file(f, "t.txt", "# pcsim trace v1\n0 read a 0 1\n");
	g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL;

	assert_true(detect_dir(f, PCSIM_TEST_SRCDIR "/tests/data") >= 6);
	if (g_file_test(SHARED, G_FILE_TEST_IS_DIR))
		assert_true(detect_dir(f, SHARED) >= 7);

	/* Forced onto files of other formats: clear refusals, not garbage. */
	m1 = open_error(f, DATA("nvme-dmcrypt.blkparse.txt"), "fio-iolog", NULL);
	assert_contains(m1, "expected 'fio version 2 iolog' or 'fio version 3 iolog', got "
			"'#Maj,Mn CPU");
	m2 = open_error(f, DATA("t0038.iolog"), "blkparse", NULL);
	assert_contains(m2, "no Q events in this trace (0 D events)");
	m3 = open_error(f, text, "blkparse", NULL);
	assert_contains(m3, "no Q events");
	{
		Readout o = read_all(f, DATA("t0038.iolog"), "strace", NULL);

		assert_int_equal(o.events->len, 0);
		assert_true(o.errors->len == 24);
		assert_contains(g_ptr_array_index(o.errors, 0), "t0038.iolog:1: expected SYSCALL"
				"(ARGS) = RESULT, got 'fio version 3 iolog'");
		readout_free(&o);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fio_t0038, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fio_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fio_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fio_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fio_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fio_same_as_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blkparse_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blkparse_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blkparse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strace_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strace_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strace_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strace_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strace_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detect, setup, teardown),
	};

	return cmocka_run_group_tests_name("trace-file", tests, NULL, NULL);
}
