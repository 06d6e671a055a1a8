/*
 * gen.c - deterministic synthetic workloads: seq, rand, zipf and scan-hot (pcsim gen).
 *
 * A PcsGen turns a PcsGenConfig into a stream of read and write requests, one PcsIoEvent per
 * pcs_gen_next() call, with nothing allocated per event. Everything random comes from rng.h,
 * seeded from cfg->seed, so a configuration names one trace, the same on every machine.
 *
 * The working set is `pages` pages spread over `files` files "f0", "f1", ... in contiguous
 * blocks of global page numbers; the first (pages % files) files get one page more:
 *
 *   global page   0 1 2 3 | 4 5 6 | 7 8 9        pages = 10, files = 3
 *   file          f0      | f1    | f2           stream = file index (f0 is stream 0, ...)
 *
 * Workloads:
 *   seq       request i starts where request i-1 ended: f0 from byte 0 to its end, then f1,
 *             ..., then f0 again. A request never crosses the end of a file; the last one of
 *             a file is short when request_bytes does not divide the file size.
 *   rand      each request starts at a uniformly chosen page of the working set.
 *   zipf      the independent reference model: page-sized objects of rank 1..pages with
 *             P(rank r) proportional to 1/r^alpha. A seeded permutation scatters the ranks over
 *             the working set, so the hot pages are not neighbours (readahead would otherwise
 *             find them for free). The CDF is built once (8 bytes a page, plus 4 for the
 *             permutation and at most 4 for a guide table) and sampled by binary search
 *             within the guide table's bucket. The weights come from rng.h's exact
 *             arithmetic, never libm, so the table has the same bits everywhere.
 *   scan-hot  `pages` hot pages read as rand (alpha = 0) or zipf (alpha > 0); in the middle
 *             third of the trace, requests [N/3, N - N/3), a one-time sequential read of
 *             `scan_pages` pages of file "scan" (stream = files), spread evenly among the hot
 *             requests. Scan requests are whole pages (request_bytes rounded up) so every scan
 *             page is read exactly once: an LRU cache loses the hot set to the scan, a
 *             two-list cache keeps it on the active list.
 *
 *   requests  0 ......... N/3 ................ N-N/3 ......... N
 *             hot hot hot | hot scan scan hot scan | hot hot hot
 *
 *   web       a file server: each request opens a file, sends all of it (or, for a video, one
 *             segment) in sendfile records of request_bytes, and closes it. `files` small
 *             files "f0".. have Pareto sizes (scale file_bytes, shape size_shape, cut at
 *             max_file_bytes; drawn once from the seed) and Zipf(alpha) popularity (the zipf
 *             table over files instead of pages); `large_files` videos "video0".. of
 *             large_bytes..2 x large_bytes take a share large_share of the requests, each
 *             streaming the next segment_bytes of a uniformly chosen video from where the
 *             previous viewer of that video stopped (wrapping at its end), so the videos are
 *             read sequentially and flood the cache. The video choices come from their own
 *             PRNG stream, so the small files' requests are the same sequence whatever the
 *             large-file share (0 included): traces with and without videos compare. Requests do not overlap; request i uses
 *             stream i % WEB_STREAMS (a connection slot; the open starts a fresh readahead
 *             state, as a new open file description does).
 *
 *             request i:  open f7 | sendfile f7 [0,64K) | sendfile f7 [64K,90K) | close f7
 *
 * Invariants: every event is a read or a write of 1..request_bytes bytes inside one file of
 * the generator (web: open, sendfile of 1..request_bytes bytes, close); pcs_gen_next()
 * returns exactly cfg->requests events (web: requests opens and as many closes);
 * t_ns = i * interval_ns for request i.
 * The write ratio is drawn from its own PRNG stream (as are the addresses and the
 * permutation), so changing it does not move a single address.
 *
 * Not modelled: opens and closes (but in web), fsync, think time, request sizes that vary,
 * several processes, overlapping requests. Scan requests and web requests are always reads.
 *
 * Entry points: pcs_gen_config_init(), pcs_gen_workload_name(), pcs_gen_workload_from_name(),
 * pcs_gen_new(), pcs_gen_next(), pcs_gen_free().
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <pcsim/config.h>
#include <pcsim/gen.h>
#include "rng.h"

/* Limits beyond which a configuration is refused rather than attempted. */
#define MAX_REQUEST_BYTES  (G_GUINT64_CONSTANT (1) << 30)  /* 1 GiB */
#define MAX_PAGES          (G_GUINT64_CONSTANT (1) << 40)  /* 4 PiB: offsets stay far from 2^64 */
#define MAX_ZIPF_PAGES     (G_GUINT64_CONSTANT (1) << 31)  /* 8 GiB of working set: 24 GiB table */
#define MAX_FILES          (1u << 20)
#define MAX_LARGE_FILES    1024u
#define MAX_LARGE_BYTES    (G_GUINT64_CONSTANT (1) << 40)  /* 1 TiB a video */
#define WEB_STREAMS        64u                             /* connection slots */

/* PRNG streams: one per kind of decision. */
enum {
	STREAM_ADDR = 1,
	STREAM_OP = 2,
	STREAM_PERM = 3,
	STREAM_SIZE = 4,   /* web: file sizes */
	STREAM_KIND = 5,   /* web: small file or video */
};

/* web: where the generator is within the current request. */
typedef enum {
	WEB_OPEN = 0,      /* next: the open of a new request */
	WEB_SEND,          /* next: a sendfile record */
	WEB_CLOSE,         /* next: the close */
} WebPhase;

struct PcsGen {
	PcsGenConfig cfg;
	PcsRng       addr_rng;      /* rand/zipf/scan-hot page choices */
	PcsRng       op_rng;        /* read or write */
	guint64      nr_emitted;    /* events returned so far */

	/* The working set: file f holds big_pages pages if f < nr_big_files, else small_pages. */
	guint32     *file_ids;      /* [files + 1]: PcsFileTable ids; [files] is "scan" */
	guint64      small_pages;
	guint64      nr_big_files;

	/* seq: where the next request starts */
	guint32      seq_file;
	guint64      seq_offset_bytes;

	/* zipf (and scan-hot with alpha > 0): cdf[i] = sum of weights of ranks 1..i+1 */
	double      *cdf;
	guint32     *rank_page;     /* rank - 1 -> global page */
	guint32     *guide;         /* [nr_guide]: where to start searching cdf (build_zipf()) */
	guint64      nr_guide;

	/* scan-hot */
	guint64      scan_start, scan_end;  /* requests [scan_start, scan_end) hold the scan */
	guint64      scan_req_pages;        /* pages per scan request */
	guint64      nr_scan_requests;
	guint64      scan_acc;              /* Bresenham accumulator, always < slots - scans */
	guint64      scan_next_page;

	/* zipf table size: pages, or (web) small files */
	guint64      nr_ranks;

	/* web: file f < files is small, files + v is video v */
	guint64     *web_bytes;             /* [files + large_files] sizes */
	guint64     *video_pos;             /* [large_files] where the next viewer starts */
	PcsRng       kind_rng;
	WebPhase     web_phase;
	guint32      web_file;              /* of the current request */
	guint64      web_pos, web_end;      /* bytes left to send: [web_pos, web_end) */
	gint64       web_t_ns;
};

static const char *const workload_names[PCS_GEN_COUNT] = {
	[PCS_GEN_SEQ] = "seq",
	[PCS_GEN_RAND] = "rand",
	[PCS_GEN_ZIPF] = "zipf",
	[PCS_GEN_SCAN_HOT] = "scan-hot",
	[PCS_GEN_WEB] = "web",
};

/* Fills cfg with the defaults of workload w. Cannot fail. */
void
pcs_gen_config_init(PcsGenConfig *cfg, PcsGenWorkload w)
{
	g_return_if_fail(cfg != NULL);
	g_return_if_fail((unsigned) w < PCS_GEN_COUNT);

	memset(cfg, 0, sizeof *cfg);
	cfg->workload = w;
	cfg->seed = 1;
	cfg->requests = 100000;
	cfg->pages = 25600;                 /* 100 MiB */
	cfg->scan_pages = 0;
	cfg->alpha = 0.0;
	cfg->request_bytes = PCS_PAGE_SIZE;
	cfg->write_ratio = 0.0;
	cfg->files = 1;
	cfg->interval_ns = 1000000;         /* 1 ms */
	switch (w) {
	case PCS_GEN_ZIPF:
		cfg->alpha = 0.9;
		break;
	case PCS_GEN_SCAN_HOT:
		/* A 400 MiB scan through the middle third; 409600 requests leave 136533 slots
		 * there, 102400 of them scan requests, so each hot page is touched about 12
		 * times in all but only about once while the scan runs. */
		cfg->scan_pages = 4 * cfg->pages;
		cfg->requests = 409600;
		break;
	case PCS_GEN_WEB:
		/* 10000 files of median 7 KiB, mean about 20 KiB (200 MiB in all), and three
		 * videos of 1-2 GiB taking 5% of the requests in 4 MiB segments. */
		cfg->files = 10000;
		cfg->alpha = 0.9;
		cfg->request_bytes = 64u << 10;
		cfg->file_bytes = 4096;
		cfg->size_shape = 1.2;
		cfg->max_file_bytes = 4u << 20;
		cfg->large_files = 3;
		cfg->large_bytes = G_GUINT64_CONSTANT (1) << 30;
		cfg->large_share = 0.05;
		cfg->segment_bytes = 4u << 20;
		break;
	default:
		break;
	}
}

/* "seq", "rand", "zipf", "scan-hot", "web"; NULL for an out-of-range value. */
const char *
pcs_gen_workload_name(PcsGenWorkload w)
{
	return (unsigned) w < PCS_GEN_COUNT ? workload_names[w] : NULL;
}

/* Parses a workload name ("scan+hot" is accepted for scan-hot). FALSE, *w untouched, when
 * the name is unknown. */
gboolean
pcs_gen_workload_from_name(const char *name, PcsGenWorkload *w)
{
	g_return_val_if_fail(name != NULL && w != NULL, FALSE);

	for (unsigned i = 0; i < PCS_GEN_COUNT; i++) {
		if (strcmp(name, workload_names[i]) == 0) {
			*w = (PcsGenWorkload) i;
			return TRUE;
		}
	}
	if (strcmp(name, "scan+hot") == 0) {
		*w = PCS_GEN_SCAN_HOT;
		return TRUE;
	}
	return FALSE;
}

static gboolean G_GNUC_PRINTF (2, 3)
invalid(GError **error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_propagate_error(error, g_error_new_valist(PCS_OPTIONS_ERROR,
						     PCS_OPTIONS_ERROR_INVALID, fmt, ap));
	va_end(ap);
	return FALSE;
}

static gboolean
uses_zipf(const PcsGenConfig *cfg)
{
	return cfg->workload == PCS_GEN_ZIPF || cfg->workload == PCS_GEN_WEB ||
	       (cfg->workload == PCS_GEN_SCAN_HOT && cfg->alpha > 0.0);
}

/* The web workload's own checks (see validate()). */
static gboolean
validate_web(const PcsGenConfig *cfg, GError **error)
{
	if (cfg->files < 1 || cfg->files > MAX_FILES)
		return invalid(error, "files must be between 1 and %u, got %u", MAX_FILES,
			       cfg->files);
	if (!(cfg->alpha >= 0.0 && isfinite(cfg->alpha)))
		return invalid(error, "alpha must be 0 (uniform) or positive for web, got %g",
			       cfg->alpha);
	if (cfg->write_ratio != 0.0)
		return invalid(error, "web only reads (sendfile); the write ratio must be 0, "
			       "got %g", cfg->write_ratio);
	if (cfg->file_bytes < 1 || cfg->file_bytes > cfg->max_file_bytes)
		return invalid(error, "the smallest file size must be between 1 byte and the "
			       "largest (%" G_GUINT64_FORMAT "), got %" G_GUINT64_FORMAT,
			       cfg->max_file_bytes, cfg->file_bytes);
	if (cfg->max_file_bytes > MAX_REQUEST_BYTES)
		return invalid(error, "the largest small file must be at most 1 GiB, got %"
			       G_GUINT64_FORMAT " bytes", cfg->max_file_bytes);
	if (!(cfg->size_shape >= 0.1 && cfg->size_shape <= 100.0))
		return invalid(error, "the size shape must be between 0.1 and 100, got %g",
			       cfg->size_shape);
	if (!(cfg->large_share >= 0.0 && cfg->large_share <= 1.0))
		return invalid(error, "the large-file share must be between 0 and 1, got %g",
			       cfg->large_share);
	if (cfg->large_share > 0.0 && cfg->large_files < 1)
		return invalid(error, "a large-file share of %g needs at least one large file",
			       cfg->large_share);
	if (cfg->large_files > MAX_LARGE_FILES)
		return invalid(error, "large files must be at most %u, got %u", MAX_LARGE_FILES,
			       cfg->large_files);
	if (cfg->large_files > 0 && (cfg->large_bytes < 1 || cfg->large_bytes > MAX_LARGE_BYTES))
		return invalid(error, "the large-file size must be between 1 byte and 1 TiB, got %"
			       G_GUINT64_FORMAT " bytes", cfg->large_bytes);
	if (cfg->large_files > 0 && (cfg->segment_bytes < 1 ||
				     cfg->segment_bytes > MAX_LARGE_BYTES))
		return invalid(error, "the segment must be between 1 byte and 1 TiB, got %"
			       G_GUINT64_FORMAT " bytes", cfg->segment_bytes);
	return TRUE;
}

/* Checks everything pcs_gen_new() relies on; on failure sets error with a message that names
 * the parameter, the value and what was expected. */
static gboolean
validate(const PcsGenConfig *cfg, GError **error)
{
	if (cfg->workload >= PCS_GEN_COUNT)
		return invalid(error, "unknown workload %u", cfg->workload);
	if (cfg->requests < 1)
		return invalid(error, "requests must be at least 1");
	if (cfg->pages < 1)
		return invalid(error, "pages must be at least 1");
	if (cfg->pages > MAX_PAGES)
		return invalid(error, "pages must be at most %" G_GUINT64_FORMAT
			       " (4 PiB), got %" G_GUINT64_FORMAT, MAX_PAGES, cfg->pages);
	if (cfg->request_bytes < 1 || cfg->request_bytes > MAX_REQUEST_BYTES)
		return invalid(error, "request size must be between 1 byte and 1 GiB, got %"
			       G_GUINT64_FORMAT " bytes", cfg->request_bytes);
	if (!(cfg->write_ratio >= 0.0 && cfg->write_ratio <= 1.0))
		return invalid(error, "write ratio must be between 0 and 1, got %g",
			       cfg->write_ratio);
	if (cfg->interval_ns > 0 && cfg->requests - 1 > (guint64) G_MAXINT64 / cfg->interval_ns)
		return invalid(error, "%" G_GUINT64_FORMAT " requests %" G_GUINT64_FORMAT
			       " ns apart do not fit in a 64-bit nanosecond clock",
			       cfg->requests, cfg->interval_ns);
	if (cfg->workload == PCS_GEN_WEB)
		return validate_web(cfg, error);
	if (cfg->files < 1 || cfg->files > cfg->pages)
		return invalid(error, "files must be between 1 and the number of pages (%"
			       G_GUINT64_FORMAT "), got %u", cfg->pages, cfg->files);
	if (cfg->files > MAX_FILES)
		return invalid(error, "files must be at most %u, got %u", MAX_FILES, cfg->files);
	if (cfg->workload == PCS_GEN_ZIPF && !(cfg->alpha > 0.0 && isfinite(cfg->alpha)))
		return invalid(error, "alpha must be a positive number for zipf, got %g", cfg->alpha);
	if (cfg->workload == PCS_GEN_SCAN_HOT && !(cfg->alpha >= 0.0 && isfinite(cfg->alpha)))
		return invalid(error, "alpha must be 0 (uniform hot set) or positive for scan-hot, "
			       "got %g", cfg->alpha);
	if (uses_zipf(cfg) && cfg->pages > MAX_ZIPF_PAGES)
		return invalid(error, "zipf supports at most %" G_GUINT64_FORMAT " pages, got %"
			       G_GUINT64_FORMAT, MAX_ZIPF_PAGES, cfg->pages);
	if (cfg->workload == PCS_GEN_SCAN_HOT) {
		guint64 req_pages = (cfg->request_bytes + PCS_PAGE_SIZE - 1) / PCS_PAGE_SIZE;
		guint64 nr_scans, slots = cfg->requests - 2 * (cfg->requests / 3);

		if (cfg->scan_pages < 1)
			return invalid(error, "scan-hot needs a scan of at least 1 page");
		if (cfg->scan_pages > MAX_PAGES)
			return invalid(error, "scan pages must be at most %" G_GUINT64_FORMAT
				       ", got %" G_GUINT64_FORMAT, MAX_PAGES, cfg->scan_pages);
		nr_scans = (cfg->scan_pages + req_pages - 1) / req_pages;
		if (nr_scans > slots)
			return invalid(error, "the scan of %" G_GUINT64_FORMAT " pages needs %"
				       G_GUINT64_FORMAT " requests, but the middle third of %"
				       G_GUINT64_FORMAT " requests has only %" G_GUINT64_FORMAT
				       "; give at least %" G_GUINT64_FORMAT " requests or a smaller scan",
				       cfg->scan_pages, nr_scans, cfg->requests, slots, 3 * nr_scans);
	}
	return TRUE;
}

/*
 * Fills w[r - 1] = r^-alpha for r = 1..n (n < 2^32), computing pcs_pow_neg() only at primes:
 * the weight is multiplicative, (a b)^-alpha = a^-alpha b^-alpha, so a linear sieve (each
 * composite reached once, from its smallest prime factor p as (r / p) * p) gives every other
 * weight with one multiplication. About n / ln n calls of pcs_pow_neg() instead of n; the
 * products add at most one rounding per prime factor (under 32 of them). primes must hold n
 * entries; it is scratch. Cannot fail.
 */
static void
zipf_weights(double *w, guint32 *primes, guint64 n, double alpha)
{
	guint64 nr_primes = 0;

	w[0] = 1.0;
	for (guint64 r = 2; r <= n; r++)
		w[r - 1] = -1.0;                /* not reached yet: a prime, if still so at r */
	for (guint64 i = 2; i <= n; i++) {
		if (w[i - 1] < 0.0) {
			w[i - 1] = pcs_pow_neg(i, alpha);
			primes[nr_primes++] = (guint32) i;
		}
		for (guint64 k = 0; k < nr_primes; k++) {
			guint64 p = primes[k];

			if (i * p > n)
				break;
			w[i * p - 1] = pcs_fp_mul(w[i - 1], w[p - 1]);
			if (i % p == 0)
				break;          /* p is the smallest prime factor of i */
		}
	}
}

/*
 * Builds the zipf tables. Fails only when they cannot be allocated.
 *   1. cdf[i] = w(1) + ... + w(i + 1), summed in rank order.
 *   2. guide[k] = the first i with cdf[i] > (k / K) * total, for K = the largest power of two
 *      not above n: a draw u in [k/K, (k+1)/K) lands in cdf[guide[k] .. guide[k+1]], so the
 *      binary search of sample_rank() looks at a few entries instead of log2(n), and finds the
 *      same rank as a search of the whole table would.
 *   3. rank_page: a uniformly random permutation (Fisher-Yates on its own PRNG stream) from
 *      ranks to pages.
 */
static gboolean
build_zipf(PcsGen *g, GError **error)
{
	guint64 n = g->nr_ranks, nr_guide = 1, i = 0;
	PcsRng perm_rng;
	double sum = 0.0, total;

	while (nr_guide * 2 <= n)
		nr_guide *= 2;
	if (n > G_MAXSIZE / sizeof(double))
		return invalid(error, "zipf: %" G_GUINT64_FORMAT " ranks do not fit in memory", n);
	g->cdf = g_try_new(double, n);
	g->rank_page = g_try_new(guint32, n);
	g->guide = g_try_new(guint32, nr_guide);
	if (!g->cdf || !g->rank_page || !g->guide)
		return invalid(error, "cannot allocate the zipf table for %" G_GUINT64_FORMAT
			       " ranks (%" G_GUINT64_FORMAT " MiB)", n, (n * 12 + nr_guide * 4) >> 20);
	g->nr_guide = nr_guide;

	/* 1. (rank_page is the sieve's scratch until step 3) */
	zipf_weights(g->cdf, g->rank_page, n, g->cfg.alpha);
	for (guint64 r = 0; r < n; r++) {
		sum += g->cdf[r];
		g->cdf[r] = sum;
	}
	total = g->cdf[n - 1];

	/* 2. k / nr_guide is exact (a power-of-two denominator) */
	for (guint64 k = 0; k < nr_guide; k++) {
		double bound = ((double) k / (double) nr_guide) * total;

		while (i < n - 1 && g->cdf[i] <= bound)
			i++;
		g->guide[k] = (guint32) i;
	}

	/* 3. */
	pcs_rng_seed(&perm_rng, g->cfg.seed, STREAM_PERM);
	for (guint64 j = 0; j < n; j++)
		g->rank_page[j] = (guint32) j;
	for (guint64 j = n - 1; j > 0; j--) {
		guint64 m = pcs_rng_below(&perm_rng, j + 1);
		guint32 tmp = g->rank_page[j];

		g->rank_page[j] = g->rank_page[m];
		g->rank_page[m] = tmp;
	}
	return TRUE;
}

/*
 * A Pareto size: scale * u^(-1/shape) for u uniform in (0, 1], cut at max_bytes, at least 1.
 * u = k / 2^52 with k in [1, 2^52], so u^(-1/shape) = k^(-1/shape) / 2^(-52/shape), two
 * pcs_pow_neg() values and one division: IEEE basic operations only, the same bits
 * everywhere (see rng.h). Cannot fail.
 */
static guint64
pareto_bytes(PcsRng *r, guint64 scale, double shape, guint64 max_bytes)
{
	guint64 k = (pcs_rng_next(r) >> 12) + 1;
	double inv = 1.0 / shape;
	double factor = pcs_pow_neg(k, inv) / pcs_pow_neg(2, 52.0 * inv);
	double bytes = pcs_fp_mul((double) scale, factor);

	if (!(bytes < (double) max_bytes))
		return max_bytes;
	return MAX((guint64) bytes, 1);
}

/*
 * web: interns "f0".. (small files) and "video0".. with their sizes, drawn from STREAM_SIZE
 * in that order: the small files' Pareto sizes, then each video's large_bytes plus a uniform
 * 0..large_bytes, in whole pages. Cannot fail.
 */
static void
web_setup(PcsGen *g, PcsFileTable *files)
{
	const PcsGenConfig *cfg = &g->cfg;
	guint64 nr = (guint64) cfg->files + cfg->large_files;
	PcsRng size_rng;

	pcs_rng_seed(&size_rng, cfg->seed, STREAM_SIZE);
	pcs_rng_seed(&g->kind_rng, cfg->seed, STREAM_KIND);
	g->file_ids = g_new(guint32, nr);
	g->web_bytes = g_new(guint64, nr);
	g->video_pos = g_new0(guint64, MAX(cfg->large_files, 1));
	for (guint64 f = 0; f < nr; f++) {
		char name[24];
		int len;

		if (f < cfg->files) {
			len = g_snprintf(name, sizeof name, "f%" G_GUINT64_FORMAT, f);
			g->web_bytes[f] = pareto_bytes(&size_rng, cfg->file_bytes, cfg->size_shape,
						       cfg->max_file_bytes);
		} else {
			guint64 pages = (cfg->large_bytes + PCS_PAGE_SIZE - 1) / PCS_PAGE_SIZE;

			len = g_snprintf(name, sizeof name, "video%" G_GUINT64_FORMAT,
					 f - cfg->files);
			pages += pcs_rng_below(&size_rng, pages + 1);
			g->web_bytes[f] = pages * PCS_PAGE_SIZE;
		}
		g->file_ids[f] = pcs_files_intern(files, name, (gsize) len);
		pcs_files_note_size(files, g->file_ids[f], g->web_bytes[f]);
	}
	g->web_phase = WEB_OPEN;
}

/* Builds a generator for cfg (copied), interning "f0".. and, for scan-hot, "scan" into files
 * and noting their sizes. Fails with PCS_OPTIONS_ERROR_INVALID on an impossible configuration
 * or when the zipf table cannot be allocated. */
PcsGen *
pcs_gen_new(const PcsGenConfig *cfg, PcsFileTable *files, GError **error)
{
	PcsGen *g;
	guint32 nr_files;

	g_return_val_if_fail(cfg != NULL && files != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!validate(cfg, error))
		return NULL;

	g = g_new0(PcsGen, 1);
	g->cfg = *cfg;
	g->nr_ranks = cfg->workload == PCS_GEN_WEB ? cfg->files : cfg->pages;
	nr_files = cfg->files;
	g->small_pages = cfg->pages / nr_files;
	g->nr_big_files = cfg->pages % nr_files;
	pcs_rng_seed(&g->addr_rng, cfg->seed, STREAM_ADDR);
	pcs_rng_seed(&g->op_rng, cfg->seed, STREAM_OP);

	/* The zipf table first: a failure leaves the file table untouched. */
	if (uses_zipf(cfg) && !build_zipf(g, error)) {
		pcs_gen_free(g);
		return NULL;
	}
	if (cfg->workload == PCS_GEN_WEB) {
		web_setup(g, files);
		return g;
	}

	g->file_ids = g_new(guint32, nr_files + 1);
	for (guint32 f = 0; f < nr_files; f++) {
		char name[16];
		int len = g_snprintf(name, sizeof name, "f%u", f);
		guint64 nr_pages = g->small_pages + (f < g->nr_big_files);

		g->file_ids[f] = pcs_files_intern(files, name, (gsize) len);
		pcs_files_note_size(files, g->file_ids[f], nr_pages * PCS_PAGE_SIZE);
	}
	g->file_ids[nr_files] = G_MAXUINT32;

	if (cfg->workload == PCS_GEN_SCAN_HOT) {
		g->file_ids[nr_files] = pcs_files_intern(files, "scan", 4);
		pcs_files_note_size(files, g->file_ids[nr_files], cfg->scan_pages * PCS_PAGE_SIZE);
		g->scan_start = cfg->requests / 3;
		g->scan_end = cfg->requests - cfg->requests / 3;
		g->scan_req_pages = (cfg->request_bytes + PCS_PAGE_SIZE - 1) / PCS_PAGE_SIZE;
		g->nr_scan_requests = (cfg->scan_pages + g->scan_req_pages - 1) / g->scan_req_pages;
	}
	return g;
}

/* Frees g; NULL is a no-op. */
void
pcs_gen_free(PcsGen *g)
{
	if (!g)
		return;
	g_free(g->file_ids);
	g_free(g->cdf);
	g_free(g->rank_page);
	g_free(g->guide);
	g_free(g->web_bytes);
	g_free(g->video_pos);
	g_free(g);
}

static guint64
file_pages(const PcsGen *g, guint32 f)
{
	return g->small_pages + (f < g->nr_big_files);
}

/* Points ev at global page `page` of the working set, for up to request_bytes bytes (cut at
 * the end of the file). */
static void
set_page(const PcsGen *g, guint64 page, PcsIoEvent *ev)
{
	guint64 big = g->small_pages + 1, in_big = g->nr_big_files * big;
	guint64 index, size_bytes;
	guint32 f;

	if (page < in_big) {
		f = (guint32) (page / big);
		index = page % big;
	} else {
		f = (guint32) (g->nr_big_files + (page - in_big) / g->small_pages);
		index = (page - in_big) % g->small_pages;
	}
	size_bytes = file_pages(g, f) * PCS_PAGE_SIZE;
	ev->file = g->file_ids[f];
	ev->stream = f;
	ev->offset_bytes = index * PCS_PAGE_SIZE;
	ev->len_bytes = MIN(g->cfg.request_bytes, size_bytes - ev->offset_bytes);
}

/*
 * The rank (0-based) of a uniform draw: the first i with cdf[i] > u * total (the last rank if
 * rounding puts the draw at total). The guide table narrows the search (see build_zipf()).
 */
static guint64
sample_rank(PcsGen *g)
{
	guint64 n = g->nr_ranks, lo, hi, k;
	double u = pcs_rng_double(&g->addr_rng), x = u * g->cdf[n - 1];

	k = (guint64) (u * (double) g->nr_guide);   /* exact: a power-of-two scale */
	lo = g->guide[k];
	hi = k + 1 < g->nr_guide ? g->guide[k + 1] : n - 1;
	while (lo < hi) {
		guint64 mid = lo + (hi - lo) / 2;

		if (g->cdf[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A random page of the working set: uniform, or by zipf rank. */
static guint64
random_page(PcsGen *g)
{
	if (g->cdf)
		return g->rank_page[sample_rank(g)];
	return pcs_rng_below(&g->addr_rng, g->cfg.pages);
}

static void
next_seq(PcsGen *g, PcsIoEvent *ev)
{
	guint64 size_bytes = file_pages(g, g->seq_file) * PCS_PAGE_SIZE;

	ev->file = g->file_ids[g->seq_file];
	ev->stream = g->seq_file;
	ev->offset_bytes = g->seq_offset_bytes;
	ev->len_bytes = MIN(g->cfg.request_bytes, size_bytes - g->seq_offset_bytes);
	g->seq_offset_bytes += ev->len_bytes;
	if (g->seq_offset_bytes == size_bytes) {
		g->seq_offset_bytes = 0;
		g->seq_file = (g->seq_file + 1) % g->cfg.files;
	}
}

/* Is request i (within the middle third) a scan request? Spreads nr_scan_requests evenly
 * over the slots with a Bresenham accumulator: exactly nr_scan_requests of them say yes. */
static gboolean
scan_turn(PcsGen *g)
{
	guint64 slots = g->scan_end - g->scan_start;
	guint64 rest = slots - g->nr_scan_requests;

	if (g->scan_acc >= rest) {
		g->scan_acc -= rest;
		return TRUE;
	}
	g->scan_acc += g->nr_scan_requests;
	return FALSE;
}

static void
next_scan(PcsGen *g, PcsIoEvent *ev)
{
	guint64 nr_pages = MIN(g->scan_req_pages, g->cfg.scan_pages - g->scan_next_page);

	ev->file = g->file_ids[g->cfg.files];
	ev->stream = g->cfg.files;
	ev->offset_bytes = g->scan_next_page * PCS_PAGE_SIZE;
	ev->len_bytes = nr_pages * PCS_PAGE_SIZE;
	ev->op = PCS_OP_READ;
	g->scan_next_page += nr_pages;
}

/*
 * web: the next record of the current request, or the open of the next one.
 *   1. open: choose the file (a video with probability large_share, uniformly among them,
 *      its next segment; else a small file by Zipf rank, all of it);
 *   2. sendfile records of up to request_bytes until the range is sent;
 *   3. close.
 * FALSE when every request is closed.
 */
static gboolean
next_web(PcsGen *g, PcsIoEvent *ev)
{
	const PcsGenConfig *cfg = &g->cfg;
	guint64 i;

	switch (g->web_phase) {
	case WEB_OPEN:
		/* 1. */
		i = g->nr_emitted;
		if (i >= cfg->requests)
			return FALSE;
		g->nr_emitted++;
		g->web_t_ns = cfg->interval_ns ? (gint64) (i * cfg->interval_ns) : PCS_TIME_UNKNOWN;
		if (cfg->large_share > 0.0 && pcs_rng_double(&g->kind_rng) < cfg->large_share) {
			guint64 v = pcs_rng_below(&g->kind_rng, cfg->large_files);
			guint64 size = g->web_bytes[cfg->files + v];

			g->web_file = (guint32) (cfg->files + v);
			g->web_pos = g->video_pos[v];
			g->web_end = MIN(size, g->web_pos + cfg->segment_bytes);
			g->video_pos[v] = g->web_end == size ? 0 : g->web_end;
		} else {
			g->web_file = (guint32) g->rank_page[sample_rank(g)];
			g->web_pos = 0;
			g->web_end = g->web_bytes[g->web_file];
		}
		ev->op = PCS_OP_OPEN;
		ev->offset_bytes = PCS_NONE;
		ev->len_bytes = PCS_NONE;
		g->web_phase = WEB_SEND;
		break;
	case WEB_SEND:
		/* 2. */
		ev->op = PCS_OP_SENDFILE;
		ev->offset_bytes = g->web_pos;
		ev->len_bytes = MIN(cfg->request_bytes, g->web_end - g->web_pos);
		g->web_pos += ev->len_bytes;
		if (g->web_pos == g->web_end)
			g->web_phase = WEB_CLOSE;
		break;
	case WEB_CLOSE:
	default:
		/* 3. */
		ev->op = PCS_OP_CLOSE;
		ev->offset_bytes = PCS_NONE;
		ev->len_bytes = PCS_NONE;
		g->web_phase = WEB_OPEN;
		break;
	}
	ev->t_ns = g->web_t_ns;
	ev->file = g->file_ids[g->web_file];
	ev->stream = (guint32) ((g->nr_emitted - 1) % WEB_STREAMS);
	return TRUE;
}

/* Fills ev with the next event; FALSE when the workload is complete. Cannot fail. */
gboolean
pcs_gen_next(PcsGen *g, PcsIoEvent *ev)
{
	guint64 i;
	gboolean is_write;

	g_return_val_if_fail(g != NULL && ev != NULL, FALSE);

	if (g->cfg.workload == PCS_GEN_WEB) {
		memset(ev, 0, sizeof *ev);
		ev->advice = PCS_ADVICE_NONE;
		return next_web(g, ev);
	}
	i = g->nr_emitted;
	if (i >= g->cfg.requests)
		return FALSE;
	g->nr_emitted++;

	memset(ev, 0, sizeof *ev);
	ev->t_ns = g->cfg.interval_ns ? (gint64) (i * g->cfg.interval_ns) : PCS_TIME_UNKNOWN;
	ev->advice = PCS_ADVICE_NONE;

	if (g->cfg.workload == PCS_GEN_SCAN_HOT && i >= g->scan_start && i < g->scan_end &&
	    scan_turn(g)) {
		next_scan(g, ev);
		return TRUE;
	}

	if (g->cfg.write_ratio <= 0.0)
		is_write = FALSE;
	else if (g->cfg.write_ratio >= 1.0)
		is_write = TRUE;
	else
		is_write = pcs_rng_double(&g->op_rng) < g->cfg.write_ratio;
	ev->op = is_write ? PCS_OP_WRITE : PCS_OP_READ;

	if (g->cfg.workload == PCS_GEN_SEQ)
		next_seq(g, ev);
	else
		set_page(g, random_page(g), ev);
	return TRUE;
}
