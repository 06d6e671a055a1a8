/*
 * device-verify.c - what the simulated device's pages hold, how --verify proves it, and the
 * journal that lets `pcsim verify` check a device after the run (DESIGN.md 4).
 *
 * Content. Generation g of page (file, page) is a pseudo-random stream seeded by (file,
 * page, g): pcs_device_dirty() fills the frame with it, so every byte that reaches the
 * backing file is known from three numbers and nothing has to be remembered but the
 * generation. Generation 0 is a page never written: zeros (a fresh sparse file).
 *
 * --verify stamps a header over the first 32 bytes of each page written back:
 *
 *     0        8        12       16                24               32           4096
 *     | magic  | file   | gen    | page            | sum            | content ... |
 *
 * where sum is a 64-bit hash of the whole page with the sum field read as zero (written
 * here, not borrowed: a multiply-rotate per 8-byte word, then a murmur3 finaliser). A page
 * read back is right when its magic, identity and generation are the newest written back and
 * its sum matches. Without the header (a run without --verify), pcsim verify compares the
 * page with the generation's content byte for byte instead.
 *
 * Journal. A run with --device FILE leaves FILE.pcsim-journal (written at the end, atomically):
 *
 *     pcsim-device-journal 1
 *     stamped 1                     (the run had --verify)
 *     reused 0                      (the run had --device-reuse)
 *     # file page offset_bytes dirtied written
 *     0 17 69632 3 2
 *
 * one line per page ever dirtied, in layout order. dirtied > written is a page the run
 * stopped with dirty: the data a crash would have lost.
 *
 * Entry points: pcs_dev_fill, pcs_dev_stamp, pcs_dev_page_sum, pcs_dev_check,
 * pcs_dev_journal_write, pcs_dev_journal_read, pcs_device_check_file,
 * pcs_device_check_clear, pcs_device_journal_path.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcsim/device.h>

#include "device-verify.h"
#include "util.h"

#define WORDS (PCS_DEV_PAGE_BYTES / 8)
#define SUM_WORD (G_STRUCT_OFFSET (PcsDevHeader, sum) / 8)
#define JOURNAL_MAGIC "pcsim-device-journal 1"

void
pcs_dev_fill(guint8 *buf, guint32 file, guint64 page, guint32 gen)
{
	guint64 x = pcs_page_hash(file, page) ^ pcs_mix64((guint64) gen + 1);
	guint64 *w = (guint64 *) (void *) buf;
	guint64 s[4];

	/* Four xorshift64* lanes, interleaved word by word: each word waits only for its own
	 * lane's previous one, so a page fills 1.6 times faster than from one chain (740 ns
	 * against 1220 on the bench machine; every buffered write fills its pages: this is the
	 * cost of its copy). A lane is never stuck at zero, since | 1 starts it off zero. */
	for (guint j = 0; j < 4; j++)
		s[j] = pcs_mix64(x + j * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) | 1;
	for (guint i = 0; i < WORDS; i += 4) {
		for (guint j = 0; j < 4; j++) {
			s[j] ^= s[j] >> 12;
			s[j] ^= s[j] << 25;
			s[j] ^= s[j] >> 27;
			w[i + j] = s[j] * G_GUINT64_CONSTANT (0x2545f4914f6cdd1d);
		}
	}
}

guint64
pcs_dev_page_sum(const guint8 *buf)
{
	const guint64 *w = (const guint64 *) (const void *) buf;
	guint64 h = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

	for (guint i = 0; i < WORDS; i++) {
		guint64 v = i == SUM_WORD ? 0 : w[i];

		h ^= v * G_GUINT64_CONSTANT (0x87c37b91114253d5);
		h = ((h << 31) | (h >> 33)) * G_GUINT64_CONSTANT (0x4cf5ad432745937f);
	}
	return pcs_mix64(h ^ PCS_DEV_PAGE_BYTES);
}

void
pcs_dev_stamp(guint8 *buf, guint32 file, guint64 page, guint32 gen)
{
	PcsDevHeader h = { PCS_DEV_MAGIC, file, gen, page, 0 };

	memcpy(buf, &h, sizeof h);
	h.sum = pcs_dev_page_sum(buf);
	memcpy(buf + G_STRUCT_OFFSET (PcsDevHeader, sum), &h.sum, sizeof h.sum);
}

gboolean
pcs_dev_check(const guint8 *buf, guint32 file, guint64 page, guint32 gen, gboolean stamped,
	      char *why, gsize why_len)
{
	guint64 want_words[WORDS];
	const guint8 *want = (const guint8 *) want_words;
	PcsDevHeader h;

	if (gen == 0) {
		for (guint i = 0; i < PCS_DEV_PAGE_BYTES; i++)
			if (buf[i]) {
				g_snprintf(why, why_len, "never written, but byte %u is not zero",
					   i);
				return FALSE;
			}
		return TRUE;
	}
	if (!stamped) {
		pcs_dev_fill((guint8 *) want_words, file, page, gen);
		for (guint i = 0; i < PCS_DEV_PAGE_BYTES; i++)
			if (buf[i] != want[i]) {
				g_snprintf(why, why_len, "byte %u differs from generation %u", i,
					   gen);
				return FALSE;
			}
		return TRUE;
	}
	memcpy(&h, buf, sizeof h);
	if (h.magic != PCS_DEV_MAGIC)
		g_snprintf(why, why_len, "no verify header");
	else if (h.file != file || h.page != page)
		g_snprintf(why, why_len, "holds file %u page %" G_GUINT64_FORMAT, h.file, h.page);
	else if (h.sum != pcs_dev_page_sum(buf))
		g_snprintf(why, why_len, "checksum mismatch (generation %u)", h.gen);
	else if (h.gen != gen)
		g_snprintf(why, why_len, "generation %u, expected %u", h.gen, gen);
	else
		return TRUE;
	return FALSE;
}

char *
pcs_device_journal_path(const char *device_path)
{
	return g_strconcat(device_path, ".pcsim-journal", NULL);
}

gboolean
pcs_dev_journal_write(const char *device_path, gboolean stamped, gboolean reused,
		      const GArray *entries, GError **error)
{
	g_autofree char *path = pcs_device_journal_path(device_path);
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GError) local = NULL;

	g_string_append_printf(s, "%s\nstamped %d\nreused %d\n"
			       "# file page offset_bytes dirtied written\n", JOURNAL_MAGIC,
			       stamped ? 1 : 0, reused ? 1 : 0);
	for (guint i = 0; i < entries->len; i++) {
		const PcsDevJournalEntry *e = &g_array_index(entries, PcsDevJournalEntry, i);

		g_string_append_printf(s, "%u %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %u %u\n",
				       e->file, e->page, e->offset_bytes, e->dirtied, e->written);
	}
	if (!g_file_set_contents(path, s->str, (gssize) s->len, &local)) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN, "%s", local->message);
		return FALSE;
	}
	return TRUE;
}

/* "key 0|1" header line. */
static gboolean
read_flag(const char *line, const char *key, gboolean *out)
{
	gsize n = strlen(key);

	if (strncmp(line, key, n) != 0 || line[n] != ' ' || (line[n + 1] != '0' &&
							     line[n + 1] != '1') || line[n + 2])
		return FALSE;
	*out = line[n + 1] == '1';
	return TRUE;
}

gboolean
pcs_dev_journal_read(const char *device_path, gboolean *stamped, gboolean *reused,
		     GArray **entries, GError **error)
{
	g_autofree char *path = pcs_device_journal_path(device_path);
	g_autofree char *text = NULL;
	g_autoptr(GError) local = NULL;
	g_auto(GStrv) lines = NULL;
	GArray *out;
	guint nr;

	if (!g_file_get_contents(path, &text, NULL, &local)) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN, "%s (a journal is "
			    "left by 'pcsim replay --device FILE' with --data on)", local->message);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	nr = g_strv_length(lines);
	if (nr < 3 || strcmp(lines[0], JOURNAL_MAGIC) != 0 ||
	    !read_flag(lines[1], "stamped", stamped) || !read_flag(lines[2], "reused", reused)) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_VERIFY,
			    "%s: not a pcsim device journal (expected '%s' and its header)", path,
			    JOURNAL_MAGIC);
		return FALSE;
	}
	out = g_array_new(FALSE, FALSE, sizeof(PcsDevJournalEntry));
	for (guint i = 3; i < nr; i++) {
		PcsDevJournalEntry e = { 0 };
		char tail;

		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		if (sscanf(lines[i], "%u %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %u %u %c",
			   &e.file, &e.page, &e.offset_bytes, &e.dirtied, &e.written, &tail) != 5 ||
		    e.offset_bytes % PCS_DEV_PAGE_BYTES || e.written > e.dirtied) {
			g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_VERIFY,
				    "%s:%u: expected 'file page offset_bytes dirtied written' "
				    "(offset a multiple of 4096, written <= dirtied)", path, i + 1);
			g_array_unref(out);
			return FALSE;
		}
		g_array_append_val(out, e);
	}
	*entries = out;
	return TRUE;
}

/* Reads one page (zeros past the end of the file). */
static gboolean
read_page(int fd, const char *path, guint64 offset, guint8 *buf, GError **error)
{
	gsize done = 0;

	while (done < PCS_DEV_PAGE_BYTES) {
		ssize_t r = pread(fd, buf + done, PCS_DEV_PAGE_BYTES - done,
				  (off_t) (offset + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_IO,
				    "%s: read at offset %" G_GUINT64_FORMAT ": %s", path, offset,
				    g_strerror(errno));
			return FALSE;
		}
		if (r == 0)
			break;
		done += (gsize) r;
	}
	memset(buf + done, 0, PCS_DEV_PAGE_BYTES - done);
	return TRUE;
}

gboolean
pcs_device_check_file(const char *path, PcsDeviceCheck *out, GError **error)
{
	g_autoptr(GArray) entries = NULL;
	gboolean stamped, reused;
	guint64 words[WORDS];
	guint8 *buf = (guint8 *) words;
	int fd;

	memset(out, 0, sizeof *out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN, "%s: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	if (!pcs_dev_journal_read(path, &stamped, &reused, &entries, error)) {
		close(fd);
		return FALSE;
	}
	out->problems = g_array_new(FALSE, FALSE, sizeof(PcsDeviceCheckPage));
	out->stamped = stamped;
	for (guint i = 0; i < entries->len; i++) {
		const PcsDevJournalEntry *e = &g_array_index(entries, PcsDevJournalEntry, i);
		PcsDeviceCheckPage p = {
			.file = e->file, .page = e->page, .offset_bytes = e->offset_bytes,
			.dirtied = e->dirtied, .written = e->written,
		};
		gboolean held;

		if (!read_page(fd, path, e->offset_bytes, buf, error)) {
			close(fd);
			pcs_device_check_clear(out);
			return FALSE;
		}
		out->nr_pages++;
		/* What the device should hold is generation written; a page never written on
		 * a reused device holds whatever was there before: not checkable. */
		held = (reused && e->written == 0) ||
		       pcs_dev_check(buf, e->file, e->page, e->written, stamped, p.why,
				     sizeof p.why);
		if (!held) {
			p.state = PCS_DEVICE_CHECK_CORRUPT;
			out->nr_corrupt++;
		} else if (e->written < e->dirtied) {
			p.state = PCS_DEVICE_CHECK_LOST;
			g_snprintf(p.why, sizeof p.why, "holds generation %u of %u", e->written,
				   e->dirtied);
			out->nr_lost++;
		} else {
			out->nr_match++;
			continue;
		}
		g_array_append_val(out->problems, p);
	}
	close(fd);
	return TRUE;
}

void
pcs_device_check_clear(PcsDeviceCheck *c)
{
	if (c->problems)
		g_array_unref(c->problems);
	memset(c, 0, sizeof *c);
}
