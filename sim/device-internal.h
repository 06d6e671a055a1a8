/*
 * device-internal.h - the simulated device's state, shared by device.c (layout, data path,
 * counters) and device-file.c (the backing file, the frames, the journal) (internal).
 */
#ifndef PCSIM_DEVICE_INTERNAL_H
#define PCSIM_DEVICE_INTERNAL_H

#include <limits.h>
#include <sys/uio.h>
#include <pcsim/device.h>
#include "device-model.h"

#define PAGE PCS_DEV_PAGE_BYTES
#define EXT_SHIFT 8
#define EXT_PAGES (1u << EXT_SHIFT)            /* 1 MiB extents */
#define VOLUME_PAGES (PCS_DEVICE_VOLUME_SPAN / PAGE)
#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#define MAX_IOV MIN(IOV_MAX, 1024)
/* Latency histogram: exact below 16 ns, then 8 buckets per power of two (12.5%). */
#define LAT_BUCKETS (16 + 60 * 8)

typedef struct {
	guint32 file;
	guint64 ext;         /* page / EXT_PAGES within the file (or volume) */
	guint64 file_page;   /* first page of the extent in the backing file */
	guint64 dev_page;    /* first page as the latency model addresses it */
	guint32 gen[];       /* --data on: dirtied[EXT_PAGES], then written[EXT_PAGES] */
} Extent;

/* A slot of the extent table: the key and the model address inline, so a lookup with
 * --data off reads one slot and not the extent (e NULL: empty). */
typedef struct {
	guint64  ext;
	guint64  dev_page;
	guint64  file_page;
	Extent  *e;
	guint32  file;
} ExtSlot;

typedef struct {
	guint64 ios;
	guint64 bytes;
	guint64 hist[PCS_IO_HIST_BUCKETS];
} DirCounters;

struct PcsDevice {
	/* configuration */
	gboolean              data;
	gboolean              verify;
	gboolean              block_level;
	gboolean              reused;
	guint32               max_io_pages;
	guint64               capacity_bytes;   /* 0: grows */
	const PcsDevModelOps *model;
	PcsDevModelParams     params;
	/* the backing file (--data on) */
	int                   fd;
	char                 *path;             /* as messages name it */
	char                 *journal_for;      /* --device FILE: where the journal goes */
	/* frames and buffers (--data on) */
	guint8               *frames;
	guint32               nr_frames;
	guint8               *scratch;          /* max_io_pages pages for direct I/O */
	struct iovec         *iov;              /* MAX_IOV entries */
	/* layout */
	ExtSlot              *ext_slots;        /* (file, ext) -> Extent*, linear probing */
	guint64               ext_mask;         /* slots - 1 (a power of two) */
	guint64               nr_extents;       /* at most half the slots */
	GPtrArray            *order;            /* Extent*, in allocation order (owns them) */
	ExtSlot               last;             /* the previous lookup's (e NULL: none) */
	guint64               next_file_page;   /* allocation frontier of the backing file */
	GHashTable           *resv;             /* file-level: file + 1 -> Reservation */
	guint64               next_dev_page;    /* frontier of the model's address space */
	/* the model's head: where the previous I/O ended */
	guint64               head;
	gboolean              any_io;
	/* counters */
	DirCounters           rd, wr;
	guint64               seq_ios;
	guint64               busy_ns;
	guint64               verify_errors;
	guint64               lat_hist[LAT_BUCKETS];
	guint64               lat_max_ns;
	gboolean              time_calls;       /* measure wall_ns (two clock reads a call) */
	guint64               wall_ns;          /* real time spent in preadv/pwritev */
	guint32               nr_reports;
	PcsDeviceReportFunc   report_fn;
	gpointer              report_user;
	GError               *error;            /* sticky: the first one */
};

/* An extent's generations (--data on): the newest dirtied and written back, per page. */
static inline guint32 *
dirtied_of(Extent *e)
{
	return e->gen;
}

static inline guint32 *
written_of(Extent *e)
{
	return e->gen + EXT_PAGES;
}

#endif
