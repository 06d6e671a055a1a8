/*
 * sweep.c - traces decoded once into shared memory, and sweep jobs on a thread pool.
 *
 * A sweep replays the same traces under many configurations. Reading and parsing a trace
 * costs about as much as simulating it, so the traces are decoded once, into a compact
 * read-only form that every job reads at the same time with its own cursor:
 *
 *   trace file ─► reader ─► PcsIoEvent ─► encode ─► chunks (shared, read-only)
 *                                                    │  │  │
 *                                         cursor ◄───┘  │  └───► cursor      (one per job)
 *                                           │           │          │
 *                              job 0: PcsReplay   job 1: ...   job N: PcsReplay
 *                                           └─────── results ──────┘
 *                                                      │ reordered
 *                                                      ▼
 *                                          fn(result) in grid order (calling thread)
 *
 * The encoding (per event, against the previous event of the same trace): a header byte
 * whose bits say which fields differ from what was predicted, then those fields as LEB128
 * varints: the time as a zigzag delta, the offset as a zigzag delta from the end of the
 * previous request (0 for sequential streams, so omitted), the length, file, stream, and
 * op/advice/flags only when they change. A random 4 KiB block trace takes 6 to 8 bytes an
 * event instead of sizeof (PcsIoEvent) = 40; a sequential one 1 to 3. Decoding costs a few
 * nanoseconds an event, far below the simulation's own cost. The encoding is exact: the
 * decoded events equal the reader's (tests/test-sweep.c checks round trips).
 *
 * Decoding and simulating overlap: the loader (pcs_sweep_trace_read, in the caller's
 * thread) publishes a chunk every CHUNK_BYTES (1 MiB, an event never straddles two); a
 * job's cursor takes published chunks under the trace's lock and waits on its condition
 * when it has caught up. A published chunk is never written again, so decoding it needs no
 * lock. The jobs therefore start at once instead of after the whole trace is read, and the
 * wall time of a sweep on N cores is about that of one replay, not one replay plus a read.
 *
 * Bad records: the trace is read with the largest --skip-bad budget of the sweep; each bad
 * record leaves a marker byte (H_BAD) at its place in the stream, its error kept in a list
 * (added before the marker is published). At a marker a job applies its own budget exactly
 * as pcs_replay_trace() does (same count, same message), so a sweep row equals a `pcsim
 * replay` of its configuration, failures included. A read that fails (past the budget, an
 * empty trace) ends every cursor; every job then fails with that error.
 *
 * Threads: jobs share only the traces (published chunks are read-only; the rest is under
 * the trace's lock), the const grid and the const base configuration; each builds its own
 * PcsReplay. Each result is written by its job alone and read by the calling thread only
 * after the job signalled completion through an async queue (which orders the memory
 * accesses).
 *
 * Entry points: pcs_sweep_trace_open/_read/_load and pcs_sweep_cursor_* (decoded traces),
 * pcs_sweep_run_job (one job), pcs_sweep_run_start/_finish and pcs_sweep_run (all of them,
 * in parallel). The grid of configurations, pcs_sweep_grid_*, is in sweep-grid.c.
 */
#include "config.h"

#include <string.h>

#include <pcsim/sweep.h>

G_DEFINE_QUARK (pcs-sweep-error-quark, pcs_sweep_error)

#define BATCH 256
#define CHUNK_BYTES (1u << 20)

/* ---- the encoding -------------------------------------------------------------------- */

enum {
	H_TIME   = 1 << 0,
	H_OFFSET = 1 << 1,
	H_LEN    = 1 << 2,
	H_FILE   = 1 << 3,
	H_STREAM = 1 << 4,
	H_OP     = 1 << 5,
	H_BAD    = 1 << 7,  /* alone: a bad record's place (no event) */
};

#define MAX_EVENT_BYTES (1 + 5 * 10 + 2 + 3)

static inline guint8 *
put_varint(guint8 *p, guint64 v)
{
	while (v >= 0x80) {
		*p++ = (guint8) (v | 0x80);
		v >>= 7;
	}
	*p++ = (guint8) v;
	return p;
}

static inline const guint8 *
get_varint(const guint8 *p, guint64 *v)
{
	guint64 r = 0;
	guint shift = 0;

	while (*p & 0x80) {
		r |= (guint64) (*p++ & 0x7f) << shift;
		shift += 7;
	}
	*v = r | ((guint64) *p++ << shift);
	return p;
}

static inline guint64
zigzag(guint64 delta)
{
	return (delta << 1) ^ (guint64) ((gint64) delta >> 63);
}

static inline guint64
unzigzag(guint64 z)
{
	return (z >> 1) ^ (guint64) -(gint64) (z & 1);
}

/* Encodes ev into buf (MAX_EVENT_BYTES) and returns the length; updates *prev. */
static gsize
encode(guint8 *buf, PcsIoEvent *prev, const PcsIoEvent *ev)
{
	guint8 *p = buf + 1;
	guint8 h = 0;
	guint64 dt = (guint64) ev->t_ns - (guint64) prev->t_ns;
	guint64 predicted = prev->offset_bytes + prev->len_bytes;

	if (dt) {
		h |= H_TIME;
		p = put_varint(p, zigzag(dt));
	}
	if (ev->offset_bytes != predicted) {
		h |= H_OFFSET;
		p = put_varint(p, zigzag(ev->offset_bytes - predicted));
	}
	if (ev->len_bytes != prev->len_bytes) {
		h |= H_LEN;
		p = put_varint(p, ev->len_bytes);
	}
	if (ev->file != prev->file) {
		h |= H_FILE;
		p = put_varint(p, ev->file);
	}
	if (ev->stream != prev->stream) {
		h |= H_STREAM;
		p = put_varint(p, ev->stream);
	}
	if (ev->op != prev->op || ev->advice != prev->advice || ev->flags != prev->flags) {
		h |= H_OP;
		*p++ = ev->op;
		*p++ = ev->advice;
		p = put_varint(p, ev->flags);
	}
	buf[0] = h;
	*prev = *ev;
	return p - buf;
}

static inline const guint8 *
decode(const guint8 *p, PcsIoEvent *prev)
{
	guint8 h = *p++;
	guint64 v;

	if (h & H_TIME) {
		p = get_varint(p, &v);
		prev->t_ns = (gint64) ((guint64) prev->t_ns + unzigzag(v));
	}
	v = 0;
	if (h & H_OFFSET)
		p = get_varint(p, &v);
	prev->offset_bytes = prev->offset_bytes + prev->len_bytes + unzigzag(v);
	if (h & H_LEN)
		p = get_varint(p, &prev->len_bytes);
	if (h & H_FILE) {
		p = get_varint(p, &v);
		prev->file = (guint32) v;
	}
	if (h & H_STREAM) {
		p = get_varint(p, &v);
		prev->stream = (guint32) v;
	}
	if (h & H_OP) {
		prev->op = *p++;
		prev->advice = *p++;
		p = get_varint(p, &v);
		prev->flags = (guint16) v;
	}
	return p;
}

const guint8 *
pcs_sweep_decode(const guint8 *p, PcsIoEvent *prev)
{
	return decode(p, prev);
}

void
pcs_sweep_encode(GByteArray *out, PcsIoEvent *prev, const PcsIoEvent *ev)
{
	guint8 buf[MAX_EVENT_BYTES];

	g_byte_array_append(out, buf, (guint) encode(buf, prev, ev));
}

/* ---- traces decoded once, shared while they load ------------------------------------- */

/* A published chunk: immutable from then on. */
typedef struct {
	const guint8 *data;
	gsize         len;
} Chunk;

struct PcsSweepTrace {
	PcsTraceIdent ident;
	gboolean      file_level;  /* PCS_TRACE_CAP_FILES: resolves --readahead auto */
	PcsTrace     *reader;      /* open until pcs_sweep_trace_read() ends */
	/* shared with the cursors, under lock */
	GMutex        lock;
	GCond         more;        /* a chunk was published, or the load ended */
	Chunk        *chunks;
	guint         nr_chunks, chunks_cap;
	GPtrArray    *bad;         /* GError *, the bad records in order */
	gboolean      done;
	GError       *failure;     /* why the load failed (done is TRUE too) */
	guint64       nr_events;   /* final once done */
	/* the loader's own */
	GByteArray   *cur;
	PcsIoEvent    prev;
};

void
pcs_sweep_trace_free(PcsSweepTrace *t)
{
	if (!t)
		return;
	if (t->reader)
		pcs_trace_close(t->reader);
	for (guint i = 0; i < t->nr_chunks; i++)
		g_free((gpointer) t->chunks[i].data);
	g_free(t->chunks);
	if (t->cur)
		g_byte_array_unref(t->cur);
	g_ptr_array_unref(t->bad);
	g_clear_error(&t->failure);
	g_mutex_clear(&t->lock);
	g_cond_clear(&t->more);
	g_free(t->ident.path);
	g_free(t->ident.format);
	g_free(t);
}

PcsSweepTrace *
pcs_sweep_trace_open(const char *path, const char *format, const PcsTraceOptions *opts,
		     PcsFileTable *files, GError **error)
{
	PcsTrace *tr = pcs_trace_open_full(path, format, opts, files, error);
	PcsSweepTrace *t;

	if (!tr)
		return NULL;
	t = g_new0(PcsSweepTrace, 1);
	t->reader = tr;
	t->ident.path = g_strdup(path);
	t->ident.format = g_strdup(pcs_trace_ops(tr)->name);
	t->ident.bytes = pcs_trace_bytes(tr);
	g_strlcpy(t->ident.sha256, pcs_trace_sha256(tr), sizeof t->ident.sha256);
	t->ident.level = pcs_trace_level(tr);
	t->file_level = (pcs_trace_ops(tr)->caps & PCS_TRACE_CAP_FILES) != 0;
	g_mutex_init(&t->lock);
	g_cond_init(&t->more);
	t->bad = g_ptr_array_new_with_free_func((GDestroyNotify) g_error_free);
	t->cur = g_byte_array_sized_new(CHUNK_BYTES);
	return t;
}

/* Hands the loader's chunk to the cursors (under the lock) and starts a new one. */
static void
publish(PcsSweepTrace *t, gboolean last)
{
	g_mutex_lock(&t->lock);
	if (t->cur->len) {
		if (t->nr_chunks == t->chunks_cap) {
			t->chunks_cap = MAX(16, t->chunks_cap * 2);
			t->chunks = g_renew(Chunk, t->chunks, t->chunks_cap);
		}
		t->chunks[t->nr_chunks].len = t->cur->len;
		t->chunks[t->nr_chunks].data = g_byte_array_free(t->cur, FALSE);
		t->nr_chunks++;
		t->cur = last ? NULL : g_byte_array_sized_new(CHUNK_BYTES);
	}
	if (last)
		t->done = TRUE;
	g_cond_broadcast(&t->more);
	g_mutex_unlock(&t->lock);
}

void
pcs_sweep_trace_abort(PcsSweepTrace *t, const GError *error)
{
	g_mutex_lock(&t->lock);
	if (!t->done) {
		t->done = TRUE;
		t->failure = g_error_copy(error);
	}
	g_cond_broadcast(&t->more);
	g_mutex_unlock(&t->lock);
}

gboolean
pcs_sweep_trace_read(PcsSweepTrace *t, guint64 *bad_budget, PcsProgressFunc progress,
		     gpointer user, GError **error)
{
	guint8 buf[MAX_EVENT_BYTES];
	GError *local = NULL;
	guint64 skip_bad = *bad_budget, n = 0;
	PcsIoEvent ev;

	g_return_val_if_fail (t->reader != NULL, FALSE);
	for (;;) {
		PcsTraceStatus st = pcs_trace_next(t->reader, &ev, &local);

		if (st == PCS_TRACE_OK) {
			gsize len = encode(buf, &t->prev, &ev);

			if (t->cur->len + len > CHUNK_BYTES)
				publish(t, FALSE);
			g_byte_array_append(t->cur, buf, (guint) len);
			if ((++n & 0xffff) == 0 && progress)
				progress(pcs_trace_progress(t->reader), n, user);
			continue;
		}
		if (st == PCS_TRACE_EOF)
			break;
		/* A bad record: a marker in the stream, or fatal past the sweep's largest budget. */
		if (*bad_budget == 0) {
			if (skip_bad) {
				g_set_error(error, local->domain, local->code, "%s (more than "
					    "--skip-bad %" G_GUINT64_FORMAT " bad records)",
					    local->message, skip_bad);
				g_error_free(local);
			} else {
				g_propagate_error(error, local);
			}
			goto fail;
		}
		(*bad_budget)--;
		g_mutex_lock(&t->lock);
		g_ptr_array_add(t->bad, local);  /* before the marker is published */
		g_mutex_unlock(&t->lock);
		local = NULL;
		if (t->cur->len + 1 > CHUNK_BYTES)
			publish(t, FALSE);
		g_byte_array_append(t->cur, (const guint8 *) "\x80", 1);  /* H_BAD */
	}
	if (n == 0) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FORMAT,
			    "%s: the trace holds no records%s", t->ident.path,
			    t->bad->len ? " that could be read" : "");
		goto fail;
	}
	pcs_trace_close(t->reader);
	t->reader = NULL;
	g_mutex_lock(&t->lock);
	t->nr_events = n;
	g_mutex_unlock(&t->lock);
	publish(t, TRUE);
	return TRUE;
fail:
	pcs_trace_close(t->reader);
	t->reader = NULL;
	pcs_sweep_trace_abort(t, *error);
	return FALSE;
}

PcsSweepTrace *
pcs_sweep_trace_load(const char *path, const char *format, const PcsTraceOptions *opts,
		     PcsFileTable *files, guint64 *bad_budget, PcsProgressFunc progress,
		     gpointer user, GError **error)
{
	PcsSweepTrace *t = pcs_sweep_trace_open(path, format, opts, files, error);

	if (t && !pcs_sweep_trace_read(t, bad_budget, progress, user, error)) {
		pcs_sweep_trace_free(t);
		return NULL;
	}
	return t;
}

const PcsTraceIdent *
pcs_sweep_trace_ident(const PcsSweepTrace *t)
{
	return &t->ident;
}

guint64
pcs_sweep_trace_nr_events(PcsSweepTrace *t)
{
	guint64 n;

	g_mutex_lock(&t->lock);
	n = t->nr_events;
	g_mutex_unlock(&t->lock);
	return n;
}

guint64
pcs_sweep_trace_nr_bad(PcsSweepTrace *t)
{
	guint64 n;

	g_mutex_lock(&t->lock);
	n = t->bad->len;
	g_mutex_unlock(&t->lock);
	return n;
}

gsize
pcs_sweep_trace_encoded_bytes(PcsSweepTrace *t)
{
	gsize n = 0;

	g_mutex_lock(&t->lock);
	for (guint i = 0; i < t->nr_chunks; i++)
		n += t->chunks[i].len;
	g_mutex_unlock(&t->lock);
	return n;
}

/* A copy of bad record i's error (it was published before its marker). */
static GError *
bad_record_error(PcsSweepTrace *t, guint i)
{
	GError *e;

	g_mutex_lock(&t->lock);
	g_assert (i < t->bad->len);
	e = g_error_copy(g_ptr_array_index(t->bad, i));
	g_mutex_unlock(&t->lock);
	return e;
}

void
pcs_sweep_cursor_init(PcsSweepCursor *cur, PcsSweepTrace *t)
{
	memset(cur, 0, sizeof *cur);
	cur->trace = t;
}

/* Moves to the next published chunk, waiting for the loader; FALSE at the end. */
static gboolean
acquire_chunk(PcsSweepCursor *cur)
{
	PcsSweepTrace *t = cur->trace;
	gboolean ok;

	g_mutex_lock(&t->lock);
	while (cur->chunk >= t->nr_chunks && !t->done)
		g_cond_wait(&t->more, &t->lock);
	ok = cur->chunk < t->nr_chunks;
	if (ok) {
		cur->p = t->chunks[cur->chunk].data;
		cur->end = cur->p + t->chunks[cur->chunk].len;
		cur->chunk++;
	} else {
		cur->failed = t->failure != NULL;
	}
	g_mutex_unlock(&t->lock);
	return ok;
}

gsize
pcs_sweep_cursor_next(PcsSweepCursor *cur, PcsIoEvent *evs, gsize max)
{
	gsize n = 0;

	cur->at_bad = FALSE;
	while (n < max) {
		if (cur->p == cur->end) {
			if (!acquire_chunk(cur))
				break;
			continue;
		}
		if (*cur->p == H_BAD) {
			if (n > 0)
				break;
			cur->p++;
			cur->nr_bad++;
			cur->at_bad = TRUE;
			return 0;
		}
		cur->p = decode(cur->p, &cur->prev);
		evs[n++] = cur->prev;
	}
	return n;
}

/* ---- jobs ----------------------------------------------------------------------------- */

void
pcs_sweep_result_clear(PcsSweepResult *r)
{
	g_clear_error(&r->error);
}

/* Feeds one trace: its events, and at each bad record's marker the job's budget, as
 * pcs_replay_trace() does. Waits for the loader when it runs ahead of it. */
static gboolean
run_trace(PcsReplay *rp, PcsSweepTrace *t, guint64 skip_bad, guint64 *bad_left,
	  guint64 *events_done, GError **error)
{
	PcsSweepCursor cur;
	PcsIoEvent buf[BATCH];
	guint64 unreported = 0;

	pcs_sweep_cursor_init(&cur, t);
	/* as pcs_replay_trace(): --readahead auto is decided by the first trace's level */
	pcs_cache_resolve_readahead(pcs_replay_cache(rp), t->file_level);
	pcs_replay_begin_trace(rp);
	for (;;) {
		gsize n = pcs_sweep_cursor_next(&cur, buf, BATCH);

		if (n > 0) {
			if (!pcs_replay_feed(rp, buf, n, error)) {
				g_prefix_error(error, "%s: ", t->ident.path);
				return FALSE;
			}
			unreported += n;
			if (events_done && unreported >= 65536) {
				__atomic_fetch_add(events_done, unreported, __ATOMIC_RELAXED);
				unreported = 0;
			}
			continue;
		}
		if (cur.at_bad) {
			GError *b = bad_record_error(t, cur.nr_bad - 1);

			if (*bad_left == 0) {
				if (skip_bad) {
					g_set_error(error, b->domain, b->code, "%s (more than "
						    "--skip-bad %" G_GUINT64_FORMAT " bad records)",
						    b->message, skip_bad);
					g_error_free(b);
				} else {
					g_propagate_error(error, b);
				}
				return FALSE;
			}
			g_error_free(b);
			(*bad_left)--;
			pcs_cache_note_bad_record(pcs_replay_cache(rp));
			continue;
		}
		break;
	}
	if (cur.failed) {
		/* the trace could not be read to its end: every job fails with its error */
		g_mutex_lock(&t->lock);
		g_propagate_error(error, g_error_copy(t->failure));
		g_mutex_unlock(&t->lock);
		return FALSE;
	}
	if (events_done)
		__atomic_fetch_add(events_done, unreported, __ATOMIC_RELAXED);
	pcs_replay_end_trace(rp);
	return TRUE;
}

void
pcs_sweep_run_job(PcsSweepTrace *const *traces, guint nr_traces, const PcsConfig *cfg,
		  guint64 index, PcsSweepResult *result, guint64 *events_done)
{
	g_autoptr(PcsReplay) rp = NULL;
	guint64 bad_left = cfg->skip_bad;

	memset(result, 0, sizeof *result);
	result->index = index;
	result->cfg = *cfg;
	rp = pcs_replay_new(cfg, &result->error);
	if (!rp)
		return;
	for (guint i = 0; i < nr_traces; i++)
		if (!run_trace(rp, traces[i], cfg->skip_bad, &bad_left, events_done,
			       &result->error))
			return;
	pcs_replay_finish(rp, &result->warmup, &result->measured, &result->warmup_complete);
	/* The effective configuration, as `pcsim replay` reports it: --readahead auto as the
	 * trace level resolved it. */
	result->cfg.readahead_bytes = pcs_cache_readahead_bytes(pcs_replay_cache(rp));
	result->ok = TRUE;
}

struct PcsSweepRun {
	PcsSweepTrace *const *traces;
	guint                 nr_traces;
	const PcsSweepGrid   *grid;
	PcsConfig             base;
	PcsSweepResult       *results;
	gboolean             *finished;
	GAsyncQueue          *done;      /* job index + 1 */
	GThreadPool          *pool;
	guint64               nr_jobs;
	guint64               events_done;
};

static void
pool_job(gpointer data, gpointer user)
{
	PcsSweepRun *run = user;
	guint64 index = GPOINTER_TO_SIZE(data) - 1;
	PcsSweepResult *r = &run->results[index];
	GError *error = NULL;
	PcsConfig cfg;

	if (pcs_sweep_grid_job_config(run->grid, &run->base, index, &cfg, &error)) {
		pcs_sweep_run_job(run->traces, run->nr_traces, &cfg, index, r, &run->events_done);
	} else {
		memset(r, 0, sizeof *r);
		r->index = index;
		r->cfg = run->base;
		r->error = error;
	}
	g_async_queue_push(run->done, data);
}

PcsSweepRun *
pcs_sweep_run_start(PcsSweepTrace *const *traces, guint nr_traces, const PcsSweepGrid *g,
		    const PcsConfig *base, guint nr_threads)
{
	PcsSweepRun *run = g_new0(PcsSweepRun, 1);

	run->traces = traces;
	run->nr_traces = nr_traces;
	run->grid = g;
	run->base = *base;
	run->nr_jobs = pcs_sweep_grid_nr_jobs(g);
	run->results = g_new0(PcsSweepResult, run->nr_jobs);
	run->finished = g_new0(gboolean, run->nr_jobs);
	run->done = g_async_queue_new();
	if (nr_threads == 0)
		nr_threads = g_get_num_processors();
	nr_threads = (guint) MIN(nr_threads, run->nr_jobs);
	/* Exclusive threads, started now; pushing cannot fail then. */
	run->pool = g_thread_pool_new(pool_job, run, (gint) nr_threads, TRUE, NULL);
	g_assert (run->pool != NULL);
	for (guint64 i = 0; i < run->nr_jobs; i++)
		g_thread_pool_push(run->pool, GSIZE_TO_POINTER(i + 1), NULL);
	return run;
}

guint64
pcs_sweep_run_events_done(PcsSweepRun *run)
{
	return __atomic_load_n(&run->events_done, __ATOMIC_RELAXED);
}

guint64
pcs_sweep_run_finish(PcsSweepRun *run, PcsSweepResultFunc fn, PcsSweepProgressFunc progress,
		     gpointer user)
{
	guint64 next = 0, nr_done = 0, nr_failed = 0;

	while (next < run->nr_jobs) {
		gpointer p = g_async_queue_timeout_pop(run->done, 250000);

		if (p) {
			run->finished[GPOINTER_TO_SIZE(p) - 1] = TRUE;
			nr_done++;
		}
		for (; next < run->nr_jobs && run->finished[next]; next++) {
			if (!run->results[next].ok)
				nr_failed++;
			fn(&run->results[next], user);
			pcs_sweep_result_clear(&run->results[next]);
		}
		if (progress)
			progress(nr_done, pcs_sweep_run_events_done(run), user);
	}
	g_thread_pool_free(run->pool, FALSE, TRUE);
	g_async_queue_unref(run->done);
	g_free(run->results);
	g_free(run->finished);
	g_free(run);
	return nr_failed;
}

guint64
pcs_sweep_run(PcsSweepTrace *const *traces, guint nr_traces, const PcsSweepGrid *g,
	      const PcsConfig *base, guint nr_threads, PcsSweepResultFunc fn,
	      PcsSweepProgressFunc progress, gpointer user)
{
	return pcs_sweep_run_finish(pcs_sweep_run_start(traces, nr_traces, g, base, nr_threads),
				    fn, progress, user);
}
