/*
 * test-gen.c - tests of sim/gen.c and sim/rng.h (one cmocka group: /gen).
 *
 * Everything here is deterministic: each test fixes its seed, so the statistical checks
 * either always pass or always fail. Their tolerances are still derived from the
 * distributions (5 standard deviations of a binomial count, a chi-square bound), so that a
 * change of seed or of PRNG would not turn them into coin flips.
 *
 * The golden digests pin the exact traces of a few configurations: a change to the PRNG, the
 * seeding, the Zipf arithmetic or the layout shows up here, and so does a machine or compiler
 * that computes a different bit. If a change of the traces is intended, update the digests
 * and say so in the commit (every published result made with `pcsim gen` changes with them).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include <pcsim/config.h>
#include <pcsim/gen.h>
#include "rng.h"

/* Generates every event of cfg into a new array (caller frees); files may be NULL. */
static PcsIoEvent *
gen_all(const PcsGenConfig *cfg, PcsFileTable *files, guint64 *n_out)
{
	g_autoptr(PcsFileTable) own = files ? NULL : pcs_files_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(PcsGen) g = pcs_gen_new(cfg, files ? files : own, &error);
	GArray *evs;
	PcsIoEvent ev;

	if (!g)
		fail_msg("pcs_gen_new: %s", error->message);
	evs = g_array_sized_new(FALSE, FALSE, sizeof(PcsIoEvent), (guint) MIN(cfg->requests,
									       1u << 20));
	while (pcs_gen_next(g, &ev)) {
		/* one event per request, but web's open, sendfile..., close */
		assert_true(cfg->workload == PCS_GEN_WEB || evs->len < cfg->requests);
		g_array_append_val(evs, ev);
	}
	assert_false(pcs_gen_next(g, &ev));  /* stays finished */
	*n_out = evs->len;
	return (PcsIoEvent *) g_array_free(evs, FALSE);
}

/* sha256 of the events' fields, little-endian, in order. Caller frees. */
static char *
digest(const PcsIoEvent *evs, guint64 n)
{
	GChecksum *cs = g_checksum_new(G_CHECKSUM_SHA256);
	char *hex;

	for (guint64 i = 0; i < n; i++) {
		guint64 t = GUINT64_TO_LE((guint64) evs[i].t_ns);
		guint64 off = GUINT64_TO_LE(evs[i].offset_bytes);
		guint64 len = GUINT64_TO_LE(evs[i].len_bytes);
		guint32 file = GUINT32_TO_LE(evs[i].file), stream = GUINT32_TO_LE(evs[i].stream);
		guint8 rest[4] = { evs[i].op, evs[i].advice, (guint8) evs[i].flags,
				   (guint8) (evs[i].flags >> 8) };

		g_checksum_update(cs, (const guchar *) &t, 8);
		g_checksum_update(cs, (const guchar *) &off, 8);
		g_checksum_update(cs, (const guchar *) &len, 8);
		g_checksum_update(cs, (const guchar *) &file, 4);
		g_checksum_update(cs, (const guchar *) &stream, 4);
		g_checksum_update(cs, rest, 4);
	}
	hex = g_strdup(g_checksum_get_string(cs));
	g_checksum_free(cs);
	return hex;
}

static gboolean
same_events(const PcsIoEvent *a, const PcsIoEvent *b, guint64 n)
{
	for (guint64 i = 0; i < n; i++) {
		if (a[i].t_ns != b[i].t_ns || a[i].offset_bytes != b[i].offset_bytes ||
		    a[i].len_bytes != b[i].len_bytes || a[i].file != b[i].file ||
		    a[i].stream != b[i].stream || a[i].op != b[i].op ||
		    a[i].advice != b[i].advice || a[i].flags != b[i].flags)
			return FALSE;
	}
	return TRUE;
}

/* Global page number of an event of the working set, from the layout in gen.c's essay. */
static guint64
global_page(const PcsGenConfig *cfg, const PcsFileTable *files, const PcsIoEvent *ev)
{
	guint64 small = cfg->pages / cfg->files, nr_big = cfg->pages % cfg->files, first;
	guint32 f = ev->stream;
	char name[16];

	assert_true(f < cfg->files);
	g_snprintf(name, sizeof name, "f%u", f);
	assert_string_equal(pcs_files_name(files, ev->file), name);
	first = f < nr_big ? f * (small + 1) : nr_big * (small + 1) + (f - nr_big) * small;
	return first + ev->offset_bytes / PCS_PAGE_SIZE;
}

/* ---- rng.h -------------------------------------------------------------------------- */

static void
test_rng_reference(void **state G_GNUC_UNUSED)
{
	/* Reference outputs: splitmix64 from 0, and xoshiro256** from the state {1, 2, 3, 4}
	 * (the first two worked by hand: rotl(2 * 5, 7) * 9 = 11520, then s[1] becomes 0). */
	guint64 sm = 0;
	PcsRng r = { { 1, 2, 3, 4 } };

	assert_true(pcs_splitmix64(&sm) == G_GUINT64_CONSTANT (0xe220a8397b1dcdaf));
	assert_true(pcs_rng_next(&r) == 11520);
	assert_true(pcs_rng_next(&r) == 0);
	assert_true(pcs_rng_next(&r) == G_GUINT64_CONSTANT (1509978240));
	assert_true(pcs_rng_next(&r) == G_GUINT64_CONSTANT (1215971899390074240));
}

static void
test_rng_streams(void **state G_GNUC_UNUSED)
{
	PcsRng a, b, c;
	int same_ab = 0, same_ac = 0;

	pcs_rng_seed(&a, 1, 1);
	pcs_rng_seed(&b, 1, 2);
	pcs_rng_seed(&c, 2, 1);
	for (int i = 0; i < 64; i++) {
		guint64 x = pcs_rng_next(&a);

		same_ab += x == pcs_rng_next(&b);
		same_ac += x == pcs_rng_next(&c);
	}
	assert_int_equal(same_ab, 0);
	assert_int_equal(same_ac, 0);
}

static void
test_rng_bounded(void **state G_GNUC_UNUSED)
{
	/* n = 2^63 + 1 rejects almost half of all draws; n = 6 almost none. */
	const guint64 big = (G_GUINT64_CONSTANT (1) << 63) + 1;
	guint64 counts[6] = { 0 }, above_half = 0;
	const int n = 60000;
	PcsRng r;

	pcs_rng_seed(&r, 7, 0);
	for (int i = 0; i < n; i++) {
		double d = pcs_rng_double(&r);
		guint64 x = pcs_rng_below(&r, big);

		assert_true(d >= 0.0 && d < 1.0);
		assert_true(x < big);
		above_half += x >= big / 2;
		counts[pcs_rng_below(&r, 6)]++;
		assert_true(pcs_rng_below(&r, 1) == 0);
	}
	/* binomial(n, p): within 5 standard deviations */
	for (int k = 0; k < 6; k++)
		assert_true(fabs((double) counts[k] - n / 6.0) < 5 * sqrt(n * (1 / 6.0) * (5 / 6.0)));
	assert_true(fabs((double) above_half - n / 2.0) < 5 * sqrt(n * 0.25));
}

static void
test_rng_pow_neg(void **state G_GNUC_UNUSED)
{
	static const double alphas[] = { 0.1, 0.5, 0.9, 1.0, 1.2, 2.0, 3.7 };
	static const guint64 ranks[] = { 1, 2, 3, 7, 10, 100, 1000, 4095, 4096, 4097, 25600,
					 1000003, G_GUINT64_CONSTANT (1) << 31, 4294967291u,
					 G_GUINT64_CONSTANT (1) << 40 };

	for (gsize a = 0; a < G_N_ELEMENTS(alphas); a++) {
		for (gsize i = 0; i < G_N_ELEMENTS(ranks); i++) {
			double want = pow((double) ranks[i], -alphas[a]);
			double got = pcs_pow_neg(ranks[i], alphas[a]);

			if (fabs(got - want) > 1e-14 * want)
				fail_msg("%" G_GUINT64_FORMAT "^-%g: %.17g, libm %.17g",
					 ranks[i], alphas[a], got, want);
		}
	}
	assert_true(pcs_pow_neg(12345, 0.0) == 1.0);
	assert_true(pcs_pow_neg(1, 5.0) == 1.0);
	assert_true(pcs_pow_neg(1000, 200.0) == 0.0);  /* 1e-600 underflows to 0 */
}

static void
test_rng_pow_neg_bits(void **state G_GNUC_UNUSED)
{
	/* The exact bits of the Zipf weights 1..50000 for two skews: identical with any
	 * compiler, optimisation level or FMA setting (see rng.h). */
	static const char want[] =
		"9d6afd84202b3674ed2b0803291574ecff4310d412fae27b5e79610e060aa0fd";
	GChecksum *cs = g_checksum_new(G_CHECKSUM_SHA256);
	static const double alphas[] = { 0.9, 1.3 };

	for (gsize a = 0; a < G_N_ELEMENTS(alphas); a++) {
		for (guint64 r = 1; r <= 50000; r++) {
			double w = pcs_pow_neg(r, alphas[a]);
			guint64 bits;

			memcpy(&bits, &w, sizeof bits);
			bits = GUINT64_TO_LE(bits);
			g_checksum_update(cs, (const guchar *) &bits, sizeof bits);
		}
	}
	if (strcmp(g_checksum_get_string(cs), want) != 0)
		fail_msg("weights digest %s, expected %s", g_checksum_get_string(cs), want);
	g_checksum_free(cs);
}

/* ---- names and defaults ------------------------------------------------------------- */

static void
test_gen_names(void **state G_GNUC_UNUSED)
{
	PcsGenWorkload w = PCS_GEN_COUNT;

	for (unsigned i = 0; i < PCS_GEN_COUNT; i++) {
		assert_non_null(pcs_gen_workload_name((PcsGenWorkload) i));
		assert_true(pcs_gen_workload_from_name(pcs_gen_workload_name((PcsGenWorkload) i), &w));
		assert_int_equal(w, i);
	}
	assert_string_equal(pcs_gen_workload_name(PCS_GEN_SCAN_HOT), "scan-hot");
	assert_true(pcs_gen_workload_from_name("scan+hot", &w));
	assert_int_equal(w, PCS_GEN_SCAN_HOT);
	w = PCS_GEN_SEQ;
	assert_false(pcs_gen_workload_from_name("zipfian", &w));
	assert_int_equal(w, PCS_GEN_SEQ);
	assert_null(pcs_gen_workload_name(PCS_GEN_COUNT));
}

static void
test_gen_defaults(void **state G_GNUC_UNUSED)
{
	for (unsigned w = 0; w < PCS_GEN_COUNT; w++) {
		PcsGenConfig cfg;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		g_autoptr(PcsGen) g = NULL;

		pcs_gen_config_init(&cfg, (PcsGenWorkload) w);
		assert_int_equal(cfg.workload, w);
		assert_true(cfg.seed == 1);
		assert_true(cfg.pages == 25600);
		/* web: 64 KiB sendfile records over 10000 files */
		assert_true(cfg.request_bytes == (w == PCS_GEN_WEB ? 65536 : 4096));
		assert_int_equal(cfg.files, w == PCS_GEN_WEB ? 10000 : 1);
		assert_true(cfg.interval_ns == 1000000);
		assert_true(cfg.write_ratio == 0.0);
		/* every default configuration is valid */
		g = pcs_gen_new(&cfg, files, &error);
		assert_non_null(g);
		assert_null(error);
	}
	{
		PcsGenConfig z, sh;

		pcs_gen_config_init(&z, PCS_GEN_ZIPF);
		pcs_gen_config_init(&sh, PCS_GEN_SCAN_HOT);
		assert_true(z.alpha == 0.9);
		assert_true(z.requests == 100000);
		assert_true(sh.scan_pages == 4 * sh.pages);
		assert_true(sh.alpha == 0.0);
	}
}

/* ---- determinism -------------------------------------------------------------------- */

static void
small_config(PcsGenConfig *cfg, PcsGenWorkload w)
{
	pcs_gen_config_init(cfg, w);
	cfg->requests = 3000;
	cfg->pages = 500;
	cfg->files = 3;
	cfg->write_ratio = 0.25;
	cfg->seed = 42;
	if (w == PCS_GEN_SCAN_HOT)
		cfg->scan_pages = 800;
	if (w == PCS_GEN_WEB) {
		/* 50 files, two videos of 1-2 MiB streamed in 256 KiB segments by 10% */
		cfg->files = 50;
		cfg->write_ratio = 0.0;
		cfg->large_files = 2;
		cfg->large_bytes = 1u << 20;
		cfg->segment_bytes = 256u << 10;
		cfg->large_share = 0.1;
		cfg->request_bytes = 16u << 10;
	}
}

static void
test_gen_determinism(void **state G_GNUC_UNUSED)
{
	for (unsigned w = 0; w < PCS_GEN_COUNT; w++) {
		PcsGenConfig cfg;
		guint64 n1, n2, n3;
		g_autofree PcsIoEvent *a = NULL, *b = NULL, *c = NULL;

		small_config(&cfg, (PcsGenWorkload) w);
		a = gen_all(&cfg, NULL, &n1);
		b = gen_all(&cfg, NULL, &n2);
		cfg.seed = 43;
		c = gen_all(&cfg, NULL, &n3);
		assert_true(n1 == cfg.requests || w == PCS_GEN_WEB);
		assert_true(n2 == n1);
		assert_true(same_events(a, b, n1));
		if (n3 != n1)
			continue;   /* web: another seed, other sizes, another count: differs */
		/* seq draws only the read/write choice from the seed; it differs too */
		assert_false(same_events(a, c, n1));
	}
}

static void
test_gen_golden(void **state G_GNUC_UNUSED)
{
	static const char *const want[PCS_GEN_COUNT] = {
		[PCS_GEN_SEQ] = "65e2d12abac7cf4a447c31f976bec58f5d82dfd702ea8de402e9c33d300c049d",
		[PCS_GEN_RAND] = "148a2b57fe49808c2f8153749217260364915456497b40483b239f3f151733e5",
		[PCS_GEN_ZIPF] = "035a927631bc15477354d42b312c7b826a8a5698912a76ca657b962f2082e4e0",
		[PCS_GEN_SCAN_HOT] = "bcb2e90644c32640d8e588f75baf816d0c8f5d1a7d3aed84ca4b8d21bbc3a4ce",
		[PCS_GEN_WEB] = "2172adc32419f2f087b2dc911c65e82f46ce8bd57c923d290aeae2b4c0aefb4d",
	};

	int nr_wrong = 0;

	for (unsigned w = 0; w < PCS_GEN_COUNT; w++) {
		PcsGenConfig cfg;
		guint64 n;
		g_autofree PcsIoEvent *evs = NULL;
		g_autofree char *hex = NULL;

		small_config(&cfg, (PcsGenWorkload) w);
		evs = gen_all(&cfg, NULL, &n);
		hex = digest(evs, n);
		if (strcmp(hex, want[w]) != 0) {
			print_error("%s: digest %s, expected %s\n", pcs_gen_workload_name(w), hex,
				    want[w]);
			nr_wrong++;
		}
	}
	assert_int_equal(nr_wrong, 0);
}

static void
test_gen_write_ratio_keeps_addresses(void **state G_GNUC_UNUSED)
{
	PcsGenConfig cfg;
	guint64 n;
	g_autofree PcsIoEvent *a = NULL, *b = NULL;

	small_config(&cfg, PCS_GEN_ZIPF);
	cfg.write_ratio = 0.0;
	a = gen_all(&cfg, NULL, &n);
	cfg.write_ratio = 0.7;
	b = gen_all(&cfg, NULL, &n);
	for (guint64 i = 0; i < n; i++) {
		assert_true(a[i].offset_bytes == b[i].offset_bytes);
		assert_true(a[i].file == b[i].file);
		assert_int_equal(a[i].op, PCS_OP_READ);
	}
}

/* ---- counts, ops, times ------------------------------------------------------------- */

static void
test_gen_write_ratio(void **state G_GNUC_UNUSED)
{
	static const double ratios[] = { 0.0, 0.05, 0.3, 0.5, 0.9, 1.0 };

	for (gsize k = 0; k < G_N_ELEMENTS(ratios); k++) {
		PcsGenConfig cfg;
		guint64 n, writes = 0;
		g_autofree PcsIoEvent *evs = NULL;
		double p = ratios[k], sd;

		pcs_gen_config_init(&cfg, PCS_GEN_RAND);
		cfg.requests = 100000;
		cfg.write_ratio = p;
		cfg.seed = 1000 + k;
		evs = gen_all(&cfg, NULL, &n);
		assert_true(n == cfg.requests);
		for (guint64 i = 0; i < n; i++) {
			assert_true(evs[i].op == PCS_OP_READ || evs[i].op == PCS_OP_WRITE);
			assert_int_equal(evs[i].advice, PCS_ADVICE_NONE);
			assert_int_equal(evs[i].flags, 0);
			writes += evs[i].op == PCS_OP_WRITE;
		}
		sd = sqrt(n * p * (1 - p));
		if (p == 0.0 || p == 1.0)
			assert_true(writes == (guint64) (p * n));
		else if (fabs((double) writes - n * p) > 5 * sd)
			fail_msg("write ratio %g: %" G_GUINT64_FORMAT " writes of %" G_GUINT64_FORMAT
				 " (5 sd = %.0f)", p, writes, n, 5 * sd);
	}
}

static void
test_gen_timestamps(void **state G_GNUC_UNUSED)
{
	PcsGenConfig cfg;
	guint64 n;
	g_autofree PcsIoEvent *a = NULL, *b = NULL;

	pcs_gen_config_init(&cfg, PCS_GEN_SEQ);
	cfg.requests = 100;
	cfg.interval_ns = 250;
	a = gen_all(&cfg, NULL, &n);
	for (guint64 i = 0; i < n; i++)
		assert_true(a[i].t_ns == (gint64) (i * 250));
	cfg.interval_ns = 0;
	b = gen_all(&cfg, NULL, &n);
	for (guint64 i = 0; i < n; i++)
		assert_true(b[i].t_ns == PCS_TIME_UNKNOWN);
}

static void
test_gen_file_table(void **state G_GNUC_UNUSED)
{
	PcsGenConfig cfg;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	guint64 n;
	g_autofree PcsIoEvent *evs = NULL;

	/* a name already in the table keeps its id; streams still count from 0 */
	assert_int_equal(pcs_files_intern(files, "other", 5), 0);
	assert_int_equal(pcs_files_intern(files, "f1", 2), 1);
	pcs_gen_config_init(&cfg, PCS_GEN_SCAN_HOT);
	cfg.pages = 10;
	cfg.files = 3;
	cfg.scan_pages = 20;
	cfg.requests = 90;
	evs = gen_all(&cfg, files, &n);
	assert_int_equal(pcs_files_count(files), 5);
	assert_int_equal(pcs_files_lookup(files, "f0"), 2);
	assert_int_equal(pcs_files_lookup(files, "f1"), 1);
	assert_int_equal(pcs_files_lookup(files, "f2"), 3);
	assert_int_equal(pcs_files_lookup(files, "scan"), 4);
	assert_true(pcs_files_size(files, 2) == 4 * 4096);
	assert_true(pcs_files_size(files, 1) == 3 * 4096);
	assert_true(pcs_files_size(files, 3) == 3 * 4096);
	assert_true(pcs_files_size(files, 4) == 20 * 4096);
	for (guint64 i = 0; i < n; i++) {
		static const guint32 id_of_stream[] = { 2, 1, 3, 4 };

		assert_true(evs[i].stream < 4);
		assert_int_equal(evs[i].file, id_of_stream[evs[i].stream]);
	}
}

/* ---- seq ---------------------------------------------------------------------------- */

static void
test_gen_seq_order(void **state G_GNUC_UNUSED)
{
	/* 10 pages over 3 files: f0 has 4 pages, f1 and f2 have 3; 25 requests of one page
	 * visit global pages 0..9, 0..9, 0..4 */
	PcsGenConfig cfg;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	guint64 n;
	g_autofree PcsIoEvent *evs = NULL;

	pcs_gen_config_init(&cfg, PCS_GEN_SEQ);
	cfg.pages = 10;
	cfg.files = 3;
	cfg.requests = 25;
	evs = gen_all(&cfg, files, &n);
	for (guint64 i = 0; i < n; i++) {
		assert_true(global_page(&cfg, files, &evs[i]) == i % 10);
		assert_true(evs[i].offset_bytes % PCS_PAGE_SIZE == 0);
		assert_true(evs[i].len_bytes == PCS_PAGE_SIZE);
		assert_int_equal(evs[i].op, PCS_OP_READ);
	}
	assert_int_equal(evs[3].stream, 0);
	assert_int_equal(evs[4].stream, 1);
	assert_int_equal(evs[7].stream, 2);
	assert_int_equal(evs[10].stream, 0);
}

static void
test_gen_seq_uneven(void **state G_GNUC_UNUSED)
{
	/* 10000-byte requests over two files of 3 pages (12288 bytes): each file is read as
	 * 10000 + 2288 bytes, then the next file, then the first again. */
	static const guint64 offsets[] = { 0, 10000, 0, 10000, 0, 10000 };
	static const guint64 lens[] = { 10000, 2288, 10000, 2288, 10000, 2288 };
	static const guint32 streams[] = { 0, 0, 1, 1, 0, 0 };
	PcsGenConfig cfg;
	guint64 n;
	g_autofree PcsIoEvent *evs = NULL;

	pcs_gen_config_init(&cfg, PCS_GEN_SEQ);
	cfg.pages = 6;
	cfg.files = 2;
	cfg.requests = 6;
	cfg.request_bytes = 10000;
	evs = gen_all(&cfg, NULL, &n);
	for (guint64 i = 0; i < n; i++) {
		assert_true(evs[i].offset_bytes == offsets[i]);
		assert_true(evs[i].len_bytes == lens[i]);
		assert_int_equal(evs[i].stream, streams[i]);
	}
}

/* ---- rand --------------------------------------------------------------------------- */

static void
test_gen_rand_range(void **state G_GNUC_UNUSED)
{
	/* 20 draws a page: a page is missed with probability (1 - 1/1000)^20000 ~ 2e-9. The
	 * chi-square statistic of 999 degrees of freedom has mean 999 and sd sqrt(2 * 999). */
	PcsGenConfig cfg;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	guint64 n, counts[1000] = { 0 };
	g_autofree PcsIoEvent *evs = NULL;
	double chi2 = 0.0, expect;

	pcs_gen_config_init(&cfg, PCS_GEN_RAND);
	cfg.pages = 1000;
	cfg.files = 7;
	cfg.requests = 20000;
	cfg.request_bytes = 8192;
	evs = gen_all(&cfg, files, &n);
	for (guint64 i = 0; i < n; i++) {
		guint64 size = pcs_files_size(files, evs[i].file);
		guint64 page = global_page(&cfg, files, &evs[i]);

		assert_true(evs[i].offset_bytes % PCS_PAGE_SIZE == 0);
		assert_true(evs[i].offset_bytes + evs[i].len_bytes <= size);
		assert_true(evs[i].len_bytes == 8192 || evs[i].offset_bytes + evs[i].len_bytes == size);
		assert_true(page < 1000);
		counts[page]++;
	}
	expect = (double) n / 1000;
	for (int p = 0; p < 1000; p++) {
		assert_true(counts[p] > 0);
		chi2 += (counts[p] - expect) * (counts[p] - expect) / expect;
	}
	assert_true(chi2 < 999 + 5 * sqrt(2 * 999.0));
}

/* ---- zipf --------------------------------------------------------------------------- */

static int
cmp_desc(const void *a, const void *b)
{
	guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static void
test_gen_zipf_frequencies(void **state G_GNUC_UNUSED)
{
	/* P(rank r) = r^-alpha / H(N, alpha). With 200k samples the two most popular pages are
	 * ranks 1 and 2 (their expected counts are 100 sd apart); their counts must lie within
	 * 5 binomial standard deviations of the expectation. */
	static const double alphas[] = { 0.6, 0.9, 1.2 };

	for (gsize k = 0; k < G_N_ELEMENTS(alphas); k++) {
		PcsGenConfig cfg;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		guint64 n, *counts;
		g_autofree PcsIoEvent *evs = NULL;
		double h = 0.0;
		guint64 top_page = 0;

		pcs_gen_config_init(&cfg, PCS_GEN_ZIPF);
		cfg.pages = 1000;
		cfg.requests = 200000;
		cfg.alpha = alphas[k];
		cfg.seed = 5 + k;
		evs = gen_all(&cfg, files, &n);
		counts = g_new0(guint64, cfg.pages);
		for (guint64 i = 0; i < n; i++) {
			guint64 page = global_page(&cfg, files, &evs[i]);

			assert_true(page < cfg.pages);
			counts[page]++;
			if (counts[page] > counts[top_page])
				top_page = page;
		}
		for (guint64 r = 1; r <= cfg.pages; r++)
			h += pow((double) r, -cfg.alpha);
		qsort(counts, cfg.pages, sizeof *counts, cmp_desc);
		for (int r = 1; r <= 2; r++) {
			double p = pow(r, -cfg.alpha) / h, sd = sqrt(n * p * (1 - p));

			if (fabs((double) counts[r - 1] - n * p) > 5 * sd)
				fail_msg("alpha %g rank %d: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
					 ", expected %.0f (5 sd = %.0f)", cfg.alpha, r,
					 counts[r - 1], n, n * p, 5 * sd);
		}
		/* the hot pages are scattered: the most popular one is not simply page 0 */
		if (k == 1)
			assert_true(top_page != 0);
		g_free(counts);
	}
}

static void
test_gen_zipf_scattered(void **state G_GNUC_UNUSED)
{
	/* The 20 most popular pages are not a run of neighbours: their spread covers much of
	 * the working set. */
	PcsGenConfig cfg;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	guint64 n, counts[4096] = { 0 }, order[4096], lo = G_MAXUINT64, hi = 0;
	g_autofree PcsIoEvent *evs = NULL;

	pcs_gen_config_init(&cfg, PCS_GEN_ZIPF);
	cfg.pages = 4096;
	cfg.requests = 100000;
	cfg.alpha = 1.2;
	evs = gen_all(&cfg, files, &n);
	for (guint64 i = 0; i < n; i++)
		counts[global_page(&cfg, files, &evs[i])]++;
	/* sort page numbers by count, keyed as count << 12 | page */
	for (guint64 p = 0; p < 4096; p++)
		order[p] = counts[p] << 12 | p;
	qsort(order, 4096, sizeof *order, cmp_desc);
	for (int r = 0; r < 20; r++) {
		guint64 page = order[r] & 4095;

		lo = MIN(lo, page);
		hi = MAX(hi, page);
	}
	assert_true(hi - lo > 2048);
}

/* ---- scan-hot ----------------------------------------------------------------------- */

static void
test_gen_scan_hot(void **state G_GNUC_UNUSED)
{
	static const struct {
		guint64 requests, pages, scan_pages, request_bytes;
		double alpha;
	} cases[] = {
		{ 3600, 100, 1000, 4096, 0.0 },    /* 1000 scans in 1200 slots */
		{ 3000, 100, 1000, 4096, 0.9 },    /* every middle slot is a scan */
		{ 9001, 50, 777, 3 * 4096, 0.0 },  /* 259 scans of 3 pages, the last of 2 */
		{ 10, 5, 1, 4096, 0.0 },           /* one page */
		{ 30, 5, 10, 100, 0.0 },           /* sub-page requests: a whole page per scan */
	};

	for (gsize k = 0; k < G_N_ELEMENTS(cases); k++) {
		PcsGenConfig cfg;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		guint64 n, lo, hi, next_scan_page = 0, nr_scan = 0, hot_after = 0, hot_during = 0;
		g_autofree PcsIoEvent *evs = NULL;
		guint32 scan_id;
		guint8 *seen;

		pcs_gen_config_init(&cfg, PCS_GEN_SCAN_HOT);
		cfg.requests = cases[k].requests;
		cfg.pages = cases[k].pages;
		cfg.scan_pages = cases[k].scan_pages;
		cfg.request_bytes = cases[k].request_bytes;
		cfg.alpha = cases[k].alpha;
		cfg.files = 2;
		cfg.write_ratio = 0.5;
		evs = gen_all(&cfg, files, &n);
		assert_true(n == cfg.requests);
		scan_id = pcs_files_lookup(files, "scan");
		assert_true(scan_id != G_MAXUINT32);
		lo = n / 3;
		hi = n - n / 3;
		seen = g_new0(guint8, cfg.scan_pages);
		for (guint64 i = 0; i < n; i++) {
			const PcsIoEvent *ev = &evs[i];

			if (ev->file != scan_id) {
				assert_true(global_page(&cfg, files, ev) < cfg.pages);
				hot_during += i >= lo && i < hi;
				hot_after += i >= hi;
				continue;
			}
			/* scan: in the middle third, a read, in order, whole pages */
			assert_true(i >= lo && i < hi);
			assert_int_equal(ev->op, PCS_OP_READ);
			assert_int_equal(ev->stream, cfg.files);
			assert_true(ev->offset_bytes == next_scan_page * PCS_PAGE_SIZE);
			assert_true(ev->len_bytes % PCS_PAGE_SIZE == 0 && ev->len_bytes > 0);
			for (guint64 p = 0; p < ev->len_bytes / PCS_PAGE_SIZE; p++) {
				assert_true(next_scan_page < cfg.scan_pages);
				seen[next_scan_page++]++;
			}
			nr_scan++;
		}
		for (guint64 p = 0; p < cfg.scan_pages; p++)
			assert_int_equal(seen[p], 1);
		assert_true(hot_after == n - hi);
		assert_true(nr_scan + hot_during == hi - lo);
		g_free(seen);
	}
}

static void
test_gen_scan_hot_spread(void **state G_GNUC_UNUSED)
{
	/* 1000 scans in 1200 slots: at most one hot request between two scans, and the scan
	 * reaches the end of the middle third (it is spread out, not bunched at the start). */
	PcsGenConfig cfg;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	guint64 n, last_scan = 0, gap = 0, max_gap = 0;
	g_autofree PcsIoEvent *evs = NULL;
	guint32 scan_id;

	pcs_gen_config_init(&cfg, PCS_GEN_SCAN_HOT);
	cfg.requests = 3600;
	cfg.pages = 100;
	cfg.scan_pages = 1000;
	evs = gen_all(&cfg, files, &n);
	scan_id = pcs_files_lookup(files, "scan");
	for (guint64 i = 1200; i < 2400; i++) {
		if (evs[i].file == scan_id) {
			last_scan = i;
			gap = 0;
		} else {
			gap++;
			max_gap = MAX(max_gap, gap);
		}
	}
	assert_true(max_gap <= 1);
	assert_true(last_scan >= 2398);
}

/* ---- validation --------------------------------------------------------------------- */

/* web: each request is open, sendfile records that cover the file (or the video's next
 * segment) in order, close, on one file and one stream; small sizes within their bounds; the
 * video share within 5 standard deviations of a binomial count. */
static void
test_gen_web_requests(void **state G_GNUC_UNUSED)
{
	PcsGenConfig cfg;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autofree PcsIoEvent *evs = NULL;
	g_autofree guint64 *video_next = NULL;
	guint64 n, i = 0, nr_requests = 0, nr_video = 0;
	double mean, sd;

	small_config(&cfg, PCS_GEN_WEB);
	cfg.requests = 20000;
	evs = gen_all(&cfg, files, &n);
	video_next = g_new0(guint64, cfg.large_files);
	assert_int_equal(pcs_files_count(files), cfg.files + cfg.large_files);
	while (i < n) {
		const PcsIoEvent *open = &evs[i];
		const char *name = pcs_files_name(files, open->file);
		guint64 size = pcs_files_size(files, open->file), pos, start;
		gboolean video = g_str_has_prefix(name, "video");

		assert_int_equal(open->op, PCS_OP_OPEN);
		assert_true(open->offset_bytes == PCS_NONE && open->len_bytes == PCS_NONE);
		assert_int_equal(open->stream, nr_requests % 64);
		assert_true(open->t_ns == (gint64) (nr_requests * cfg.interval_ns));
		if (video) {
			guint v = (guint) g_ascii_strtoull(name + 5, NULL, 10);

			assert_true(v < cfg.large_files);
			assert_true(size >= cfg.large_bytes && size <= 2 * cfg.large_bytes + 4096);
			assert_true(size % 4096 == 0);
			start = video_next[v];
			nr_video++;
		} else {
			assert_true(size >= cfg.file_bytes && size <= cfg.max_file_bytes);
			start = 0;
		}
		pos = start;
		for (i++; i < n && evs[i].op == PCS_OP_SENDFILE; i++) {
			assert_int_equal(evs[i].file, open->file);
			assert_int_equal(evs[i].stream, open->stream);
			assert_true(evs[i].t_ns == open->t_ns);
			assert_true(evs[i].offset_bytes == pos);
			assert_true(evs[i].len_bytes >= 1 && evs[i].len_bytes <= cfg.request_bytes);
			pos += evs[i].len_bytes;
		}
		assert_true(pos > start);
		if (video) {
			guint v = (guint) g_ascii_strtoull(name + 5, NULL, 10);

			assert_true(pos == MIN(size, start + cfg.segment_bytes));
			video_next[v] = pos == size ? 0 : pos;
		} else {
			assert_true(pos == size);       /* the whole file */
		}
		assert_true(i < n);
		assert_int_equal(evs[i].op, PCS_OP_CLOSE);
		assert_int_equal(evs[i].file, open->file);
		assert_int_equal(evs[i].stream, open->stream);
		i++;
		nr_requests++;
	}
	assert_true(nr_requests == cfg.requests);
	mean = cfg.requests * cfg.large_share;
	sd = sqrt(mean * (1 - cfg.large_share));
	assert_true(fabs((double) nr_video - mean) < 5 * sd);
}

/* web: the videos draw from their own stream, so the small files' requests are the same
 * sequence with a large-file share of 0.1 and of 0. */
static void
test_gen_web_share_keeps_small_files(void **state G_GNUC_UNUSED)
{
	PcsGenConfig cfg;
	g_autofree PcsIoEvent *a = NULL, *b = NULL;
	g_autoptr(GArray) sa = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_autoptr(GArray) sb = g_array_new(FALSE, FALSE, sizeof(guint32));
	guint64 na, nb;

	small_config(&cfg, PCS_GEN_WEB);
	a = gen_all(&cfg, NULL, &na);
	cfg.large_share = 0.0;
	b = gen_all(&cfg, NULL, &nb);
	/* file ids: f0..f49 are interned first, 0..49, in both */
	for (guint64 i = 0; i < na; i++)
		if (a[i].op == PCS_OP_OPEN && a[i].file < cfg.files)
			g_array_append_val(sa, a[i].file);
	for (guint64 i = 0; i < nb; i++)
		if (b[i].op == PCS_OP_OPEN)
			g_array_append_val(sb, b[i].file);
	assert_true(sa->len < sb->len && sa->len > cfg.requests / 2);
	assert_memory_equal(sa->data, sb->data, sa->len * sizeof(guint32));
}

/* web: its own refusals, with the messages that name the value. */
static void
test_gen_web_invalid(void **state G_GNUC_UNUSED)
{
	static const struct {
		const char *field;
		double value;
		const char *message;
	} cases[] = {
		{ "files", 0, "files must be between 1 and 1048576, got 0" },
		{ "write_ratio", 0.5, "web only reads (sendfile); the write ratio must be 0, got 0.5" },
		{ "alpha", -1, "alpha must be 0 (uniform) or positive for web, got -1" },
		{ "file_bytes", 0, "the smallest file size must be between 1 byte and the largest "
		  "(4194304), got 0" },
		{ "size_shape", 0.05, "the size shape must be between 0.1 and 100, got 0.05" },
		{ "large_share", 1.5, "the large-file share must be between 0 and 1, got 1.5" },
		{ "large_files", 0, "a large-file share of 0.05 needs at least one large file" },
		{ "segment_bytes", 0, "the segment must be between 1 byte and 1 TiB, got 0 bytes" },
	};

	for (gsize k = 0; k < G_N_ELEMENTS(cases); k++) {
		PcsGenConfig cfg;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		const char *f = cases[k].field;
		double v = cases[k].value;

		pcs_gen_config_init(&cfg, PCS_GEN_WEB);
		if (strcmp(f, "files") == 0)
			cfg.files = (guint32) v;
		else if (strcmp(f, "write_ratio") == 0)
			cfg.write_ratio = v;
		else if (strcmp(f, "alpha") == 0)
			cfg.alpha = v;
		else if (strcmp(f, "file_bytes") == 0)
			cfg.file_bytes = (guint64) v;
		else if (strcmp(f, "size_shape") == 0)
			cfg.size_shape = v;
		else if (strcmp(f, "large_share") == 0)
			cfg.large_share = v;
		else if (strcmp(f, "large_files") == 0)
			cfg.large_files = (guint32) v;
		else if (strcmp(f, "segment_bytes") == 0)
			cfg.segment_bytes = (guint64) v;
		else
			fail_msg("bad field %s", f);
		assert_null(pcs_gen_new(&cfg, files, &error));
		assert_true(g_error_matches(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID));
		assert_string_equal(error->message, cases[k].message);
		assert_int_equal(pcs_files_count(files), 0);
	}
}

static void
test_gen_invalid(void **state G_GNUC_UNUSED)
{
	static const struct {
		PcsGenWorkload w;
		const char *field;
		double value;
		const char *message;
	} cases[] = {
		{ PCS_GEN_RAND, "requests", 0, "requests must be at least 1" },
		{ PCS_GEN_RAND, "pages", 0, "pages must be at least 1" },
		{ PCS_GEN_RAND, "pages", 1099511627777.0,
		  "pages must be at most 1099511627776 (4 PiB), got 1099511627777" },
		{ PCS_GEN_SEQ, "request_bytes", 0, "request size must be between 1 byte and 1 GiB, got 0 bytes" },
		{ PCS_GEN_SEQ, "request_bytes", 1073741825.0,
		  "request size must be between 1 byte and 1 GiB, got 1073741825 bytes" },
		{ PCS_GEN_RAND, "write_ratio", 1.5, "write ratio must be between 0 and 1, got 1.5" },
		{ PCS_GEN_RAND, "write_ratio", -0.1, "write ratio must be between 0 and 1, got -0.1" },
		{ PCS_GEN_RAND, "write_ratio", NAN, "write ratio must be between 0 and 1, got nan" },
		{ PCS_GEN_RAND, "files", 0, "files must be between 1 and the number of pages (25600), got 0" },
		{ PCS_GEN_RAND, "files", 25601,
		  "files must be between 1 and the number of pages (25600), got 25601" },
		{ PCS_GEN_ZIPF, "alpha", 0, "alpha must be a positive number for zipf, got 0" },
		{ PCS_GEN_ZIPF, "alpha", -1, "alpha must be a positive number for zipf, got -1" },
		{ PCS_GEN_ZIPF, "alpha", INFINITY, "alpha must be a positive number for zipf, got inf" },
		{ PCS_GEN_ZIPF, "pages", 4294967296.0, "zipf supports at most 2147483648 pages, got 4294967296" },
		{ PCS_GEN_SCAN_HOT, "alpha", -0.5,
		  "alpha must be 0 (uniform hot set) or positive for scan-hot, got -0.5" },
		{ PCS_GEN_SCAN_HOT, "scan_pages", 0, "scan-hot needs a scan of at least 1 page" },
		{ PCS_GEN_SCAN_HOT, "requests", 100000,
		  "the scan of 102400 pages needs 102400 requests, but the middle third of "
		  "100000 requests has only 33334; give at least 307200 requests or a smaller "
		  "scan" },
		{ PCS_GEN_RAND, "interval_ns", 1e18,
		  "100000 requests 1000000000000000000 ns apart do not fit in a 64-bit "
		  "nanosecond clock" },
	};

	for (gsize k = 0; k < G_N_ELEMENTS(cases); k++) {
		PcsGenConfig cfg;
		g_autoptr(PcsFileTable) files = pcs_files_new();
		g_autoptr(GError) error = NULL;
		PcsGen *g;
		const char *f = cases[k].field;
		double v = cases[k].value;

		pcs_gen_config_init(&cfg, cases[k].w);
		if (strcmp(f, "requests") == 0)
			cfg.requests = (guint64) v;
		else if (strcmp(f, "pages") == 0)
			cfg.pages = (guint64) v;
		else if (strcmp(f, "scan_pages") == 0)
			cfg.scan_pages = (guint64) v;
		else if (strcmp(f, "request_bytes") == 0)
			cfg.request_bytes = (guint64) v;
		else if (strcmp(f, "interval_ns") == 0)
			cfg.interval_ns = (guint64) v;
		else if (strcmp(f, "files") == 0)
			cfg.files = (guint32) v;
		else if (strcmp(f, "alpha") == 0)
			cfg.alpha = v;
		else if (strcmp(f, "write_ratio") == 0)
			cfg.write_ratio = v;
		else
			fail_msg("bad field %s", f);
		g = pcs_gen_new(&cfg, files, &error);
		assert_null(g);
		assert_non_null(error);
		assert_true(g_error_matches(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID));
		assert_string_equal(error->message, cases[k].message);
		assert_int_equal(pcs_files_count(files), 0);  /* nothing interned on failure */
		/* NULL error: same outcome, no crash */
		assert_null(pcs_gen_new(&cfg, files, NULL));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_reference),
		cmocka_unit_test(test_rng_streams),
		cmocka_unit_test(test_rng_bounded),
		cmocka_unit_test(test_rng_pow_neg),
		cmocka_unit_test(test_rng_pow_neg_bits),
		cmocka_unit_test(test_gen_names),
		cmocka_unit_test(test_gen_defaults),
		cmocka_unit_test(test_gen_determinism),
		cmocka_unit_test(test_gen_golden),
		cmocka_unit_test(test_gen_write_ratio_keeps_addresses),
		cmocka_unit_test(test_gen_write_ratio),
		cmocka_unit_test(test_gen_timestamps),
		cmocka_unit_test(test_gen_file_table),
		cmocka_unit_test(test_gen_seq_order),
		cmocka_unit_test(test_gen_seq_uneven),
		cmocka_unit_test(test_gen_rand_range),
		cmocka_unit_test(test_gen_zipf_frequencies),
		cmocka_unit_test(test_gen_zipf_scattered),
		cmocka_unit_test(test_gen_scan_hot),
		cmocka_unit_test(test_gen_scan_hot_spread),
		cmocka_unit_test(test_gen_invalid),
		cmocka_unit_test(test_gen_web_requests),
		cmocka_unit_test(test_gen_web_share_keeps_small_files),
		cmocka_unit_test(test_gen_web_invalid),
	};

	return cmocka_run_group_tests_name("/gen", tests, NULL, NULL);
}
