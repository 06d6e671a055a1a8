/*
 * device.c - a metadata-only stand-in for the simulated block device (model none): it
 * counts the I/Os the cache core issues, split at max_io, and moves no data. The real
 * device (backing file, data path, verify, latency models) replaces it.
 */
#include "config.h"

#include <string.h>
#include <pcsim/device.h>

G_DEFINE_QUARK (pcs-device-error-quark, pcs_device_error)

struct PcsDevice {
	guint64 max_io_pages;
	guint64 next_page;  /* device page after the last I/O */
	PcsStats st;
	GError *error;
};

PcsDevice *
pcs_device_new(const PcsConfig *cfg, const PcsDeviceSpec *spec, guint32 nr_frames,
	       GError **error)
{
	PcsDevice *d = g_new0(PcsDevice, 1);

	(void) spec;
	(void) nr_frames;
	(void) error;
	d->max_io_pages = MAX(cfg->max_io_bytes >> 12, 1);
	d->next_page = G_MAXUINT64;
	return d;
}

void
pcs_device_free(PcsDevice *d)
{
	if (!d)
		return;
	g_clear_error(&d->error);
	g_free(d);
}

void
pcs_device_set_block_level(PcsDevice *d, gboolean block_level)
{
	(void) d;
	(void) block_level;
}

static guint64
account(PcsDevice *d, gboolean write, guint32 file, guint64 first, guint32 nr)
{
	guint64 dev_page = ((guint64) file << 40) + first;

	while (nr > 0) {
		guint32 n = (guint32) MIN(nr, d->max_io_pages);
		guint64 bytes = (guint64) n << 12;

		d->st.dev_ios++;
		d->st.dev_seq_ios += dev_page == d->next_page;
		if (write) {
			d->st.dev_write_ios++;
			d->st.dev_write_bytes += bytes;
			d->st.dev_write_hist[pcs_io_hist_bucket(bytes)]++;
		} else {
			d->st.dev_read_ios++;
			d->st.dev_read_bytes += bytes;
			d->st.dev_read_hist[pcs_io_hist_bucket(bytes)]++;
		}
		dev_page += n;
		d->next_page = dev_page;
		nr -= n;
	}
	return 0;
}

guint64
pcs_device_read(PcsDevice *d, guint32 file, guint64 first, guint32 nr, const guint32 *slots)
{
	(void) slots;
	return account(d, FALSE, file, first, nr);
}

guint64
pcs_device_write(PcsDevice *d, guint32 file, guint64 first, guint32 nr, const guint32 *slots)
{
	(void) slots;
	return account(d, TRUE, file, first, nr);
}

guint64
pcs_device_direct(PcsDevice *d, gboolean write, guint32 file, guint64 first, guint32 nr)
{
	return account(d, write, file, first, nr);
}

void
pcs_device_dirty(PcsDevice *d, guint32 slot, guint32 file, guint64 page)
{
	(void) d;
	(void) slot;
	(void) file;
	(void) page;
}

void
pcs_device_zero(PcsDevice *d, guint32 slot)
{
	(void) d;
	(void) slot;
}

guint64
pcs_device_write_bandwidth(const PcsDevice *d)
{
	(void) d;
	return G_MAXUINT64;
}

void
pcs_device_stats(const PcsDevice *d, PcsStats *out)
{
	out->dev_read_ios = d->st.dev_read_ios;
	out->dev_read_bytes = d->st.dev_read_bytes;
	out->dev_write_ios = d->st.dev_write_ios;
	out->dev_write_bytes = d->st.dev_write_bytes;
	out->dev_ios = d->st.dev_ios;
	out->dev_seq_ios = d->st.dev_seq_ios;
	memcpy(out->dev_read_hist, d->st.dev_read_hist, sizeof out->dev_read_hist);
	memcpy(out->dev_write_hist, d->st.dev_write_hist, sizeof out->dev_write_hist);
}

const GError *
pcs_device_error(const PcsDevice *d)
{
	return d->error;
}
