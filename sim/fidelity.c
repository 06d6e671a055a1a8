/*
 * fidelity.c - tallies of a block trace's queued and dispatched I/O (see fidelity.h).
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <pcsim/fidelity.h>

void
pcs_io_tally_add(PcsIoTally *t, guint64 bytes)
{
	t->ios++;
	t->bytes += bytes;
	t->hist[pcs_io_hist_bucket(bytes)]++;
}

/* One pass over the trace with events `which` ('Q' or 'D'). */
static gboolean
read_pass(const char *path, const PcsTraceOptions *opts, char which, PcsBlockTruth *out,
	  GError **error)
{
	PcsTraceOptions o = *opts;
	g_autoptr(PcsFileTable) files = pcs_files_new();
	g_autoptr(PcsTrace) t = NULL;
	PcsIoEvent ev;
	PcsTraceStatus st;
	guint64 n = 0, cum = 0;

	o.blk_event = which;
	o.include_paths = o.exclude_paths = NULL;
	t = pcs_trace_open_full(path, NULL, &o, files, error);
	if (!t)
		return FALSE;
	if (strcmp(pcs_trace_ops(t)->name, "blkparse") != 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "%s: a %s trace; the block side of a fidelity check must be blkparse "
			    "text (blkparse -i DEV), with its Q and D events", path,
			    pcs_trace_ops(t)->name);
		return FALSE;
	}
	while ((st = pcs_trace_next(t, &ev, error)) == PCS_TRACE_OK) {
		gboolean meta = (ev.flags & PCS_EVENT_META) != 0;
		gboolean rd = ev.op == PCS_OP_READ;

		if (ev.op != PCS_OP_READ && ev.op != PCS_OP_WRITE)
			continue;  /* flushes without data */
		n++;
		if (which == 'D') {
			if (!meta)
				pcs_io_tally_add(rd ? &out->d_read : &out->d_write, ev.len_bytes);
			continue;
		}
		if (out->t_first == PCS_TIME_UNKNOWN)
			out->t_first = ev.t_ns;
		out->t_last = ev.t_ns;
		if (meta) {
			pcs_io_tally_add(rd ? &out->meta_read : &out->meta_write, ev.len_bytes);
			continue;
		}
		pcs_io_tally_add(rd ? &out->q_read : &out->q_write, ev.len_bytes);
		if (rd) {
			PcsFidelityPoint p = { ev.t_ns - out->t_first, cum += ev.len_bytes };

			g_array_append_val(out->read_series, p);
		}
	}
	if (st == PCS_TRACE_ERROR)
		return FALSE;
	if (n == 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "%s: no %s (%s) events with data on the device: record the block "
			    "trace with them (blkparse prints every action by default)", path,
			    which == 'Q' ? "Q" : "D", which == 'Q' ? "queued" : "dispatched");
		return FALSE;
	}
	if (which == 'Q' && pcs_files_count(files) > 0)
		out->device = g_strdup(pcs_files_name(files, 0));
	return TRUE;
}

gboolean
pcs_block_truth_read(const char *path, const PcsTraceOptions *opts, PcsBlockTruth *out,
		     GError **error)
{
	memset(out, 0, sizeof *out);
	out->t_first = out->t_last = PCS_TIME_UNKNOWN;
	out->read_series = g_array_new(FALSE, FALSE, sizeof (PcsFidelityPoint));
	return read_pass(path, opts, 'Q', out, error) && read_pass(path, opts, 'D', out, error);
}

void
pcs_block_truth_clear(PcsBlockTruth *t)
{
	if (t->read_series)
		g_array_unref(t->read_series);
	g_free(t->device);
	memset(t, 0, sizeof *t);
}

double
pcs_fidelity_error(guint64 truth, guint64 predicted)
{
	if (truth == 0)
		return NAN;
	return ((double) predicted - (double) truth) / (double) truth;
}
