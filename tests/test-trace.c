/*
 * test-trace.c - the trace layer: registry, sniffing, pcsim-text, pcsim-bin, oracle-general,
 * the writer, and the error messages a user sees.
 *
 * Every test gets a fresh temporary directory (removed afterwards) and a fresh file table.
 * Expected values are written out by hand: small_expected[] below follows tests/data/small.txt
 * line by line, and the oracle-general values come from decoding the sample independently of
 * pcsim (see test_oracle_sample). The fuzz test mutates valid files at random (fixed seed) and
 * only asks that the readers never crash and always stop; run it under ASan/UBSan.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <zstd.h>
#include <glib/gstdio.h>
#include <pcsim/trace.h>

#ifndef PCSIM_TEST_SRCDIR
#error "PCSIM_TEST_SRCDIR must name the top source directory"
#endif

#define SMALL_TXT  PCSIM_TEST_SRCDIR "/tests/data/small.txt"
#define ORACLE_BIN PCSIM_TEST_SRCDIR "/tests/data/cloudPhysicsIO.oracleGeneral.bin"

#define NONE PCS_NONE
#define TU   PCS_TIME_UNKNOWN
#define ALL  G_MAXUINT32

typedef struct {
	char         *dir;
	PcsFileTable *files;
} Fixture;

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	GError *error = NULL;

	f->dir = g_dir_make_tmp("pcsim-test-trace-XXXXXX", &error);
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

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			g_rmdir(p);
		else
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

/* Writes len bytes to DIR/name; returns the path (freed by the caller). */
static char *
put_file(Fixture *f, const char *name, const void *data, gsize len)
{
	char *p = g_build_filename(f->dir, name, NULL);
	GError *error = NULL;

	g_file_set_contents(p, data, (gssize) len, &error);
	assert_null(error);
	return p;
}

static char *
put_text(Fixture *f, const char *name, const char *text)
{
	return put_file(f, name, text, strlen(text));
}

static gboolean
exists(const char *path)
{
	return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* Asserts that error is set, in domain PCS_TRACE_ERROR_DOMAIN with code, its message starts
 * with prefix and contains needle. Clears it. */
static void
check_error(GError **error, int code, const char *prefix, const char *needle)
{
	assert_non_null(*error);
	if ((*error)->domain != PCS_TRACE_ERROR_DOMAIN || (*error)->code != code ||
	    !g_str_has_prefix((*error)->message, prefix) || !strstr((*error)->message, needle))
		print_error("got error (code %d): %s\nwanted (code %d): %s...%s...\n",
			    (*error)->code, (*error)->message, code, prefix, needle);
	assert_int_equal((*error)->domain, PCS_TRACE_ERROR_DOMAIN);
	assert_int_equal((*error)->code, code);
	assert_true(g_str_has_prefix((*error)->message, prefix));
	assert_non_null(strstr((*error)->message, needle));
	g_clear_error(error);
}

/* The expected form of one event; file by name (NULL: all files). */
typedef struct {
	gint64      t_ns;
	PcsOp       op;
	const char *file;
	guint64     offset, len;
	guint32     stream;
	PcsAdvice   advice;
} Expect;

static void
check_event(const PcsFileTable *files, const PcsIoEvent *ev, const Expect *x, unsigned i)
{
	if (ev->t_ns != x->t_ns || ev->op != x->op || ev->offset_bytes != x->offset ||
	    ev->len_bytes != x->len || ev->stream != x->stream || ev->advice != x->advice)
		print_error("event %u: t %" G_GINT64_FORMAT " op %u off %" G_GUINT64_FORMAT
			    " len %" G_GUINT64_FORMAT " stream %u advice %u\n", i, ev->t_ns,
			    ev->op, ev->offset_bytes, ev->len_bytes, ev->stream, ev->advice);
	assert_int_equal(ev->t_ns, x->t_ns);
	assert_int_equal(ev->op, x->op);
	if (x->file)
		assert_string_equal(pcs_files_name(files, ev->file), x->file);
	else
		assert_int_equal(ev->file, ALL);
	assert_int_equal(ev->offset_bytes, x->offset);
	assert_int_equal(ev->len_bytes, x->len);
	assert_int_equal(ev->stream, x->stream);
	assert_int_equal(ev->advice, x->advice);
	assert_int_equal(ev->flags, 0);
}

/* Reads all of path (which must have no bad record) into a new array of events. */
static GArray *
read_all(const char *path, const char *format, PcsFileTable *files)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(PcsIoEvent));
	GError *error = NULL;
	PcsTrace *t = pcs_trace_open(path, format, files, &error);
	PcsTraceStatus st;
	PcsIoEvent ev;

	if (!t)
		print_error("%s\n", error->message);
	assert_non_null(t);
	while ((st = pcs_trace_next(t, &ev, &error)) == PCS_TRACE_OK)
		g_array_append_val(evs, ev);
	if (error)
		print_error("%s\n", error->message);
	assert_int_equal(st, PCS_TRACE_EOF);
	assert_true(pcs_trace_progress(t) == 1.0);
	pcs_trace_close(t);
	return evs;
}

/* ---- registry -------------------------------------------------------------------------- */

static void
test_registry(void **state)
{
	const PcsTraceOps *const *fmts = pcs_trace_formats();
	static const char *const names[] = { "pcsim-text", "pcsim-bin", "oracle-general" };
	unsigned n = 0;

	(void) state;
	/* pcsim's own formats come first; the readers of other tools' formats follow (their
	 * registry is tested in test-trace-block.c and test-trace-file.c). */
	for (; fmts[n]; n++) {
		if (n < G_N_ELEMENTS(names))
			assert_string_equal(fmts[n]->name, names[n]);
		assert_ptr_equal(pcs_trace_format_by_name(fmts[n]->name), fmts[n]);
		assert_non_null(fmts[n]->description);
		assert_non_null(fmts[n]->probe);
		assert_non_null(fmts[n]->open);
		assert_non_null(fmts[n]->next);
		assert_non_null(fmts[n]->position);
		assert_non_null(fmts[n]->close);
	}
	assert_true(n >= G_N_ELEMENTS(names));
	assert_null(pcs_trace_format_by_name("csv"));
	assert_true(fmts[0]->position_is_line);
	assert_false(fmts[1]->position_is_line);
	assert_false(fmts[2]->position_is_line);
}

/* ---- pcsim-text ------------------------------------------------------------------------ */

/* tests/data/small.txt, record by record. Streams: key 3 -> 0 (first seen), the default
 * stream of "log" -> 1, key 9 -> 2, the default stream of "sync -" -> 3. */
static const Expect small_expected[] = {
	{ 0,    PCS_OP_OPEN,      "db.sqlite", NONE,  NONE, 0, PCS_ADVICE_NONE },
	{ 1000, PCS_OP_READ,      "db.sqlite", 0,     4096, 0, PCS_ADVICE_NONE },
	{ 2000, PCS_OP_READ,      "db.sqlite", 4096,  8192, 0, PCS_ADVICE_NONE },
	{ 2000, PCS_OP_WRITE,     "log",       0,     100,  1, PCS_ADVICE_NONE },
	{ TU,   PCS_OP_FADVISE,   "db.sqlite", 0,     0,    0, PCS_ADVICE_WILLNEED },
	{ 5000, PCS_OP_FSYNC,     "log",       NONE,  NONE, 1, PCS_ADVICE_NONE },
	{ 5500, PCS_OP_OPEN,      "db.sqlite", NONE,  NONE, 2, PCS_ADVICE_NONE },
	{ 6000, PCS_OP_MMAP_READ, "db.sqlite", 65536, 4096, 2, PCS_ADVICE_NONE },
	{ 7000, PCS_OP_TRUNCATE,  "log",       50,    NONE, 1, PCS_ADVICE_NONE },
	{ 8000, PCS_OP_SYNC,      NULL,        NONE,  NONE, 3, PCS_ADVICE_NONE },
	{ 9000, PCS_OP_CLOSE,     "db.sqlite", NONE,  NONE, 0, PCS_ADVICE_NONE },
};

static void
test_text_small(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(SMALL_TXT, NULL, f->files, &error);
	PcsIoEvent ev;
	unsigned i = 0;

	assert_non_null(t);
	assert_string_equal(pcs_trace_ops(t)->name, "pcsim-text");
	assert_string_equal(pcs_trace_path(t), SMALL_TXT);
	while (pcs_trace_next(t, &ev, &error) == PCS_TRACE_OK) {
		assert_true(i < G_N_ELEMENTS(small_expected));
		check_event(f->files, &ev, &small_expected[i], i);
		i++;
	}
	assert_null(error);
	assert_int_equal(i, G_N_ELEMENTS(small_expected));
	assert_int_equal(pcs_files_count(f->files), 2);
	/* db.sqlite: largest read end 65536 + 4096 (fadvise does not count); log: the write's
	 * 0 + 100 beats the truncate to 50. */
	assert_int_equal(pcs_files_size(f->files, pcs_files_lookup(f->files, "db.sqlite")), 69632);
	assert_int_equal(pcs_files_size(f->files, pcs_files_lookup(f->files, "log")), 100);
}

/* Every op and every advice, one line each, with the event each must give. */
static const struct {
	const char *line;
	Expect      x;
} op_cases[] = {
	{ "1 read a 0 4096",                { 1, PCS_OP_READ, "a", 0, 4096, 0, 0 } },
	{ "2 write a 4096 0",               { 2, PCS_OP_WRITE, "a", 4096, 0, 0, 0 } },
	{ "3 fsync a - -",                  { 3, PCS_OP_FSYNC, "a", NONE, NONE, 0, 0 } },
	{ "4 fdatasync a 0 8192",           { 4, PCS_OP_FDATASYNC, "a", 0, 8192, 0, 0 } },
	{ "5 sync - - -",                   { 5, PCS_OP_SYNC, NULL, NONE, NONE, 1, 0 } },
	{ "6 sync a - -",                   { 6, PCS_OP_SYNC, "a", NONE, NONE, 0, 0 } },
	{ "7 open b - - stream=7",          { 7, PCS_OP_OPEN, "b", NONE, NONE, 2, 0 } },
	{ "8 close b - - stream=7",         { 8, PCS_OP_CLOSE, "b", NONE, NONE, 2, 0 } },
	{ "9 fadvise a 0 0 advice=normal",  { 9, PCS_OP_FADVISE, "a", 0, 0, 0, PCS_ADVICE_NORMAL } },
	{ "9 fadvise a 1 2 advice=sequential",
	  { 9, PCS_OP_FADVISE, "a", 1, 2, 0, PCS_ADVICE_SEQUENTIAL } },
	{ "9 fadvise a 3 4 advice=random",  { 9, PCS_OP_FADVISE, "a", 3, 4, 0, PCS_ADVICE_RANDOM } },
	{ "9 fadvise a 5 6 advice=willneed",
	  { 9, PCS_OP_FADVISE, "a", 5, 6, 0, PCS_ADVICE_WILLNEED } },
	{ "9 fadvise a 7 8 advice=dontneed",
	  { 9, PCS_OP_FADVISE, "a", 7, 8, 0, PCS_ADVICE_DONTNEED } },
	{ "10 mmap-read a 0 10",            { 10, PCS_OP_MMAP_READ, "a", 0, 10, 0, 0 } },
	{ "11 mmap-write b 0 10",           { 11, PCS_OP_MMAP_WRITE, "b", 0, 10, 3, 0 } },
	{ "12 direct-read a 0 512",         { 12, PCS_OP_DIRECT_READ, "a", 0, 512, 0, 0 } },
	{ "13 direct-write a 512 512",      { 13, PCS_OP_DIRECT_WRITE, "a", 512, 512, 0, 0 } },
	{ "14 sendfile a 0 100 stream=18446744073709551615",
	  { 14, PCS_OP_SENDFILE, "a", 0, 100, 4, 0 } },
	{ "15 truncate a 100 -",            { 15, PCS_OP_TRUNCATE, "a", 100, NONE, 0, 0 } },
	{ "- read a 0 1",                   { TU, PCS_OP_READ, "a", 0, 1, 0, 0 } },
	{ "15 read a 0 1 # a trailing comment",
	  { 15, PCS_OP_READ, "a", 0, 1, 0, 0 } },
	{ "\t16  read\ta  1\t 1 \r",         { 16, PCS_OP_READ, "a", 1, 1, 0, 0 } },
	{ "17 read #0 0 1",                 { 17, PCS_OP_READ, "#0", 0, 1, 5, 0 } },
	{ "17 read a 1152921504606846976 0",   /* 1 EiB, the largest sane offset */
	  { 17, PCS_OP_READ, "a", G_GUINT64_CONSTANT(1) << 60, 0, 0, 0 } },
	{ "9223372036854775807 read a 0 1 advice=normal stream=7",
	  { G_MAXINT64, PCS_OP_READ, "a", 0, 1, 2, 0 } },
};

static void
test_text_ops(void **state)
{
	Fixture *f = *state;
	g_autoptr(GString) text = g_string_new("# pcsim trace v1\n\n   # indented comment\n");
	g_autofree char *path = NULL;
	g_autoptr(GArray) evs = NULL;
	unsigned n = G_N_ELEMENTS(op_cases) - 1;   /* the last case is an error: see below */

	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(text, "%s\n", op_cases[i].line);
	path = put_text(f, "ops.txt", text->str);
	evs = read_all(path, NULL, f->files);
	assert_int_equal(evs->len, n);
	for (unsigned i = 0; i < n; i++)
		check_event(f->files, &g_array_index(evs, PcsIoEvent, i), &op_cases[i].x, i);

	/* advice= on a read is refused even with everything else right. */
	{
		g_autofree char *p2 = put_text(f, "advice.txt", op_cases[n].line);
		g_autoptr(GError) error = NULL;
		g_autoptr(PcsTrace) t = pcs_trace_open(p2, "pcsim-text", f->files, &error);
		g_autofree char *prefix = g_strdup_printf("%s:1: ", p2);
		PcsIoEvent ev;

		assert_non_null(t);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_ERROR);
		check_error(&error, PCS_TRACE_ERROR_PARSE, prefix, "advice= is only valid on fadvise");
	}
}

static void
test_text_streams(void **state)
{
	Fixture *f = *state;
	static const guint32 want[] = { 0, 1, 2, 0, 3, 2, 1, 4 };
	g_autofree char *path = put_text(f, "streams.txt",
		"0 read x 0 1 stream=100\n"    /* key 100 -> 0 */
		"0 read x 0 1 stream=5\n"      /* key 5 -> 1 */
		"0 read x 0 1\n"               /* default of x -> 2 */
		"0 read y 0 1 stream=100\n"    /* key 100 again -> 0, whatever the file */
		"0 read y 0 1\n"               /* default of y -> 3 */
		"0 read x 0 1\n"               /* default of x -> 2 */
		"0 read x 0 1 stream=5\n"      /* key 5 -> 1 */
		"0 read x 0 1 stream=2\n");    /* key 2 is new -> 4 (keys are not ids) */
	g_autoptr(GArray) evs = read_all(path, NULL, f->files);

	assert_int_equal(evs->len, G_N_ELEMENTS(want));
	for (unsigned i = 0; i < evs->len; i++)
		assert_int_equal(g_array_index(evs, PcsIoEvent, i).stream, want[i]);
}

/* Each bad line is line 3 of a file "good / bad / good": the error must name line 3, say what
 * is wrong, and the reader must then give the record of line 4. */
static const struct {
	const char *line;
	const char *msg;
} error_cases[] = {
	{ "9 rea a 0 1",         "expected an op name (read, write, fsync" },
	{ "9 rea a 0 1",         "sync-range), got 'rea'" },
	{ "9 read a 12x 1",      "expected OFFSET as unsigned decimal bytes or '-', got '12x'" },
	{ "9 read a 0 -1",       "expected LENGTH as unsigned decimal bytes or '-', got '-1'" },
	{ "9 read a +1 1",       "expected OFFSET as unsigned decimal bytes or '-', got '+1'" },
	{ "9 read a 0x10 1",     "expected OFFSET as unsigned decimal bytes or '-', got '0x10'" },
	{ "9 read a 18446744073709551616 1", "expected OFFSET as unsigned decimal bytes" },
	{ "9 read a 18446744073709551615 1", "expected OFFSET as unsigned decimal bytes" },
	{ "x read a 0 1",        "expected TIME as integer nanoseconds or '-', got 'x'" },
	{ "-5 read a 0 1",       "expected TIME as integer nanoseconds or '-', got '-5'" },
	{ "9223372036854775808 read a 0 1", "TIME is too large" },
	{ "99999999999999999999 read a 0 1", "expected TIME as integer nanoseconds" },
	{ "9",                   "missing OP (a record is TIME OP FILE OFFSET LENGTH" },
	{ "9 read",              "missing FILE" },
	{ "9 read a",            "missing OFFSET" },
	{ "9 read a 0",          "missing LENGTH" },
	{ "9 read a - 1",        "read needs OFFSET as a number, got '-'" },
	{ "9 write a 0 -",       "write needs LENGTH as a number, got '-'" },
	{ "9 fadvise a - -  advice=random", "fadvise needs OFFSET" },
	{ "9 truncate a 10 5",   "truncate takes LENGTH '-' (the new size is OFFSET), got 5" },
	{ "9 truncate a - -",    "truncate needs OFFSET" },
	{ "9 fsync a - 5",       "LENGTH 5 given without an OFFSET" },
	{ "9 read a 0 1 strem=1", "unknown key 'strem' (known: stream, advice)" },
	{ "9 read a 0 1 stream=x", "expected stream=N with N an unsigned number, got 'stream=x'" },
	{ "9 read a 0 1 stream=", "expected stream=N" },
	{ "9 read a 0 1 stream=1 stream=2", "key stream= given twice" },
	{ "9 read a 0 1 foo",    "expected key=value (stream=N, advice=...), got 'foo'" },
	{ "9 read a 0 1 =3",     "expected key=value" },
	{ "9 fadvise a 0 0",     "fadvise needs advice=normal|sequential|random|willneed|dontneed" },
	{ "9 fadvise a 0 0 advice=never", "expected advice=normal|sequential|random|willneed|"
	                          "dontneed, got 'advice=never'" },
	{ "9 fadvise a 0 0 advice=random advice=random", "key advice= given twice" },
	{ "9 write a 0 1 advice=random", "advice= is only valid on fadvise, not on write" },
	{ "9 read - 0 1",        "FILE '-' (all files) is only valid on sync, not on read" },
	{ "5 read a 0 1",        "time goes backwards: 5 < 9" },
	{ "0 read a 0 1",        "time goes backwards: 0 < 9" },
	{ "9 read a 18446744073709551614 2", "offset + length overflows 64 bits" },
	{ "9 read a 2 18446744073709551614", "offset + length overflows 64 bits" },
	{ "9 read a 1152921504606846976 1", "offset + length is past 1 EiB, beyond any real file" },
	{ "9 read a 1152921504606846975 2", "offset + length is past 1 EiB, beyond any real file" },
	{ "9 mmap-read a 0 0",    "mmap-read needs a LENGTH of at least 1 byte (the pages touched)" },
	{ "9 fadvise a 0 0 advice=random stream=77",
	  "fadvise on stream=77, which no earlier record opened or used" },
	{ "9 mmap-write a 0 1 stream=78", "mmap-write on stream=78, which no earlier record opened or used" },
	{ "9 read a\x01" "b 0 1", "expected FILE as a name without control bytes, got 'a\\x01b'" },
	{ "9 read a 0 1 stream=1\x7f", "expected stream=N" },
	{ "9 r\xc3\xa9" "ad a 0 1", "got 'r\\xc3\\xa9ad'" },
	{ "9 read a 0 1 " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "got 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" },
};

static void
test_text_errors(void **state)
{
	Fixture *f = *state;

	for (unsigned i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		g_autofree char *text = g_strdup_printf("# pcsim trace v1\n9 read a 0 1\n%s\n"
							"10 write a 1 1\n", error_cases[i].line);
		g_autofree char *name = g_strdup_printf("err%u.txt", i);
		g_autofree char *path = put_text(f, name, text);
		g_autofree char *prefix = g_strdup_printf("%s:3: ", path);
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, files, &error);
		PcsIoEvent ev;

		assert_non_null(t);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
		assert_int_equal(ev.t_ns, 9);
		if (pcs_trace_next(t, &ev, &error) != PCS_TRACE_ERROR)
			print_error("case %u (%s) was accepted\n", i, error_cases[i].line);
		check_error(&error, PCS_TRACE_ERROR_PARSE, prefix, error_cases[i].msg);
		/* The bad line changed nothing: line 4 reads as if line 3 were not there. */
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
		assert_int_equal(ev.t_ns, 10);
		assert_int_equal(ev.op, PCS_OP_WRITE);
		assert_int_equal(ev.stream, 0);
		assert_int_equal(pcs_files_count(files), 1);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_EOF);
		assert_null(error);
	}
}

/* Lines up to 64 KiB are fine; a longer one is one error (at its own line number), however
 * many buffer refills it spans, and reading resumes after it. */
static void
test_text_long_lines(void **state)
{
	Fixture *f = *state;
	g_autoptr(GString) text = g_string_new("0 read a 0 1\n");
	g_autofree char *path = NULL, *prefix2 = NULL, *prefix4 = NULL, *prefix6 = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = NULL;
	PcsIoEvent ev;

	/* line 2: too long by one byte */
	g_string_append(text, "1 read a 0 1 #");
	while (text->len < 13 + 65537)
		g_string_append_c(text, 'x');
	g_string_append_c(text, '\n');
	/* line 3: exactly 65536 bytes, accepted */
	{
		gsize start = text->len;

		g_string_append(text, "2 read a 0 1 #");
		while (text->len - start < 65536)
			g_string_append_c(text, 'y');
		g_string_append_c(text, '\n');
	}
	/* line 4: a 600 KiB comment, more than two buffers */
	g_string_append(text, "#");
	for (int i = 0; i < 600 * 1024; i++)
		g_string_append_c(text, 'z');
	g_string_append_c(text, '\n');
	g_string_append(text, "3 read a 0 1\n");                           /* line 5 */
	g_string_append(text, "4 read a 0 1 ");                            /* line 6, no \n */
	for (int i = 0; i < 70000; i++)
		g_string_append_c(text, ' ');
	path = put_text(f, "long.txt", text->str);
	prefix2 = g_strdup_printf("%s:2: ", path);
	prefix4 = g_strdup_printf("%s:4: ", path);
	prefix6 = g_strdup_printf("%s:6: ", path);

	t = pcs_trace_open(path, NULL, f->files, &error);
	assert_non_null(t);
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
	assert_int_equal(ev.t_ns, 0);
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_ERROR);
	check_error(&error, PCS_TRACE_ERROR_PARSE, prefix2, "line longer than 65536 bytes");
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
	assert_int_equal(ev.t_ns, 2);
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_ERROR);
	check_error(&error, PCS_TRACE_ERROR_PARSE, prefix4, "line longer than 65536 bytes");
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
	assert_int_equal(ev.t_ns, 3);
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_ERROR);
	check_error(&error, PCS_TRACE_ERROR_PARSE, prefix6, "line longer than 65536 bytes");
	assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_EOF);
	assert_true(pcs_trace_progress(t) == 1.0);
}

static void
test_text_misc(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	PcsIoEvent ev;

	/* A newer version is refused on line 1; what follows still reads. */
	{
		g_autofree char *path = put_text(f, "v2.txt", "# pcsim trace v2\n0 read a 0 1\n");
		g_autofree char *prefix = g_strdup_printf("%s:1: ", path);
		g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, f->files, &error);

		assert_non_null(t);
		assert_string_equal(pcs_trace_ops(t)->name, "pcsim-text");
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_ERROR);
		check_error(&error, PCS_TRACE_ERROR_PARSE, prefix,
			    "unsupported pcsim-text version (this pcsim reads v1), got '2'");
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
	}
	/* CRLF line ends, a last line without a newline, no header. */
	{
		g_autofree char *path = put_text(f, "crlf.txt", "0 read a 0 1\r\n\r\n5 write a 1 2");
		g_autoptr(GArray) evs = read_all(path, NULL, f->files);

		assert_int_equal(evs->len, 2);
		assert_int_equal(g_array_index(evs, PcsIoEvent, 1).len_bytes, 2);
	}
	/* Only comments: an empty trace (with the header it is still pcsim-text). */
	{
		g_autofree char *path = put_text(f, "empty.txt", "# pcsim trace v1\n# nothing\n");
		g_autoptr(GArray) evs = read_all(path, NULL, f->files);

		assert_int_equal(evs->len, 0);
	}
	/* Equal times are fine; unknown times are not compared. */
	{
		g_autofree char *path = put_text(f, "times.txt",
			"5 read a 0 1\n5 read a 0 1\n- read a 0 1\n6 read a 0 1\n- read a 0 1\n");
		g_autoptr(GArray) evs = read_all(path, NULL, f->files);

		assert_int_equal(evs->len, 5);
	}
}

/* ---- sniffing and opening -------------------------------------------------------------- */

/* Writes n oracleGeneral records: time i/2, obj 100 + i, size 4096, next access -1. */
static GByteArray *
oracle_records(unsigned n)
{
	GByteArray *b = g_byte_array_new();

	for (unsigned i = 0; i < n; i++) {
		guint32 t = GUINT32_TO_LE(i / 2), sz = GUINT32_TO_LE(4096);
		guint64 obj = GUINT64_TO_LE(100 + i);
		gint64 na = (gint64) GUINT64_TO_LE((guint64) -1);

		g_byte_array_append(b, (guint8 *) &t, 4);
		g_byte_array_append(b, (guint8 *) &obj, 8);
		g_byte_array_append(b, (guint8 *) &sz, 4);
		g_byte_array_append(b, (guint8 *) &na, 8);
	}
	return b;
}

static const char *
sniffed(const char *path, PcsFileTable *files)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, files, &error);

	if (!t)
		print_error("%s\n", error->message);
	assert_non_null(t);
	return pcs_trace_ops(t)->name;
}

static void
test_sniff(void **state)
{
	Fixture *f = *state;
	g_autoptr(GByteArray) ora = oracle_records(10);
	g_autoptr(GError) error = NULL;
	g_autofree char *noheader = put_text(f, "plain.log", "# a comment\n\n0 read a 0 4096\n");
	g_autofree char *ora_named = put_file(f, "x.oracleGeneral", ora->data, ora->len);
	g_autofree char *ora_plain = put_file(f, "x.dat", ora->data, ora->len);
	g_autofree char *pcsb = g_build_filename(f->dir, "small.pcsb", NULL);
	const PcsTraceOps *oracle = pcs_trace_format_by_name("oracle-general");
	const PcsTraceOps *text = pcs_trace_format_by_name("pcsim-text");
	PcsTraceWriter *w;
	g_autoptr(GArray) evs = read_all(SMALL_TXT, NULL, f->files);

	w = pcs_trace_writer_new(pcsb, "pcsim-bin", f->files, &error);
	assert_non_null(w);
	for (unsigned i = 0; i < evs->len; i++)
		assert_true(pcs_trace_writer_add(w, &g_array_index(evs, PcsIoEvent, i), &error));
	assert_true(pcs_trace_writer_finish(w, &error));

	assert_string_equal(sniffed(SMALL_TXT, f->files), "pcsim-text");
	assert_string_equal(sniffed(noheader, f->files), "pcsim-text");
	assert_string_equal(sniffed(pcsb, f->files), "pcsim-bin");
	assert_string_equal(sniffed(ORACLE_BIN, f->files), "oracle-general");
	assert_string_equal(sniffed(ora_named, f->files), "oracle-general");
	assert_string_equal(sniffed(ora_plain, f->files), "oracle-general");

	/* The scores themselves. */
	assert_int_equal(oracle->probe(ora_named, ora->data, ora->len), 90);
	assert_int_equal(oracle->probe(ora_plain, ora->data, ora->len), 40);
	assert_int_equal(oracle->probe(ORACLE_BIN, ora->data, ora->len), 90);
	assert_int_equal(text->probe(ora_plain, ora->data, ora->len), 0);
	assert_int_equal(text->probe(noheader, (const guint8 *) "# x\n0 read a 0 1\n", 17), 60);
	assert_int_equal(text->probe(noheader, (const guint8 *) "# pcsim trace v1\n", 17), 100);
	assert_int_equal(text->probe(noheader, (const guint8 *) "hello world\n", 12), 0);
	assert_int_equal(text->probe(noheader, (const guint8 *) "# only comments\n", 16), 0);
	/* Implausible oracle records: time going back, zero size, next access in the past. */
	{
		g_autoptr(GByteArray) bad = oracle_records(4);
		guint32 zero = 0, big = GUINT32_TO_LE(7);
		gint64 past = (gint64) GUINT64_TO_LE(1);

		memcpy(bad->data + 24 * 2 + 12, &zero, 4);
		assert_int_equal(oracle->probe(ora_named, bad->data, bad->len), 0);
		g_byte_array_unref(bad);
		bad = oracle_records(4);
		memcpy(bad->data + 0, &big, 4);
		assert_int_equal(oracle->probe(ora_named, bad->data, bad->len), 0);
		g_byte_array_unref(bad);
		bad = oracle_records(4);
		memcpy(bad->data + 24 * 3 + 16, &past, 8);
		assert_int_equal(oracle->probe(ora_named, bad->data, bad->len), 0);
	}

	/* Garbage: no format fits; the message names the path and the formats tried. */
	{
		GRand *rng = g_rand_new_with_seed(42);
		guint8 junk[1000];
		g_autofree char *path = NULL, *prefix = NULL;

		for (unsigned i = 0; i < sizeof junk; i++)
			junk[i] = (guint8) g_rand_int_range(rng, 0, 256);
		junk[0] = 0;
		g_rand_free(rng);
		path = put_file(f, "junk.bin", junk, sizeof junk);
		prefix = g_strdup_printf("%s: ", path);
		assert_null(pcs_trace_open(path, NULL, f->files, &error));
		check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix,
			    "not a trace in any known format (tried pcsim-text, pcsim-bin, "
			    "oracle-general");
		g_free(path);
		g_free(prefix);
		/* 960 bytes, a multiple of 24, still not plausible as oracleGeneral. */
		path = put_file(f, "junk960.bin", junk, 960);
		prefix = g_strdup_printf("%s: ", path);
		assert_null(pcs_trace_open(path, NULL, f->files, &error));
		check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "tried");
	}
	/* An English sentence is not a trace either. */
	{
		g_autofree char *path = put_text(f, "readme.txt", "Hello, this is not a trace.\n");
		g_autofree char *prefix = g_strdup_printf("%s: ", path);

		assert_null(pcs_trace_open(path, NULL, f->files, &error));
		check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "not a trace");
	}
}

static void
test_open_errors(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autofree char *empty = put_text(f, "empty", "");
	g_autofree char *missing = g_build_filename(f->dir, "missing", NULL);
	g_autofree char *prefix = NULL;

	prefix = g_strdup_printf("%s: ", empty);
	assert_null(pcs_trace_open(empty, NULL, f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "the file is empty");
	assert_null(pcs_trace_open(empty, "pcsim-text", f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "the file is empty");
	g_free(prefix);

	prefix = g_strdup_printf("%s: ", f->dir);
	assert_null(pcs_trace_open(f->dir, NULL, f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FAILED, prefix, "is a directory");
	g_free(prefix);

	prefix = g_strdup_printf("%s: ", missing);
	assert_null(pcs_trace_open(missing, NULL, f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FAILED, prefix, "cannot open: ");
	g_free(prefix);

	prefix = g_strdup_printf("%s: ", SMALL_TXT);
	assert_null(pcs_trace_open(SMALL_TXT, "csv", f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix,
		    "unknown trace format 'csv' (known: pcsim-text, pcsim-bin, oracle-general");
	/* A text file read as pcsim-bin or oracle-general: a clear refusal, no crash. */
	assert_null(pcs_trace_open(SMALL_TXT, "pcsim-bin", f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "pcsim-bin: bad magic");
	assert_null(pcs_trace_open(SMALL_TXT, "oracle-general", f->files, &error));
	{
		struct stat st;
		g_autofree char *msg = NULL;

		assert_int_equal(g_stat(SMALL_TXT, &st), 0);
		if (st.st_size % 24 == 0)
			skip();
		msg = g_strdup_printf("oracle-general: size %ld is not a multiple of the 24-byte "
				      "record: %ld trailing bytes after record %ld",
				      (long) st.st_size, (long) st.st_size % 24,
				      (long) st.st_size / 24);
		check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, msg);
	}
	/* "auto" is the same as no format. */
	{
		g_autoptr(PcsTrace) t = pcs_trace_open(SMALL_TXT, "auto", f->files, &error);

		assert_non_null(t);
	}

	if (geteuid() != 0) {
		g_autofree char *path = put_text(f, "secret.txt", "0 read a 0 1\n");

		g_chmod(path, 0);
		g_free(prefix);
		prefix = g_strdup_printf("%s: ", path);
		assert_null(pcs_trace_open(path, NULL, f->files, &error));
		check_error(&error, PCS_TRACE_ERROR_FAILED, prefix, "cannot open: ");
	}
}

static void
test_identity(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	const char *text = "0 read a 0 1\n";
	g_autofree char *path = put_text(f, "id.txt", text);
	g_autofree char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
	g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, f->files, &error);
	g_autoptr(PcsTrace) o = pcs_trace_open(ORACLE_BIN, NULL, f->files, &error);

	assert_non_null(t);
	assert_int_equal(pcs_trace_bytes(t), strlen(text));
	assert_string_equal(pcs_trace_sha256(t), want);
	assert_non_null(o);
	assert_int_equal(pcs_trace_bytes(o), 2732928);
	/* `head -c 1048576 tests/data/cloudPhysicsIO.oracleGeneral.bin | sha256sum` */
	assert_string_equal(pcs_trace_sha256(o),
			    "2d66ff17e92773de78aae717949edb5b2115bd0adc66a2954f41c10019fb702e");
}

/* ---- pcsim-bin and the writer ---------------------------------------------------------- */

static void
assert_same_events(const PcsFileTable *fa, const GArray *a, const PcsFileTable *fb,
		   const GArray *b)
{
	assert_int_equal(a->len, b->len);
	for (unsigned i = 0; i < a->len; i++) {
		const PcsIoEvent *x = &g_array_index(a, PcsIoEvent, i);
		const PcsIoEvent *y = &g_array_index(b, PcsIoEvent, i);

		assert_int_equal(x->t_ns, y->t_ns);
		assert_int_equal(x->offset_bytes, y->offset_bytes);
		assert_int_equal(x->len_bytes, y->len_bytes);
		assert_int_equal(x->stream, y->stream);
		assert_int_equal(x->op, y->op);
		assert_int_equal(x->advice, y->advice);
		assert_int_equal(x->flags, y->flags);
		if (x->file == ALL)
			assert_int_equal(y->file, ALL);
		else
			assert_string_equal(pcs_files_name(fa, x->file), pcs_files_name(fb, y->file));
	}
}

/* Writes evs (file ids of files) to DIR/name in format; returns the path. */
static char *
write_trace(Fixture *f, const char *name, const char *format, const PcsFileTable *files,
	    const GArray *evs)
{
	char *path = g_build_filename(f->dir, name, NULL);
	g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
	g_autoptr(GError) error = NULL;
	PcsTraceWriter *w = pcs_trace_writer_new(path, format, files, &error);

	assert_non_null(w);
	assert_true(exists(tmp));
	for (unsigned i = 0; i < evs->len; i++)
		if (!pcs_trace_writer_add(w, &g_array_index(evs, PcsIoEvent, i), &error))
			print_error("%s\n", error->message);
	assert_true(pcs_trace_writer_finish(w, &error));
	assert_false(exists(tmp));
	assert_true(exists(path));
	return path;
}

static void
test_bin_roundtrip(void **state)
{
	Fixture *f = *state;
	g_autoptr(GArray) src = read_all(SMALL_TXT, NULL, f->files);
	g_autofree char *bin = write_trace(f, "small.pcsb", "pcsim-bin", f->files, src);
	g_autofree char *txt = write_trace(f, "small.txt", "pcsim-text", f->files, src);
	g_autofree char *bin2 = NULL;
	g_autoptr(PcsFileTable) fb = pcs_files_new();
	g_autoptr(PcsFileTable) ft = pcs_files_new();
	g_autoptr(PcsFileTable) fb2 = pcs_files_new();
	g_autoptr(GArray) from_bin = read_all(bin, NULL, fb);
	g_autoptr(GArray) from_txt = read_all(txt, NULL, ft);
	g_autoptr(GArray) from_bin2 = NULL;
	struct stat st;

	/* 32-byte header + 11 records of 32 + names: 4 + (12 + 9 "db.sqlite") + (12 + 3 "log") */
	assert_int_equal(g_stat(bin, &st), 0);
	assert_int_equal(st.st_size, 32 + 11 * 32 + 4 + 21 + 15);

	assert_same_events(f->files, src, fb, from_bin);
	assert_same_events(f->files, src, ft, from_txt);
	/* The name table in file order, with sizes known at open. */
	assert_int_equal(pcs_files_count(fb), 2);
	assert_string_equal(pcs_files_name(fb, 0), "db.sqlite");
	assert_string_equal(pcs_files_name(fb, 1), "log");
	assert_int_equal(pcs_files_size(fb, 0), 69632);
	assert_int_equal(pcs_files_size(fb, 1), 100);
	assert_int_equal(pcs_files_size(ft, 0), 69632);

	/* text -> bin -> text -> bin gives the same bytes. */
	bin2 = write_trace(f, "again.pcsb", "pcsim-bin", ft, from_txt);
	from_bin2 = read_all(bin2, "pcsim-bin", fb2);
	assert_same_events(f->files, src, fb2, from_bin2);
	{
		g_autofree char *a = NULL, *b = NULL;
		gsize la, lb;

		assert_true(g_file_get_contents(bin, &a, &la, NULL));
		assert_true(g_file_get_contents(bin2, &b, &lb, NULL));
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
	}

	/* The oracle sample survives the trip too (first 1000 records, compared in full). */
	{
		g_autoptr(PcsFileTable) fo = pcs_files_new();
		g_autoptr(PcsFileTable) fo2 = pcs_files_new();
		g_autoptr(GArray) ora = read_all(ORACLE_BIN, NULL, fo);
		g_autofree char *obin = NULL;
		g_autoptr(GArray) back = NULL;

		g_array_set_size(ora, 1000);
		obin = write_trace(f, "ora.pcsb", NULL, fo, ora);
		back = read_all(obin, NULL, fo2);
		assert_same_events(fo, ora, fo2, back);
	}
}

static void
test_writer(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = g_build_filename(f->dir, "out.pcsb", NULL);
	g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
	g_autofree char *prefix = g_strdup_printf("%s: ", path);
	guint32 a = pcs_files_intern(f->files, "a", 1);
	guint32 sp = pcs_files_intern(f->files, "with space", 10);
	PcsIoEvent ev = { 10, 0, 4096, a, 0, PCS_OP_READ, 0, 0 };
	PcsTraceWriter *w;

	/* Abort removes the temporary file and never creates the final one. */
	w = pcs_trace_writer_new(path, "pcsim-bin", f->files, &error);
	assert_non_null(w);
	assert_true(pcs_trace_writer_add(w, &ev, &error));
	assert_true(exists(tmp));
	pcs_trace_writer_abort(w);
	assert_false(exists(tmp));
	assert_false(exists(path));
	pcs_trace_writer_abort(NULL);

	/* Refusals, each with a clear message naming the output. */
	w = pcs_trace_writer_new(path, "pcsim-bin", f->files, &error);
	ev.len_bytes = G_MAXUINT32;
	assert_false(pcs_trace_writer_add(w, &ev, &error));
	check_error(&error, PCS_TRACE_ERROR_FAILED, prefix,
		    "event 1: length 4294967295 does not fit pcsim-bin's 32-bit length");
	ev.len_bytes = 1;
	ev.t_ns = 5;
	assert_true(pcs_trace_writer_add(w, &ev, &error));
	ev.t_ns = 4;
	assert_false(pcs_trace_writer_add(w, &ev, &error));
	check_error(&error, PCS_TRACE_ERROR_PARSE, prefix, "time goes backwards: 4 < 5");
	ev.t_ns = 6;
	ev.op = PCS_OP_FADVISE;
	assert_false(pcs_trace_writer_add(w, &ev, &error));
	check_error(&error, PCS_TRACE_ERROR_PARSE, prefix, "fadvise without advice");
	ev.op = PCS_OP_READ;
	ev.offset_bytes = PCS_NONE;
	assert_false(pcs_trace_writer_add(w, &ev, &error));
	check_error(&error, PCS_TRACE_ERROR_PARSE, prefix, "read needs OFFSET");
	ev.offset_bytes = 0;
	ev.file = 99;
	assert_false(pcs_trace_writer_add(w, &ev, &error));
	check_error(&error, PCS_TRACE_ERROR_FAILED, prefix, "file id 99 is not in the file table");
	pcs_trace_writer_abort(w);
	assert_false(exists(tmp));

	assert_null(pcs_trace_writer_new(path, "oracle-general", f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "cannot write trace format");
	assert_null(pcs_trace_writer_new("-", "pcsim-bin", f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FAILED, "-: ", "standard output");
	{
		g_autofree char *nodir = g_build_filename(f->dir, "no", "such", "dir.pcsb", NULL);

		assert_null(pcs_trace_writer_new(nodir, NULL, f->files, &error));
		check_error(&error, PCS_TRACE_ERROR_FAILED, nodir, "cannot create");
	}
	/* pcsim-text cannot hold a name with a space. */
	{
		g_autofree char *tpath = g_build_filename(f->dir, "out.txt", NULL);
		g_autofree char *tprefix = g_strdup_printf("%s: ", tpath);

		w = pcs_trace_writer_new(tpath, "pcsim-text", f->files, &error);
		ev.file = sp;
		assert_false(pcs_trace_writer_add(w, &ev, &error));
		check_error(&error, PCS_TRACE_ERROR_FAILED, tprefix,
			    "file name 'with space' cannot be written in pcsim-text");
		pcs_trace_writer_abort(w);
		assert_false(exists(tpath));
	}
	/* An existing output is replaced only on finish. */
	{
		g_autofree char *old = put_text(f, "out.pcsb", "old");
		g_autofree char *content = NULL;

		w = pcs_trace_writer_new(path, NULL, f->files, &error);
		ev.file = a;
		assert_true(pcs_trace_writer_add(w, &ev, &error));
		assert_true(g_file_get_contents(path, &content, NULL, NULL));
		assert_string_equal(content, "old");
		assert_true(pcs_trace_writer_finish(w, &error));
		g_clear_pointer(&content, g_free);
		assert_true(g_file_get_contents(path, &content, NULL, NULL));
		assert_memory_equal(content, "PCSIMTRB", 8);
	}
}

/* A valid pcsim-bin file as pcsim writes it (version 2): 3 reads of "a" and "bb", as bytes.
 *   0 header (records_offset 63)   32 name table: count 2, { size, 1, "a" }, { size, 2, "bb" }
 *   63 record 1   95 record 2   127 record 3   159 end */
static GByteArray *
valid_pcsb(Fixture *f)
{
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(GArray) evs = g_array_new(FALSE, FALSE, sizeof(PcsIoEvent));
	g_autofree char *path = NULL;
	g_autofree char *data = NULL;
	gsize len;
	guint32 a = pcs_files_intern(files, "a", 1), bb = pcs_files_intern(files, "bb", 2);
	PcsIoEvent ev[3] = {
		{ 1, 0, 10, a, 0, PCS_OP_READ, 0, 0 },
		{ 2, 10, 10, bb, 1, PCS_OP_READ, 0, 0 },
		{ 3, 20, 10, a, 0, PCS_OP_READ, 0, 0 },
	};

	g_array_append_vals(evs, ev, 3);
	path = write_trace(f, "valid.pcsb", "pcsim-bin", files, evs);
	assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_unlink(path);
	/* 32 + 4 + (12 + 1) + (12 + 2) + 3 * 32 = 159 */
	assert_int_equal(len, 159);
	assert_int_equal(data[8], 2);                     /* version */
	assert_int_equal((guint8) data[24], 63);          /* records_offset */
	return g_byte_array_new_take((guint8 *) g_steal_pointer(&data), len);
}

/* The same file in version 1, names after the records, as pcsim wrote it before:
 *   0 header (names_offset 128)   32 records   128 name table   159 end */
static GByteArray *
valid_pcsb_v1(Fixture *f)
{
	g_autoptr(GByteArray) v2 = valid_pcsb(f);
	GByteArray *v1 = g_byte_array_new();

	g_byte_array_append(v1, v2->data, 32);
	g_byte_array_append(v1, v2->data + 63, 96);
	g_byte_array_append(v1, v2->data + 32, 31);
	v1->data[8] = 1;
	v1->data[24] = 128;
	return v1;
}

static void
put_u32(GByteArray *b, gsize off, guint32 v)
{
	v = GUINT32_TO_LE(v);
	memcpy(b->data + off, &v, 4);
}

static void
put_u64(GByteArray *b, gsize off, guint64 v)
{
	v = GUINT64_TO_LE(v);
	memcpy(b->data + off, &v, 8);
}

/* A corruption of valid_pcsb() or valid_pcsb_v1() that open() must refuse. */
typedef struct {
	const char *name;
	gsize       truncate_to;   /* 0: keep the length */
	gsize       off;           /* where to patch (when width != 0) */
	int         width;         /* 1, 4 or 8 bytes */
	guint64     value;
	gboolean    append;        /* add one byte at the end */
	const char *msg;
} Corruption;

static const Corruption v2_corruptions[] = {
	{ "header cut",  20, 0, 0, 0, FALSE, "truncated: 20 bytes, shorter than the 32-byte header" },
	{ "records cut", 150, 0, 0, 0, FALSE,
	  "truncated: the header promises 3 records but the file has room for 2" },
	{ "bad magic",   0, 0, 1, 'X', FALSE, "bad magic (expected \"PCSIMTRB\")" },
	{ "version",     0, 8, 4, 3, FALSE, "unsupported version 3 (this pcsim reads 1 and 2)" },
	{ "record size", 0, 12, 4, 24, FALSE, "record size 24, expected 32" },
	{ "huge count",  0, 16, 8, G_MAXUINT64, FALSE, "truncated: the header promises" },
	{ "no table",    0, 24, 8, 32, FALSE, "records_offset 32 leaves no room for the name table" },
	{ "past end",    0, 24, 8, 1000, FALSE,
	  "truncated: records_offset 1000 is past the end of the file (159 bytes)" },
	{ "table long",  0, 24, 8, 64, FALSE,
	  "the name table ends at offset 63, not at records_offset 64" },
	{ "table short", 0, 24, 8, 60, FALSE, "name 1 of 2 runs past records_offset" },
	{ "names count", 0, 32, 4, 1000000, FALSE,
	  "the name table promises 1000000 names but records_offset leaves it too short" },
	{ "name len 0",  0, 32 + 4 + 8, 4, 0, FALSE, "name 0 has length 0" },
	{ "name len",    0, 32 + 4 + 8, 4, 0xffffffffu, FALSE, "name 0 has length 4294967295" },
	{ "name NUL",    0, 32 + 4 + 12, 1, 0, FALSE, "name 0 contains a NUL byte" },
	{ "trailing",    0, 0, 0, 0, TRUE, "1 unexpected bytes after the records" },
};

static const Corruption v1_corruptions[] = {
	{ "header cut",  20, 0, 0, 0, FALSE, "truncated: 20 bytes, shorter than the 32-byte header" },
	{ "records cut", 100, 0, 0, 0, FALSE,
	  "truncated: the header promises 3 records but the file has room for 2" },
	{ "names cut",   156, 0, 0, 0, FALSE, "truncated: name 1 of 2 is cut off" },
	{ "no names",    128, 0, 0, 0, FALSE, "truncated: no name table at offset 128" },
	{ "huge count",  0, 16, 8, G_MAXUINT64, FALSE, "truncated: the header promises" },
	{ "names off",   0, 24, 8, 64, FALSE, "names_offset 64 does not follow the records" },
	{ "names count", 0, 128, 4, 1000000, FALSE, "the name table promises 1000000 names" },
	{ "name len 0",  0, 128 + 4 + 8, 4, 0, FALSE, "name 0 has length 0" },
	{ "name len",    0, 128 + 4 + 8, 4, 0xffffffffu, FALSE, "name 0 has length 4294967295" },
	{ "name NUL",    0, 128 + 4 + 12, 1, 0, FALSE, "name 0 contains a NUL byte" },
	{ "trailing",    0, 0, 0, 0, TRUE, "1 unexpected bytes after the name table" },
};

/* A corruption of record 2 that next() must report, and then go on with record 3; off is
 * within the record. */
static const Corruption record_corruptions[] = {
	{ "file id",  0, 20, 4, 99, FALSE, "file index 99 is not in the name table (2 names)" },
	{ "op",       0, 28, 1, 200, FALSE, "op 200 out of range (0..14)" },
	{ "advice",   0, 29, 1, 9, FALSE, "advice 9 out of range" },
	{ "advice on read", 0, 29, 1, PCS_ADVICE_RANDOM, FALSE,
	  "advice is only valid on fadvise, not on read" },
	{ "all files", 0, 20, 4, 0xffffffffu, FALSE,
	  "all files (-) is only valid on sync, not on read" },
	{ "no offset", 0, 8, 8, G_MAXUINT64, FALSE, "read needs OFFSET as a number" },
	{ "no length", 0, 16, 4, 0xffffffffu, FALSE, "read needs LENGTH as a number" },
	{ "overflow", 0, 8, 8, G_MAXUINT64 - 5, FALSE, "offset + length overflows" },
	{ "time back", 0, 0, 8, 0, FALSE, "time goes backwards: 0 < 1" },
	{ "time neg", 0, 0, 8, (guint64) -7, FALSE, "negative time -7" },
};

/* The corrupted bytes (patched at base + c->off). */
static GByteArray *
corrupt_bytes(const GByteArray *valid, const Corruption *c, gsize base)
{
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, valid->data, valid->len);
	if (c->truncate_to)
		g_byte_array_set_size(b, (guint) c->truncate_to);
	if (c->width == 1)
		b->data[base + c->off] = (guint8) c->value;
	else if (c->width == 4)
		put_u32(b, base + c->off, (guint32) c->value);
	else if (c->width == 8)
		put_u64(b, base + c->off, c->value);
	if (c->append)
		g_byte_array_append(b, (const guint8 *) "!", 1);
	return b;
}

static char *
put_corrupt(Fixture *f, const GByteArray *valid, const Corruption *c, gsize base, unsigned i)
{
	g_autoptr(GByteArray) b = corrupt_bytes(valid, c, base);
	g_autofree char *name = g_strdup_printf("corrupt%u.pcsb", i);

	return put_file(f, name, b->data, b->len);
}

static void
check_open_refused(Fixture *f, const GByteArray *valid, const Corruption *cs, unsigned n,
		   unsigned first)
{
	g_autoptr(GError) error = NULL;

	for (unsigned i = 0; i < n; i++) {
		g_autofree char *path = put_corrupt(f, valid, &cs[i], 0, first + i);
		g_autofree char *prefix = g_strdup_printf("%s: pcsim-bin: ", path);

		if (pcs_trace_open(path, "pcsim-bin", f->files, &error))
			print_error("%s: accepted\n", cs[i].name);
		check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, cs[i].msg);
	}
}

/* Record 2 (at rec2) corrupted each way: reported, and record 3 still read. */
static void
check_record_errors(Fixture *f, const GByteArray *valid, gsize rec2, unsigned first)
{
	g_autoptr(GError) error = NULL;

	for (unsigned i = 0; i < G_N_ELEMENTS(record_corruptions); i++) {
		g_autofree char *path = put_corrupt(f, valid, &record_corruptions[i], rec2, first + i);
		g_autofree char *prefix = g_strdup_printf("%s: record 2 (byte %" G_GSIZE_FORMAT "): ",
							  path, rec2);
		g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, f->files, &error);
		PcsIoEvent ev;

		assert_non_null(t);
		assert_string_equal(pcs_trace_ops(t)->name, "pcsim-bin");
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
		if (pcs_trace_next(t, &ev, &error) != PCS_TRACE_ERROR)
			print_error("%s: accepted\n", record_corruptions[i].name);
		check_error(&error, PCS_TRACE_ERROR_PARSE, prefix, record_corruptions[i].msg);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
		assert_int_equal(ev.t_ns, 3);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_EOF);
	}
}

static void
test_bin_corrupt(void **state)
{
	Fixture *f = *state;
	g_autoptr(GByteArray) valid = valid_pcsb(f);
	g_autoptr(GByteArray) v1 = valid_pcsb_v1(f);

	check_open_refused(f, valid, v2_corruptions, G_N_ELEMENTS(v2_corruptions), 0);
	check_record_errors(f, valid, 95, 100);
	check_open_refused(f, v1, v1_corruptions, G_N_ELEMENTS(v1_corruptions), 200);
	check_record_errors(f, v1, 64, 300);
}

/* Writes data zstd-compressed as name. */
static char *
put_zstd(Fixture *f, const char *name, const GByteArray *data)
{
	gsize cap = ZSTD_compressBound(data->len);
	g_autofree guint8 *z = g_malloc(cap);
	gsize n = ZSTD_compress(z, cap, data->data, data->len, 3);

	assert_false(ZSTD_isError(n));
	return put_file(f, name, z, n);
}

/* "t:file:offset " */
static void
event_word(Fixture *f, GString *s, const PcsIoEvent *ev)
{
	g_string_append_printf(s, "%" G_GINT64_FORMAT ":%s:%" G_GUINT64_FORMAT " ", ev->t_ns,
			       pcs_files_name(f->files, ev->file), ev->offset_bytes);
}

/* All of a trace, skipping bad records: "t:file:offset " per event and "!message " per error;
 * through pcs_trace_next() when n is 0, else through pcs_trace_next_batch(), n at a time. */
static char *
read_log(Fixture *f, const char *path, gsize n)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, f->files, &error);
	GString *s = g_string_new(NULL);
	PcsTraceStatus st;
	PcsIoEvent ev[8];

	assert_non_null(t);
	assert_true(n <= G_N_ELEMENTS(ev));
	do {
		gsize got;

		if (n == 0) {
			st = pcs_trace_next(t, ev, &error);
			got = st == PCS_TRACE_OK;
		} else {
			got = pcs_trace_next_batch(t, ev, n, &st, &error);
			assert_true(got <= n);
			assert_true(st != PCS_TRACE_OK || got == n);
		}
		for (gsize i = 0; i < got; i++)
			event_word(f, s, &ev[i]);
		if (st == PCS_TRACE_ERROR) {
			g_string_append_printf(s, "!%s ", error->message);
			g_clear_error(&error);
		}
	} while (st != PCS_TRACE_EOF);
	return g_string_free(s, FALSE);
}

/*
 * Both versions, plain and zstd-compressed, give the same events. A compressed version 2 file
 * is streamed once, so what open() checks on a mapped file is found as the data comes: data
 * after the last record is an error at the end; data ending in the table or in a record is
 * an error, never a shorter trace.
 */
static void
test_bin_versions(void **state)
{
	Fixture *f = *state;
	g_autoptr(GByteArray) v2 = valid_pcsb(f);
	g_autoptr(GByteArray) v1 = valid_pcsb_v1(f);
	g_autofree char *p2 = put_file(f, "v2.pcsb", v2->data, v2->len);
	g_autofree char *p1 = put_file(f, "v1.pcsb", v1->data, v1->len);
	g_autofree char *z2 = put_zstd(f, "v2.pcsb.zst", v2);
	g_autofree char *z1 = put_zstd(f, "v1.pcsb.zst", v1);
	g_autofree char *want = read_log(f, p2, 0);
	g_autoptr(GError) error = NULL;
	static const struct {
		gsize       truncate_to;
		gboolean    append;
		const char *msg;
		gboolean    at_open;
	} bad[] = {
		{ 50, FALSE, "truncated: the data ends inside the name table", TRUE },
		{ 150, FALSE, "record 3 (byte 127): truncated: the data ends inside this record",
		  FALSE },
		{ 0, TRUE, "record 4 (byte 159): unexpected bytes after the last record (the header "
		  "promises 3", FALSE },
	};

	assert_string_equal(want, "1:a:0 2:bb:10 3:a:20 ");
	for (unsigned i = 0; i < 3; i++) {
		const char *path = i == 0 ? p1 : i == 1 ? z2 : z1;
		g_autofree char *got = read_log(f, path, 0);

		assert_string_equal(got, want);
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		Corruption c = { "", bad[i].truncate_to, 0, 0, 0, bad[i].append, bad[i].msg };
		g_autoptr(GByteArray) b = corrupt_bytes(v2, &c, 0);
		g_autofree char *name = g_strdup_printf("bad%u.pcsb.zst", i);
		g_autofree char *path = put_zstd(f, name, b);
		g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, f->files, &error);
		PcsTraceStatus st;
		PcsIoEvent ev;
		unsigned nr = 0;

		if (bad[i].at_open) {
			assert_null(t);
			check_error(&error, PCS_TRACE_ERROR_FORMAT, path, bad[i].msg);
			continue;
		}
		assert_non_null(t);
		while ((st = pcs_trace_next(t, &ev, &error)) == PCS_TRACE_OK)
			nr++;
		assert_int_equal(st, PCS_TRACE_ERROR);
		assert_int_equal(nr, bad[i].append ? 3 : 2);
		check_error(&error, PCS_TRACE_ERROR_PARSE, path, bad[i].msg);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_EOF);
	}
}

/* Batches give what next() gives, events and errors (with their record or line), whatever
 * their size: pcsim-bin's own batch, plain and streamed, and the fallback of a text reader. */
static void
test_next_batch(void **state)
{
	Fixture *f = *state;
	g_autoptr(GByteArray) valid = valid_pcsb(f);
	g_autoptr(GByteArray) bad = corrupt_bytes(valid, &record_corruptions[1], 95);
	g_autofree char *pcsb = put_file(f, "b.pcsb", bad->data, bad->len);
	g_autofree char *zst = put_zstd(f, "b.pcsb.zst", bad);
	g_autofree char *txt = put_text(f, "b.trace", "# pcsim trace v1\n1 read a 0 10\n2 reed a 0 1\n"
				       "3 read a 0 10\n4 read a 10 10\n5 read a x 1\n6 read a 0 1\n");

	for (unsigned k = 0; k < 3; k++) {
		const char *path = k == 0 ? pcsb : k == 1 ? zst : txt;
		g_autofree char *ref = read_log(f, path, 0);
		g_autofree char *head = k < 2
			? g_strdup_printf("1:a:0 !%s: record 2 (byte 95): op 200 out of range (0..14) "
					  "3:a:20 ", path)
			: g_strdup_printf("1:a:0 !%s:3: expected an op", path);

		print_message("# %s: %s\n", path, ref);
		assert_true(g_str_has_prefix(ref, head));
		for (gsize n = 1; n <= 8; n++) {
			g_autofree char *got = read_log(f, path, n);

			assert_string_equal(got, ref);
		}
	}
}

/* ---- oracle-general -------------------------------------------------------------------- */

/*
 * Expected values, decoded independently of pcsim with
 *     python3 -c "import struct; d=open('tests/data/cloudPhysicsIO.oracleGeneral.bin','rb')
 *                 .read(); print([struct.unpack_from('<IQIq', d, i*24) for i in (0,3,113871)])"
 * which gives (5633898, 42932745, 512, -1), (5633898, 40409911, 6656, -1) and
 * (5641098, 42936150, 512, -1); `od -A d -t x1 -N 24` shows the first record as
 * 6a f7 55 00 | 09 1a 8f 02 00 00 00 00 | 00 02 00 00 | ff x 8, the same numbers.
 * The largest obj_id in the file is 65595455 (python: max over all records).
 */
static void
test_oracle_sample(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsTrace) t = pcs_trace_open(ORACLE_BIN, NULL, f->files, &error);
	static const struct {
		guint64 index;
		Expect  x;
	} want[] = {
		{ 0, { G_GINT64_CONSTANT(5633898000000000), PCS_OP_READ, "#0",
		       G_GUINT64_CONSTANT(42932745) * 4096, 4096, 0, 0 } },
		{ 3, { G_GINT64_CONSTANT(5633898000000000), PCS_OP_READ, "#0",
		       G_GUINT64_CONSTANT(40409911) * 4096, 4096, 0, 0 } },
		{ 113871, { G_GINT64_CONSTANT(5641098000000000), PCS_OP_READ, "#0",
			    G_GUINT64_CONSTANT(42936150) * 4096, 4096, 0, 0 } },
	};
	guint64 n = 0;
	unsigned next_want = 0;
	PcsIoEvent ev;

	assert_non_null(t);
	assert_string_equal(pcs_trace_ops(t)->name, "oracle-general");
	assert_true(pcs_trace_progress(t) == 0.0);
	while (pcs_trace_next(t, &ev, &error) == PCS_TRACE_OK) {
		if (next_want < G_N_ELEMENTS(want) && want[next_want].index == n) {
			check_event(f->files, &ev, &want[next_want].x, next_want);
			next_want++;
		}
		if (n == 113872 / 2)
			assert_true(fabs(pcs_trace_progress(t) - 0.5) < 0.001);
		n++;
	}
	assert_null(error);
	assert_int_equal(n, 113872);
	assert_int_equal(next_want, G_N_ELEMENTS(want));
	assert_true(pcs_trace_progress(t) == 1.0);
	assert_int_equal(pcs_files_count(f->files), 1);
	assert_int_equal(pcs_files_size(f->files, 0), (G_GUINT64_CONSTANT(65595455) + 1) * 4096);
}

static void
test_oracle_errors(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) recs = oracle_records(3);
	guint64 big = GUINT64_TO_LE((G_GUINT64_CONSTANT(1) << 52) - 1);
	guint64 ok = GUINT64_TO_LE((G_GUINT64_CONSTANT(1) << 52) - 2);
	g_autofree char *path = NULL, *prefix = NULL;
	PcsIoEvent ev;

	/* obj_id 2^52 - 1 is refused (as record 2: its end, 2^64, would wrap), 2^52 - 2 is the
	 * largest accepted. */
	memcpy(recs->data + 24 + 4, &big, 8);
	memcpy(recs->data + 48 + 4, &ok, 8);
	path = put_file(f, "big.oracleGeneral", recs->data, recs->len);
	prefix = g_strdup_printf("%s: record 2 (byte 24): ", path);
	{
		g_autoptr(PcsTrace) t = pcs_trace_open(path, NULL, f->files, &error);

		assert_non_null(t);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
		assert_int_equal(ev.offset_bytes, 100 * 4096);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_ERROR);
		check_error(&error, PCS_TRACE_ERROR_PARSE, prefix,
			    "obj_id 4503599627370495 is too large");
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_OK);
		assert_int_equal(ev.offset_bytes, G_MAXUINT64 - 8191);
		assert_int_equal(ev.t_ns, 1000000000);
		assert_int_equal(pcs_trace_next(t, &ev, &error), PCS_TRACE_EOF);
	}
	/* Trailing bytes: not detected at all, and named when the format is forced. */
	g_byte_array_append(recs, (const guint8 *) "12345", 5);
	g_free(path);
	g_free(prefix);
	path = put_file(f, "cut.oracleGeneral", recs->data, recs->len);
	prefix = g_strdup_printf("%s: ", path);
	assert_null(pcs_trace_open(path, NULL, f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix, "not a trace in any known format");
	assert_null(pcs_trace_open(path, "oracle-general", f->files, &error));
	check_error(&error, PCS_TRACE_ERROR_FORMAT, prefix,
		    "size 77 is not a multiple of the 24-byte record: 5 trailing bytes after "
		    "record 3");
}

/* ---- robustness ------------------------------------------------------------------------ */

/* Mutated and truncated copies of valid traces, read in every format: the readers must not
 * crash, read out of bounds (ASan) or loop, whatever they return. */
static void
test_fuzz(void **state)
{
	Fixture *f = *state;
	g_autoptr(GByteArray) pcsb = valid_pcsb(f);
	g_autoptr(GByteArray) pcsb_v1 = valid_pcsb_v1(f);
	g_autoptr(GByteArray) ora = oracle_records(8);
	g_autofree char *small = NULL;
	gsize small_len;
	GRand *rng = g_rand_new_with_seed(20240601);
	const PcsTraceOps *const *fmts = pcs_trace_formats();
	g_autofree char *path = g_build_filename(f->dir, "fuzz", NULL);

	assert_true(g_file_get_contents(SMALL_TXT, &small, &small_len, NULL));
	for (unsigned iter = 0; iter < 800; iter++) {
		const guint8 *src;
		gsize len;
		g_autofree guint8 *buf = NULL;
		unsigned nr_mut = (unsigned) g_rand_int_range(rng, 0, 6);

		switch (iter % 4) {
		case 0: src = pcsb->data; len = pcsb->len; break;
		case 1: src = ora->data; len = ora->len; break;
		case 2: src = pcsb_v1->data; len = pcsb_v1->len; break;
		default: src = (const guint8 *) small; len = small_len; break;
		}
		buf = g_memdup2(src, len);
		for (unsigned m = 0; m < nr_mut; m++)
			buf[g_rand_int_range(rng, 0, (gint32) len)] = (guint8) g_rand_int(rng);
		if (g_rand_boolean(rng))
			len = (gsize) g_rand_int_range(rng, 0, (gint32) len + 1);
		assert_true(g_file_set_contents(path, (const char *) buf, (gssize) len, NULL));

		for (int k = -1; fmts[k < 0 ? 0 : k] != NULL; k++) {
			g_autoptr(PcsFileTable) files = pcs_files_new();
			g_autoptr(GError) error = NULL;
			g_autoptr(PcsTrace) t = pcs_trace_open(path, k < 0 ? NULL : fmts[k]->name,
							       files, &error);
			PcsTraceStatus st;
			PcsIoEvent ev;
			unsigned steps = 0;

			if (!t) {
				assert_non_null(error);
				assert_true(g_str_has_prefix(error->message, path));
				continue;
			}
			while ((st = pcs_trace_next(t, &ev, &error)) != PCS_TRACE_EOF) {
				if (st == PCS_TRACE_ERROR) {
					assert_true(g_str_has_prefix(error->message, path));
					g_clear_error(&error);
				}
				assert_true(++steps < 100000);
			}
		}
	}
	g_rand_free(rng);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_streams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_long_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_misc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sniff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bin_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bin_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bin_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oracle_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oracle_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
