/*
 * device.c - the simulated block device: a backing file, the layout of the trace's pages
 * on it, the data path, --verify, and the counters (DESIGN.md 4).
 *
 * The cache hands the device one contiguous run of one file's pages at a time. The device
 *
 *   1. lays each page out (extent map below), and cuts the run into I/Os wherever the
 *      model's addresses stop being contiguous and every max_io bytes;
 *   2. models each I/O (device-model.c) and counts it: ios, bytes, size histogram,
 *      sequential I/Os, busy time, a log-scale latency histogram for the p99;
 *   3. with --data on, moves the bytes: one preadv/pwritev (pread/pwrite for a single
 *      buffer) per piece of the I/O that is contiguous in the backing file, between the
 *      file and the pages' frames (or a scratch buffer for direct I/O); with --verify,
 *      stamps pages going out and checks pages coming in against the newest generation
 *      written back.
 * Steps 1 and 2 are the same with --data off, so every counter but wall time is too.
 *
 * Layout. Pages live in extents of 256 pages (1 MiB), found through an open-addressing
 * table keyed by (file, page / 256) that holds their addresses inline (every miss of the
 * cache looks one up: one slot read, prefetched by the cache's batches) and allocated on
 * first touch (any call naming a page: read, write, direct, dirty), in that order, at the
 * end of the backing file:
 *
 *     backing file:  | f0 e0 | f1 e0 | f0 e1 | f2 e0 | ...     (1 MiB each)
 *     file-level:    model address = backing offset (a file's neighbours are neighbours)
 *     block-level:   model address = volume * 16 TiB + volume offset (the trace's own
 *                    addresses; volume 0 is the device as the trace saw it), while the
 *                    backing file still stores the extents in first-touch order, so it
 *                    stays dense and small whatever the trace's addresses
 * An I/O is contiguous in model addresses; in block mode it may cover extents that are
 * not neighbours in the backing file, and then takes one syscall per piece.
 *
 * Generations (--data on): each extent carries dirtied[256] and written[256]: the newest
 * version made by pcs_device_dirty() (or a direct write) and the newest one written back.
 * A page's frame holds the content of its generation (device-verify.c), so verify needs
 * no copy of the data. Memory: 2 KiB per extent.
 *
 * Errors. The I/O path never fails: the first error (an I/O error, ENOSPC/EFBIG, an
 * address beyond --device-size) is kept as a sticky GError naming the backing file, the
 * page and the offset; from then on no data moves, but layout, model and counters go on.
 *
 * Creating and freeing a device (the backing file, the frames, the journal) is in
 * device-file.c.
 *
 * Not modelled: a queue (I/Os are served one at a time in issue order), trim, partial-page
 * I/O (everything is whole 4 KiB pages).
 */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <pcsim/device.h>

#include "device-internal.h"
#include "device-model.h"
#include "device-verify.h"
#include "util.h"

G_DEFINE_QUARK (pcs-device-error-quark, pcs_device_error)

/* The place of one page. */
typedef struct {
	Extent  *e;
	guint64  dev_page;   /* the extent's first page as the model addresses it */
	guint64  file_page;  /* the extent's first page in the backing file */
	guint32  off;        /* page within the extent */
} Loc;

static inline guint64
loc_dev_page(Loc l)
{
	return l.dev_page + l.off;
}

static inline guint64
loc_file_page(Loc l)
{
	return l.file_page + l.off;
}

static inline guint8 *
frame(PcsDevice *d, guint32 slot)
{
	return d->frames + (gsize) slot * PAGE;
}

/* The slot of (file, ext), or NULL. */
static inline const ExtSlot *
extent_find(const PcsDevice *d, guint32 file, guint64 ext)
{
	guint64 pos = pcs_page_hash(file, ext) & d->ext_mask;
	const ExtSlot *sl;

	while ((sl = &d->ext_slots[pos])->e) {
		if (sl->ext == ext && sl->file == file)
			return sl;
		pos = (pos + 1) & d->ext_mask;
	}
	return NULL;
}

/* Adds e; returns its slot. */
static const ExtSlot *
extent_insert(PcsDevice *d, Extent *e)
{
	guint64 pos;

	if (2 * (d->nr_extents + 1) > d->ext_mask + 1) {  /* grow: rehash every extent */
		ExtSlot *old = d->ext_slots;
		guint64 old_n = d->ext_mask + 1;

		d->ext_mask = 2 * old_n - 1;
		d->ext_slots = g_new0(ExtSlot, 2 * old_n);
		d->nr_extents = 0;
		for (guint64 i = 0; i < old_n; i++)
			if (old[i].e)
				extent_insert(d, old[i].e);
		g_free(old);
	}
	pos = pcs_page_hash(e->file, e->ext) & d->ext_mask;
	while (d->ext_slots[pos].e)
		pos = (pos + 1) & d->ext_mask;
	d->ext_slots[pos] = (ExtSlot) { .ext = e->ext, .dev_page = e->dev_page,
					.file_page = e->file_page, .e = e, .file = e->file };
	d->nr_extents++;
	return &d->ext_slots[pos];
}

/* Keeps the first error only. */
static void G_GNUC_PRINTF(3, 4)
set_error(PcsDevice *d, gint code, const char *fmt, ...)
{
	va_list ap;

	if (d->error)
		return;
	va_start(ap, fmt);
	d->error = g_error_new_valist(PCS_DEVICE_ERROR, code, fmt, ap);
	va_end(ap);
}

/*
 * File-level traces: where a file's extents sit as the latency model sees them. Like ext4's
 * delayed allocation and mballoc preallocation, a file gets a run of extents reserved ahead
 * (16 MiB, doubling up to 1 GiB each time it runs out), so a file written or read while
 * other files are touched still lies in one piece, and reads of it are not cut where the
 * first-touch order interleaved it with others. The backing file stays dense: this is the
 * model's address only.
 */
typedef struct {
	guint64 next;    /* model page of the file's next extent */
	guint64 left;    /* extents left in the reservation */
	guint64 chunk;   /* size of the last reservation, in extents */
} Reservation;

#define RESV_FIRST 16
#define RESV_MAX   1024

static guint64
reserve_dev_page(PcsDevice *d, guint32 file)
{
	Reservation *r = g_hash_table_lookup(d->resv, GUINT_TO_POINTER(file + 1));
	guint64 page;

	if (!r) {
		r = g_new0(Reservation, 1);
		g_hash_table_insert(d->resv, GUINT_TO_POINTER(file + 1), r);
	}
	if (r->left == 0) {
		r->chunk = r->chunk ? MIN(r->chunk * 2, RESV_MAX) : RESV_FIRST;
		r->next = d->next_dev_page;
		r->left = r->chunk;
		d->next_dev_page += r->chunk * EXT_PAGES;
	}
	page = r->next;
	r->next += EXT_PAGES;
	r->left--;
	return page;
}

/* Allocates the extent of (file, ext) at the frontier; returns its slot. Cannot fail. */
static const ExtSlot *
extent_new(PcsDevice *d, guint32 file, guint64 ext)
{
	gsize gen_bytes = d->data ? 2 * EXT_PAGES * sizeof(guint32) : 0;
	Extent *e = g_malloc0(sizeof(Extent) + gen_bytes);

	e->file = file;
	e->ext = ext;
	e->file_page = d->next_file_page;
	d->next_file_page += EXT_PAGES;
	if (d->block_level)
		e->dev_page = (guint64) file * VOLUME_PAGES + ext * EXT_PAGES;
	else
		e->dev_page = reserve_dev_page(d, file);
	g_ptr_array_add(d->order, e);
	return extent_insert(d, e);
}

/* Where page of file lives, allocating its extent on first touch. Cannot fail. */
static inline Loc
locate(PcsDevice *d, guint32 file, guint64 page)
{
	guint64 ext = page >> EXT_SHIFT;

	if (!d->last.e || d->last.file != file || d->last.ext != ext) {
		const ExtSlot *sl = extent_find(d, file, ext);

		d->last = *(sl ? sl : extent_new(d, file, ext));
	}
	return (Loc) { d->last.e, d->last.dev_page, d->last.file_page,
		       (guint32) (page & (EXT_PAGES - 1)) };
}

/* A page (at l) beyond --device-size or beyond its volume's span sets the sticky error; the
 * page keeps its place, so the model and the counters go on. Checking the last page of a
 * piece of one extent covers the piece. */
static inline void
check_place(PcsDevice *d, guint32 file, guint64 page, Loc l)
{
	if (G_UNLIKELY (d->block_level && page >= VOLUME_PAGES))
		set_error(d, PCS_DEVICE_ERROR_NOSPACE, "%s: volume %u page %" G_GUINT64_FORMAT
			  " is beyond the %" G_GUINT64_FORMAT " TiB a volume may span", d->path,
			  file, page, PCS_DEVICE_VOLUME_SPAN >> 40);
	if (G_UNLIKELY (d->capacity_bytes &&
			((loc_file_page(l) + 1) * PAGE > d->capacity_bytes ||
			 (d->block_level && (page + 1) * PAGE > d->capacity_bytes))))
		set_error(d, PCS_DEVICE_ERROR_NOSPACE, "%s: file %u page %" G_GUINT64_FORMAT
			  " (device offset %" G_GUINT64_FORMAT ") is beyond --device-size %"
			  G_GUINT64_FORMAT " bytes", d->path, file, page, loc_file_page(l) * PAGE,
			  d->capacity_bytes);
}

static guint
lat_bucket(guint64 ns)
{
	guint e;

	if (ns < 16)
		return (guint) ns;
	e = 63 - (guint) __builtin_clzll(ns);  /* >= 4 */
	return 16 + (e - 4) * 8 + (guint) ((ns >> (e - 3)) & 7);
}

/* The largest latency bucket b can hold. */
static guint64
lat_bucket_max(guint b)
{
	guint e, sub;

	if (b < 16)
		return b;
	e = 4 + (b - 16) / 8;
	sub = (b - 16) % 8;
	return ((guint64) (9 + sub) << (e - 3)) - 1;
}

/* 2. Models and counts one I/O; returns its service time. Cannot fail. */
static guint64
account(PcsDevice *d, gboolean write, guint64 dev_page, guint32 nr)
{
	guint64 addr = dev_page * PAGE, bytes = (guint64) nr * PAGE;
	gboolean seq = d->any_io && addr == d->head;
	guint64 t = d->model->service(&d->params, write, addr, bytes, seq, d->head);
	DirCounters *c = write ? &d->wr : &d->rd;

	d->head = addr + bytes;
	d->any_io = TRUE;
	c->ios++;
	c->bytes += bytes;
	c->hist[pcs_io_hist_bucket(bytes)]++;
	d->seq_ios += seq;
	d->busy_ns += t;
	d->lat_hist[lat_bucket(t)]++;
	d->lat_max_ns = MAX(d->lat_max_ns, t);
	return t;
}

/* The buffer of the k-th page of an I/O: its slot's frame, or the scratch buffer. */
static inline guint8 *
io_buf(PcsDevice *d, const guint32 *slots, guint32 k)
{
	return slots ? frame(d, slots[k]) : d->scratch + (gsize) k * PAGE;
}

static void
report(PcsDevice *d, const char *msg)
{
	if (d->report_fn)
		d->report_fn(msg, d->report_user);
	else
		g_warning("%s", msg);
}

/* One preadv/pwritev of niov buffers at file_page, finishing short transfers. A read past
 * the end of the (sparse) file gives zeros. Sets the sticky error naming the run's first
 * page on failure. */
static gboolean
transfer(PcsDevice *d, gboolean write, int niov, guint64 file_page, guint32 file,
	 guint64 page)
{
	struct iovec *iov = d->iov;
	off_t off = (off_t) (file_page * PAGE);

	while (niov > 0) {
		/* One buffer: pread/pwrite, which skip the kernel's iovec import. */
		ssize_t r = niov == 1 ?
			    (write ? pwrite(d->fd, iov->iov_base, iov->iov_len, off) :
				     pread(d->fd, iov->iov_base, iov->iov_len, off)) :
			    (write ? pwritev(d->fd, iov, niov, off) : preadv(d->fd, iov, niov, off));
		int err = errno;

		if (r < 0 && err == EINTR)
			continue;
		if (r <= 0 && (write || r < 0)) {
			if (r == 0)
				err = ENOSPC;  /* a write that makes no progress */
			set_error(d, err == ENOSPC || err == EFBIG || err == EDQUOT ?
				  PCS_DEVICE_ERROR_NOSPACE : PCS_DEVICE_ERROR_IO,
				  "%s: %s of file %u page %" G_GUINT64_FORMAT " (device offset %"
				  G_GUINT64_FORMAT "): %s", d->path, write ? "write" : "read", file,
				  page, (guint64) off, g_strerror(err));
			return FALSE;
		}
		if (r == 0) {
			/* End of file: the rest was never written, so reads as zeros. Only
			 * verify looks at a clean page's bytes (a write fills its whole frame,
			 * device-verify.c), so without it the zeros are not stored. */
			for (int i = 0; d->verify && i < niov; i++)
				memset(iov[i].iov_base, 0, iov[i].iov_len);
			return TRUE;
		}
		off += r;
		while (niov > 0 && (size_t) r >= iov->iov_len) {
			r -= (ssize_t) iov->iov_len;
			iov++;
			niov--;
		}
		if (niov > 0) {
			iov->iov_base = (guint8 *) iov->iov_base + r;
			iov->iov_len -= (size_t) r;
		}
	}
	return TRUE;
}

/* --verify: checks the k-th page read back against the newest generation written. */
static void
verify_page(PcsDevice *d, Loc l, const guint8 *buf, guint32 file, guint64 page)
{
	guint32 gen = written_of(l.e)[l.off];
	char why[64], msg[256];

	if ((d->reused && gen == 0) || pcs_dev_check(buf, file, page, gen, TRUE, why, sizeof why))
		return;
	d->verify_errors++;
	if (d->nr_reports > PCS_DEVICE_MAX_REPORTS)
		return;
	if (++d->nr_reports > PCS_DEVICE_MAX_REPORTS)
		g_snprintf(msg, sizeof msg, "%s: verify: more mismatches are counted, not shown",
			   d->path);
	else
		g_snprintf(msg, sizeof msg, "%s: verify: file %u page %" G_GUINT64_FORMAT
			   " (device offset %" G_GUINT64_FORMAT "): %s", d->path, file, page,
			   loc_file_page(l) * PAGE, why);
	report(d, msg);
}

/*
 * 3. Moves the data of one I/O: pages [page, page + nr) of file, buffers from slots (NULL:
 * scratch). Writes stamp first (--verify) and note the generation written when done;
 * reads are checked after (--verify). One syscall per backing-file-contiguous piece, at
 * most MAX_IOV buffers each. Failures set the sticky error.
 */
static void
move_data(PcsDevice *d, gboolean write, guint32 file, guint64 page, guint32 nr,
	  const guint32 *slots)
{
	guint32 k = 0;

	while (k < nr && !d->error) {
		Loc l0 = locate(d, file, page + k);
		guint32 n = 0;
		int niov = 0;
		gint64 t0;
		gboolean ok;

		/* 3a. gather a piece: contiguous in the file, merging adjacent buffers */
		while (k + n < nr) {
			Loc l = n ? locate(d, file, page + k + n) : l0;
			guint8 *buf = io_buf(d, slots, k + n);
			gboolean merge = niov > 0 && (guint8 *) d->iov[niov - 1].iov_base +
					 d->iov[niov - 1].iov_len == buf;

			if (loc_file_page(l) != loc_file_page(l0) + n || (!merge && niov == MAX_IOV))
				break;
			if (write) {
				guint32 *dirtied = dirtied_of(l.e);

				if (!slots || dirtied[l.off] == 0)  /* direct, or never dirtied */
					pcs_dev_fill(buf, file, page + k + n, ++dirtied[l.off]);
				if (d->verify)
					pcs_dev_stamp(buf, file, page + k + n, dirtied[l.off]);
			}
			if (merge) {
				d->iov[niov - 1].iov_len += PAGE;
			} else {
				d->iov[niov].iov_base = buf;
				d->iov[niov].iov_len = PAGE;
				niov++;
			}
			n++;
		}
		/* 3b. one syscall */
		t0 = d->time_calls ? g_get_monotonic_time() : 0;
		ok = transfer(d, write, niov, loc_file_page(l0), file, page + k);
		if (d->time_calls)
			d->wall_ns += (guint64) (g_get_monotonic_time() - t0) * 1000;
		if (!ok)
			return;
		/* 3c. generations written / pages checked */
		for (guint32 i = 0; i < n; i++) {
			Loc l = locate(d, file, page + k + i);

			if (write)
				written_of(l.e)[l.off] = dirtied_of(l.e)[l.off];
			else if (d->verify)
				verify_page(d, l, io_buf(d, slots, k + i), file, page + k + i);
		}
		k += n;
	}
}

/* 1-3 for a run: cut into I/Os, model and count each, move the data. */
static guint64
do_run(PcsDevice *d, gboolean write, guint32 file, guint64 first, guint32 nr,
       const guint32 *slots)
{
	guint64 total = 0;
	guint32 i = 0;

	while (i < nr) {
		Loc l = locate(d, file, first + i);
		guint64 dev0 = loc_dev_page(l);
		guint32 n = 0;

		/* 1. one I/O: pieces of extents while the model's addresses go on, at most
		 * max_io (a piece is contiguous by construction) */
		for (;;) {
			guint32 take = MIN(EXT_PAGES - l.off, MIN(nr - i - n, d->max_io_pages - n));
			Loc last = l;

			last.off = l.off + take - 1;

			check_place(d, file, first + i + n + take - 1, last);
			n += take;
			if (i + n == nr || n == d->max_io_pages)
				break;
			l = locate(d, file, first + i + n);
			if (loc_dev_page(l) != dev0 + n)
				break;
		}
		/* 2. model, count */
		total += account(d, write, dev0, n);
		/* 3. data */
		if (d->data && !d->error)
			move_data(d, write, file, first + i, n, slots ? slots + i : NULL);
		i += n;
	}
	return total;
}

guint64
pcs_device_read(PcsDevice *d, guint32 file, guint64 first, guint32 nr, const guint32 *slots)
{
	g_return_val_if_fail(d != NULL && (slots != NULL || nr == 0), 0);
	return do_run(d, FALSE, file, first, nr, slots);
}

guint64
pcs_device_write(PcsDevice *d, guint32 file, guint64 first, guint32 nr, const guint32 *slots)
{
	g_return_val_if_fail(d != NULL && (slots != NULL || nr == 0), 0);
	return do_run(d, TRUE, file, first, nr, slots);
}

guint64
pcs_device_direct(PcsDevice *d, gboolean write, guint32 file, guint64 first, guint32 nr)
{
	g_return_val_if_fail(d != NULL, 0);
	return do_run(d, write, file, first, nr, NULL);
}

void
pcs_device_prefetch(const PcsDevice *d, guint32 file, guint64 page)
{
	__builtin_prefetch(&d->ext_slots[pcs_page_hash(file, page >> EXT_SHIFT) & d->ext_mask]);
}

void
pcs_device_dirty(PcsDevice *d, guint32 slot, guint32 file, guint64 page)
{
	Loc l;

	g_return_if_fail(d != NULL);
	l = locate(d, file, page);  /* a touch: the layout is the same with data on and off */
	if (d->data) {
		g_return_if_fail(slot < d->nr_frames);
		pcs_dev_fill(frame(d, slot), file, page, ++dirtied_of(l.e)[l.off]);
	}
}

void
pcs_device_zero(PcsDevice *d, guint32 slot)
{
	g_return_if_fail(d != NULL);
	if (d->data) {
		g_return_if_fail(slot < d->nr_frames);
		memset(frame(d, slot), 0, PAGE);
	}
}

void
pcs_device_discard(PcsDevice *d, guint32 file, guint64 first, guint64 nr)
{
	g_return_if_fail(d != NULL);
	if (!d->data)
		return;
	/* Only pages already placed can have generations: no new extent for a discard. */
	for (guint64 p = first; p < first + nr; p++) {
		const ExtSlot *sl = extent_find(d, file, p >> EXT_SHIFT);

		if (!sl) {
			p |= EXT_PAGES - 1;
			continue;
		}
		dirtied_of(sl->e)[p & (EXT_PAGES - 1)] = written_of(sl->e)[p & (EXT_PAGES - 1)];
	}
}

void
pcs_device_set_block_level(PcsDevice *d, gboolean block_level)
{
	g_return_if_fail(d != NULL);
	g_return_if_fail(d->nr_extents == 0);
	d->block_level = block_level;
}

void
pcs_device_set_report(PcsDevice *d, PcsDeviceReportFunc fn, gpointer user)
{
	d->report_fn = fn;
	d->report_user = user;
}

guint64
pcs_device_write_bandwidth(const PcsDevice *d)
{
	return pcs_dev_model_write_bandwidth(d->model, &d->params);
}

static guint64
lat_p99(const PcsDevice *d)
{
	guint64 n = d->rd.ios + d->wr.ios, want, seen = 0;

	if (n == 0)
		return 0;
	want = (n * 99 + 99) / 100;  /* ceil(0.99 n) */
	for (guint b = 0; b < LAT_BUCKETS; b++) {
		seen += d->lat_hist[b];
		if (seen >= want)
			return MIN(lat_bucket_max(b), d->lat_max_ns);
	}
	return d->lat_max_ns;
}

void
pcs_device_stats(const PcsDevice *d, PcsStats *out)
{
	out->dev_read_ios += d->rd.ios;
	out->dev_read_bytes += d->rd.bytes;
	out->dev_write_ios += d->wr.ios;
	out->dev_write_bytes += d->wr.bytes;
	out->dev_ios += d->rd.ios + d->wr.ios;
	out->dev_seq_ios += d->seq_ios;
	out->dev_busy_ns += d->busy_ns;
	for (guint b = 0; b < PCS_IO_HIST_BUCKETS; b++) {
		out->dev_read_hist[b] += d->rd.hist[b];
		out->dev_write_hist[b] += d->wr.hist[b];
	}
	out->verify_errors += d->verify_errors;
	out->dev_lat_p99_ns = lat_p99(d);
}

void
pcs_device_time_calls(PcsDevice *d, gboolean on)
{
	g_return_if_fail(d != NULL);
	d->time_calls = on;
}

guint64
pcs_device_wall_ns(const PcsDevice *d)
{
	return d->wall_ns;
}

const guint8 *
pcs_device_frame(const PcsDevice *d, guint32 slot)
{
	g_return_val_if_fail(slot < d->nr_frames || !d->data, NULL);
	return d->frames ? d->frames + (gsize) slot * PAGE : NULL;
}

const GError *
pcs_device_error(const PcsDevice *d)
{
	return d->error;
}

const char *
pcs_device_path(const PcsDevice *d)
{
	return d->path;
}
