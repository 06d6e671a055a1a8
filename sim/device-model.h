/*
 * device-model.h - latency models of the simulated device (internal to sim/device*.c).
 *
 * A model turns one device I/O (direction, address, size, and where the previous I/O ended)
 * into a modelled service time. Models are stateless: the device keeps the head position.
 * Each model is one const PcsDevModelOps row with its own parameter table, whose defaults are
 * written in the syntax a user types in --device-param and parsed by the same code.
 */
#ifndef PCSIM_DEVICE_MODEL_H
#define PCSIM_DEVICE_MODEL_H

#include <glib.h>

/* Every model's parameters; each model reads only the ones in its key table. */
typedef struct {
	guint64 read_ns;     /* ssd, nvme: fixed cost of one read I/O */
	guint64 write_ns;    /* ssd, nvme: fixed cost of one write I/O */
	guint64 bw;          /* transfer rate, bytes per second */
	guint64 seek_ns;     /* hdd: average seek over uniformly random pairs of addresses */
	guint64 track_ns;    /* hdd: track-to-track (shortest non-zero) seek */
	guint64 rpm;         /* hdd: spindle speed */
	guint64 cap_bytes;   /* hdd: the span a full-stroke seek crosses */
} PcsDevModelParams;

typedef enum {
	PCS_DEV_KEY_DURATION,  /* pcs_parse_duration */
	PCS_DEV_KEY_SIZE,      /* pcs_parse_size (bytes, or bytes per second for bw) */
	PCS_DEV_KEY_COUNT,     /* pcs_parse_count */
} PcsDevKeyType;

typedef struct {
	const char    *name;    /* "seek" */
	PcsDevKeyType  type;
	gsize          offset;  /* offsetof(PcsDevModelParams, f) */
	const char    *def;     /* default, as a user would type it: "8ms" */
	const char    *help;
} PcsDevKey;

typedef struct {
	const char      *name;  /* "hdd" */
	const PcsDevKey *keys;  /* terminated by name NULL */
	/* Service time (ns) of one I/O of bytes at addr; seq: it starts where the previous I/O
	 * ended; head: where the previous I/O ended (0 before the first). Cannot fail. */
	guint64        (*service)(const PcsDevModelParams *p, gboolean write, guint64 addr,
				  guint64 bytes, gboolean seq, guint64 head);
} PcsDevModelOps;

/* The ops of model kind (PcsDeviceModelKind); NULL when out of range. */
const PcsDevModelOps *pcs_dev_model(guint kind);
/*
 * Fills p with the model's defaults, then applies text ("seek=8ms,rpm=7200", NULL or "" for
 * none). cap_bytes, when non-zero, replaces the default of "cap" before text is applied.
 * Fails with PCS_DEVICE_ERROR_PARAM naming the key and listing the model's keys: an unknown
 * key, a missing '=', a value that does not parse, or a rate/speed of 0.
 */
gboolean pcs_dev_model_params(const PcsDevModelOps *m, const char *text, guint64 cap_bytes,
			      PcsDevModelParams *p, GError **error);
/* The model's sustained write rate in bytes/s (G_MAXUINT64 when it has no "bw"). */
guint64 pcs_dev_model_write_bandwidth(const PcsDevModelOps *m, const PcsDevModelParams *p);

#endif
