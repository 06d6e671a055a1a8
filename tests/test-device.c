/*
 * test-device.c - the simulated block device (sim/device.c, device-model.c,
 * device-verify.c).
 *
 * Latency figures are derived in the comments from the model's formulas (device-model.c)
 * with the documented defaults; sizes are binary, so bw=500M is 524288000 bytes/s and one
 * 4 KiB page takes 4096e9 / 524288000 = 7812.5 -> 7812 ns to transfer. The data tests run on
 * real backing files in a private directory, which main() also makes the process's TMPDIR,
 * so the temporary device's "nothing left behind" is checked on a directory no one else
 * writes to.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testutil.h"
#include <pcsim/config.h>
#include <pcsim/device.h>
#include <pcsim/stats.h>

#define PG 4096

static char *tmp_dir;  /* the private TMPDIR, made by main() */

static PcsConfig
config(gboolean data, gboolean verify, guint model)
{
	PcsConfig cfg;

	pcs_config_init(&cfg);
	cfg.data = data;
	cfg.verify = verify;
	cfg.device_model = model;
	return cfg;
}

/* A device that must open. */
static PcsDevice *
open_dev(const PcsConfig *cfg, const PcsDeviceSpec *spec, guint32 nr_frames)
{
	GError *error = NULL;
	PcsDevice *d = pcs_device_new(cfg, spec, nr_frames, &error);

	tu_assert_no_error(d != NULL, error);
	return d;
}

static PcsStats
stats_of(const PcsDevice *d)
{
	PcsStats s;

	pcs_stats_init(&s);
	pcs_device_stats(d, &s);
	return s;
}

/* A fresh path in the private directory (not created). */
static char *
dev_path(const char *name)
{
	return g_build_filename(tmp_dir, name, NULL);
}

static void
remove_device(const char *path)
{
	g_autofree char *journal = pcs_device_journal_path(path);

	g_unlink(path);
	g_unlink(journal);
}

static guint32 slots[2048];

static void
init_slots(void)
{
	for (guint32 i = 0; i < G_N_ELEMENTS(slots); i++)
		slots[i] = i;
}

/* --- latency models ------------------------------------------------------------------ */

/* ssd defaults: read 100us, write 40us, 500M/s. One page: 100000 + 7812 = 107812 ns;
 * three pages: 100000 + 12288e9 / 524288000 (23437.5) = 123437; a write of one page:
 * 40000 + 7812 = 47812. */
static void
test_model_ssd(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_SSD);
	g_autoptr(PcsDevice) d = open_dev(&cfg, NULL, 0);
	PcsStats s;

	assert_int_equal(pcs_device_read(d, 0, 0, 1, slots), 107812);
	assert_int_equal(pcs_device_read(d, 0, 10, 3, slots), 123437);
	assert_int_equal(pcs_device_write(d, 0, 20, 1, slots), 47812);
	s = stats_of(d);
	assert_int_equal(s.dev_busy_ns, 107812 + 123437 + 47812);
	assert_int_equal(s.dev_read_ios, 2);
	assert_int_equal(s.dev_write_ios, 1);
	assert_int_equal(pcs_device_write_bandwidth(d), 524288000);
}

/* nvme defaults: read 20us, write 15us, 3G/s (3221225472 B/s): a page takes 4096e9 /
 * 3221225472 = 1271.6 -> 1271 ns; read 21271, write 16271. Model none: 0, and no bandwidth
 * limit. */
static void
test_model_nvme_none(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_NVME);
	PcsConfig none = config(FALSE, FALSE, PCS_DEVICE_MODEL_NONE);
	g_autoptr(PcsDevice) d = open_dev(&cfg, NULL, 0);
	g_autoptr(PcsDevice) z = open_dev(&none, NULL, 0);

	assert_int_equal(pcs_device_read(d, 0, 0, 1, slots), 21271);
	assert_int_equal(pcs_device_write(d, 0, 7, 1, slots), 16271);
	assert_int_equal(pcs_device_write_bandwidth(d), G_GUINT64_CONSTANT (3221225472));
	assert_int_equal(pcs_device_read(z, 0, 0, 320, slots), 0);
	assert_int_equal(stats_of(z).dev_read_ios, 1);
	assert_true(pcs_device_write_bandwidth(z) == G_MAXUINT64);
}

/*
 * hdd, cap=1G, a sequential run of 4 x 1280K (max_io) from 256 MiB on a block device:
 *   seek: full = track + (seek - track) * 15/8 = 0.5ms + 7.5ms * 15/8 = 14.5625 ms; the head
 *         starts at 0, d / cap = 1/4, sqrt = 1/2: 500000 + 14062500 / 2 = 7531250 ns
 *   rotation: 30e9 / 7200 = 4166666 ns
 *   transfer: 1310720e9 / 157286400 (150M) = 8333333.3 -> 8333333 ns per I/O
 * total = 7531250 + 4166666 + 4 * 8333333 = 45031248, and 3 of the 4 I/Os are sequential.
 */
static void
test_model_hdd_sequential_run(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_HDD);
	PcsDeviceSpec spec = { .params = "cap=1G" };
	g_autoptr(PcsDevice) d = open_dev(&cfg, &spec, 0);
	guint64 first = (256u << 20) / PG;
	PcsStats s;

	pcs_device_set_block_level(d, TRUE);
	assert_int_equal(pcs_device_read(d, 0, first, 4 * 320, slots), 45031248);
	s = stats_of(d);
	assert_int_equal(s.dev_read_ios, 4);
	assert_int_equal(s.dev_seq_ios, 3);
	/* The next run continues where that one ended: transfer only (1 page: 4096e9 /
	 * 157286400 = 26041.7 -> 26041). */
	assert_int_equal(pcs_device_read(d, 0, first + 1280, 1, slots), 26041);
	assert_int_equal(pcs_device_write_bandwidth(d), 157286400);
}

/* hdd seek by distance and overrides: the first I/O at address 0 (head at 0) has no seek:
 * rotation + transfer = 4166666 + 26041 = 4192707; then 1 GiB away (head at 4096, I/O at
 * 1G + 4096: d / cap = 1) is a full stroke: 14562500 + 4166666 + 26041 = 18755207. With
 * rpm=5400: rotation 30e9 / 5400 = 5555555; with track=1ms,seek=9ms: full = 1ms + 8ms *
 * 15/8 = 16 ms. */
static void
test_model_hdd_seek_and_params(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_HDD);
	PcsDeviceSpec spec = { .params = "cap=1G" };
	PcsDeviceSpec slow = { .params = "cap=1G,rpm=5400,track=1ms,seek=9ms" };
	g_autoptr(PcsDevice) d = open_dev(&cfg, &spec, 0);
	g_autoptr(PcsDevice) e = open_dev(&cfg, &slow, 0);

	pcs_device_set_block_level(d, TRUE);
	pcs_device_set_block_level(e, TRUE);
	assert_int_equal(pcs_device_read(d, 0, 0, 1, slots), 4192707);
	assert_int_equal(pcs_device_read(d, 0, (1u << 30) / PG + 1, 1, slots), 18755207);
	assert_int_equal(pcs_device_read(e, 0, 0, 1, slots), 5555555 + 26041);
	assert_int_equal(pcs_device_read(e, 0, (1u << 30) / PG + 1, 1, slots),
			 16000000 + 5555555 + 26041);
}

/* --device-size becomes the hdd's cap unless cap is given: a 4 GiB device makes the same
 * 1 GiB seek a quarter stroke (7531250), as in the sequential-run test. */
static void
test_model_hdd_cap_from_device_size(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_HDD);
	PcsDeviceSpec spec = { .size_bytes = (guint64) 4 << 30 };
	g_autoptr(PcsDevice) d = open_dev(&cfg, &spec, 0);

	pcs_device_set_block_level(d, TRUE);
	assert_int_equal(pcs_device_read(d, 0, (1u << 30) / PG, 1, slots),
			 7531250 + 4166666 + 26041);
}

static void
expect_param_error(guint model, const char *params, const char *const *needles)
{
	PcsConfig cfg = config(FALSE, FALSE, model);
	PcsDeviceSpec spec = { .params = params };
	GError *error = NULL;

	assert_null(pcs_device_new(&cfg, &spec, 0, &error));
	assert_non_null(error);
	assert_true(g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM));
	for (; *needles; needles++)
		if (!strstr(error->message, *needles))
			fail_msg("'%s' not in '%s'", *needles, error->message);
	g_error_free(error);
}

static void
test_model_bad_params(void **state)
{
	static const char *const unknown[] = { "'rpm'", "ssd", "read=100us, write=40us, bw=500M",
					       NULL };
	static const char *const bad_value[] = { "seek=fast", "'fast'", "seek=8ms, track=0.5ms",
						 NULL };
	static const char *const zero[] = { "bw=0", "above 0", NULL };
	static const char *const no_eq[] = { "KEY=VALUE", "'seek'", NULL };
	static const char *const none[] = { "'bw'", "model none", "keys: none", NULL };

	expect_param_error(PCS_DEVICE_MODEL_SSD, "read=10us,rpm=7200", unknown);
	expect_param_error(PCS_DEVICE_MODEL_HDD, "seek=fast", bad_value);
	expect_param_error(PCS_DEVICE_MODEL_NVME, "bw=0", zero);
	expect_param_error(PCS_DEVICE_MODEL_HDD, "seek", no_eq);
	expect_param_error(PCS_DEVICE_MODEL_NONE, "bw=1G", none);
}

/* p99 from the log histogram: 100 one-page writes (47812 ns) and one 1280K read (100000 +
 * 1310720e9 / 524288000 = 2600000): ceil(0.99 * 101) = 100 I/Os are at most the writes'
 * bucket, whose top is ((9 + 3) << 12) - 1 = 49151 (47812 = 11.67 * 4096, 2^15 <= 47812 <
 * 2^16, sub-bucket 11 & 7 = 3). With the read alone, the p99 is exact (clamped to the max). */
static void
test_latency_p99(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_SSD);
	g_autoptr(PcsDevice) d = open_dev(&cfg, NULL, 0);
	g_autoptr(PcsDevice) e = open_dev(&cfg, NULL, 0);

	assert_int_equal(pcs_device_read(e, 0, 0, 320, slots), 2600000);
	assert_int_equal(stats_of(e).dev_lat_p99_ns, 2600000);
	for (guint i = 0; i < 100; i++)
		pcs_device_write(d, 1, 2 * i, 1, slots);
	pcs_device_read(d, 0, 0, 320, slots);
	assert_int_equal(stats_of(d).dev_lat_p99_ns, 49151);
	assert_int_equal(stats_of(d).dev_busy_ns, 100 * 47812 + 2600000);
}

/* --- layout and I/O splitting ----------------------------------------------------------- */

/* max_io 16K: a run of 10 pages is I/Os of 4, 4, 2 pages (two 16K in bucket 2, one 8K in
 * bucket 1), the 2nd and 3rd sequential. Extents: file 0 page 255 takes file pages 0..255,
 * file 1 page 0 the next MiB (256..511), so file 0 pages 254..257 are [254, 255] and
 * [512, 513]: two I/Os, the first not sequential (the head is at 257 after file 1). */
static void
test_split_and_histogram(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_NONE);
	g_autoptr(PcsDevice) d = NULL;
	g_autoptr(PcsDevice) e = NULL;
	PcsStats s;

	cfg.max_io_bytes = 16384;
	d = open_dev(&cfg, NULL, 0);
	pcs_device_write(d, 7, 0, 10, slots);
	s = stats_of(d);
	assert_int_equal(s.dev_write_ios, 3);
	assert_int_equal(s.dev_write_bytes, 10 * PG);
	assert_int_equal(s.dev_write_hist[2], 2);
	assert_int_equal(s.dev_write_hist[1], 1);
	assert_int_equal(s.dev_write_hist[0], 0);
	assert_int_equal(s.dev_seq_ios, 2);
	assert_int_equal(s.dev_ios, 3);

	/* Each file's extents come from a reservation of its own (16 extents first): file 0's
	 * extents 0 and 1 are model pages 0 and 256 even though file 1 (at 4096) came between,
	 * so pages 254..257 are one I/O; file 1 is 16 MiB away, not sequential. */
	e = open_dev(&cfg, NULL, 0);
	pcs_device_read(e, 0, 255, 1, slots);
	pcs_device_read(e, 1, 0, 1, slots);
	pcs_device_read(e, 0, 254, 4, slots);
	s = stats_of(e);
	assert_int_equal(s.dev_read_ios, 3);
	assert_int_equal(s.dev_read_hist[2], 1);
	assert_int_equal(s.dev_read_hist[0], 2);
	assert_int_equal(s.dev_seq_ios, 0);
}

/* Block level: volume offsets are the model's addresses (volume v at v * 16 TiB), so a run
 * that continues a volume is sequential even across 1 MiB extents touched out of order,
 * another volume is not; an offset beyond 16 TiB is an error. */
static void
test_block_volumes(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_NONE);
	g_autoptr(PcsDevice) d = open_dev(&cfg, NULL, 0);
	PcsStats s;

	pcs_device_set_block_level(d, TRUE);
	pcs_device_read(d, 0, 1000, 1, slots);       /* extent 3 of volume 0 first */
	pcs_device_read(d, 0, 254, 4, slots);        /* extents 0 and 1: one I/O */
	pcs_device_read(d, 0, 258, 1, slots);        /* sequential */
	pcs_device_read(d, 1, 259, 1, slots);        /* volume 1: 16 TiB away */
	s = stats_of(d);
	assert_int_equal(s.dev_read_ios, 4);
	assert_int_equal(s.dev_seq_ios, 1);
	assert_null(pcs_device_error(d));
	pcs_device_read(d, 2, PCS_DEVICE_VOLUME_SPAN / PG, 1, slots);
	assert_non_null(pcs_device_error(d));
	assert_true(g_error_matches(pcs_device_error(d), PCS_DEVICE_ERROR,
				    PCS_DEVICE_ERROR_NOSPACE));
}

/* --device-size: 1 MiB holds one extent; a second file's first touch goes beyond it. */
static void
test_capacity(void **state)
{
	PcsConfig cfg = config(FALSE, FALSE, PCS_DEVICE_MODEL_NONE);
	PcsDeviceSpec spec = { .size_bytes = 1 << 20 };
	g_autoptr(PcsDevice) d = open_dev(&cfg, &spec, 0);
	const GError *error;

	pcs_device_read(d, 0, 0, 256, slots);
	assert_null(pcs_device_error(d));
	pcs_device_read(d, 1, 0, 1, slots);
	error = pcs_device_error(d);
	assert_non_null(error);
	assert_true(g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_NOSPACE));
	assert_non_null(strstr(error->message, "file 1 page 0 (device offset 1048576) is beyond "
			       "--device-size 1048576 bytes"));
	assert_int_equal(stats_of(d).dev_read_ios, 2);  /* counting goes on */
}

/* --- the data path ---------------------------------------------------------------------- */

typedef struct {
	guint  nr;
	char  *first;
} Reports;

static void
on_report(const char *msg, gpointer user)
{
	Reports *r = user;

	if (r->nr++ == 0)
		r->first = g_strdup(msg);
}

/* A --verify device on a new file of the private directory, its mismatches into rep. */
static PcsDevice *
open_verified(const char *path, guint32 nr_frames, Reports *rep)
{
	PcsConfig cfg = config(TRUE, TRUE, PCS_DEVICE_MODEL_NONE);
	PcsDeviceSpec spec = { .path = path };
	PcsDevice *d = open_dev(&cfg, &spec, nr_frames);

	pcs_device_set_report(d, on_report, rep);
	return d;
}

/* Frees d, the first report and the device's files. */
static void
close_verified(PcsDevice *d, const char *path, Reports *rep)
{
	pcs_device_free(d);
	g_free(rep->first);
	remove_device(path);
}

static void
pwrite_byte(const char *path, guint64 offset, guint8 byte)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &byte, 1, (off_t) offset), 1);
	close(fd);
}

/* Pages written back come back byte for byte into other frames; verify is clean; one byte
 * changed behind the device's back is one verify error naming that page and offset. File 3
 * is the first file touched: its page p lives at offset p * 4096. */
static void
test_data_round_trip_and_verify(void **state)
{
	g_autofree char *path = dev_path("round-trip.dev");
	Reports rep = { 0 };
	PcsDevice *d = open_verified(path, 16, &rep);
	guint8 gen2[PG];
	PcsStats s;

	for (guint32 p = 0; p < 8; p++)
		pcs_device_dirty(d, p, 3, p);
	pcs_device_dirty(d, 2, 3, 2);  /* page 2 at generation 2 */
	pcs_device_write(d, 3, 0, 8, slots);
	pcs_device_read(d, 3, 0, 8, slots + 8);
	assert_null(pcs_device_error(d));
	s = stats_of(d);
	assert_int_equal(s.verify_errors, 0);
	assert_int_equal(s.dev_write_ios, 1);
	assert_int_equal(s.dev_read_ios, 1);
	for (guint32 p = 0; p < 8; p++)
		assert_memory_equal(pcs_device_frame(d, p), pcs_device_frame(d, 8 + p), PG);
	/* distinct contents: pages differ, and generation 2 of page 2 is not generation 1 */
	assert_memory_not_equal(pcs_device_frame(d, 1), pcs_device_frame(d, 3), PG);
	memcpy(gen2, pcs_device_frame(d, 2), PG);
	pcs_device_dirty(d, 2, 3, 2);
	assert_memory_not_equal(gen2, pcs_device_frame(d, 2), PG);

	pwrite_byte(path, 5 * PG + 100, pcs_device_frame(d, 5)[100] ^ 0xff);
	pcs_device_read(d, 3, 4, 3, slots + 8);  /* pages 4, 5, 6 */
	assert_int_equal(stats_of(d).verify_errors, 1);
	assert_int_equal(rep.nr, 1);
	assert_non_null(strstr(rep.first, "file 3 page 5 (device offset 20480): checksum "
			       "mismatch (generation 1)"));
	close_verified(d, path, &rep);
}

/* A page never written reads as zeros and verifies clean; a page written with generation 2
 * and later overwritten by an older copy (generation 1 of the same page) is caught. */
static void
test_verify_generation(void **state)
{
	g_autofree char *path = dev_path("generation.dev");
	Reports rep = { 0 };
	PcsDevice *d = open_verified(path, 4, &rep);
	guint8 old[PG];
	int fd;

	pcs_device_read(d, 9, 100, 1, slots);
	assert_int_equal(stats_of(d).verify_errors, 0);
	pcs_device_dirty(d, 0, 9, 0);
	pcs_device_write(d, 9, 0, 1, slots);
	fd = open(path, O_RDWR);
	assert_int_equal(pread(fd, old, PG, 0), PG);
	pcs_device_dirty(d, 0, 9, 0);
	pcs_device_write(d, 9, 0, 1, slots);
	assert_int_equal(pwrite(fd, old, PG, 0), PG);  /* the stale version comes back */
	close(fd);
	pcs_device_read(d, 9, 0, 1, slots + 1);
	assert_int_equal(stats_of(d).verify_errors, 1);
	assert_non_null(strstr(rep.first, "file 9 page 0 (device offset 0): generation 1, "
			       "expected 2"));
	close_verified(d, path, &rep);
}

/* The extent table starts at 1024 slots and doubles at half full: 3000 extents of 10 files
 * make it grow three times. Pages written before the growth are still found where they were
 * written: each comes back byte for byte (a lost extent would be laid out afresh and read
 * back as zeros), verify stays clean, and the reads place nothing new in the backing file. */
static void
test_extent_table_growth(void **state)
{
	g_autofree char *path = dev_path("growth.dev");
	Reports rep = { 0 };
	PcsDevice *d = open_verified(path, 2, &rep);
	static guint8 early[8][PG];
	struct stat st_before, st_after;

	for (guint32 k = 0; k < 3000; k++) {
		guint32 file = k % 10;
		guint64 page = (guint64) (k / 10) * 256 + file;

		pcs_device_dirty(d, 0, file, page);
		pcs_device_write(d, file, page, 1, slots);
		if (k < G_N_ELEMENTS(early))
			memcpy(early[k], pcs_device_frame(d, 0), PG);
	}
	assert_int_equal(stat(path, &st_before), 0);
	for (guint32 k = 0; k < 3000; k++) {
		guint32 file = k % 10;
		guint64 page = (guint64) (k / 10) * 256 + file;

		pcs_device_read(d, file, page, 1, slots + 1);
		if (k < G_N_ELEMENTS(early))
			assert_memory_equal(pcs_device_frame(d, 1), early[k], PG);
	}
	assert_int_equal(stat(path, &st_after), 0);
	assert_int_equal(st_after.st_size, st_before.st_size);
	assert_null(pcs_device_error(d));
	assert_int_equal(stats_of(d).verify_errors, 0);
	close_verified(d, path, &rep);
}

/* Messages stop at PCS_DEVICE_MAX_REPORTS, plus one line saying so; counting goes on. */
static void
test_verify_report_cap(void **state)
{
	g_autofree char *path = dev_path("cap.dev");
	Reports rep = { 0 };
	PcsDevice *d = open_verified(path, 32, &rep);
	int fd;
	guint8 junk[32 * PG];

	for (guint32 p = 0; p < 32; p++)
		pcs_device_dirty(d, p, 0, p);
	pcs_device_write(d, 0, 0, 32, slots);
	memset(junk, 0x5a, sizeof junk);
	fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, junk, sizeof junk, 0), (ssize_t) sizeof junk);
	close(fd);
	pcs_device_read(d, 0, 0, 32, slots);
	assert_int_equal(stats_of(d).verify_errors, 32);
	assert_int_equal(rep.nr, PCS_DEVICE_MAX_REPORTS + 1);
	assert_non_null(strstr(rep.first, "file 0 page 0 (device offset 0): no verify header"));
	close_verified(d, path, &rep);
}

/* The same calls with --data on and off: every counter the same (wall time is not one). */
static void
run_sequence(PcsDevice *d)
{
	for (guint32 p = 0; p < 40; p++)
		pcs_device_dirty(d, p, p % 3, p);
	pcs_device_write(d, 0, 0, 40, slots);
	pcs_device_write(d, 1, 1, 3, slots);
	pcs_device_read(d, 2, 0, 100, slots + 100);
	pcs_device_read(d, 0, 600, 2, slots + 300);
	pcs_device_direct(d, TRUE, 4, 10, 30);
	pcs_device_direct(d, FALSE, 4, 0, 50);
	pcs_device_zero(d, 5);
	pcs_device_read(d, 0, 0, 400, slots);
}

static void
test_data_on_off_same_counters(void **state)
{
	PcsConfig on = config(TRUE, TRUE, PCS_DEVICE_MODEL_HDD);
	PcsConfig off = config(FALSE, FALSE, PCS_DEVICE_MODEL_HDD);
	g_autoptr(PcsDevice) a = NULL;
	g_autoptr(PcsDevice) b = NULL;
	PcsStats sa, sb;

	on.max_io_bytes = off.max_io_bytes = 64 * 1024;
	a = open_dev(&on, NULL, 1024);
	b = open_dev(&off, NULL, 0);
	pcs_device_time_calls(a, TRUE);
	pcs_device_time_calls(b, TRUE);
	run_sequence(a);
	run_sequence(b);
	assert_null(pcs_device_error(a));
	sa = stats_of(a);
	sb = stats_of(b);
	assert_int_equal(sa.verify_errors, 0);
	assert_true(sa.dev_read_ios > 8 && sa.dev_busy_ns > 0);
	assert_memory_equal(&sa, &sb, sizeof sa);
	/* wall time is the one figure that differs: real syscalls take time */
	assert_true(pcs_device_wall_ns(a) > 0);
	assert_int_equal(pcs_device_wall_ns(b), 0);
}

/* Syscalls are timed only when asked (two clock reads each): off by default. */
static void
test_wall_time_only_when_asked(void **state)
{
	PcsConfig on = config(TRUE, FALSE, PCS_DEVICE_MODEL_SSD);
	g_autoptr(PcsDevice) d = open_dev(&on, NULL, 1024);

	run_sequence(d);
	assert_null(pcs_device_error(d));
	assert_int_equal(pcs_device_wall_ns(d), 0);
	pcs_device_time_calls(d, TRUE);
	run_sequence(d);
	assert_true(pcs_device_wall_ns(d) > 0);
}

/* Direct I/O moves data between the device and the scratch buffer: a direct write makes a
 * new generation on the device, read back clean by a direct and a buffered read. */
static void
test_direct(void **state)
{
	PcsConfig cfg = config(TRUE, TRUE, PCS_DEVICE_MODEL_NVME);
	g_autoptr(PcsDevice) d = open_dev(&cfg, NULL, 8);
	PcsStats s;

	pcs_device_direct(d, TRUE, 1, 0, 600);   /* 1280K max_io: 320 + 280 pages */
	pcs_device_direct(d, FALSE, 1, 0, 600);
	pcs_device_read(d, 1, 300, 8, slots);
	s = stats_of(d);
	assert_null(pcs_device_error(d));
	assert_int_equal(s.verify_errors, 0);
	assert_int_equal(s.dev_write_ios, 2);
	assert_int_equal(s.dev_read_ios, 3);
	/* 1280K and 1120K: both above 1 MiB, the last bucket */
	assert_int_equal(s.dev_write_hist[PCS_IO_HIST_BUCKETS - 1], 2);
	assert_int_equal(s.dev_write_bytes, 600 * PG);
	assert_int_equal(s.dev_read_bytes, 608 * PG);
}

/* --- the backing file ------------------------------------------------------------------- */

static GPtrArray *
listing(const char *dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	assert_non_null(d);
	while ((n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	return names;
}

/* The temporary device has no name in TMPDIR while open, and none after. */
static void
test_temporary_leaves_nothing(void **state)
{
	PcsConfig cfg = config(TRUE, FALSE, PCS_DEVICE_MODEL_SSD);
	g_autoptr(GPtrArray) before = listing(tmp_dir);
	g_autoptr(GPtrArray) during = NULL;
	g_autoptr(GPtrArray) after = NULL;
	PcsDevice *d = open_dev(&cfg, NULL, 4);

	pcs_device_dirty(d, 0, 0, 0);
	pcs_device_write(d, 0, 0, 1, slots);
	assert_null(pcs_device_error(d));
	assert_non_null(strstr(pcs_device_path(d), tmp_dir));
	during = listing(tmp_dir);
	pcs_device_free(d);
	after = listing(tmp_dir);
	assert_int_equal(during->len, before->len);
	assert_int_equal(after->len, before->len);
}

static gchar *
read_all(const char *path, gsize *len)
{
	gchar *text = NULL;

	assert_true(g_file_get_contents(path, &text, len, NULL));
	return text;
}

/* An existing file is refused without reuse, byte for byte untouched; with reuse, only the
 * pages the trace addresses change (file 0 page 1: the first extent, offset 4096). */
static void
test_existing_file(void **state)
{
	g_autofree char *path = dev_path("existing.dev");
	g_autofree char *before = g_malloc(3 * PG);
	g_autofree char *after = NULL;
	PcsConfig cfg = config(TRUE, FALSE, PCS_DEVICE_MODEL_SSD);
	PcsDeviceSpec spec = { .path = path };
	GError *error = NULL;
	PcsDevice *d;
	gsize len;

	memset(before, 'A', 3 * PG);
	assert_true(g_file_set_contents(path, before, 3 * PG, NULL));
	assert_null(pcs_device_new(&cfg, &spec, 4, &error));
	assert_true(g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN));
	assert_non_null(strstr(error->message, "existing.dev exists; pass --device-reuse to use "
			       "it"));
	g_clear_error(&error);
	after = read_all(path, &len);
	assert_int_equal(len, 3 * PG);
	assert_memory_equal(after, before, 3 * PG);
	g_free(g_steal_pointer(&after));

	spec.reuse = TRUE;
	d = open_dev(&cfg, &spec, 4);
	pcs_device_dirty(d, 2, 0, 1);
	pcs_device_write(d, 0, 1, 1, slots + 2);
	pcs_device_free(d);
	after = read_all(path, &len);
	assert_int_equal(len, 3 * PG);
	assert_memory_equal(after, before, PG);
	assert_memory_not_equal(after + PG, before + PG, PG);
	assert_memory_equal(after + 2 * PG, before + 2 * PG, PG);
	remove_device(path);
}

/* A directory, a path in a missing directory, an unwritable directory: clear errors
 * naming the path. */
static void
test_bad_paths(void **state)
{
	g_autofree char *missing = dev_path("no/such/dir/dev");
	g_autofree char *ro_dir = dev_path("read-only");
	g_autofree char *ro_file = g_build_filename(ro_dir, "dev", NULL);
	PcsConfig cfg = config(TRUE, FALSE, PCS_DEVICE_MODEL_SSD);
	PcsDeviceSpec spec = { .path = tmp_dir };
	GError *error = NULL;

	assert_null(pcs_device_new(&cfg, &spec, 4, &error));
	assert_non_null(strstr(error->message, "is a directory"));
	assert_non_null(strstr(error->message, tmp_dir));
	g_clear_error(&error);
	spec.path = missing;
	assert_null(pcs_device_new(&cfg, &spec, 4, &error));
	assert_non_null(strstr(error->message, "no/such/dir/dev: No such file or directory"));
	g_clear_error(&error);
	if (geteuid() != 0) {  /* root writes anywhere */
		assert_int_equal(g_mkdir(ro_dir, 0500), 0);
		spec.path = ro_file;
		assert_null(pcs_device_new(&cfg, &spec, 4, &error));
		assert_non_null(strstr(error->message, "Permission denied"));
		g_clear_error(&error);
		g_rmdir(ro_dir);
	}
	/* --verify without data has nothing to check */
	cfg.data = FALSE;
	cfg.verify = TRUE;
	spec.path = NULL;
	assert_null(pcs_device_new(&cfg, &spec, 4, &error));
	assert_true(g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM));
	g_clear_error(&error);
}

/* A file size limit (RLIMIT_FSIZE 64K, SIGXFSZ ignored) makes writes past 64K fail with
 * EFBIG: the device records a NOSPACE error naming the file, page and offset, moves no more
 * data, and the process lives on. In a child, so the limit stays there. */
static void
test_file_too_large(void **state)
{
	g_autofree char *path = dev_path("fsize.dev");
	pid_t pid;
	int status = 0;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		PcsConfig cfg = config(TRUE, FALSE, PCS_DEVICE_MODEL_SSD);
		PcsDeviceSpec spec = { .path = path };
		struct rlimit rl = { 64 * 1024, 64 * 1024 };
		PcsDevice *d;
		const GError *e;
		int bad = 0;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(3);
		d = pcs_device_new(&cfg, &spec, 32, NULL);
		if (!d)
			_exit(4);
		for (guint32 p = 0; p < 32; p++)
			pcs_device_dirty(d, p, 0, p);
		pcs_device_write(d, 0, 0, 8, slots);       /* 0..32K: fine */
		bad |= pcs_device_error(d) != NULL;
		pcs_device_write(d, 0, 8, 4, slots + 8);   /* 32K..48K: fine */
		pcs_device_write(d, 0, 16, 16, slots + 16); /* 64K..128K: EFBIG */
		e = pcs_device_error(d);
		bad |= !e || !g_error_matches(e, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_NOSPACE);
		bad |= e && !strstr(e->message, "fsize.dev: write of file 0 page 16 (device offset "
				    "65536): File too large");
		pcs_device_write(d, 0, 12, 4, slots + 12);  /* after an error: no data moves */
		bad |= stats_of(d).dev_write_ios != 4;
		if (e && bad)
			fprintf(stderr, "# %s\n", e->message);
		pcs_device_free(d);
		_exit(bad ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	{
		struct stat st;

		/* only the first 48K reached the file: pages 12..15 never moved */
		assert_int_equal(g_stat(path, &st), 0);
		assert_int_equal(st.st_size, 48 * 1024);
	}
	remove_device(path);
}

/* --- the journal and pcsim verify ------------------------------------------------------- */

/* Ten pages dirtied, six written back, then page 2 dirtied again and the run stops: the
 * journal lists 10 pages; 5 match (0, 1, 3, 4, 5), 5 are lost (2 and 6..9: dirty at the
 * stop). Then one byte of page 3 changes: corrupt. */
static void
check_journal(gboolean verify)
{
	g_autofree char *path = dev_path(verify ? "journal-v.dev" : "journal.dev");
	PcsConfig cfg = config(TRUE, verify, PCS_DEVICE_MODEL_SSD);
	PcsDeviceSpec spec = { .path = path };
	PcsDevice *d = open_dev(&cfg, &spec, 16);
	static const guint64 lost[] = { 2, 6, 7, 8, 9 };
	GError *error = NULL;
	PcsDeviceCheck c;

	for (guint32 p = 0; p < 10; p++)
		pcs_device_dirty(d, p, 4, p);
	pcs_device_write(d, 4, 0, 6, slots);
	pcs_device_dirty(d, 2, 4, 2);
	pcs_device_free(d);

	tu_assert_no_error(pcs_device_check_file(path, &c, &error), error);
	assert_int_equal(c.stamped, verify);
	assert_int_equal(c.nr_pages, 10);
	assert_int_equal(c.nr_match, 5);
	assert_int_equal(c.nr_lost, 5);
	assert_int_equal(c.nr_corrupt, 0);
	assert_int_equal(c.problems->len, 5);
	for (guint i = 0; i < 5; i++) {
		PcsDeviceCheckPage *p = &g_array_index(c.problems, PcsDeviceCheckPage, i);

		assert_int_equal(p->state, PCS_DEVICE_CHECK_LOST);
		assert_int_equal(p->file, 4);
		assert_int_equal(p->page, lost[i]);
		assert_int_equal(p->offset_bytes, lost[i] * PG);
	}
	assert_string_equal(g_array_index(c.problems, PcsDeviceCheckPage, 0).why,
			    "holds generation 1 of 2");
	assert_string_equal(g_array_index(c.problems, PcsDeviceCheckPage, 1).why,
			    "holds generation 0 of 1");
	pcs_device_check_clear(&c);

	pwrite_byte(path, 3 * PG + 4000, 0x11);
	tu_assert_no_error(pcs_device_check_file(path, &c, &error), error);
	assert_int_equal(c.nr_match, 4);
	assert_int_equal(c.nr_corrupt, 1);
	/* in journal order: page 2 (lost), then page 3 */
	assert_int_equal(g_array_index(c.problems, PcsDeviceCheckPage, 1).state,
			 PCS_DEVICE_CHECK_CORRUPT);
	assert_int_equal(g_array_index(c.problems, PcsDeviceCheckPage, 1).page, 3);
	assert_string_equal(g_array_index(c.problems, PcsDeviceCheckPage, 1).why,
			    verify ? "checksum mismatch (generation 1)" :
			    "byte 4000 differs from generation 1");
	pcs_device_check_clear(&c);
	remove_device(path);
}

static void
test_journal_lost_pages(void **state)
{
	check_journal(TRUE);
}

static void
test_journal_lost_pages_unstamped(void **state)
{
	check_journal(FALSE);
}

/* Discarded dirty pages (truncate) are not lost; no journal without one; a malformed
 * journal names its line. */
static void
test_journal_discard_and_errors(void **state)
{
	g_autofree char *path = dev_path("discard.dev");
	g_autofree char *journal = pcs_device_journal_path(path);
	PcsConfig cfg = config(TRUE, FALSE, PCS_DEVICE_MODEL_SSD);
	PcsDeviceSpec spec = { .path = path };
	PcsDevice *d = open_dev(&cfg, &spec, 4);
	GError *error = NULL;
	PcsDeviceCheck c;

	pcs_device_dirty(d, 0, 1, 0);
	pcs_device_dirty(d, 1, 1, 1);
	pcs_device_write(d, 1, 0, 1, slots);
	pcs_device_dirty(d, 0, 1, 0);
	pcs_device_discard(d, 1, 0, 2);  /* page 0 back to generation 1, page 1 never was */
	pcs_device_free(d);
	tu_assert_no_error(pcs_device_check_file(path, &c, &error), error);
	assert_int_equal(c.nr_pages, 1);
	assert_int_equal(c.nr_match, 1);
	pcs_device_check_clear(&c);

	assert_true(g_file_set_contents(journal, "pcsim-device-journal 1\nstamped 0\nreused 0\n"
					"1 0 4096 1\n", -1, NULL));
	assert_false(pcs_device_check_file(path, &c, &error));
	assert_true(g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_VERIFY));
	assert_non_null(strstr(error->message, "discard.dev.pcsim-journal:4: expected"));
	g_clear_error(&error);
	g_unlink(journal);
	assert_false(pcs_device_check_file(path, &c, &error));
	assert_true(g_error_matches(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN));
	g_clear_error(&error);
	remove_device(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_ssd),
		cmocka_unit_test(test_model_nvme_none),
		cmocka_unit_test(test_model_hdd_sequential_run),
		cmocka_unit_test(test_model_hdd_seek_and_params),
		cmocka_unit_test(test_model_hdd_cap_from_device_size),
		cmocka_unit_test(test_model_bad_params),
		cmocka_unit_test(test_latency_p99),
		cmocka_unit_test(test_split_and_histogram),
		cmocka_unit_test(test_block_volumes),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_data_round_trip_and_verify),
		cmocka_unit_test(test_verify_generation),
		cmocka_unit_test(test_verify_report_cap),
		cmocka_unit_test(test_extent_table_growth),
		cmocka_unit_test(test_data_on_off_same_counters),
		cmocka_unit_test(test_wall_time_only_when_asked),
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_temporary_leaves_nothing),
		cmocka_unit_test(test_existing_file),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_journal_lost_pages),
		cmocka_unit_test(test_journal_lost_pages_unstamped),
		cmocka_unit_test(test_journal_discard_and_errors),
	};
	int rc;

	/* A private TMPDIR, before anything asks g_get_tmp_dir() (which caches it). */
	tmp_dir = g_build_filename(g_getenv("TMPDIR") ? g_getenv("TMPDIR") : "/tmp",
				   "pcsim-test-device.XXXXXX", NULL);
	if (!g_mkdtemp(tmp_dir))
		return 99;
	g_setenv("TMPDIR", tmp_dir, TRUE);
	init_slots();
	rc = cmocka_run_group_tests_name("device", tests, NULL, NULL);
	g_rmdir(tmp_dir);
	g_free(tmp_dir);
	return rc;
}
