/*
 * device-file.c - a simulated device's making and unmaking: the backing file, the page
 * frames, and the journal of a named device.
 *
 * The temporary device (no --device) is opened with O_TMPFILE, or created and unlinked at
 * once where that is missing: it has no name, so nothing is left after exit, SIGINT,
 * SIGTERM or a crash. A named device is created sparse with O_EXCL (never an existing
 * file without --device-reuse), and gets a journal (FILE.pcsim-journal) at
 * pcs_device_free() for pcsim verify.
 *
 * With --data off there is no file and no frames: the device only lays pages out, models
 * and counts (device.c).
 */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "device-internal.h"
#include "device-verify.h"
#include "util.h"

/* The temporary device: O_TMPFILE (no name ever), else mkstemp + unlink. */
static gboolean
open_temporary(PcsDevice *d, GError **error)
{
	const char *dir = g_get_tmp_dir();
	g_autofree char *tmpl = NULL;

	d->path = g_strdup_printf("temporary device in %s", dir);
#ifdef O_TMPFILE
	d->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (d->fd >= 0)
		return TRUE;
#endif
	tmpl = g_build_filename(dir, "pcsim-device.XXXXXX", NULL);
	d->fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0600);
	if (d->fd < 0) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN,
			    "cannot create a temporary device in %s: %s", dir, g_strerror(errno));
		return FALSE;
	}
	unlink(tmpl);
	return TRUE;
}

/* --device FILE: created sparse with O_EXCL, or an existing regular file with reuse. */
static gboolean
open_named(PcsDevice *d, const PcsDeviceSpec *spec, GError **error)
{
	struct stat st;
	int flags = O_RDWR | O_CLOEXEC | O_CREAT | (spec->reuse ? 0 : O_EXCL);

	d->path = g_strdup(spec->path);
	if (stat(spec->path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN,
				    "%s: is a directory (--device wants a file)", spec->path);
			return FALSE;
		}
		if (!spec->reuse) {
			g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN,
				    "%s exists; pass --device-reuse to use it", spec->path);
			return FALSE;
		}
		d->reused = TRUE;
	}
	d->fd = open(spec->path, flags, 0644);
	if (d->fd < 0) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN, "%s: %s%s", spec->path,
			    g_strerror(errno), errno == EEXIST ?
			    " (pass --device-reuse to use it)" : "");
		return FALSE;
	}
	if (fstat(d->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN,
			    "%s: not a regular file", spec->path);
		return FALSE;
	}
	return TRUE;
}

/*
 * The frames: one anonymous mapping, zero and reserved lazily, so a frame costs memory only
 * once a page uses it (pcs_alloc_big() would memset the whole cache size up front, which for
 * a 64 GiB --cache is 64 GiB of RSS before the first request). Fails with
 * PCS_DEVICE_ERROR_OPEN when the address space is short.
 */
static gboolean
map_frames(PcsDevice *d, GError **error)
{
	gsize bytes = (gsize) MAX(d->nr_frames, 1) * PAGE;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_OPEN, "cannot map %"
			    G_GSIZE_FORMAT " bytes of page frames: %s", bytes, g_strerror(errno));
		return FALSE;
	}
#ifdef MADV_HUGEPAGE
	/* Frames are touched all over: 2 MiB pages fault in 512 times less often and keep
	 * the TLB from missing on every page copied (a hint; a kernel without THP ignores it). */
	(void) madvise(p, bytes, MADV_HUGEPAGE);
#endif
	d->nr_frames = MAX(d->nr_frames, 1);
	d->frames = p;
	return TRUE;
}

PcsDevice *
pcs_device_new(const PcsConfig *cfg, const PcsDeviceSpec *spec, guint32 nr_frames,
	       GError **error)
{
	static const PcsDeviceSpec no_spec = { NULL, FALSE, 0, NULL };
	g_autoptr(PcsDevice) d = NULL;

	g_return_val_if_fail(cfg != NULL, NULL);
	if (!spec)
		spec = &no_spec;
	d = g_new0(PcsDevice, 1);
	d->fd = -1;
	d->data = cfg->data;
	d->verify = cfg->verify;
	d->capacity_bytes = spec->size_bytes;
	d->max_io_pages = (guint32) MAX(cfg->max_io_bytes / PAGE, 1);
	d->ext_mask = 1023;
	d->ext_slots = g_new0(ExtSlot, d->ext_mask + 1);
	d->resv = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	d->order = g_ptr_array_new_with_free_func(g_free);
	d->model = pcs_dev_model(cfg->device_model);
	if (!d->model) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM,
			    "unknown device model %u", cfg->device_model);
		return NULL;
	}
	if (!pcs_dev_model_params(d->model, spec->params, spec->size_bytes, &d->params, error))
		return NULL;
	if (cfg->verify && !cfg->data) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM,
			    "--verify on needs --data on (there is no data to check)");
		return NULL;
	}
	if (!d->data) {
		d->path = g_strdup("metadata-only device");
		return g_steal_pointer(&d);
	}
	if (spec->path ? !open_named(d, spec, error) : !open_temporary(d, error))
		return NULL;
#ifdef O_NOATIME
	{
		/* Reads need not update the backing file's atime (a hint: a file of another
		 * owner refuses it, and then keeps its atime). */
		int fl = fcntl(d->fd, F_GETFL);

		if (fl >= 0)
			(void) fcntl(d->fd, F_SETFL, fl | O_NOATIME);
	}
#endif
	d->nr_frames = nr_frames;
	if (!map_frames(d, error))
		return NULL;
	d->scratch = pcs_alloc_big((gsize) d->max_io_pages * PAGE);
	d->iov = g_new(struct iovec, MAX_IOV);
	d->journal_for = g_strdup(spec->path);  /* last: a device that failed gets none */
	return g_steal_pointer(&d);
}

/* The journal's lines: every page ever dirtied, in layout order. */
static GArray *
journal_entries(const PcsDevice *d)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(PcsDevJournalEntry));

	for (guint i = 0; i < d->order->len; i++) {
		Extent *e = g_ptr_array_index(d->order, i);

		for (guint32 k = 0; k < EXT_PAGES; k++) {
			PcsDevJournalEntry j = {
				.file = e->file,
				.page = e->ext * EXT_PAGES + k,
				.offset_bytes = (e->file_page + k) * PAGE,
				.dirtied = dirtied_of(e)[k],
				.written = written_of(e)[k],
			};

			if (j.dirtied)
				g_array_append_val(a, j);
		}
	}
	return a;
}

void
pcs_device_free(PcsDevice *d)
{
	if (!d)
		return;
	if (d->journal_for) {
		g_autoptr(GArray) entries = journal_entries(d);
		g_autoptr(GError) error = NULL;

		if (!pcs_dev_journal_write(d->journal_for, d->verify, d->reused, entries, &error))
			g_warning("%s", error->message);
	}
	if (d->fd >= 0)
		close(d->fd);
	if (d->frames)
		munmap(d->frames, (gsize) d->nr_frames * PAGE);
	pcs_free_big(d->scratch);
	g_free(d->iov);
	g_free(d->ext_slots);
	g_hash_table_unref(d->resv);
	g_ptr_array_unref(d->order);
	g_clear_error(&d->error);
	g_free(d->path);
	g_free(d->journal_for);
	g_free(d);
}
