/*
 * test-options.c - the parameter table: number syntax, bounds, INI files, formatting, GOption.
 *
 * Table-driven: every accepted and rejected spelling of sizes, durations and counts (with
 * the 2^64 edges), every parameter's bounds and the text of its errors, INI loading, that
 * every formatted value re-parses to itself, the kernel's auto inactive ratio, and the
 * generated command-line options.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pcsim/config.h>

#define KIB G_GUINT64_CONSTANT (1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)
#define TIB (GIB * 1024)
#define EIB (TIB * 1024 * 1024)

/* Fails the test (with the message) unless haystack contains needle. */
static void
assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

/* ---- number syntax ------------------------------------------------------------------- */

typedef struct {
	const char *text;
	gboolean    ok;
	guint64     value;   /* when ok */
	const char *error;   /* substring of the message when not ok */
} ParseCase;

static const ParseCase size_cases[] = {
	{ "0", TRUE, 0, NULL },
	{ "4096", TRUE, 4096, NULL },
	{ "4K", TRUE, 4 * KIB, NULL },
	{ "4k", TRUE, 4 * KIB, NULL },
	{ "1m", TRUE, MIB, NULL },
	{ "2GiB", TRUE, 2 * GIB, NULL },
	{ "2gib", TRUE, 2 * GIB, NULL },
	{ "1TB", TRUE, TIB, NULL },
	{ "8KB", TRUE, 8 * KIB, NULL },
	{ "100B", TRUE, 100, NULL },
	{ "100b", TRUE, 100, NULL },
	{ "1P", TRUE, TIB * 1024, NULL },
	{ "15E", TRUE, 15 * EIB, NULL },
	{ "15.5E", TRUE, 15 * EIB + EIB / 2, NULL },
	{ "007K", TRUE, 7 * KIB, NULL },
	{ "1.5G", TRUE, GIB + GIB / 2, NULL },
	{ "1.5K", TRUE, 1536, NULL },
	{ "0.5K", TRUE, 512, NULL },
	{ "1.25M", TRUE, MIB + MIB / 4, NULL },
	{ "1.000000000000000000000K", TRUE, KIB, NULL },
	{ "18446744073709551615", TRUE, G_MAXUINT64, NULL },
	{ "18446744073709551615B", TRUE, G_MAXUINT64, NULL },
	{ "", FALSE, 0, "expected a size such as 4K, 256M or 2G, got ''" },
	{ "12Q", FALSE, 0, "expected a size such as 4K, 256M or 2G, got '12Q'" },
	{ "-1", FALSE, 0, "got '-1'" },
	{ "+1", FALSE, 0, "got '+1'" },
	{ " 4K", FALSE, 0, "got ' 4K'" },
	{ "4K ", FALSE, 0, "got '4K '" },
	{ "4 K", FALSE, 0, "got '4 K'" },
	{ "K", FALSE, 0, "got 'K'" },
	{ ".5K", FALSE, 0, "got '.5K'" },
	{ "1.K", FALSE, 0, "got '1.K'" },
	{ "4KiBB", FALSE, 0, "got '4KiBB'" },
	{ "4Ki", FALSE, 0, "got '4Ki'" },
	{ "4iB", FALSE, 0, "got '4iB'" },
	{ "0x10", FALSE, 0, "got '0x10'" },
	{ "4KK", FALSE, 0, "got '4KK'" },
	{ "1.5", FALSE, 0, "'1.5' is not a whole number of bytes" },
	{ "1.1K", FALSE, 0, "'1.1K' is not a whole number of bytes" },
	{ "1.00000000000000000001K", FALSE, 0, "not a whole number of bytes" },
	{ "16E", FALSE, 0, "size '16E' is too large" },
	{ "15.9999E", FALSE, 0, "not a whole number" },
	{ "17179869184G", FALSE, 0, "too large" },
	{ "18446744073709551616", FALSE, 0, "too large" },
	{ "99999999999999999999999K", FALSE, 0, "too large" },
};

static const ParseCase duration_cases[] = {
	{ "0", TRUE, 0, NULL },
	{ "42", TRUE, 42, NULL },
	{ "100ns", TRUE, 100, NULL },
	{ "250us", TRUE, 250000, NULL },
	{ "500ms", TRUE, 500000000, NULL },
	{ "5s", TRUE, G_GUINT64_CONSTANT (5000000000), NULL },
	{ "5S", TRUE, G_GUINT64_CONSTANT (5000000000), NULL },
	{ "2m", TRUE, G_GUINT64_CONSTANT (120000000000), NULL },
	{ "1h", TRUE, G_GUINT64_CONSTANT (3600000000000), NULL },
	{ "1.5s", TRUE, G_GUINT64_CONSTANT (1500000000), NULL },
	{ "1.5m", TRUE, G_GUINT64_CONSTANT (90000000000), NULL },
	{ "0.001ms", TRUE, 1000, NULL },
	{ "18446744073709551615", TRUE, G_MAXUINT64, NULL },
	{ "18446744073709551615ns", TRUE, G_MAXUINT64, NULL },
	{ "", FALSE, 0, "expected a duration such as 500ms, 5s or 2m (or a number of ns), got ''" },
	{ "5x", FALSE, 0, "got '5x'" },
	{ "5 s", FALSE, 0, "got '5 s'" },
	{ "s", FALSE, 0, "got 's'" },
	{ "-5s", FALSE, 0, "got '-5s'" },
	{ "5sec", FALSE, 0, "got '5sec'" },
	{ "5mss", FALSE, 0, "got '5mss'" },
	{ "0.5ns", FALSE, 0, "'0.5ns' is not a whole number of nanoseconds" },
	{ "1.5", FALSE, 0, "not a whole number of nanoseconds" },
	{ "18446744073709551616", FALSE, 0, "too long" },
	{ "6000000h", FALSE, 0, "too long" },
};

static const ParseCase count_cases[] = {
	{ "0", TRUE, 0, NULL },
	{ "007", TRUE, 7, NULL },
	{ "1000", TRUE, 1000, NULL },
	{ "18446744073709551615", TRUE, G_MAXUINT64, NULL },
	{ "18446744073709551616", FALSE, 0, "'18446744073709551616' is too large (the largest is "
	  "18446744073709551615)" },
	{ "99999999999999999999999", FALSE, 0, "too large" },
	{ "", FALSE, 0, "expected a whole number such as 0, 32 or 1000, got ''" },
	{ "-1", FALSE, 0, "got '-1'" },
	{ "+1", FALSE, 0, "got '+1'" },
	{ "1.5", FALSE, 0, "got '1.5'" },
	{ "1K", FALSE, 0, "got '1K'" },
	{ " 1", FALSE, 0, "got ' 1'" },
	{ "1 ", FALSE, 0, "got '1 '" },
};

typedef gboolean (*ParseFunc)(const char *text, guint64 *v, GError **error);

static void
run_parse_cases(ParseFunc parse, const ParseCase *cases, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		const ParseCase *c = &cases[i];
		g_autoptr(GError) error = NULL;
		guint64 v = 0xdeadbeef;
		gboolean ok = parse(c->text, &v, &error);

		if (ok != c->ok)
			fail_msg("'%s': expected %s, got %s (%s)", c->text, c->ok ? "success" : "failure",
			         ok ? "success" : "failure", error ? error->message : "");
		if (ok) {
			if (v != c->value)
				fail_msg("'%s': expected %" G_GUINT64_FORMAT ", got %" G_GUINT64_FORMAT,
				         c->text, c->value, v);
			assert_null(error);
		} else {
			assert_non_null(error);
			assert_true(g_error_matches(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID));
			assert_contains(error->message, c->error);
			assert_true(v == 0xdeadbeef);   /* untouched on failure */
		}
		/* a NULL error changes nothing */
		assert_int_equal(parse(c->text, &v, NULL), c->ok);
	}
}

static void
test_parse_size(void **state G_GNUC_UNUSED)
{
	run_parse_cases(pcs_parse_size, size_cases, G_N_ELEMENTS (size_cases));
}

static void
test_parse_duration(void **state G_GNUC_UNUSED)
{
	run_parse_cases(pcs_parse_duration, duration_cases, G_N_ELEMENTS (duration_cases));
}

static void
test_parse_count(void **state G_GNUC_UNUSED)
{
	run_parse_cases(pcs_parse_count, count_cases, G_N_ELEMENTS (count_cases));
}

static void
test_format_size(void **state G_GNUC_UNUSED)
{
	static const struct {
		guint64 bytes;
		const char *text;
	} cases[] = {
		{ 0, "0B" },
		{ 100, "100B" },
		{ 1023, "1023B" },
		{ 4096, "4K" },
		{ 1536, "1.5K" },
		{ 256 * MIB, "256M" },
		{ GIB, "1G" },
		{ GIB + GIB / 2, "1.5G" },
		{ 8 * TIB, "8T" },
		{ 16 * EIB - EIB, "15E" },
		{ GIB + 4 * KIB, "1G" },             /* not exact: rounded */
		{ GIB + GIB / 4, "1.3G" },           /* 1.25 rounds half up */
		{ MIB - 1, "1M" },                   /* 1023.999K carries into M */
		{ 4097, "4K" },
		{ 5000, "4.9K" },
		{ G_MAXUINT64, "16E" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *s = pcs_format_size(cases[i].bytes);

		if (strcmp(s, cases[i].text) != 0)
			fail_msg("%" G_GUINT64_FORMAT ": expected '%s', got '%s'", cases[i].bytes,
			         cases[i].text, s);
	}
}

/* Every value pcs_format_size() prints exactly also parses back to itself. */
static void
test_format_size_reparses(void **state G_GNUC_UNUSED)
{
	static const guint64 values[] = {
		0, 1, 100, 1536, 4096, 256 * MIB, GIB, GIB + GIB / 2, 3 * TIB + 512 * GIB, 15 * EIB,
	};

	for (gsize i = 0; i < G_N_ELEMENTS (values); i++) {
		g_autofree char *s = pcs_format_size(values[i]);
		guint64 v;

		assert_true(pcs_parse_size(s, &v, NULL));
		assert_true(v == values[i]);
	}
}

/* ---- the table ----------------------------------------------------------------------- */

static void
test_table(void **state G_GNUC_UNUSED)
{
	static const char *const names[] = {
		"cache", "policy", "inactive_ratio", "reclaim_batch", "workingset", "warmup",
		"skip_bad", "readahead", "io_pages", "folios", "dirty_writeback", "dirty_expire",
		"wb_slice", "dirty_background_ratio", "dirty_background_bytes", "dirty_ratio",
		"dirty_bytes", "max_io", "directio_threshold", "final_sync", "timing", "hit_cost",
		"time_tolerance", "data", "verify", "device_model", "serve", NULL
	};
	const PcsParam *p = pcs_params();
	gsize i;

	for (i = 0; names[i]; i++) {
		assert_non_null(p[i].name);
		assert_string_equal(p[i].name, names[i]);
		assert_non_null(p[i].help);
		assert_non_null(p[i].arg);
		assert_non_null(p[i].def);
	}
	assert_null(p[i].name);

	assert_ptr_equal(pcs_param_find("reclaim_batch"), pcs_param_find("reclaim-batch"));
	assert_ptr_equal(pcs_param_find("inactive-ratio"), &p[2]);
	assert_ptr_equal(pcs_param_find("skip_bad"), &p[6]);
	assert_ptr_equal(pcs_param_find("readahead"), &p[7]);
	assert_ptr_equal(pcs_param_find("io-pages"), &p[8]);
	assert_int_equal(p[7].type, PCS_PARAM_SIZE_AUTO);
	assert_string_equal(p[7].def, "auto");
	assert_int_equal(p[8].type, PCS_PARAM_SIZE);
	assert_string_equal(p[8].def, "1280K");
	assert_ptr_equal(pcs_param_find("folios"), &p[9]);
	assert_int_equal(p[9].type, PCS_PARAM_BOOL);
	assert_string_equal(p[9].def, "off");
	assert_null(pcs_param_find("reclaim"));
	assert_null(pcs_param_find("reclaim_batch_"));
	assert_null(pcs_param_find("Cache"));
	assert_null(pcs_param_find(""));

	assert_string_equal(pcs_policy_name(PCS_POLICY_TWO_LIST), "two-list");
	assert_string_equal(pcs_policy_name(PCS_POLICY_LRU), "lru");
	assert_null(pcs_policy_name(PCS_POLICY_COUNT));
}

static void
test_defaults(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg;

	memset(&cfg, 0xa5, sizeof cfg);
	pcs_config_init(&cfg);
	assert_true(cfg.cache_bytes == GIB);
	assert_int_equal(cfg.policy, PCS_POLICY_TWO_LIST);
	assert_int_equal(cfg.inactive_ratio, 0);
	assert_int_equal(cfg.reclaim_batch, 32);
	assert_true(cfg.workingset);
	assert_true(cfg.warmup_requests == 0);
	assert_true(cfg.warmup_ns == 0);
	assert_true(cfg.skip_bad == 0);
	assert_true(cfg.readahead_bytes == PCS_READAHEAD_AUTO);
	assert_true(PCS_READAHEAD_AUTO == G_MAXUINT64);
	assert_true(PCS_READAHEAD_DEFAULT == 128 * KIB);
	assert_true(cfg.io_pages_bytes == 1280 * KIB);
	assert_false(cfg.folios);
	assert_true(pcs_config_cache_pages(&cfg) == 262144);
	assert_int_equal(pcs_config_effective_inactive_ratio(&cfg), 3);
}

typedef struct {
	const char *name;
	const char *value;
	gboolean    ok;
	guint64     value_out;   /* when ok: the field's value (warmup: warmup_requests) */
	guint64     ns_out;      /* when ok and warmup: warmup_ns */
	int         code;        /* when not ok */
	const char *error;       /* when not ok: a substring of the message */
} SetCase;

#define OK(n, v, out) { n, v, TRUE, out, 0, 0, NULL }
#define BAD(n, v, msg) { n, v, FALSE, 0, 0, PCS_OPTIONS_ERROR_INVALID, msg }

static const SetCase set_cases[] = {
	/* cache: SIZE, 128K..8T */
	OK ("cache", "128K", 128 * KIB),
	OK ("cache", "2G", 2 * GIB),
	OK ("cache", "8T", 8 * TIB),
	OK ("cache", "1.5G", GIB + GIB / 2),
	BAD ("cache", "12Q", "--cache: expected a size such as 4K, 256M or 2G, got '12Q'"),
	BAD ("cache", "0", "--cache: 0 is below the minimum 128K"),
	BAD ("cache", "131071", "--cache: 131071 is below the minimum 128K"),
	BAD ("cache", "9T", "--cache: 9T is above the maximum 8T"),
	BAD ("cache", "16E", "--cache: size '16E' is too large"),
	BAD ("cache", "", "--cache: expected a size"),
	/* policy: ENUM */
	OK ("policy", "lru", PCS_POLICY_LRU),
	OK ("policy", "two-list", PCS_POLICY_TWO_LIST),
	OK ("policy", "two_list", PCS_POLICY_TWO_LIST),
	OK ("policy", "LRU", PCS_POLICY_LRU),
	BAD ("policy", "fifo", "--policy: expected one of two-list, lru, got 'fifo'"),
	BAD ("policy", "", "--policy: expected one of two-list, lru, got ''"),
	/* dirty_writeback: DURATION, 0..1h */
	OK ("dirty_writeback", "5s", 5000000000),
	OK ("dirty-writeback", "0", 0),
	OK ("dirty_writeback", "500ms", 500000000),
	OK ("dirty_writeback", "1h", G_GUINT64_CONSTANT(3600000000000)),
	BAD ("dirty_writeback", "2h", "--dirty-writeback: 2h is above the maximum 1h"),
	BAD ("dirty_writeback", "5x", "--dirty-writeback: expected a duration"),
	OK ("hit_cost", "200ns", 200),
	OK ("hit_cost", "1.5us", 1500),
	/* timing, device_model: ENUM */
	OK ("timing", "model", PCS_TIMING_MODEL),
	OK ("device_model", "hdd", PCS_DEVICE_MODEL_HDD),
	BAD ("device_model", "tape", "--device-model: expected one of none, ssd, nvme, hdd"),
	BAD ("dirty_ratio", "0", "--dirty-ratio: 0 is below the minimum 1"),
	BAD ("dirty_background_ratio", "101", "is above the maximum 100"),
	/* inactive_ratio: UINT_AUTO, 1..1000 */
	OK ("inactive_ratio", "auto", 0),
	OK ("inactive_ratio", "AUTO", 0),
	OK ("inactive_ratio", "1", 1),
	OK ("inactive-ratio", "1000", 1000),
	BAD ("inactive_ratio", "0", "--inactive-ratio: 0 is below the minimum 1"),
	BAD ("inactive_ratio", "1001", "--inactive-ratio: 1001 is above the maximum 1000"),
	BAD ("inactive_ratio", "4294967297", "is above the maximum 1000"),
	BAD ("inactive_ratio", "automatic", "--inactive-ratio: expected 'auto' or a whole number "
	     "from 1 to 1000, got 'automatic'"),
	BAD ("inactive_ratio", "-3", "got '-3'"),
	/* reclaim_batch: UINT, 1..4096 */
	OK ("reclaim_batch", "1", 1),
	OK ("reclaim-batch", "4096", 4096),
	BAD ("reclaim_batch", "0", "--reclaim-batch: 0 is below the minimum 1"),
	BAD ("reclaim_batch", "4097", "--reclaim-batch: 4097 is above the maximum 4096"),
	BAD ("reclaim_batch", "18446744073709551615", "is above the maximum 4096"),
	BAD ("reclaim_batch", "18446744073709551616", "--reclaim-batch: '18446744073709551616' is "
	     "too large"),
	BAD ("reclaim_batch", "32K", "--reclaim-batch: expected a whole number such as 0, 32 or "
	     "1000, got '32K'"),
	/* workingset: BOOL */
	OK ("workingset", "off", FALSE),
	OK ("workingset", "on", TRUE),
	OK ("workingset", "false", FALSE),
	OK ("workingset", "yes", TRUE),
	OK ("workingset", "0", FALSE),
	OK ("workingset", "ON", TRUE),
	BAD ("workingset", "maybe", "--workingset: expected on or off (true/false, yes/no, 1/0), "
	     "got 'maybe'"),
	BAD ("workingset", "", "got ''"),
	/* warmup: requests or a duration */
	{ "warmup", "1000", TRUE, 1000, 0, 0, NULL },
	{ "warmup", "0", TRUE, 0, 0, 0, NULL },
	{ "warmup", "5s", TRUE, 0, G_GUINT64_CONSTANT (5000000000), 0, NULL },
	{ "warmup", "500ms", TRUE, 0, 500000000, 0, NULL },
	{ "warmup", "18446744073709551615", TRUE, G_MAXUINT64, 0, 0, NULL },
	BAD ("warmup", "5 s", "--warmup: expected a number of requests such as 1000, or trace time "
	     "such as 5s or 500ms, got '5 s'"),
	BAD ("warmup", "-1", "got '-1'"),
	BAD ("warmup", "", "got ''"),
	/* skip_bad: UINT, 0..2^64-1 */
	OK ("skip_bad", "0", 0),
	OK ("skip-bad", "18446744073709551615", G_MAXUINT64),
	BAD ("skip_bad", "18446744073709551616", "--skip-bad: '18446744073709551616' is too large"),
	BAD ("skip_bad", "-1", "--skip-bad: expected a whole number"),
	/* readahead: SIZE_AUTO, 0..1G or auto (stored as G_MAXUINT64) */
	OK ("readahead", "auto", G_MAXUINT64),
	OK ("readahead", "AUTO", G_MAXUINT64),
	OK ("readahead", "Auto", G_MAXUINT64),
	OK ("readahead", "0", 0),
	OK ("readahead", "0K", 0),
	OK ("readahead", "128K", 128 * KIB),
	OK ("readahead", "131072", 128 * KIB),
	OK ("readahead", "2M", 2 * MIB),
	OK ("readahead", "1.5M", MIB + MIB / 2),
	OK ("readahead", "1G", GIB),
	OK ("readahead", "1073741824", GIB),
	BAD ("readahead", "1073741825", "--readahead: 1073741825 is above the maximum 1G"),
	BAD ("readahead", "2G", "--readahead: 2G is above the maximum 1G"),
	BAD ("readahead", "18446744073709551615",
	     "--readahead: 18446744073709551615 is above the maximum 1G"),
	BAD ("readahead", "16E", "--readahead: size '16E' is too large"),
	BAD ("readahead", "12Q", "--readahead: expected a size such as 4K, 256M or 2G, got '12Q'"),
	BAD ("readahead", "automatic", "--readahead: expected a size such as 4K, 256M or 2G, got "
	     "'automatic'"),
	BAD ("readahead", " auto", "got ' auto'"),
	BAD ("readahead", "-1", "got '-1'"),
	BAD ("readahead", "", "--readahead: expected a size"),
	/* io_pages: SIZE, 4K..1G, no auto */
	OK ("io_pages", "4K", 4 * KIB),
	OK ("io-pages", "1280K", 1280 * KIB),
	OK ("io_pages", "1G", GIB),
	BAD ("io_pages", "4095", "--io-pages: 4095 is below the minimum 4K"),
	BAD ("io_pages", "0", "--io-pages: 0 is below the minimum 4K"),
	BAD ("io_pages", "1025M", "--io-pages: 1025M is above the maximum 1G"),
	BAD ("io_pages", "auto", "--io-pages: expected a size such as 4K, 256M or 2G, got 'auto'"),
	/* unknown names */
	{ "cachesize", "1G", FALSE, 0, 0, PCS_OPTIONS_ERROR_UNKNOWN,
	  "unknown parameter 'cachesize' (known: cache, policy, inactive_ratio, reclaim_batch, "
	  "workingset, warmup, skip_bad, readahead, io_pages, folios, dirty_writeback, "
	  "dirty_expire, wb_slice, dirty_background_ratio, dirty_background_bytes, dirty_ratio, "
	  "dirty_bytes, max_io, directio_threshold, final_sync, timing, hit_cost, time_tolerance, "
	  "data, verify, device_model, serve)" },
	{ "", "1", FALSE, 0, 0, PCS_OPTIONS_ERROR_UNKNOWN, "unknown parameter ''" },
};

/* The value of p's field in cfg, whatever its width. */
static guint64
field_value(const PcsConfig *cfg, const PcsParam *p)
{
	const char *base = (const char *) cfg + p->offset;

	if (p->size == sizeof (guint64)) {
		guint64 v;

		memcpy(&v, base, sizeof v);
		return v;
	} else {
		guint32 v;

		memcpy(&v, base, sizeof v);
		return v;
	}
}

static void
test_set(void **state G_GNUC_UNUSED)
{
	for (gsize i = 0; i < G_N_ELEMENTS (set_cases); i++) {
		const SetCase *c = &set_cases[i];
		g_autoptr(GError) error = NULL;
		PcsConfig cfg, before;
		gboolean ok;

		pcs_config_init(&cfg);
		/* a warm-up of the other kind, to see that setting one clears the other */
		cfg.warmup_requests = 7;
		before = cfg;
		ok = pcs_config_set(&cfg, c->name, c->value, &error);
		if (ok != c->ok)
			fail_msg("%s=%s: expected %s, got %s (%s)", c->name, c->value,
			         c->ok ? "success" : "failure", ok ? "success" : "failure",
			         error ? error->message : "");
		if (ok) {
			const PcsParam *p = pcs_param_find(c->name);

			assert_null(error);
			if (field_value(&cfg, p) != c->value_out)
				fail_msg("%s=%s: stored %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
				         c->name, c->value, field_value(&cfg, p), c->value_out);
			if (p->type == PCS_PARAM_WARMUP)
				assert_true(cfg.warmup_ns == c->ns_out);
		} else {
			assert_non_null(error);
			assert_true(g_error_matches(error, PCS_OPTIONS_ERROR, c->code));
			assert_contains(error->message, c->error);
			/* cfg unchanged on error */
			assert_memory_equal(&cfg, &before, sizeof cfg);
		}
		/* a NULL error gives the same result */
		cfg = before;
		assert_int_equal(pcs_config_set(&cfg, c->name, c->value, NULL), c->ok);
	}
}

/* ---- INI files ----------------------------------------------------------------------- */

typedef struct {
	char *dir;
} TmpDir;

static int
tmpdir_setup(void **state G_GNUC_UNUSED)
{
	TmpDir *t = g_new0(TmpDir, 1);

	t->dir = g_dir_make_tmp("pcsim-test-options-XXXXXX", NULL);
	if (!t->dir)
		return -1;
	*state = t;
	return 0;
}

static int
tmpdir_teardown(void **state G_GNUC_UNUSED)
{
	TmpDir *t = *state;
	GDir *d = g_dir_open(t->dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(t->dir, name, NULL);

		g_unlink(path);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(t->dir);
	g_free(t->dir);
	g_free(t);
	return 0;
}

/* Writes text to DIR/name and returns the path. Caller frees. */
static char *
write_ini(TmpDir *t, const char *name, const char *text)
{
	char *path = g_build_filename(t->dir, name, NULL);

	assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static void
test_load_good(void **state G_GNUC_UNUSED)
{
	g_autofree char *path = write_ini(*state, "good.ini",
	                                  "# a comment\n"
	                                  "[pcsim]\n"
	                                  "cache = 2G\n"
	                                  "policy=lru\n"
	                                  "reclaim-batch = 64\n"
	                                  "workingset = off\n"
	                                  "warmup = 5s\n"
	                                  "inactive_ratio = 7\n"
	                                  "readahead = 512K\n"
	                                  "io-pages = 256K\n");
	g_autoptr(GError) error = NULL;
	PcsConfig cfg;

	pcs_config_init(&cfg);
	cfg.skip_bad = 9;   /* keys the file does not name are kept */
	assert_true(pcs_config_load_file(&cfg, path, &error));
	assert_null(error);
	assert_true(cfg.cache_bytes == 2 * GIB);
	assert_int_equal(cfg.policy, PCS_POLICY_LRU);
	assert_int_equal(cfg.reclaim_batch, 64);
	assert_false(cfg.workingset);
	assert_true(cfg.warmup_ns == G_GUINT64_CONSTANT (5000000000));
	assert_true(cfg.warmup_requests == 0);
	assert_int_equal(cfg.inactive_ratio, 7);
	assert_true(cfg.readahead_bytes == 512 * KIB);
	assert_true(cfg.io_pages_bytes == 256 * KIB);
	assert_true(cfg.skip_bad == 9);
}

/* "auto" in a file sets the sentinel back, whatever the value before. */
static void
test_load_readahead_auto(void **state G_GNUC_UNUSED)
{
	g_autofree char *path = write_ini(*state, "ra.ini", "[pcsim]\nreadahead = auto\n");
	g_autoptr(GError) error = NULL;
	PcsConfig cfg;

	pcs_config_init(&cfg);
	assert_true(pcs_config_set(&cfg, "readahead", "0", NULL));
	assert_true(cfg.readahead_bytes == 0);
	assert_true(pcs_config_load_file(&cfg, path, &error));
	assert_null(error);
	assert_true(cfg.readahead_bytes == PCS_READAHEAD_AUTO);
}

static void
test_load_empty(void **state G_GNUC_UNUSED)
{
	g_autofree char *path = write_ini(*state, "empty.ini", "# nothing\n");
	PcsConfig cfg, before;

	pcs_config_init(&cfg);
	before = cfg;
	assert_true(pcs_config_load_file(&cfg, path, NULL));
	assert_memory_equal(&cfg, &before, sizeof cfg);
}

typedef struct {
	const char *text;
	int         code;
	const char *error;   /* substrings, the path is checked apart */
	const char *error2;
} BadIniCase;

static void
test_load_bad(void **state G_GNUC_UNUSED)
{
	static const BadIniCase cases[] = {
		{ "[pcsim]\ncache = 2G\ncachesize = 1G\n", PCS_OPTIONS_ERROR_UNKNOWN,
		  "unknown parameter 'cachesize'", "[pcsim]" },
		{ "[pcsim]\ncache = 2G\nreclaim_batch = 0\n", PCS_OPTIONS_ERROR_INVALID,
		  "[pcsim] reclaim_batch: 0 is below the minimum 1", NULL },
		{ "[pcsim]\ncache = 12Q\n", PCS_OPTIONS_ERROR_INVALID,
		  "cache: expected a size such as 4K, 256M or 2G, got '12Q'", NULL },
		{ "[pcsim]\nreadahead = 128K\nio_pages = 2K\n", PCS_OPTIONS_ERROR_INVALID,
		  "[pcsim] io_pages: 2K is below the minimum 4K", NULL },
		{ "[pcsim]\nreadahead = 2G\n", PCS_OPTIONS_ERROR_INVALID,
		  "[pcsim] readahead: 2G is above the maximum 1G", NULL },
		{ "[pcsim]\ncache = 2G\n[other]\nx = 1\n", PCS_OPTIONS_ERROR_UNKNOWN,
		  "unknown group [other]", NULL },
		{ "[global]\ncache = 2G\n", PCS_OPTIONS_ERROR_UNKNOWN, "unknown group [global]", NULL },
		{ "[pcsim]\nthis line has no equals sign\n", PCS_OPTIONS_ERROR_FAILED,
		  "cannot read config file", NULL },
		{ "cache = 2G\n", PCS_OPTIONS_ERROR_FAILED, "cannot read config file", NULL },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *name = g_strdup_printf("bad%zu.ini", i);
		g_autofree char *path = write_ini(*state, name, cases[i].text);
		g_autoptr(GError) error = NULL;
		PcsConfig cfg, before;

		pcs_config_init(&cfg);
		before = cfg;
		assert_false(pcs_config_load_file(&cfg, path, &error));
		assert_non_null(error);
		if (!g_error_matches(error, PCS_OPTIONS_ERROR, cases[i].code))
			fail_msg("case %zu: unexpected error code %d: %s", i, error->code, error->message);
		assert_contains(error->message, path);
		assert_contains(error->message, cases[i].error);
		if (cases[i].error2)
			assert_contains(error->message, cases[i].error2);
		/* nothing applied, not even the good keys before the bad one */
		assert_memory_equal(&cfg, &before, sizeof cfg);
		assert_false(pcs_config_load_file(&cfg, path, NULL));
	}
}

static void
test_load_missing(void **state G_GNUC_UNUSED)
{
	TmpDir *t = *state;
	g_autofree char *path = g_build_filename(t->dir, "missing.ini", NULL);
	g_autoptr(GError) error = NULL;
	PcsConfig cfg;

	pcs_config_init(&cfg);
	assert_false(pcs_config_load_file(&cfg, path, &error));
	assert_true(g_error_matches(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_FAILED));
	assert_contains(error->message, path);
}

/* ---- formatting ---------------------------------------------------------------------- */

/* pcs_config_format() and pcs_config_to_machine_text() re-parse to the same configuration. */
static void
test_format_roundtrip(void **state G_GNUC_UNUSED)
{
	static const char *const settings[][2] = {
		{ "cache", "1G" }, { "cache", "1.5G" }, { "cache", "1073745920" }, { "cache", "128K" },
		{ "cache", "8T" }, { "cache", "131073" }, { "cache", "3.5M" },
		{ "policy", "lru" }, { "policy", "two-list" },
		{ "inactive_ratio", "auto" }, { "inactive_ratio", "17" },
		{ "reclaim_batch", "1" }, { "reclaim_batch", "4096" },
		{ "workingset", "off" }, { "workingset", "on" },
		{ "warmup", "0" }, { "warmup", "1000" }, { "warmup", "5s" }, { "warmup", "1.5s" },
		{ "warmup", "90s" }, { "warmup", "1ns" }, { "warmup", "2h" }, { "warmup", "7us" },
		{ "skip_bad", "0" }, { "skip_bad", "18446744073709551615" },
		{ "readahead", "auto" }, { "readahead", "0" }, { "readahead", "128K" },
		{ "readahead", "4K" }, { "readahead", "1.5M" }, { "readahead", "131073" },
		{ "readahead", "1G" }, { "readahead", "100B" },
		{ "io_pages", "4K" }, { "io_pages", "1280K" }, { "io_pages", "1G" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (settings); i++) {
		const PcsParam *p = pcs_param_find(settings[i][0]);
		PcsConfig cfg, again, machine;
		g_autofree char *text = NULL;
		g_autofree char *mtext = NULL;
		g_autofree char *json = NULL;

		pcs_config_init(&cfg);
		assert_true(pcs_config_set(&cfg, settings[i][0], settings[i][1], NULL));
		text = pcs_config_format(&cfg, p);
		mtext = pcs_config_to_machine_text(&cfg, p);
		json = pcs_config_to_json_value(&cfg, p);
		/* from a different starting point, so that a no-op set would be caught */
		memset(&again, 0, sizeof again);
		memset(&machine, 0, sizeof machine);
		again.warmup_requests = machine.warmup_requests = 3;
		if (!pcs_config_set(&again, p->name, text, NULL))
			fail_msg("%s=%s formats as '%s', which does not parse", p->name, settings[i][1],
			         text);
		assert_true(pcs_config_set(&machine, p->name, mtext, NULL));
		assert_true(field_value(&again, p) == field_value(&cfg, p));
		assert_true(field_value(&machine, p) == field_value(&cfg, p));
		if (p->type == PCS_PARAM_WARMUP) {
			assert_true(again.warmup_ns == cfg.warmup_ns);
			assert_true(machine.warmup_ns == cfg.warmup_ns);
			assert_true(again.warmup_requests == cfg.warmup_requests);
		}
		assert_true(strlen(json) > 0);
	}
}

static void
test_format_text(void **state G_GNUC_UNUSED)
{
	static const struct {
		const char *name, *value, *text, *machine, *json;
	} cases[] = {
		{ "cache", "1G", "1G", "1073741824", "1073741824" },
		{ "cache", "1.5G", "1.5G", "1610612736", "1610612736" },
		{ "cache", "1073745920", "1048580K", "1073745920", "1073745920" },
		{ "cache", "131073", "131073B", "131073", "131073" },
		{ "policy", "lru", "lru", "lru", "\"lru\"" },
		{ "policy", "two-list", "two-list", "two-list", "\"two-list\"" },
		{ "inactive_ratio", "auto", "auto", "auto", "\"auto\"" },
		{ "inactive_ratio", "5", "5", "5", "5" },
		{ "reclaim_batch", "32", "32", "32", "32" },
		{ "workingset", "yes", "on", "true", "true" },
		{ "workingset", "0", "off", "false", "false" },
		{ "warmup", "0", "0", "0", "{\"requests\":0,\"ns\":0}" },
		{ "warmup", "1000", "1000", "1000", "{\"requests\":1000,\"ns\":0}" },
		{ "warmup", "5000ms", "5s", "5000000000ns", "{\"requests\":0,\"ns\":5000000000}" },
		{ "warmup", "1.5s", "1500ms", "1500000000ns", "{\"requests\":0,\"ns\":1500000000}" },
		{ "warmup", "120s", "2m", "120000000000ns", "{\"requests\":0,\"ns\":120000000000}" },
		{ "skip_bad", "12", "12", "12", "12" },
		/* "auto" is a JSON string, a size a JSON number of bytes */
		{ "readahead", "auto", "auto", "auto", "\"auto\"" },
		{ "readahead", "AUTO", "auto", "auto", "\"auto\"" },
		{ "readahead", "0", "0B", "0", "0" },
		{ "readahead", "128K", "128K", "131072", "131072" },
		{ "readahead", "131072", "128K", "131072", "131072" },
		{ "readahead", "1.5M", "1.5M", "1572864", "1572864" },
		{ "readahead", "131073", "131073B", "131073", "131073" },
		{ "readahead", "1G", "1G", "1073741824", "1073741824" },
		{ "io_pages", "1280K", "1280K", "1310720", "1310720" },
		{ "io_pages", "4K", "4K", "4096", "4096" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const PcsParam *p = pcs_param_find(cases[i].name);
		PcsConfig cfg;
		g_autofree char *text = NULL;
		g_autofree char *machine = NULL;
		g_autofree char *json = NULL;

		pcs_config_init(&cfg);
		assert_true(pcs_config_set(&cfg, cases[i].name, cases[i].value, NULL));
		text = pcs_config_format(&cfg, p);
		machine = pcs_config_to_machine_text(&cfg, p);
		json = pcs_config_to_json_value(&cfg, p);
		assert_string_equal(text, cases[i].text);
		assert_string_equal(machine, cases[i].machine);
		assert_string_equal(json, cases[i].json);
	}
}

/*
 * readahead (PCS_PARAM_SIZE_AUTO): every output form re-parses to the same field, and the
 * JSON value is the string "auto" for the sentinel, else a bare number of bytes.
 */
static void
test_size_auto_roundtrip(void **state G_GNUC_UNUSED)
{
	static const char *const values[] = {
		"auto", "0", "4K", "128K", "131073", "1.5M", "1G", "1073741823",
	};
	const PcsParam *p = pcs_param_find("readahead");

	assert_non_null(p);
	assert_int_equal(p->type, PCS_PARAM_SIZE_AUTO);
	for (gsize i = 0; i < G_N_ELEMENTS (values); i++) {
		gboolean is_auto = strcmp(values[i], "auto") == 0;
		g_autofree char *text = NULL;
		g_autofree char *mtext = NULL;
		g_autofree char *json = NULL;
		g_autofree char *json_text = NULL;
		PcsConfig cfg, a, b, c;

		pcs_config_init(&cfg);
		assert_true(pcs_config_set(&cfg, "readahead", values[i], NULL));
		assert_int_equal(cfg.readahead_bytes == PCS_READAHEAD_AUTO, is_auto);
		text = pcs_config_format(&cfg, p);
		mtext = pcs_config_to_machine_text(&cfg, p);
		json = pcs_config_to_json_value(&cfg, p);
		if (is_auto) {
			assert_string_equal(text, "auto");
			assert_string_equal(mtext, "auto");
			assert_string_equal(json, "\"auto\"");
			json_text = g_strndup(json + 1, strlen(json) - 2);
		} else {
			guint64 n;

			/* a JSON number: digits only, the byte count */
			assert_true(pcs_parse_count(json, &n, NULL));
			assert_true(n == cfg.readahead_bytes);
			assert_string_equal(json, mtext);
			json_text = g_strdup(json);
		}
		/* start from the other kind of value, so a no-op set would be caught */
		pcs_config_init(&a);
		a.readahead_bytes = is_auto ? 12345 : PCS_READAHEAD_AUTO;
		b = c = a;
		assert_true(pcs_config_set(&a, "readahead", text, NULL));
		assert_true(pcs_config_set(&b, "readahead", mtext, NULL));
		assert_true(pcs_config_set(&c, "readahead", json_text, NULL));
		assert_true(a.readahead_bytes == cfg.readahead_bytes);
		assert_true(b.readahead_bytes == cfg.readahead_bytes);
		assert_true(c.readahead_bytes == cfg.readahead_bytes);
	}
}

static void
test_effective_inactive_ratio(void **state G_GNUC_UNUSED)
{
	static const struct {
		const char *cache;
		guint32 ratio;
	} cases[] = {
		{ "128K", 1 }, { "512M", 1 }, { "1023M", 1 }, { "1G", 3 }, { "2G", 4 }, { "10G", 10 },
		{ "100G", 31 }, { "1T", 101 }, { "8T", 286 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		PcsConfig cfg;

		pcs_config_init(&cfg);
		assert_true(pcs_config_set(&cfg, "cache", cases[i].cache, NULL));
		if (pcs_config_effective_inactive_ratio(&cfg) != cases[i].ratio)
			fail_msg("cache %s: expected ratio %u, got %u", cases[i].cache, cases[i].ratio,
			         pcs_config_effective_inactive_ratio(&cfg));
		/* a set ratio wins */
		assert_true(pcs_config_set(&cfg, "inactive_ratio", "42", NULL));
		assert_int_equal(pcs_config_effective_inactive_ratio(&cfg), 42);
	}
}

static void
test_cache_pages(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg;

	pcs_config_init(&cfg);
	assert_true(pcs_config_set(&cfg, "cache", "128K", NULL));
	assert_true(pcs_config_cache_pages(&cfg) == 32);
	assert_true(pcs_config_set(&cfg, "cache", "131073", NULL));   /* partial page dropped */
	assert_true(pcs_config_cache_pages(&cfg) == 32);
	assert_true(pcs_config_set(&cfg, "cache", "8T", NULL));
	assert_true(pcs_config_cache_pages(&cfg) == G_GUINT64_CONSTANT (2147483648));
}

/* ---- GOption ------------------------------------------------------------------------- */

static void
test_option_group(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg;
	g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE...");
	g_autoptr(GError) error = NULL;
	gboolean quiet = FALSE;
	const GOptionEntry own[] = {
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "say less", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	char *argv_in[] = {
		"pcsim", "--cache", "2G", "--reclaim-batch=64", "-q", "--workingset", "off",
		"trace.txt", "--inactive-ratio", "auto", "--warmup", "5s", "--cache", "4G",
		"--readahead", "0", "--io-pages=512K", "--readahead=256K", NULL
	};
	char **argv = g_memdup2(argv_in, sizeof argv_in);
	int argc = G_N_ELEMENTS (argv_in) - 1;
	g_autofree char *help = NULL;

	pcs_config_init(&cfg);
	g_option_context_set_main_group(ctx, pcs_config_option_group(&cfg));
	g_option_context_add_main_entries(ctx, own, NULL);
	assert_true(g_option_context_parse(ctx, &argc, &argv, &error));
	assert_null(error);
	assert_true(cfg.cache_bytes == 4 * GIB);   /* the later option wins */
	assert_int_equal(cfg.reclaim_batch, 64);
	assert_false(cfg.workingset);
	assert_int_equal(cfg.inactive_ratio, 0);
	assert_true(cfg.warmup_ns == G_GUINT64_CONSTANT (5000000000));
	assert_true(cfg.readahead_bytes == 256 * KIB);   /* the later option wins */
	assert_true(cfg.io_pages_bytes == 512 * KIB);
	assert_true(quiet);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "trace.txt");
	g_free(argv);

	help = g_option_context_get_help(ctx, TRUE, NULL);
	assert_contains(help, "--cache=SIZE");
	assert_contains(help, "page cache size (default 1G)");
	assert_contains(help, "--reclaim-batch=N");
	assert_contains(help, "--policy=two-list|lru");
	assert_contains(help, "--inactive-ratio=N|auto");
	assert_contains(help, "--workingset=on|off");
	assert_contains(help, "--warmup=N|TIME");
	assert_contains(help, "--skip-bad=N");
	assert_contains(help, "--readahead=SIZE|auto");
	assert_contains(help, "(default auto)");
	assert_contains(help, "--io-pages=SIZE");
	assert_contains(help, "(default 1280K)");
	assert_contains(help, "--quiet");
}

static void
test_option_group_bad_value(void **state G_GNUC_UNUSED)
{
	static const struct {
		const char *opt, *value, *error;
	} cases[] = {
		{ "--cache", "12Q", "--cache: expected a size such as 4K, 256M or 2G, got '12Q'" },
		{ "--reclaim-batch", "0", "--reclaim-batch: 0 is below the minimum 1" },
		{ "--policy", "mglru", "--policy: expected one of two-list, lru, got 'mglru'" },
		{ "--readahead", "2G", "--readahead: 2G is above the maximum 1G" },
		{ "--readahead", "on", "--readahead: expected a size such as 4K, 256M or 2G, got 'on'" },
		{ "--io-pages", "auto", "--io-pages: expected a size such as 4K, 256M or 2G, got "
		  "'auto'" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		PcsConfig cfg, before;
		g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
		g_autoptr(GError) error = NULL;
		char *argv_in[] = { "pcsim", (char *) cases[i].opt, (char *) cases[i].value, NULL };
		char **argv = g_memdup2(argv_in, sizeof argv_in);
		int argc = 3;

		pcs_config_init(&cfg);
		before = cfg;
		g_option_context_add_group(ctx, pcs_config_option_group(&cfg));
		assert_false(g_option_context_parse(ctx, &argc, &argv, &error));
		assert_true(g_error_matches(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE));
		assert_string_equal(error->message, cases[i].error);
		assert_memory_equal(&cfg, &before, sizeof cfg);
		g_free(argv);
	}
}

/* A group that is never handed to a context is freed with its strings. */
static void
test_option_group_unref(void **state G_GNUC_UNUSED)
{
	PcsConfig cfg;

	pcs_config_init(&cfg);
	g_option_group_unref(pcs_config_option_group(&cfg));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_count),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_size_reparses),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set),
		cmocka_unit_test_setup_teardown(test_load_good, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_readahead_auto, tmpdir_setup,
		                                tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_empty, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_size_auto_roundtrip),
		cmocka_unit_test(test_effective_inactive_ratio),
		cmocka_unit_test(test_cache_pages),
		cmocka_unit_test(test_option_group),
		cmocka_unit_test(test_option_group_bad_value),
		cmocka_unit_test(test_option_group_unref),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
