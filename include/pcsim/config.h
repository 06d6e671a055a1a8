/*
 * config.h - the effective configuration of one replay, and the single parameter table.
 *
 * Every knob a user can set lives in PcsConfig and has exactly one row in the PcsParam table
 * (sim/options.c): its name (the INI key and, with '_' -> '-', the long option), type, field
 * offset, default, bounds and help. The table generates the command-line options, reads the
 * INI file (--config, GKeyFile, group [pcsim]), validates values, and prints the effective
 * configuration with the results. Sweeps (--set name=v1,v2) go through the same table.
 */
#ifndef PCSIM_CONFIG_H
#define PCSIM_CONFIG_H

#include <glib.h>

G_BEGIN_DECLS

#define PCS_OPTIONS_ERROR (pcs_options_error_quark ())
GQuark pcs_options_error_quark (void);
typedef enum {
	PCS_OPTIONS_ERROR_INVALID,  /* a value that does not parse or is out of range */
	PCS_OPTIONS_ERROR_UNKNOWN,  /* no parameter of that name */
	PCS_OPTIONS_ERROR_FAILED    /* the config file cannot be read */
} PcsOptionsErrorCode;

typedef enum {
	PCS_POLICY_TWO_LIST = 0,  /* the kernel's inactive/active lists (default) */
	PCS_POLICY_LRU,           /* one textbook LRU list, for comparison */
	PCS_POLICY_COUNT
} PcsPolicyKind;

typedef struct {
	/* cache */
	guint64  cache_bytes;        /* page cache size; pages = cache_bytes / 4096 */
	guint32  policy;             /* PcsPolicyKind */
	guint32  inactive_ratio;     /* 0 = auto: int_sqrt(10 * cache GiB), 1 below 1 GiB */
	guint32  reclaim_batch;      /* pages reclaimed per shortage (SWAP_CLUSTER_MAX = 32) */
	gboolean workingset;         /* shadow entries and refault activation */
	/* replay */
	guint64  warmup_requests;    /* requests simulated but not counted (0: none) */
	guint64  warmup_ns;          /* or trace time simulated but not counted (0: none) */
	guint64  skip_bad;           /* bad records tolerated (counted, reported) */
	/* readahead */
	guint64  readahead_bytes;    /* ra_pages of the device; PCS_READAHEAD_AUTO: by trace level */
	guint64  io_pages_bytes;     /* io_pages (max_sectors): cap of oversized and forced reads */
	gboolean folios;             /* large-folio readahead (kernels >= 6.10), off: order-0 */
	/* writeback (the vm.dirty_* sysctls) */
	guint64  dirty_writeback_ns; /* flusher period; 0: no periodic writeback */
	guint64  dirty_expire_ns;    /* age at which a dirty file is written back */
	guint64  wb_slice_bytes;     /* pages per file turn (MIN_WRITEBACK_PAGES = 4 MiB) */
	guint32  dirty_background_ratio; /* percent of the cache */
	guint32  dirty_ratio;        /* percent of the cache */
	guint64  dirty_background_bytes; /* 0: use the ratio */
	guint64  dirty_bytes;        /* 0: use the ratio */
	guint64  max_io_bytes;       /* largest device I/O (max_sectors_kb) */
	guint64  directio_threshold; /* reads of files at least this large go direct; 0: off */
	gboolean final_sync;         /* write back what is dirty at the end (counted as sync) */
	/* time */
	guint32  timing;             /* PcsTiming */
	guint64  hit_cost_ns;        /* timing model: cost of one page served from the cache */
	guint64  time_tolerance_ns;  /* timestamps may go back this far (counted), not further */
	/* device */
	gboolean data;               /* real pread/pwrite through the backing file */
	gboolean verify;             /* stamp written pages, check pages read back */
	guint32  device_model;       /* PcsDeviceModelKind */
	/* serving */
	guint32  serve;              /* PcsServeMethod: how reads are served (accounting) */
} PcsConfig;

typedef enum {
	PCS_TIMING_AUTO = 0,  /* trace when the trace has timestamps, model otherwise */
	PCS_TIMING_TRACE,     /* the trace's timestamps drive the clock */
	PCS_TIMING_MODEL,     /* each request advances the clock by its modelled cost */
	PCS_TIMING_COUNT
} PcsTiming;

typedef enum {
	PCS_DEVICE_MODEL_NONE = 0,  /* every I/O takes no time */
	PCS_DEVICE_MODEL_SSD,
	PCS_DEVICE_MODEL_NVME,
	PCS_DEVICE_MODEL_HDD,
	PCS_DEVICE_MODEL_COUNT
} PcsDeviceModelKind;

/* --readahead auto: 128 KiB (VM_READAHEAD_PAGES) for file-level traces, 0 for block-level. */
#define PCS_READAHEAD_AUTO    G_MAXUINT64
#define PCS_READAHEAD_DEFAULT ((guint64) 128 * 1024)

typedef enum {
	PCS_PARAM_SIZE,      /* bytes: 4K 1M 2G 1T, binary, optional B/iB */
	PCS_PARAM_UINT,      /* plain unsigned integer */
	PCS_PARAM_BOOL,      /* on|off, true|false, yes|no, 1|0 */
	PCS_PARAM_ENUM,      /* one of choices[] (index stored as guint32) */
	PCS_PARAM_UINT_AUTO, /* unsigned integer or "auto" (stored as 0) */
	PCS_PARAM_WARMUP,    /* "N" requests or a duration "Ns", "500ms": sets two fields */
	PCS_PARAM_SIZE_AUTO, /* a size or "auto" (stored as G_MAXUINT64) */
	PCS_PARAM_DURATION,  /* a duration "5s", "500ms", "100ns" (stored in ns) */
} PcsParamType;

typedef struct {
	const char   *name;      /* INI key and sweep name: "cache", "inactive_ratio" */
	PcsParamType  type;
	gsize         offset;    /* offsetof(PcsConfig, field); WARMUP: warmup_requests */
	gsize         size;      /* sizeof the field */
	const char   *def;       /* default, in the syntax a user would type */
	guint64       min, max;  /* bounds for SIZE/UINT (inclusive) */
	const char *const *choices; /* ENUM names, NULL-terminated */
	const char   *arg;       /* placeholder for --help: "SIZE", "N|auto" */
	const char   *help;
} PcsParam;

/* The table, terminated by a row with name NULL. */
const PcsParam *pcs_params(void);
const PcsParam *pcs_param_find(const char *name);  /* accepts '-' or '_' */

/* Fills cfg with every default. Cannot fail. */
void pcs_config_init(PcsConfig *cfg);
/* Sets one parameter from text. Fails with PCS_OPTIONS_ERROR_UNKNOWN or _INVALID; the
 * message names the parameter, the value and what was expected. cfg is unchanged on error. */
gboolean pcs_config_set(PcsConfig *cfg, const char *name, const char *value, GError **error);
/* Reads [pcsim] from an INI file into cfg (every key must be a known parameter; '#' starts a
 * comment). All or nothing: cfg is unchanged on error. Fails with PCS_OPTIONS_ERROR_FAILED
 * (unreadable file, INI syntax), _UNKNOWN (a group other than [pcsim], an unknown key) or
 * _INVALID (a bad value); the message names the file and the key. */
gboolean pcs_config_load_file(PcsConfig *cfg, const char *path, GError **error);
/* The value of a parameter in the user's syntax ("256M" is written 268435456 as bytes in
 * machine formats; this gives the canonical text used by the normal report): "1.5G", "auto",
 * "on", "two-list", warmup "1000" or "5s". Exact, never rounded: it re-parses with
 * pcs_config_set() to the same value ("1048580K" for 1G + 4K). Caller frees. */
char *pcs_config_format(const PcsConfig *cfg, const PcsParam *p);
/* The value as a JSON value in machine units: sizes (bytes) and counts are numbers, enums
 * strings ("two-list"), booleans true/false, UINT_AUTO "auto" or a number, and WARMUP an
 * object {"requests":N,"ns":N}. Caller frees. */
char *pcs_config_to_json_value(const PcsConfig *cfg, const PcsParam *p);
/* The value as one plain-text field in machine units for CSV: "1073741824", "two-list",
 * "auto", "true"; WARMUP is "N" (requests) or "Nns". It re-parses with pcs_config_set() to
 * the same value. Caller frees. */
char *pcs_config_to_machine_text(const PcsConfig *cfg, const PcsParam *p);
/*
 * A GOptionGroup with one long option per parameter (--cache SIZE, --reclaim-batch N, ...;
 * --help shows the placeholder and the default). Each option is applied to cfg with
 * pcs_config_set() as it is parsed, so a later option wins over an earlier one (and over an
 * INI file loaded before parsing); a bad value makes g_option_context_parse() fail with
 * G_OPTION_ERROR_BAD_VALUE and pcs_config_set()'s message ("--cache: expected a size ...").
 * A boolean also gets a hidden --no-NAME (--no-final-sync = --final-sync off).
 * cfg is borrowed and must outlive the group. The group owns its strings; hand it to
 * g_option_context_add_group() or g_option_context_set_main_group() (which take ownership;
 * g_option_context_add_main_entries() then adds the command's own options to it), or
 * g_option_group_unref() it. Cannot fail.
 */
GOptionGroup *pcs_config_option_group(PcsConfig *cfg);
/* Derived values. */
guint64 pcs_config_cache_pages(const PcsConfig *cfg);
guint32 pcs_config_effective_inactive_ratio(const PcsConfig *cfg);
const char *pcs_policy_name(PcsPolicyKind k);

/* Parsers shared by every command (sim/units.c). Sizes: "4096", "4K", "1m", "2GiB", "1TB",
 * "100B" (binary, case-insensitive). Durations: "500ms", "5s", "2m", "1h", "250us", "100ns",
 * or a plain number of ns. Counts: plain unsigned decimal. Sizes and durations may have a decimal point when
 * the result is whole ("1.5G", "1.5s"; not "1.1K"). All fail (FALSE, error set,
 * PCS_OPTIONS_ERROR_INVALID, output untouched) on empty text, spaces, signs, trailing
 * garbage and values above 2^64 - 1. */
gboolean pcs_parse_size(const char *text, guint64 *bytes, GError **error);
gboolean pcs_parse_duration(const char *text, guint64 *ns, GError **error);
gboolean pcs_parse_count(const char *text, guint64 *n, GError **error);
/* "1.5G", "256M", "4K", "100B": the largest binary unit not above the value, rounded (half
 * up) to at most one decimal, for people ("1G" for 1G + 4K; exact values print exactly and
 * re-parse). Cannot fail. Caller frees. */
char *pcs_format_size(guint64 bytes);

G_END_DECLS

#endif
