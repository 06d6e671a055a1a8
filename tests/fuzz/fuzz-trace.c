/*
 * fuzz-trace.c - a libFuzzer harness for every trace reader, through the public API.
 *
 * Each input is written to a temporary file in /dev/shm (or $PCSIM_FUZZ_TMPDIR, or $TMPDIR;
 * pcs_trace_open_full() takes a path, as users give it) and read to the end with the reader
 * named by the environment variable PCSIM_FUZZ_FORMAT ("auto", the default, sniffs like
 * `pcsim trace info`). Bad records are
 * expected: the harness carries on after each, as --skip-bad does, and asks only that no
 * reader crashes, leaks, hangs, trips a sanitizer, or breaks its contract:
 *   - an event's op and advice are in range, offset + length does not overflow;
 *   - an error always comes with a GError, success never does;
 *   - the notes() text, when there is one, is printable and ends with a newline.
 * Reader options vary with the input's first byte, so --blk-event D, --blk-dev, --cwd and
 * --id-unit paths are fuzzed too.
 *
 * PCSIM_FUZZ_LIST=1 makes the harness print the registry's format names and exit (run.sh
 * uses it so that formats added later are fuzzed without editing the script).
 *
 * Build and run: tests/fuzz/run.sh [SECONDS]. Not part of make check.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <pcsim/trace.h>

static char *tmp_path;
static const char *format;

static void
remove_tmp(void)
{
	if (tmp_path)
		unlink(tmp_path);
}

/* Replaces the temporary file's contents (no rename, no fsync: millions of inputs). */
static gboolean
write_input(const uint8_t *data, size_t size)
{
	int fd = open(tmp_path, O_WRONLY | O_TRUNC);
	size_t done = 0;

	if (fd < 0)
		return FALSE;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return FALSE;
		}
		done += (size_t) n;
	}
	return close(fd) == 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* A file in memory when there is /dev/shm: inputs are written a million times. */
	const char *dir = g_getenv("PCSIM_FUZZ_TMPDIR");
	int fd;

	(void) argc;
	(void) argv;
	if (g_getenv("PCSIM_FUZZ_LIST")) {
		for (const PcsTraceOps *const *f = pcs_trace_formats(); *f; f++)
			printf("%s\n", (*f)->name);
		exit(0);
	}
	if (!dir)
		dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
		      : g_getenv("TMPDIR") ? g_getenv("TMPDIR") : "/tmp";
	format = g_getenv("PCSIM_FUZZ_FORMAT");
	if (!format || !*format)
		format = "auto";
	if (strcmp(format, "auto") != 0 && !pcs_trace_format_by_name(format)) {
		fprintf(stderr, "fuzz-trace: unknown format '%s'\n", format);
		exit(2);
	}
	tmp_path = g_strdup_printf("%s/pcsim-fuzz-%d.trace", dir, (int) getpid());
	fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(tmp_path);
		exit(2);
	}
	close(fd);
	atexit(remove_tmp);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	PcsTraceOptions opts = { 0 };
	GError *error = NULL;
	PcsFileTable *files;
	PcsTrace *t;
	PcsIoEvent ev;
	PcsTraceStatus st;
	unsigned budget = 200000;
	guint8 knob = size ? data[0] : 0;

	if (!write_input(data, size))
		abort();
	if (knob & 1)
		opts.blk_event = 'D';
	if (knob & 2)
		opts.blk_dev = (knob & 4) ? "7,1" : "8,0";
	if (knob & 8)
		opts.cwd = "/fuzz/dir";
	if (knob & 16)
		opts.id_unit_bytes = 512;

	files = pcs_files_new();
	t = pcs_trace_open_full(tmp_path, format, &opts, files, &error);
	if (!t) {
		if (!error)
			abort();       /* NULL without an error breaks the contract */
		g_error_free(error);
		pcs_files_free(files);
		return 0;
	}
	while (budget-- > 0 && (st = pcs_trace_next(t, &ev, &error)) != PCS_TRACE_EOF) {
		if (st == PCS_TRACE_ERROR) {
			if (!error)
				abort();
			g_clear_error(&error);
			continue;
		}
		if (error || ev.op >= PCS_OP_COUNT || ev.advice >= PCS_ADVICE_COUNT)
			abort();
		if (ev.offset_bytes != PCS_NONE && ev.len_bytes != PCS_NONE &&
		    ev.len_bytes > G_MAXUINT64 - ev.offset_bytes)
			abort();
		if (ev.file != G_MAXUINT32 && !pcs_files_name(files, ev.file))
			abort();
	}
	{
		GString *notes = g_string_new(NULL);

		pcs_trace_notes(t, notes);
		if (notes->len && notes->str[notes->len - 1] != '\n')
			abort();
		g_string_free(notes, TRUE);
	}
	(void) pcs_trace_progress(t);
	pcs_trace_close(t);
	pcs_files_free(files);
	return 0;
}
