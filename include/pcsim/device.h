/*
 * device.h - the simulated block device: a real backing file, the data path, verify, and the
 * latency models (DESIGN.md 4).
 *
 * The cache core calls the device for every page-in (demand read, readahead, read-modify-
 * write) and every writeback, always one contiguous run of one file's pages at a time; the
 * device lays the run out on the backing file, splits it into I/Os of at most max_io bytes
 * (and wherever the layout is not contiguous), moves the data (--data on) between the
 * backing file and the pages' frames, models each I/O's service time, and counts.
 *
 * Layout: block-level traces map each volume's byte offsets directly onto the device's
 * address space (the latency model sees the trace's own addresses); file-level traces get
 * extents from an allocator on first touch, so a file's neighbouring pages sit near each
 * other. The layout is deterministic for a given trace.
 *
 * Errors: the hot path never fails. An I/O error, ENOSPC or an address beyond a fixed
 * capacity is recorded once (pcs_device_error()); from then on the device moves no more data
 * and the replay stops with that error at the next batch boundary. The backing file is never
 * touched outside the pages the trace addresses.
 */
#ifndef PCSIM_DEVICE_H
#define PCSIM_DEVICE_H

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/stats.h>

G_BEGIN_DECLS

#define PCS_DEVICE_ERROR (pcs_device_error_quark ())
GQuark pcs_device_error_quark (void);

typedef enum {
	PCS_DEVICE_ERROR_OPEN,      /* cannot create/open/reuse the backing file */
	PCS_DEVICE_ERROR_IO,        /* pread/pwrite failed (message: page, offset, errno) */
	PCS_DEVICE_ERROR_NOSPACE,   /* ENOSPC, or beyond --device-size */
	PCS_DEVICE_ERROR_PARAM,     /* a bad --device-param */
	PCS_DEVICE_ERROR_VERIFY,    /* pcsim verify found pages that differ */
} PcsDeviceErrorCode;

typedef struct PcsDevice PcsDevice;

/* What the command line says about the device beyond PcsConfig (data, verify, device_model,
 * max_io come from the config). Strings are borrowed for pcs_device_new() only. */
typedef struct {
	const char *path;        /* --device FILE; NULL: a temporary file, removed at exit */
	gboolean    reuse;       /* --device-reuse: an existing FILE may be used */
	guint64     size_bytes;  /* --device-size; 0: grows as needed */
	const char *params;      /* --device-param "seek=8ms,rpm=7200,bw=150M"; NULL: defaults */
} PcsDeviceSpec;

/*
 * Opens the device for a cache of nr_frames pages. With cfg->data the frames (nr_frames *
 * 4 KiB) are allocated here, once, and a backing file is created (spec->path, created
 * sparse; an existing file only with spec->reuse; NULL: a temporary file removed by
 * pcs_device_free() and at SIGINT/SIGTERM). Without cfg->data no file is opened and no frame
 * allocated: layout, latency model and counters only. spec may be NULL (all defaults).
 */
PcsDevice *pcs_device_new(const PcsConfig *cfg, const PcsDeviceSpec *spec, guint32 nr_frames,
			  GError **error);
void pcs_device_free(PcsDevice *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsDevice, pcs_device_free)

/* Block-level traces: file ids are volumes whose offsets map directly (call once, before the
 * first I/O, when the trace's level is known; default file-level). Volume v's offset x is
 * the model's address v * PCS_DEVICE_VOLUME_SPAN + x; a volume offset at or beyond the span
 * is an error (PCS_DEVICE_ERROR_NOSPACE). */
#define PCS_DEVICE_VOLUME_SPAN ((guint64) 1 << 44)  /* 16 TiB */
void pcs_device_set_block_level(PcsDevice *d, gboolean block_level);

/*
 * Page-in: pages [first, first + nr) of file into the frames of slots[0..nr). Returns the
 * modelled service time (ns) of the I/Os issued. With verify, each page read is checked
 * against the newest generation written back for it (mismatches counted in verify_errors
 * and reported once per page through the log).
 */
guint64 pcs_device_read(PcsDevice *d, guint32 file, guint64 first, guint32 nr,
			const guint32 *slots);
/* Writeback: pages [first, first + nr) of file from the frames of slots[0..nr). With
 * verify, each page is stamped (magic, file, page, generation, checksum) before it goes. */
guint64 pcs_device_write(PcsDevice *d, guint32 file, guint64 first, guint32 nr,
			 const guint32 *slots);
/* Direct I/O: the same run moves between the device and a scratch user buffer, bypassing
 * the frames. */
guint64 pcs_device_direct(PcsDevice *d, gboolean write, guint32 file, guint64 first,
			  guint32 nr);
/* A hint: page (file, page) may be read soon; starts fetching where it lives. No effect on
 * anything but speed. */
void pcs_device_prefetch(const PcsDevice *d, guint32 file, guint64 page);
/* A buffered write changed page (file, page), held in slot (a new version of its data). */
void pcs_device_dirty(PcsDevice *d, guint32 slot, guint32 file, guint64 page);
/* A page freshly allocated without a read (a whole-page write): zero its frame. */
void pcs_device_zero(PcsDevice *d, guint32 slot);
/* Dirty pages [first, first + nr) of file were thrown away unwritten (truncate, hole
 * punch): their newest version is the one on the device again, so the journal does not
 * count them as lost. Cannot fail. */
void pcs_device_discard(PcsDevice *d, guint32 file, guint64 first, guint64 nr);

/* Where --verify mismatches go (one line each, at most PCS_DEVICE_MAX_REPORTS, then one
 * line saying the rest are only counted). Default (fn NULL): g_warning(). */
#define PCS_DEVICE_MAX_REPORTS 10
typedef void (*PcsDeviceReportFunc)(const char *message, gpointer user);
void pcs_device_set_report(PcsDevice *d, PcsDeviceReportFunc fn, gpointer user);

/* The model's sustained write bandwidth (bytes/s; G_MAXUINT64 for model none): the rate
 * balance_dirty_pages throttles writers to. */
guint64 pcs_device_write_bandwidth(const PcsDevice *d);

/* Adds the device's counters (dev_*, verify_errors) into out; sets the gauge dev_lat_p99_ns
 * (the top of the p99's bucket in a log histogram of 8 buckets per power of two, so at most
 * 12.5% high, and never above the largest latency seen). Cannot fail. */
void pcs_device_stats(const PcsDevice *d, PcsStats *out);
/* Whether to measure the wall-clock time of each preadv/pwritev (off by default: two clock
 * reads a call are a few percent of a --data on replay). Cannot fail. */
void pcs_device_time_calls(PcsDevice *d, gboolean on);
/* Real (wall-clock) time spent in preadv/pwritev so far, ns, while timing was on; 0 with
 * --data off. PcsStats has no field for it yet. Cannot fail. */
guint64 pcs_device_wall_ns(const PcsDevice *d);
/* The 4 KiB frame of slot (NULL with --data off), for tests and debugging. */
const guint8 *pcs_device_frame(const PcsDevice *d, guint32 slot);
/* The first error met (NULL if none); owned by the device. */
const GError *pcs_device_error(const PcsDevice *d);
/* The backing file as messages name it: the path, or "temporary device in DIR". */
const char *pcs_device_path(const PcsDevice *d);

/*
 * Checking a device an earlier run left (pcsim verify). A run with --device FILE and --data
 * on writes FILE.pcsim-journal when the device is freed: one line per page ever dirtied
 * (file, page, offset, newest generation dirtied, newest written back).
 */
typedef enum {
	PCS_DEVICE_CHECK_MATCH,    /* holds the newest version */
	PCS_DEVICE_CHECK_LOST,     /* holds an older version: the run stopped with it dirty */
	PCS_DEVICE_CHECK_CORRUPT,  /* holds neither (header, identity or checksum wrong) */
} PcsDeviceCheckState;

typedef struct {
	PcsDeviceCheckState state;
	guint32 file;
	guint32 dirtied;        /* newest generation dirtied */
	guint64 page;
	guint64 offset_bytes;   /* in the backing file */
	guint32 written;        /* newest generation written back (0: never) */
	char    why[64];        /* "holds generation 2 of 3", "checksum mismatch" */
} PcsDeviceCheckPage;

typedef struct {
	guint64  nr_pages;      /* pages in the journal */
	guint64  nr_match;
	guint64  nr_lost;
	guint64  nr_corrupt;
	gboolean stamped;       /* the run had --verify (pages carry headers) */
	GArray  *problems;      /* PcsDeviceCheckPage, lost and corrupt, in journal order */
} PcsDeviceCheck;

/* FILE.pcsim-journal (caller frees). Cannot fail. */
char *pcs_device_journal_path(const char *path);
/* Reads path's journal and checks every page in it. Fails with PCS_DEVICE_ERROR_OPEN (the
 * device or its journal cannot be read), _VERIFY (a malformed journal) or _IO (a read
 * error); *out is then empty. Clear *out with pcs_device_check_clear(). */
gboolean pcs_device_check_file(const char *path, PcsDeviceCheck *out, GError **error);
void pcs_device_check_clear(PcsDeviceCheck *c);

G_END_DECLS

#endif
