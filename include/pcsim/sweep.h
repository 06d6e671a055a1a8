/*
 * sweep.h - parameter grids, traces decoded once, and jobs run in parallel.
 *
 * A sweep is the cartesian product of a few parameters' values (`--set cache=64M..1G:x2
 * --set reclaim_batch=1,32`), each combination one job: a PcsReplay of its own, built from
 * its own copy of the configuration and fed from traces decoded once into a compact,
 * shared, read-only form (PcsSweepTrace). Values go through the PcsParam table
 * (pcs_param_find, pcs_config_set), so every parameter, including those added later, can be
 * swept, and every value is checked before any work starts.
 *
 * Grid order: the first --set is the outermost loop, the last varies fastest; job i has the
 * mixed-radix digits of i as its value indices. Results come back in that order whatever
 * order the jobs finish in.
 */
#ifndef PCSIM_SWEEP_H
#define PCSIM_SWEEP_H

#include <glib.h>
#include <pcsim/config.h>
#include <pcsim/files.h>
#include <pcsim/replay.h>
#include <pcsim/report.h>
#include <pcsim/stats.h>
#include <pcsim/trace.h>

G_BEGIN_DECLS

#define PCS_SWEEP_ERROR (pcs_sweep_error_quark ())
GQuark pcs_sweep_error_quark (void);
typedef enum {
	PCS_SWEEP_ERROR_INVALID,   /* a malformed --set, an unknown name, a bad value */
	PCS_SWEEP_ERROR_TOO_MANY,  /* more jobs than the limit */
} PcsSweepErrorCode;

#define PCS_SWEEP_DEFAULT_MAX_JOBS 10000

/* ---- the grid ------------------------------------------------------------------------ */

typedef struct PcsSweepGrid PcsSweepGrid;

/* An empty grid (one job: the base configuration) that refuses to grow beyond max_jobs
 * jobs (0: PCS_SWEEP_DEFAULT_MAX_JOBS). Cannot fail. */
PcsSweepGrid *pcs_sweep_grid_new(guint64 max_jobs);
void pcs_sweep_grid_free(PcsSweepGrid *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsSweepGrid, pcs_sweep_grid_free)

/*
 * Adds one axis from "NAME=ITEM,ITEM,...", each ITEM a value in the parameter's syntax or a
 * range "FROM..TO:xFACTOR" (geometric) or "FROM..TO:+STEP" (arithmetic; the step may be
 * omitted for counts: +1). A range starts at FROM and stops at the last value not above TO.
 * Every value is checked with pcs_config_set(). Fails with PCS_SWEEP_ERROR_INVALID (unknown
 * name, a name given twice, an empty or malformed list, a range that runs downward or never
 * grows, a value out of range; the message names the item and what was expected) or
 * PCS_SWEEP_ERROR_TOO_MANY (the product would exceed max_jobs). g is unchanged on error.
 */
gboolean pcs_sweep_grid_add(PcsSweepGrid *g, const char *spec, GError **error);
/* Number of jobs: the product of the axes' sizes (1 with no axis). */
guint64 pcs_sweep_grid_nr_jobs(const PcsSweepGrid *g);
guint pcs_sweep_grid_nr_axes(const PcsSweepGrid *g);
const PcsParam *pcs_sweep_grid_axis_param(const PcsSweepGrid *g, guint axis);
guint pcs_sweep_grid_axis_nr_values(const PcsSweepGrid *g, guint axis);
/* Value i of an axis in machine text (pcs_config_to_machine_text: "268435456", "auto"). */
const char *pcs_sweep_grid_axis_value(const PcsSweepGrid *g, guint axis, guint i);
/* The configuration of job `index`: base with the job's values set. Fails only if a value
 * that was valid alone is refused in combination (PCS_OPTIONS_ERROR_INVALID). */
gboolean pcs_sweep_grid_job_config(const PcsSweepGrid *g, const PcsConfig *base, guint64 index,
				   PcsConfig *out, GError **error);

/* ---- traces decoded once, shared while they load ------------------------------------- */

typedef struct PcsSweepTrace PcsSweepTrace;

/*
 * A trace is decoded once into a compact delta encoding (a few bytes per event) held in
 * memory, in chunks that jobs can read while later chunks are still being decoded: open
 * (the identity, and errors such as a missing file, at once), then read (in any thread; the
 * cursors of running jobs wait for what is not decoded yet). File names are interned into
 * files (borrowed, shared by the traces of one sweep; jobs never touch it).
 *
 * Bad records are tolerated up to *bad_budget (decremented; the largest --skip-bad of the
 * sweep) and left as markers in the stream, so each job applies its own --skip-bad exactly
 * as pcs_replay_trace() would. read() fails as pcs_replay_trace() does (the reader's error
 * past the budget, "PATH: the trace holds no records"); the cursors then end and report
 * the failure. abort() ends a trace that will never be read (so jobs do not wait for it).
 */
PcsSweepTrace *pcs_sweep_trace_open(const char *path, const char *format,
				    const PcsTraceOptions *opts, PcsFileTable *files,
				    GError **error);
gboolean pcs_sweep_trace_read(PcsSweepTrace *t, guint64 *bad_budget, PcsProgressFunc progress,
			      gpointer user, GError **error);
void pcs_sweep_trace_abort(PcsSweepTrace *t, const GError *error);
/* open + read. */
PcsSweepTrace *pcs_sweep_trace_load(const char *path, const char *format,
				    const PcsTraceOptions *opts, PcsFileTable *files,
				    guint64 *bad_budget, PcsProgressFunc progress, gpointer user,
				    GError **error);
void pcs_sweep_trace_free(PcsSweepTrace *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsSweepTrace, pcs_sweep_trace_free)
/* The identity for reports (borrowed; valid while t lives). */
const PcsTraceIdent *pcs_sweep_trace_ident(const PcsSweepTrace *t);
/* Events (once read), bad records skipped so far, and bytes the encoding takes. */
guint64 pcs_sweep_trace_nr_events(PcsSweepTrace *t);
guint64 pcs_sweep_trace_nr_bad(PcsSweepTrace *t);
gsize pcs_sweep_trace_encoded_bytes(PcsSweepTrace *t);

/*
 * Sequential decoding. next() fills up to max events and returns how many; 0 means a bad
 * record's place (at_bad TRUE: it is bad record nr_bad - 1) or the end (at_bad FALSE; failed
 * TRUE when the trace could not be read to its end). It waits while the trace is being read.
 * Any number of cursors may read one trace at once. Cannot fail otherwise.
 */
typedef struct {
	PcsSweepTrace *trace;
	guint          chunk;     /* the next chunk to take */
	const guint8  *p, *end;   /* in the current chunk */
	PcsIoEvent     prev;
	guint          nr_bad;    /* bad-record places passed */
	gboolean       at_bad;
	gboolean       failed;
} PcsSweepCursor;

void pcs_sweep_cursor_init(PcsSweepCursor *cur, PcsSweepTrace *t);
gsize pcs_sweep_cursor_next(PcsSweepCursor *cur, PcsIoEvent *evs, gsize max);

/* Encodes ev after *prev into out (appended) and sets *prev = *ev; decodes the event at p
 * after *prev into *prev and returns where the next starts. Exposed for tests. Cannot fail
 * (decode trusts its input: bytes that encode() wrote). */
void pcs_sweep_encode(GByteArray *out, PcsIoEvent *prev, const PcsIoEvent *ev);
const guint8 *pcs_sweep_decode(const guint8 *p, PcsIoEvent *prev);

/* ---- jobs ----------------------------------------------------------------------------- */

typedef struct {
	guint64   index;             /* the job's place in the grid */
	PcsConfig cfg;
	gboolean  ok;
	GError   *error;             /* when !ok: why the job failed (owned by the runner) */
	PcsStats  warmup, measured;  /* as pcs_replay_finish() gives them */
	gboolean  warmup_complete;
} PcsSweepResult;

/*
 * Replays the traces with cfg into result (ok, or error set); counts events fed into
 * *events_done when not NULL (atomically, now and then). This is one job; thread-safe for
 * distinct results. Cannot fail otherwise: a job's failure is in the result.
 */
void pcs_sweep_run_job(PcsSweepTrace *const *traces, guint nr_traces, const PcsConfig *cfg,
		       guint64 index, PcsSweepResult *result, guint64 *events_done);
void pcs_sweep_result_clear(PcsSweepResult *r);

/* Called in the calling thread with each result, in grid order. */
typedef void (*PcsSweepResultFunc)(const PcsSweepResult *r, gpointer user);
/* Called in the calling thread about 4 times a second: jobs finished, events fed so far. */
typedef void (*PcsSweepProgressFunc)(guint64 jobs_done, guint64 events_done, gpointer user);

/*
 * Runs every job of the grid on nr_threads threads (0: g_get_num_processors()), each job
 * its own replay fed from the shared traces, and hands the results to fn in grid order as
 * soon as all earlier ones are in. Returns the number of jobs that failed. Cannot fail
 * otherwise (a configuration the grid refuses is a failed job).
 *
 * In two steps, so the jobs start while the caller is still reading the traces: start()
 * starts the threads and queues the jobs (g, base and traces must outlive the run);
 * finish() collects the results in the calling thread and frees the run.
 */
typedef struct PcsSweepRun PcsSweepRun;
PcsSweepRun *pcs_sweep_run_start(PcsSweepTrace *const *traces, guint nr_traces,
				 const PcsSweepGrid *g, const PcsConfig *base, guint nr_threads);
guint64 pcs_sweep_run_finish(PcsSweepRun *run, PcsSweepResultFunc fn,
			     PcsSweepProgressFunc progress, gpointer user);
/* Events fed by every job so far. */
guint64 pcs_sweep_run_events_done(PcsSweepRun *run);

guint64 pcs_sweep_run(PcsSweepTrace *const *traces, guint nr_traces, const PcsSweepGrid *g,
		      const PcsConfig *base, guint nr_threads, PcsSweepResultFunc fn,
		      PcsSweepProgressFunc progress, gpointer user);

G_END_DECLS

#endif
