/*
 * device-model.c - latency models of the simulated device: none, ssd, nvme, hdd.
 *
 * Each model is a const PcsDevModelOps row (name, parameter table, service function) in the
 * models[] array indexed by PcsDeviceModelKind; the device calls it once per I/O it issues
 * and never looks inside. Models are pure functions of the I/O and of where the previous I/O
 * ended, so a replay's modelled time is deterministic and the same with --data on and off.
 *
 *   none   every I/O takes 0 ns (metadata-only sweeps where time does not matter)
 *   ssd    read=100us write=40us bw=500M      t = per-I/O cost + bytes / bw
 *   nvme   read=20us  write=15us bw=3G        t = per-I/O cost + bytes / bw
 *   hdd    seek=8ms track=0.5ms rpm=7200 bw=150M cap=1T (or --device-size)
 *          t = seek(distance) + rotation + bytes / bw, and only bytes / bw for an I/O that
 *          starts exactly where the previous one ended (the head is already there).
 *
 * Rates are binary, as every size in pcsim: bw=500M is 500 MiB/s (524288000 bytes/s).
 *
 * The hdd seek curve. A seek over distance d (bytes, head to the I/O's start) costs
 *
 *     seek(0) = 0,   seek(d) = track + (full - track) * sqrt(min(d / cap, 1))
 *
 * (the arm accelerates then coasts, so seek time grows as the square root of distance for
 * short and medium seeks). The full-stroke time is derived from the average a data sheet
 * quotes: for two uniformly random addresses, x = d / cap has density 2(1 - x) on [0, 1]
 * and E[sqrt(x)] = 8/15, so average = track + (full - track) * 8/15, which gives
 *
 *     full = track + (seek - track) * 15/8      (seek=8ms, track=0.5ms: full = 14.5625 ms)
 *
 * Rotation: half a revolution on average, 30e9 / rpm ns (7200 rpm: 4166666 ns). Simplified
 * away: zones (outer tracks are faster), the drive's cache and queueing (one I/O at a time,
 * in the order the cache issues them), and reads versus writes (same cost on hdd).
 *
 * Entry points: pcs_dev_model, pcs_dev_model_params, pcs_dev_model_write_bandwidth.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <pcsim/config.h>
#include <pcsim/device.h>

#include "device-model.h"

#define P(f) offsetof (PcsDevModelParams, f)

/* bytes / bw in ns, rounded down (an I/O is at most --max-io, 1 GiB: no overflow). */
static guint64
transfer_ns(const PcsDevModelParams *p, guint64 bytes)
{
	return bytes * G_GUINT64_CONSTANT (1000000000) / p->bw;
}

static guint64
none_service(const PcsDevModelParams *p, gboolean write, guint64 addr, guint64 bytes,
	     gboolean seq, guint64 head)
{
	return 0;
}

static guint64
flash_service(const PcsDevModelParams *p, gboolean write, guint64 addr, guint64 bytes,
	      gboolean seq, guint64 head)
{
	return (write ? p->write_ns : p->read_ns) + transfer_ns(p, bytes);
}

static guint64
hdd_seek_ns(const PcsDevModelParams *p, guint64 distance)
{
	guint64 span;
	double x;

	if (distance == 0)
		return 0;
	span = p->seek_ns > p->track_ns ? (p->seek_ns - p->track_ns) * 15 / 8 : 0;
	x = MIN((double) distance / (double) p->cap_bytes, 1.0);
	return p->track_ns + (guint64) ((double) span * sqrt(x));
}

static guint64
hdd_service(const PcsDevModelParams *p, gboolean write, guint64 addr, guint64 bytes,
	    gboolean seq, guint64 head)
{
	guint64 distance = addr > head ? addr - head : head - addr;

	if (seq)
		return transfer_ns(p, bytes);
	return hdd_seek_ns(p, distance) + G_GUINT64_CONSTANT (30000000000) / p->rpm +
	       transfer_ns(p, bytes);
}

static const PcsDevKey none_keys[] = {
	{ NULL, 0, 0, NULL, NULL }
};

static const PcsDevKey ssd_keys[] = {
	{ "read", PCS_DEV_KEY_DURATION, P(read_ns), "100us", "fixed cost of a read I/O" },
	{ "write", PCS_DEV_KEY_DURATION, P(write_ns), "40us", "fixed cost of a write I/O" },
	{ "bw", PCS_DEV_KEY_SIZE, P(bw), "500M", "transfer rate per second" },
	{ NULL, 0, 0, NULL, NULL }
};

static const PcsDevKey nvme_keys[] = {
	{ "read", PCS_DEV_KEY_DURATION, P(read_ns), "20us", "fixed cost of a read I/O" },
	{ "write", PCS_DEV_KEY_DURATION, P(write_ns), "15us", "fixed cost of a write I/O" },
	{ "bw", PCS_DEV_KEY_SIZE, P(bw), "3G", "transfer rate per second" },
	{ NULL, 0, 0, NULL, NULL }
};

static const PcsDevKey hdd_keys[] = {
	{ "seek", PCS_DEV_KEY_DURATION, P(seek_ns), "8ms", "average seek (random pairs)" },
	{ "track", PCS_DEV_KEY_DURATION, P(track_ns), "0.5ms", "track-to-track seek" },
	{ "rpm", PCS_DEV_KEY_COUNT, P(rpm), "7200", "spindle speed (rotation: half a turn)" },
	{ "bw", PCS_DEV_KEY_SIZE, P(bw), "150M", "transfer rate per second" },
	{ "cap", PCS_DEV_KEY_SIZE, P(cap_bytes), "1T", "span of a full-stroke seek "
	  "(default --device-size when given)" },
	{ NULL, 0, 0, NULL, NULL }
};

static const PcsDevModelOps models[PCS_DEVICE_MODEL_COUNT] = {
	[PCS_DEVICE_MODEL_NONE] = { "none", none_keys, none_service },
	[PCS_DEVICE_MODEL_SSD] = { "ssd", ssd_keys, flash_service },
	[PCS_DEVICE_MODEL_NVME] = { "nvme", nvme_keys, flash_service },
	[PCS_DEVICE_MODEL_HDD] = { "hdd", hdd_keys, hdd_service },
};

const PcsDevModelOps *
pcs_dev_model(guint kind)
{
	return kind < PCS_DEVICE_MODEL_COUNT ? &models[kind] : NULL;
}

/* "seek, track, rpm, bw, cap" or "none" (caller frees). */
static char *
key_list(const PcsDevModelOps *m)
{
	GString *s = g_string_new(NULL);

	for (const PcsDevKey *k = m->keys; k->name; k++)
		g_string_append_printf(s, "%s%s=%s", s->len ? ", " : "", k->name, k->def);
	if (s->len == 0)
		g_string_append(s, "none");
	return g_string_free(s, FALSE);
}

/* Sets one key from its text; fails with PCS_DEVICE_ERROR_PARAM naming it. */
static gboolean
set_key(const PcsDevModelOps *m, const char *name, const char *value, PcsDevModelParams *p,
	GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *keys = key_list(m);
	const PcsDevKey *k;
	guint64 v = 0;
	gboolean ok;

	for (k = m->keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			break;
	if (!k->name) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM,
			    "--device-param: unknown key '%s' for model %s (its keys: %s)", name,
			    m->name, keys);
		return FALSE;
	}
	switch (k->type) {
	case PCS_DEV_KEY_DURATION:
		ok = pcs_parse_duration(value, &v, &local);
		break;
	case PCS_DEV_KEY_SIZE:
		ok = pcs_parse_size(value, &v, &local);
		break;
	default:
		ok = pcs_parse_count(value, &v, &local);
		break;
	}
	if (ok && v == 0 && (k->offset == P(bw) || k->offset == P(rpm) ||
			     k->offset == P(cap_bytes))) {
		ok = FALSE;
		local = g_error_new(PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM,
				    "'%s' must be above 0", value);
	}
	if (!ok) {
		g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM,
			    "--device-param %s=%s: %s (model %s, its keys: %s)", name, value,
			    local->message, m->name, keys);
		return FALSE;
	}
	*(guint64 *) (void *) ((guint8 *) p + k->offset) = v;
	return TRUE;
}

/* Applies "k=v,k=v" to p. */
static gboolean
apply_list(const PcsDevModelOps *m, const char *text, PcsDevModelParams *p, GError **error)
{
	g_auto(GStrv) items = NULL;

	if (!text || !*text)
		return TRUE;
	items = g_strsplit(text, ",", -1);
	for (char **it = items; *it; it++) {
		char *eq = strchr(*it, '=');

		if (!eq) {
			g_autofree char *keys = key_list(m);

			g_set_error(error, PCS_DEVICE_ERROR, PCS_DEVICE_ERROR_PARAM,
				    "--device-param: expected KEY=VALUE, got '%s' (model %s, its "
				    "keys: %s)", *it, m->name, keys);
			return FALSE;
		}
		*eq = '\0';
		if (!set_key(m, *it, eq + 1, p, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
pcs_dev_model_params(const PcsDevModelOps *m, const char *text, guint64 cap_bytes,
		     PcsDevModelParams *p, GError **error)
{
	memset(p, 0, sizeof *p);
	for (const PcsDevKey *k = m->keys; k->name; k++)
		if (!set_key(m, k->name, k->def, p, error))
			g_return_val_if_reached(FALSE);  /* a bad default is a bug */
	if (cap_bytes)
		p->cap_bytes = cap_bytes;
	return apply_list(m, text, p, error);
}

guint64
pcs_dev_model_write_bandwidth(const PcsDevModelOps *m, const PcsDevModelParams *p)
{
	return p->bw ? p->bw : G_MAXUINT64;
}
