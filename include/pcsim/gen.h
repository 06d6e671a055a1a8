/*
 * gen.h - deterministic synthetic workloads (pcsim gen).
 *
 * Each workload is a generator of PcsIoEvents driven by one seeded PRNG, so the same
 * PcsGenConfig always yields the same trace, on every machine.
 */
#ifndef PCSIM_GEN_H
#define PCSIM_GEN_H

#include <glib.h>
#include <pcsim/event.h>
#include <pcsim/files.h>

G_BEGIN_DECLS

typedef enum {
	PCS_GEN_SEQ = 0,   /* sequential passes over the working set */
	PCS_GEN_RAND,      /* uniform random pages */
	PCS_GEN_ZIPF,      /* independent reference model, Zipf(alpha) over pages */
	PCS_GEN_SCAN_HOT,  /* a hot set read repeatedly, with one long scan of another file */
	PCS_GEN_WEB,       /* file serving: open, sendfile the file, close (Zipf files + videos) */
	PCS_GEN_COUNT
} PcsGenWorkload;

typedef struct {
	guint32 workload;        /* PcsGenWorkload */
	guint64 seed;
	guint64 requests;        /* number of read/write requests */
	guint64 pages;           /* working set in pages (seq, rand, zipf; hot set for scan-hot) */
	guint64 scan_pages;      /* scan-hot: pages of the one-time scan */
	double  alpha;           /* zipf skew; scan-hot: skew of the hot set, 0 = uniform */
	guint64 request_bytes;   /* size of each request (a multiple of nothing in particular) */
	double  write_ratio;     /* 0..1 */
	guint32 files;           /* the working set is spread over this many files */
	guint64 interval_ns;     /* time between requests (0: no timestamps) */
	/* web only (files, alpha, request_bytes and requests as above: small files, their
	 * Zipf skew, bytes per sendfile record, requests = files served): */
	guint64 file_bytes;      /* Pareto scale: the smallest small file */
	double  size_shape;      /* Pareto shape of the small files' sizes (smaller: heavier) */
	guint64 max_file_bytes;  /* small files are cut at this size */
	guint32 large_files;     /* the videos */
	guint64 large_bytes;     /* each video is large_bytes to 2 x large_bytes */
	double  large_share;     /* fraction of requests that stream a video segment */
	guint64 segment_bytes;   /* bytes one video request streams */
} PcsGenConfig;

typedef struct PcsGen PcsGen;

/* Fills cfg with the defaults of a workload. */
void pcs_gen_config_init(PcsGenConfig *cfg, PcsGenWorkload w);
const char *pcs_gen_workload_name(PcsGenWorkload w);
gboolean pcs_gen_workload_from_name(const char *name, PcsGenWorkload *w);
/* Builds a generator; fails (PCS_OPTIONS_ERROR_INVALID) on an impossible configuration.
 * Interns its file names into files. */
PcsGen *pcs_gen_new(const PcsGenConfig *cfg, PcsFileTable *files, GError **error);
/* Fills ev with the next event; FALSE when the workload is complete. Cannot fail.
 * Every workload but web gives one event per request; web gives open, sendfile..., close. */
gboolean pcs_gen_next(PcsGen *g, PcsIoEvent *ev);
void pcs_gen_free(PcsGen *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsGen, pcs_gen_free)

G_END_DECLS

#endif
