/*
 * options.c - the single parameter table: parsing, defaults, validation, help and output.
 *
 * Every knob of a replay has one row in `params[]` below (cf. fio options.c): its name, its
 * type, where it lives in PcsConfig, its default written as a user would type it, its bounds,
 * an argument placeholder and a help line. Everything else is generated from the table:
 *
 *                      +--> pcs_config_init()           defaults (the `def` strings, parsed)
 *                      +--> pcs_config_option_group()   --cache SIZE, --reclaim-batch N, ...
 *   params[] (rows) ---+--> pcs_config_load_file()      [pcsim] cache = 2G   (GKeyFile)
 *                      +--> pcs_config_set()            --set cache=1G,2G   (sweeps)
 *                      +--> pcs_config_format()         "1G", "auto", "on"  (normal report)
 *                      +--> pcs_config_to_json_value()  1073741824, "auto", true (JSON)
 *                      +--> pcs_config_to_machine_text() 1073741824, auto, true (CSV)
 *
 * Invariants:
 *   - every value reaches a PcsConfig through set_param(), which parses and checks bounds
 *     before it stores anything: a config is never half-updated, and an error leaves it as
 *     it was (pcs_config_load_file() applies a whole file to a copy first);
 *   - every formatted value re-parses to the same value (pcs_config_format() and
 *     pcs_config_to_machine_text() are exact, never rounded), so a reported configuration
 *     can be fed back to pcsim;
 *   - names are spelt with '_' in the table and in INI files; the command line spells them
 *     with '-'; pcs_param_find() accepts both.
 *
 * Sizes, durations and counts are parsed and formatted by units.c.
 *
 * Simplified: only one PCS_PARAM_WARMUP row can exist (it sets warmup_requests and
 * warmup_ns by name), and boolean options always take a value (--workingset off), because a
 * GOption optional argument must be glued with '=' and a bare "off" would become a trace name.
 *
 * Entry points: pcs_params, pcs_param_find, pcs_config_init, pcs_config_set,
 * pcs_config_load_file, pcs_config_option_group, pcs_config_format, pcs_config_to_json_value,
 * pcs_config_to_machine_text, pcs_config_cache_pages, pcs_config_effective_inactive_ratio,
 * pcs_policy_name.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <pcsim/config.h>
#include <pcsim/event.h>
#include <pcsim/transfer.h>
#include "units.h"
#include "util.h"

G_DEFINE_QUARK (pcs-options-error-quark, pcs_options_error)

#define KIB (G_GUINT64_CONSTANT (1) << 10)
#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define TIB (G_GUINT64_CONSTANT (1) << 40)

static const char *const policy_choices[] = {
	[PCS_POLICY_TWO_LIST] = "two-list",
	[PCS_POLICY_LRU] = "lru",
	NULL
};

static const char *const timing_choices[] = {
	[PCS_TIMING_AUTO] = "auto",
	[PCS_TIMING_TRACE] = "trace",
	[PCS_TIMING_MODEL] = "model",
	NULL
};

static const char *const device_model_choices[] = {
	[PCS_DEVICE_MODEL_NONE] = "none",
	[PCS_DEVICE_MODEL_SSD] = "ssd",
	[PCS_DEVICE_MODEL_NVME] = "nvme",
	[PCS_DEVICE_MODEL_HDD] = "hdd",
	NULL
};

static const char *const serve_choices[] = {
	[PCS_SERVE_TRACE] = "trace",
	[PCS_SERVE_READ_WRITE] = "read-write",
	[PCS_SERVE_MMAP_WRITE] = "mmap-write",
	[PCS_SERVE_SENDFILE] = "sendfile",
	[PCS_SERVE_SENDFILE_SG] = "sendfile-sg",
	[PCS_SERVE_SPLICE] = "splice",
	[PCS_SERVE_DIRECT] = "direct",
	NULL
};

#define HOUR_NS (G_GUINT64_CONSTANT (3600000000000))

static const PcsParam params[] = {
	{ "cache", PCS_PARAM_SIZE, offsetof (PcsConfig, cache_bytes), sizeof (guint64),
	  "1G", 128 * KIB, 8 * TIB, NULL, "SIZE", "page cache size" },
	{ "policy", PCS_PARAM_ENUM, offsetof (PcsConfig, policy), sizeof (guint32),
	  "two-list", 0, PCS_POLICY_COUNT - 1, policy_choices, "two-list|lru",
	  "page replacement policy" },
	{ "inactive_ratio", PCS_PARAM_UINT_AUTO, offsetof (PcsConfig, inactive_ratio),
	  sizeof (guint32), "auto", 1, 1000, NULL, "N|auto",
	  "active:inactive balance (auto: int_sqrt(10 * cache GiB))" },
	{ "reclaim_batch", PCS_PARAM_UINT, offsetof (PcsConfig, reclaim_batch), sizeof (guint32),
	  "32", 1, 4096, NULL, "N", "pages reclaimed per shortage (1: one in, one out)" },
	{ "workingset", PCS_PARAM_BOOL, offsetof (PcsConfig, workingset), sizeof (gboolean),
	  "on", 0, 1, NULL, "on|off", "shadow entries and refault activation" },
	{ "warmup", PCS_PARAM_WARMUP, offsetof (PcsConfig, warmup_requests), sizeof (guint64),
	  "0", 0, G_MAXUINT64, NULL, "N|TIME",
	  "requests (N) or trace time (5s, 500ms) simulated but not counted" },
	{ "skip_bad", PCS_PARAM_UINT, offsetof (PcsConfig, skip_bad), sizeof (guint64),
	  "0", 0, G_MAXUINT64, NULL, "N", "bad trace records tolerated (counted)" },
	{ "readahead", PCS_PARAM_SIZE_AUTO, offsetof (PcsConfig, readahead_bytes), sizeof (guint64),
	  "auto", 0, 1 * GIB, NULL, "SIZE|auto",
	  "readahead window, ra_pages, in whole 4K pages (auto: 128K for file-level traces, 0 for "
	  "block-level; 0: off)" },
	{ "io_pages", PCS_PARAM_SIZE, offsetof (PcsConfig, io_pages_bytes), sizeof (guint64),
	  "1280K", 4 * KIB, 1 * GIB, NULL, "SIZE",
	  "largest read (max_sectors): oversized and forced readahead are capped by it" },
	{ "folios", PCS_PARAM_BOOL, offsetof (PcsConfig, folios), sizeof (gboolean),
	  "off", 0, 1, NULL, "on|off",
	  "large folios in readahead (kernels 6.10+; off: the classic order-0 page cache)" },
	/* writeback (mm/page-writeback.c, fs/fs-writeback.c defaults) */
	{ "dirty_writeback", PCS_PARAM_DURATION, offsetof (PcsConfig, dirty_writeback_ns),
	  sizeof (guint64), "5s", 0, HOUR_NS, NULL, "TIME",
	  "flusher period, dirty_writeback_centisecs (0: no periodic writeback)" },
	{ "dirty_expire", PCS_PARAM_DURATION, offsetof (PcsConfig, dirty_expire_ns),
	  sizeof (guint64), "30s", 0, 24 * HOUR_NS, NULL, "TIME",
	  "age at which a dirty file is written back, dirty_expire_centisecs" },
	{ "wb_slice", PCS_PARAM_SIZE, offsetof (PcsConfig, wb_slice_bytes), sizeof (guint64),
	  "4M", 4 * KIB, 1 * GIB, NULL, "SIZE",
	  "pages written per file turn of background and periodic writeback (MIN_WRITEBACK_PAGES)" },
	{ "dirty_background_ratio", PCS_PARAM_UINT, offsetof (PcsConfig, dirty_background_ratio),
	  sizeof (guint32), "10", 0, 100, NULL, "PERCENT",
	  "dirty share of the cache that starts background writeback" },
	{ "dirty_background_bytes", PCS_PARAM_SIZE, offsetof (PcsConfig, dirty_background_bytes),
	  sizeof (guint64), "0", 0, 8 * TIB, NULL, "SIZE",
	  "absolute background threshold (0: use the ratio)" },
	{ "dirty_ratio", PCS_PARAM_UINT, offsetof (PcsConfig, dirty_ratio), sizeof (guint32),
	  "20", 1, 100, NULL, "PERCENT", "dirty share of the cache at which writers are throttled" },
	{ "dirty_bytes", PCS_PARAM_SIZE, offsetof (PcsConfig, dirty_bytes), sizeof (guint64),
	  "0", 0, 8 * TIB, NULL, "SIZE", "absolute dirty limit (0: use the ratio; at least 8K)" },
	{ "max_io", PCS_PARAM_SIZE, offsetof (PcsConfig, max_io_bytes), sizeof (guint64),
	  "1280K", 4 * KIB, 1 * GIB, NULL, "SIZE",
	  "largest device write (max_sectors_kb): contiguous dirty pages merge up to it" },
	{ "directio_threshold", PCS_PARAM_SIZE, offsetof (PcsConfig, directio_threshold),
	  sizeof (guint64), "0", 0, 8 * TIB, NULL, "SIZE",
	  "reads of files at least this large bypass the cache, as nginx's directio (0: off)" },
	{ "final_sync", PCS_PARAM_BOOL, offsetof (PcsConfig, final_sync), sizeof (gboolean),
	  "on", 0, 1, NULL, "on|off", "write back the dirty pages left at the end (counted as sync; --no-final-sync: off)" },
	/* time */
	{ "timing", PCS_PARAM_ENUM, offsetof (PcsConfig, timing), sizeof (guint32),
	  "auto", 0, PCS_TIMING_COUNT - 1, timing_choices, "auto|trace|model",
	  "what drives the clock: the trace's timestamps, or each request's modelled cost "
	  "(auto: trace when the trace has timestamps)" },
	{ "hit_cost", PCS_PARAM_DURATION, offsetof (PcsConfig, hit_cost_ns), sizeof (guint64),
	  "200ns", 0, 1000000000, NULL, "TIME",
	  "modelled cost of a page served from the cache (timing model)" },
	{ "time_tolerance", PCS_PARAM_DURATION, offsetof (PcsConfig, time_tolerance_ns),
	  sizeof (guint64), "100ms", 0, HOUR_NS, NULL, "TIME",
	  "how far a timestamp may go back before the record is bad (less is counted)" },
	/* device */
	{ "data", PCS_PARAM_BOOL, offsetof (PcsConfig, data), sizeof (gboolean),
	  "on", 0, 1, NULL, "on|off",
	  "move real data through the backing file (off: metadata only, same counts)" },
	{ "verify", PCS_PARAM_BOOL, offsetof (PcsConfig, verify), sizeof (gboolean),
	  "off", 0, 1, NULL, "on|off", "stamp written pages and check every page read back" },
	{ "device_model", PCS_PARAM_ENUM, offsetof (PcsConfig, device_model), sizeof (guint32),
	  "ssd", 0, PCS_DEVICE_MODEL_COUNT - 1, device_model_choices, "none|ssd|nvme|hdd",
	  "latency model of the simulated device" },
	/* serving (transfer.h) */
	{ "serve", PCS_PARAM_ENUM, offsetof (PcsConfig, serve), sizeof (guint32),
	  "trace", 0, PCS_SERVE_COUNT - 1, serve_choices,
	  "trace|read-write|mmap-write|sendfile|sendfile-sg|splice|direct",
	  "count copies and switches as if reads were served this way (trace: as recorded; "
	  "direct also bypasses the cache)" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

const PcsParam *
pcs_params(void)
{
	return params;
}

/* TRUE when a and b are the same name, '-' and '_' being the same character. */
static gboolean
names_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '-' ? '_' : *a;
		char cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return FALSE;
	}
	return *a == *b;
}

const PcsParam *
pcs_param_find(const char *name)
{
	g_return_val_if_fail (name != NULL, NULL);
	for (const PcsParam *p = params; p->name; p++)
		if (names_equal(p->name, name))
			return p;
	return NULL;
}

/* "reclaim_batch" -> "reclaim-batch", the command-line spelling. Caller frees. */
static char *
dashed_name(const char *name)
{
	char *s = g_strdup(name);

	g_strdelimit(s, "_", '-');
	return s;
}

/* ---- the table at work ---------------------------------------------------------------- */

static guint64
get_field(const PcsConfig *cfg, const PcsParam *p)
{
	const char *base = (const char *) cfg + p->offset;

	if (p->size == sizeof (guint64)) {
		guint64 v;

		memcpy(&v, base, sizeof v);
		return v;
	} else {
		guint32 v;

		G_STATIC_ASSERT (sizeof (gboolean) == sizeof (guint32));
		g_assert (p->size == sizeof (guint32));
		memcpy(&v, base, sizeof v);
		return v;
	}
}

static void
put_field(PcsConfig *cfg, const PcsParam *p, guint64 v)
{
	char *base = (char *) cfg + p->offset;

	if (p->size == sizeof (guint64)) {
		memcpy(base, &v, sizeof v);
	} else {
		guint32 v32 = (guint32) v;

		g_assert (p->size == sizeof (guint32) && v <= G_MAXUINT32);
		memcpy(base, &v32, sizeof v32);
	}
}

/* The bound v written in p's syntax ("128K", "4096"). Caller frees. */
static char *
format_bound(const PcsParam *p, guint64 v)
{
	if (p->type == PCS_PARAM_SIZE || p->type == PCS_PARAM_SIZE_AUTO)
		return pcs_format_size_exact(v);
	if (p->type == PCS_PARAM_DURATION)
		return pcs_format_duration(v);
	return g_strdup_printf("%" G_GUINT64_FORMAT, v);
}

static gboolean
check_bounds(const PcsParam *p, guint64 v, const char *text, GError **error)
{
	g_autofree char *bound = NULL;

	if (v < p->min) {
		bound = format_bound(p, p->min);
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "%s is below the minimum %s", text, bound);
		return FALSE;
	}
	if (v > p->max) {
		bound = format_bound(p, p->max);
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "%s is above the maximum %s", text, bound);
		return FALSE;
	}
	return TRUE;
}

static gboolean
parse_bool(const char *text, gboolean *b)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };

	for (gsize i = 0; i < G_N_ELEMENTS (yes); i++) {
		if (g_ascii_strcasecmp(text, yes[i]) == 0) {
			*b = TRUE;
			return TRUE;
		}
		if (g_ascii_strcasecmp(text, no[i]) == 0) {
			*b = FALSE;
			return TRUE;
		}
	}
	return FALSE;
}

/* Index of text in choices (case-insensitive, '-' and '_' alike), or -1. */
static int
find_choice(const char *const *choices, const char *text)
{
	g_autofree char *folded = g_ascii_strdown(text, -1);

	for (int i = 0; choices[i]; i++)
		if (names_equal(choices[i], folded))
			return i;
	return -1;
}

/*
 * Parses text for p and stores it in cfg. Fails with PCS_OPTIONS_ERROR_INVALID and a message
 * that does not name the parameter (callers prefix it); cfg is unchanged on error.
 */
static gboolean
set_param(PcsConfig *cfg, const PcsParam *p, const char *text, GError **error)
{
	guint64 v = 0;
	gboolean b;
	int idx;

	switch (p->type) {
	case PCS_PARAM_SIZE:
		if (!pcs_parse_size(text, &v, error) || !check_bounds(p, v, text, error))
			return FALSE;
		break;
	case PCS_PARAM_UINT:
		if (!pcs_parse_count(text, &v, error) || !check_bounds(p, v, text, error))
			return FALSE;
		break;
	case PCS_PARAM_DURATION:
		if (!pcs_parse_duration(text, &v, error) || !check_bounds(p, v, text, error))
			return FALSE;
		break;
	case PCS_PARAM_SIZE_AUTO:
		if (g_ascii_strcasecmp(text, "auto") == 0) {
			v = G_MAXUINT64;
			break;
		}
		if (!pcs_parse_size(text, &v, error) || !check_bounds(p, v, text, error))
			return FALSE;
		break;
	case PCS_PARAM_UINT_AUTO:
		if (g_ascii_strcasecmp(text, "auto") == 0) {
			v = 0;
			break;
		}
		if (!pcs_parse_count(text, &v, NULL)) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			            "expected 'auto' or a whole number from %" G_GUINT64_FORMAT
			            " to %" G_GUINT64_FORMAT ", got '%s'", p->min, p->max, text);
			return FALSE;
		}
		if (!check_bounds(p, v, text, error))
			return FALSE;
		break;
	case PCS_PARAM_BOOL:
		if (!parse_bool(text, &b))
			return pcs_units_invalid(error, "on or off (true/false, yes/no, 1/0)", text);
		v = b ? 1 : 0;
		break;
	case PCS_PARAM_ENUM:
		idx = find_choice(p->choices, text);
		if (idx < 0) {
			g_autofree char *list = g_strjoinv(", ", (char **) p->choices);

			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			            "expected one of %s, got '%s'", list, text);
			return FALSE;
		}
		v = (guint64) idx;
		break;
	case PCS_PARAM_WARMUP:
		g_assert (p->offset == offsetof (PcsConfig, warmup_requests));
		/* A bare number counts requests; anything else is trace time. */
		if (pcs_parse_count(text, &v, NULL)) {
			cfg->warmup_requests = v;
			cfg->warmup_ns = 0;
			return TRUE;
		}
		if (!pcs_parse_duration(text, &v, NULL)) {
			return pcs_units_invalid(error, "a number of requests such as 1000, or trace "
			                   "time such as 5s or 500ms", text);
		}
		cfg->warmup_requests = 0;
		cfg->warmup_ns = v;
		return TRUE;
	default:
		g_return_val_if_reached (FALSE);
	}
	put_field(cfg, p, v);
	return TRUE;
}

void
pcs_config_init(PcsConfig *cfg)
{
	g_return_if_fail (cfg != NULL);
	memset(cfg, 0, sizeof *cfg);
	for (const PcsParam *p = params; p->name; p++) {
		g_autoptr(GError) error = NULL;

		/* A default that does not parse is a bug in the table. */
		if (!set_param(cfg, p, p->def, &error))
			g_error("parameter %s: bad default '%s': %s", p->name, p->def, error->message);
	}
}

/* The error for a name that is not in the table, listing the ones that are. */
static void
set_unknown(GError **error, const char *name)
{
	GString *known = g_string_new(NULL);

	for (const PcsParam *p = params; p->name; p++)
		g_string_append_printf(known, "%s%s", p == params ? "" : ", ", p->name);
	g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_UNKNOWN,
	            "unknown parameter '%s' (known: %s)", name, known->str);
	g_string_free(known, TRUE);
}

gboolean
pcs_config_set(PcsConfig *cfg, const char *name, const char *value, GError **error)
{
	const PcsParam *p;

	g_return_val_if_fail (cfg != NULL && name != NULL && value != NULL, FALSE);
	p = pcs_param_find(name);
	if (!p) {
		set_unknown(error, name);
		return FALSE;
	}
	if (!set_param(cfg, p, value, error)) {
		g_autofree char *dashed = dashed_name(p->name);

		g_prefix_error(error, "--%s: ", dashed);
		return FALSE;
	}
	return TRUE;
}

gboolean
pcs_config_load_file(PcsConfig *cfg, const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;
	g_auto(GStrv) groups = NULL;
	g_auto(GStrv) keys = NULL;
	PcsConfig next;

	g_return_val_if_fail (cfg != NULL && path != NULL, FALSE);
	/* 1. Read and parse the INI syntax. */
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_FAILED,
		            "cannot read config file %s: %s", path, local->message);
		return FALSE;
	}
	/* 2. Only [pcsim] is allowed. */
	groups = g_key_file_get_groups(kf, NULL);
	for (gsize i = 0; groups[i]; i++) {
		if (strcmp(groups[i], "pcsim") != 0) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_UNKNOWN,
			            "%s: unknown group [%s] (pcsim reads only [pcsim])",
			            path, groups[i]);
			return FALSE;
		}
	}
	if (!g_key_file_has_group(kf, "pcsim"))
		return TRUE;
	/* 3. Apply every key to a copy, so that an error leaves cfg as it was. */
	next = *cfg;
	keys = g_key_file_get_keys(kf, "pcsim", NULL, NULL);
	for (gsize i = 0; keys && keys[i]; i++) {
		const PcsParam *p = pcs_param_find(keys[i]);
		g_autofree char *value = NULL;

		if (!p) {
			set_unknown(error, keys[i]);
			g_prefix_error(error, "%s: [pcsim] ", path);
			return FALSE;
		}
		value = g_key_file_get_string(kf, "pcsim", keys[i], &local);
		if (!value) {
			g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			            "%s: [pcsim] %s: %s", path, keys[i], local->message);
			return FALSE;
		}
		if (!set_param(&next, p, value, error)) {
			g_prefix_error(error, "%s: [pcsim] %s: ", path, keys[i]);
			return FALSE;
		}
	}
	*cfg = next;
	return TRUE;
}

char *
pcs_config_format(const PcsConfig *cfg, const PcsParam *p)
{
	guint64 v;

	g_return_val_if_fail (cfg != NULL && p != NULL, NULL);
	v = get_field(cfg, p);
	switch (p->type) {
	case PCS_PARAM_SIZE:
		return pcs_format_size_exact(v);
	case PCS_PARAM_SIZE_AUTO:
		return v == G_MAXUINT64 ? g_strdup("auto") : pcs_format_size_exact(v);
	case PCS_PARAM_UINT:
		return g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_DURATION:
		return pcs_format_duration(v);
	case PCS_PARAM_UINT_AUTO:
		return v == 0 ? g_strdup("auto") : g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_BOOL:
		return g_strdup(v ? "on" : "off");
	case PCS_PARAM_ENUM:
		return g_strdup(v < p->max + 1 ? p->choices[v] : "?");
	case PCS_PARAM_WARMUP:
		if (cfg->warmup_ns != 0)
			return pcs_format_duration(cfg->warmup_ns);
		return g_strdup_printf("%" G_GUINT64_FORMAT, cfg->warmup_requests);
	default:
		g_return_val_if_reached (NULL);
	}
}

char *
pcs_config_to_json_value(const PcsConfig *cfg, const PcsParam *p)
{
	guint64 v;

	g_return_val_if_fail (cfg != NULL && p != NULL, NULL);
	v = get_field(cfg, p);
	switch (p->type) {
	case PCS_PARAM_SIZE:
	case PCS_PARAM_UINT:
	case PCS_PARAM_DURATION:  /* ns */
		return g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_SIZE_AUTO:
		return v == G_MAXUINT64 ? g_strdup("\"auto\"") : g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_UINT_AUTO:
		return v == 0 ? g_strdup("\"auto\"") : g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_BOOL:
		return g_strdup(v ? "true" : "false");
	case PCS_PARAM_ENUM:
		/* choices are plain ASCII names: no escaping needed */
		return g_strdup_printf("\"%s\"", v < p->max + 1 ? p->choices[v] : "?");
	case PCS_PARAM_WARMUP:
		return g_strdup_printf("{\"requests\":%" G_GUINT64_FORMAT ",\"ns\":%"
		                       G_GUINT64_FORMAT "}", cfg->warmup_requests, cfg->warmup_ns);
	default:
		g_return_val_if_reached (NULL);
	}
}

char *
pcs_config_to_machine_text(const PcsConfig *cfg, const PcsParam *p)
{
	guint64 v;

	g_return_val_if_fail (cfg != NULL && p != NULL, NULL);
	v = get_field(cfg, p);
	switch (p->type) {
	case PCS_PARAM_SIZE:
	case PCS_PARAM_UINT:
		return g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_DURATION:  /* ns; a plain number re-parses as ns */
		return g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_SIZE_AUTO:
		return v == G_MAXUINT64 ? g_strdup("auto") : g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_UINT_AUTO:
		return v == 0 ? g_strdup("auto") : g_strdup_printf("%" G_GUINT64_FORMAT, v);
	case PCS_PARAM_BOOL:
		return g_strdup(v ? "true" : "false");
	case PCS_PARAM_ENUM:
		return g_strdup(v < p->max + 1 ? p->choices[v] : "?");
	case PCS_PARAM_WARMUP:
		if (cfg->warmup_ns != 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT "ns", cfg->warmup_ns);
		return g_strdup_printf("%" G_GUINT64_FORMAT, cfg->warmup_requests);
	default:
		g_return_val_if_reached (NULL);
	}
}

guint64
pcs_config_cache_pages(const PcsConfig *cfg)
{
	g_return_val_if_fail (cfg != NULL, 0);
	return cfg->cache_bytes >> PCS_PAGE_SHIFT;
}

guint32
pcs_config_effective_inactive_ratio(const PcsConfig *cfg)
{
	guint64 gib, r;

	g_return_val_if_fail (cfg != NULL, 1);
	if (cfg->inactive_ratio != 0)
		return cfg->inactive_ratio;
	/* As mm/vmscan.c inactive_is_low(): gb = size >> 30; gb ? int_sqrt(10 * gb) : 1. */
	gib = cfg->cache_bytes >> 30;
	r = gib ? pcs_int_sqrt(10 * gib) : 1;
	return r ? (guint32) r : 1;
}

const char *
pcs_policy_name(PcsPolicyKind k)
{
	return (unsigned) k < PCS_POLICY_COUNT ? policy_choices[k] : NULL;
}

/* ---- GOption ------------------------------------------------------------------------- */

typedef struct {
	PcsConfig *cfg;
	GPtrArray *strings;   /* long names and help texts the entries point to */
} OptionGroupData;

static void
option_group_data_free(gpointer data)
{
	OptionGroupData *d = data;

	g_ptr_array_unref(d->strings);
	g_free(d);
}

static gboolean
option_cb(const char *option_name, const char *value, gpointer data, GError **error)
{
	OptionGroupData *d = data;
	g_autoptr(GError) local = NULL;
	const char *name = option_name;

	while (*name == '-')
		name++;
	if (!value && g_str_has_prefix(name, "no-")) {
		name += 3;
		value = "off";
	}
	if (!pcs_config_set(d->cfg, name, value ? value : "", &local)) {
		g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, local->message);
		return FALSE;
	}
	return TRUE;
}

GOptionGroup *
pcs_config_option_group(PcsConfig *cfg)
{
	OptionGroupData *d;
	GOptionGroup *group;
	GArray *entries;

	g_return_val_if_fail (cfg != NULL, NULL);
	d = g_new0(OptionGroupData, 1);
	d->cfg = cfg;
	d->strings = g_ptr_array_new_with_free_func(g_free);
	group = g_option_group_new("params", "Simulation parameters (also [pcsim] keys of --config):",
	                           "Show the simulation parameters", d, option_group_data_free);
	entries = g_array_new(TRUE, TRUE, sizeof (GOptionEntry));
	for (const PcsParam *p = params; p->name; p++) {
		GOptionEntry e = { 0 };
		char *long_name = dashed_name(p->name);
		char *help = g_strdup_printf("%s (default %s)", p->help, p->def);

		g_ptr_array_add(d->strings, long_name);
		g_ptr_array_add(d->strings, help);
		e.long_name = long_name;
		e.arg = G_OPTION_ARG_CALLBACK;
		e.arg_data = (gpointer) option_cb;
		e.description = help;
		e.arg_description = p->arg;
		g_array_append_val(entries, e);
		if (p->type == PCS_PARAM_BOOL) {
			/* --no-final-sync: the same as --final-sync off (hidden from --help) */
			GOptionEntry no = { 0 };
			char *no_name = g_strconcat("no-", long_name, NULL);

			g_ptr_array_add(d->strings, no_name);
			no.long_name = no_name;
			no.flags = G_OPTION_FLAG_NO_ARG | G_OPTION_FLAG_HIDDEN;
			no.arg = G_OPTION_ARG_CALLBACK;
			no.arg_data = (gpointer) option_cb;
			no.description = help;
			g_array_append_val(entries, no);
		}
	}
	/* g_option_group_add_entries() copies the array, not the strings. */
	g_option_group_add_entries(group, (const GOptionEntry *) (void *) entries->data);
	g_array_unref(entries);
	return group;
}
