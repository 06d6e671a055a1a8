/*
 * mrc.c - one-pass LRU miss-ratio curves: stack distances with a Fenwick tree over time.
 *
 * Mattson et al. (1970): LRU has the inclusion property, a cache of C pages always holds the
 * C most recently used pages, so an access hits in every cache larger than its stack
 * distance and misses in every smaller one. One pass gives every size at once.
 *
 * Stack distance of an access to page p at time now, last used at time t0:
 *
 *     d = 1 + |{ pages whose last use is after t0 }|
 *
 *   times:      0   1   2   3   4   5   6   7  (now = 8)
 *   last use:   .   .   x   .   p   x   .   x       each page marks only its last use
 *                           t0 ─┘ └─ 2 marks after t0 ─┘   =>  d = 3
 *
 * The marks are a bitmap over times, one 64-bit word per block of 64 times, and a Fenwick
 * tree (binary indexed tree) counts the marks of each block, so the marks after t0 are
 * live - (tree prefix of the blocks before t0's + popcount of t0's word up to t0):
 * O(log(T / 64)) per access. Then the mark moves from t0 to now. Both arrays are small (T/8
 * and T/16 bytes), so they stay in the CPU caches where a tree over every time would not;
 * the one big random access per page is the hash table (open addressing, linear probing)
 * that maps (file, page) to the page's last-use time, and it is prefetched ahead. When time
 * reaches the capacity, the marks are renumbered 0..live-1 in order (compaction), and the
 * capacity doubles when more than half of it would be live, so memory stays proportional to
 * the distinct pages, not to the trace's length.
 *
 * Distances are not kept one by one: the sizes to report are sorted, and each access counts
 * in the bucket of the smallest size that holds it (binary search), so hits(S_j) is the sum
 * of buckets 0..j. A request hits when all its pages do, i.e. when its largest distance
 * fits: requests have buckets of their own.
 *
 * What the lru policy of cache.c does and this mirrors: each page a read, sendfile or write
 * overlaps is accessed once, in page order, and moves to the head; a miss inserts at the
 * head and, with reclaim batch 1, evicts exactly one page once the cache is full (so
 * evictions = max(0, misses - C)). Requests with no length are skipped as cache.c skips them.
 * The warm-up is counted apart as replay.c counts it (boundary checked before each event).
 *
 * Entry points: pcs_mrc_new/_free, pcs_mrc_feed, pcs_mrc_stats, pcs_mrc_nr_unsupported,
 * pcs_mrc_nr_pages.
 */
#include "config.h"

#include <string.h>

#include <pcsim/mrc.h>

#define NIL G_MAXUINT32

typedef struct {
	guint64 page;
	guint32 file;   /* NIL: empty slot */
	guint32 time;   /* last use */
} Entry;

/* Everything that is counted; copied at the warm-up boundary. */
typedef struct {
	guint64 *acc[3];    /* buckets of accesses: all, read, write (nr_sizes + 1 each) */
	guint64 *req;       /* buckets of requests by their largest distance */
	guint64  requests, read_requests, write_requests;
	guint64  accesses, read_accesses, write_accesses;
	guint64  ops[PCS_OP_COUNT];
	gint64   first_t_ns, last_t_ns;
} Counts;

struct PcsMrc {
	guint64 *sizes;        /* sorted, unique */
	guint    nr_sizes;
	guint   *size_index;   /* caller's size i -> index in sizes */
	guint    nr_asked;
	guint64  warmup_requests;
	gboolean warm;
	Counts   now, boundary;
	/* the page table */
	Entry   *table;
	guint64  table_mask;
	guint64  nr_pages;
	/* times [0, cap): a bit per time, a Fenwick tree of marks per 64-time block */
	guint64 *bits;
	guint32 *tree;
	guint32  nr_blocks;
	guint32  cap;
	guint32  clock;
	guint64  nr_unsupported;
	PcsOp    first_unsupported;
};

static void
counts_init(Counts *c, guint nr_buckets)
{
	memset(c, 0, sizeof *c);
	for (guint i = 0; i < 3; i++)
		c->acc[i] = g_new0(guint64, nr_buckets);
	c->req = g_new0(guint64, nr_buckets);
	c->first_t_ns = c->last_t_ns = PCS_TIME_UNKNOWN;
}

static void
counts_clear(Counts *c)
{
	for (guint i = 0; i < 3; i++)
		g_free(c->acc[i]);
	g_free(c->req);
}

static void
counts_copy(Counts *dst, const Counts *src, guint nr_buckets)
{
	guint64 *acc[3] = { dst->acc[0], dst->acc[1], dst->acc[2] }, *req = dst->req;

	*dst = *src;
	for (guint i = 0; i < 3; i++) {
		dst->acc[i] = acc[i];
		memcpy(acc[i], src->acc[i], nr_buckets * sizeof(guint64));
	}
	dst->req = req;
	memcpy(req, src->req, nr_buckets * sizeof(guint64));
}

static int
u64_cmp(gconstpointer a, gconstpointer b)
{
	guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

	return x < y ? -1 : x > y;
}

PcsMrc *
pcs_mrc_new(const guint64 *sizes_pages, guint nr_sizes, guint64 warmup_requests)
{
	PcsMrc *m = g_new0(PcsMrc, 1);

	g_return_val_if_fail (nr_sizes > 0, m);
	m->sizes = g_memdup2(sizes_pages, nr_sizes * sizeof(guint64));
	qsort(m->sizes, nr_sizes, sizeof(guint64), u64_cmp);
	m->nr_sizes = 0;
	for (guint i = 0; i < nr_sizes; i++)
		if (m->nr_sizes == 0 || m->sizes[m->nr_sizes - 1] != m->sizes[i])
			m->sizes[m->nr_sizes++] = m->sizes[i];
	m->nr_asked = nr_sizes;
	m->size_index = g_new(guint, nr_sizes);
	for (guint i = 0; i < nr_sizes; i++)
		for (guint j = 0; j < m->nr_sizes; j++)
			if (m->sizes[j] == sizes_pages[i])
				m->size_index[i] = j;
	m->warmup_requests = warmup_requests;
	m->warm = warmup_requests == 0;
	counts_init(&m->now, m->nr_sizes + 1);
	counts_init(&m->boundary, m->nr_sizes + 1);
	m->table_mask = (1u << 16) - 1;
	m->table = g_new(Entry, m->table_mask + 1);
	for (guint64 i = 0; i <= m->table_mask; i++)
		m->table[i].file = NIL;
	m->cap = 1u << 16;
	m->nr_blocks = m->cap / 64;
	m->bits = g_new0(guint64, m->nr_blocks);
	m->tree = g_new0(guint32, m->nr_blocks + 1);
	return m;
}

void
pcs_mrc_free(PcsMrc *m)
{
	if (!m)
		return;
	counts_clear(&m->now);
	counts_clear(&m->boundary);
	g_free(m->sizes);
	g_free(m->size_index);
	g_free(m->table);
	g_free(m->tree);
	g_free(m->bits);
	g_free(m);
}

/* ---- the page table ------------------------------------------------------------------ */

static inline guint64
hash_key(guint32 file, guint64 page)
{
	/* splitmix64's finalizer: every input bit moves the low bits the mask keeps */
	guint64 x = page ^ ((guint64) file << 44) ^ ((guint64) file >> 20);

	x ^= x >> 30;
	x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static void
table_grow(PcsMrc *m)
{
	Entry *old = m->table;
	guint64 old_size = m->table_mask + 1;

	m->table_mask = old_size * 2 - 1;
	m->table = g_new(Entry, old_size * 2);
	for (guint64 i = 0; i <= m->table_mask; i++)
		m->table[i].file = NIL;
	for (guint64 i = 0; i < old_size; i++) {
		guint64 s;

		if (old[i].file == NIL)
			continue;
		s = hash_key(old[i].file, old[i].page) & m->table_mask;
		while (m->table[s].file != NIL)
			s = (s + 1) & m->table_mask;
		m->table[s] = old[i];
	}
	g_free(old);
}

/* The slot of (file, page), inserted with time NIL when new (*is_new set). */
static inline guint64
table_find(PcsMrc *m, guint32 file, guint64 page, gboolean *is_new)
{
	guint64 s = hash_key(file, page) & m->table_mask;

	for (;; s = (s + 1) & m->table_mask) {
		Entry *e = &m->table[s];

		if (e->file == file && e->page == page) {
			*is_new = FALSE;
			return s;
		}
		if (e->file == NIL) {
			e->file = file;
			e->page = page;
			e->time = NIL;
			*is_new = TRUE;
			return s;
		}
	}
}

/* ---- the marks: a bitmap and a Fenwick tree of blocks -------------------------------- */

static inline void
tree_add(guint32 *tree, guint32 nr_blocks, guint32 b, gint32 v)
{
	for (guint32 i = b + 1; i <= nr_blocks; i += i & -i)
		tree[i] += (guint32) v;
}

/* Marks in blocks 0..b-1. */
static inline guint32
tree_prefix(const guint32 *tree, guint32 b)
{
	guint32 sum = 0;

	for (guint32 i = b; i > 0; i -= i & -i)
		sum += tree[i];
	return sum;
}

/* Bits set in x (SWAR: no popcnt instruction in the baseline x86-64 ISA). */
static inline guint32
popcount64(guint64 x)
{
	x = x - ((x >> 1) & G_GUINT64_CONSTANT (0x5555555555555555));
	x = (x & G_GUINT64_CONSTANT (0x3333333333333333)) +
	    ((x >> 2) & G_GUINT64_CONSTANT (0x3333333333333333));
	x = (x + (x >> 4)) & G_GUINT64_CONSTANT (0x0f0f0f0f0f0f0f0f);
	return (guint32) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
}

/* Marks at times 0..t. */
static inline guint32
marks_upto(const PcsMrc *m, guint32 t)
{
	guint32 b = t / 64, r = t % 64;
	guint64 mask = r == 63 ? ~G_GUINT64_CONSTANT (0) : (G_GUINT64_CONSTANT (2) << r) - 1;

	return tree_prefix(m->tree, b) + popcount64(m->bits[b] & mask);
}

static inline void
mark(PcsMrc *m, guint32 t)
{
	m->bits[t / 64] |= G_GUINT64_CONSTANT (1) << (t % 64);
	tree_add(m->tree, m->nr_blocks, t / 64, 1);
}

static inline void
unmark(PcsMrc *m, guint32 t)
{
	m->bits[t / 64] &= ~(G_GUINT64_CONSTANT (1) << (t % 64));
	tree_add(m->tree, m->nr_blocks, t / 64, -1);
}

/* Renumbers the live times 0..live-1 in order, in a capacity grown as needed. */
static void
compact(PcsMrc *m)
{
	guint32 new_cap = m->cap, live = 0;
	guint32 *owner = g_new(guint32, m->cap);

	/* 1. which slot holds each live time */
	for (guint32 t = 0; t < m->cap; t++)
		owner[t] = NIL;
	for (guint64 s = 0; s <= m->table_mask; s++)
		if (m->table[s].file != NIL)
			owner[m->table[s].time] = (guint32) s;
	/* 2. renumber in order */
	for (guint32 t = 0; t < m->clock; t++)
		if (owner[t] != NIL)
			m->table[owner[t]].time = live++;
	g_free(owner);
	g_assert (live == m->nr_pages);
	/* 3. rebuild the marks: times 0..live-1 */
	while ((guint64) live * 2 > new_cap)
		new_cap *= 2;
	g_free(m->bits);
	g_free(m->tree);
	m->cap = new_cap;
	m->nr_blocks = new_cap / 64;
	m->bits = g_new0(guint64, m->nr_blocks);
	m->tree = g_new0(guint32, m->nr_blocks + 1);
	for (guint32 t = 0; t < live; t++)
		m->bits[t / 64] |= G_GUINT64_CONSTANT (1) << (t % 64);
	/* O(blocks) build: each node adds itself to its parent */
	for (guint32 b = 0; b < m->nr_blocks; b++)
		m->tree[b + 1] += popcount64(m->bits[b]);
	for (guint32 i = 1; i <= m->nr_blocks; i++) {
		guint32 parent = i + (i & -i);

		if (parent <= m->nr_blocks)
			m->tree[parent] += m->tree[i];
	}
	m->clock = live;
}

/* ---- feeding ------------------------------------------------------------------------- */

/* The bucket of distance d (0: a first use, counted as infinite). */
static inline guint
bucket_of(const PcsMrc *m, guint64 d)
{
	guint lo = 0, hi = m->nr_sizes;

	if (d == 0)
		return m->nr_sizes;
	while (lo < hi) {
		guint mid = (lo + hi) / 2;

		if (m->sizes[mid] >= d)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* One page access; returns its stack distance (0: first use). */
static inline guint64
access_page(PcsMrc *m, guint32 file, guint64 page)
{
	gboolean is_new;
	guint64 s, d = 0;
	Entry *e;

	if (G_UNLIKELY(m->clock == m->cap))
		compact(m);
	s = table_find(m, file, page, &is_new);
	e = &m->table[s];
	if (!is_new) {
		guint64 live = m->nr_pages;

		d = live - marks_upto(m, e->time) + 1;
		unmark(m, e->time);
	} else {
		m->nr_pages++;
	}
	e->time = m->clock;
	mark(m, m->clock);
	m->clock++;
	if (G_UNLIKELY(is_new && m->nr_pages * 2 > m->table_mask + 1))
		table_grow(m);
	return d;
}

static void
request(PcsMrc *m, const PcsIoEvent *ev, gboolean is_write)
{
	Counts *c = &m->now;
	guint64 first, last, nr;
	guint worst = 0;

	if (ev->len_bytes == 0 || ev->len_bytes == PCS_NONE || ev->offset_bytes == PCS_NONE ||
	    ev->len_bytes - 1 > G_MAXUINT64 - ev->offset_bytes)
		return;  /* as cache.c: not a request */
	first = ev->offset_bytes >> PCS_PAGE_SHIFT;
	last = (ev->offset_bytes + (ev->len_bytes - 1)) >> PCS_PAGE_SHIFT;
	nr = last - first + 1;
	for (guint64 i = first; i <= last; i++) {
		guint b = bucket_of(m, access_page(m, ev->file, i));

		c->acc[0][b]++;
		c->acc[is_write ? 2 : 1][b]++;
		worst = MAX(worst, b);
	}
	c->req[worst]++;
	c->requests++;
	c->accesses += nr;
	if (is_write) {
		c->write_requests++;
		c->write_accesses += nr;
	} else {
		c->read_requests++;
		c->read_accesses += nr;
	}
}

/*
 * The page table and the tree are far larger than the CPU caches, so each access waits for
 * memory. As in cache.c, look ahead: the home slot of the first page of the event
 * PREFETCH_SLOT ahead, then, PREFETCH_TIME ahead (its slot has arrived by then), the bitmap
 * word of that page's last use. Only a hint: results do not depend on it.
 */
enum { PREFETCH_SLOT = 16, PREFETCH_TIME = 8 };

void
pcs_mrc_feed(PcsMrc *m, const PcsIoEvent *evs, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		const PcsIoEvent *ev = &evs[i];

		/* Written out here on purpose: GCC deletes calls to a helper whose only effect
		 * is __builtin_prefetch (as cache.c notes). */
		if (i + PREFETCH_SLOT < n && evs[i + PREFETCH_SLOT].offset_bytes != PCS_NONE) {
			const PcsIoEvent *e = &evs[i + PREFETCH_SLOT];

			__builtin_prefetch(&m->table[hash_key(e->file, e->offset_bytes >>
							      PCS_PAGE_SHIFT) & m->table_mask]);
		}
		if (i + PREFETCH_TIME < n && evs[i + PREFETCH_TIME].offset_bytes != PCS_NONE) {
			const PcsIoEvent *e = &evs[i + PREFETCH_TIME];
			guint64 page = e->offset_bytes >> PCS_PAGE_SHIFT;
			const Entry *h = &m->table[hash_key(e->file, page) & m->table_mask];

			if (h->file == e->file && h->page == page && h->time < m->cap)
				__builtin_prefetch(&m->bits[h->time / 64]);
		}

		if (G_UNLIKELY(ev->op >= PCS_OP_COUNT))
			continue;
		/* the warm-up boundary, before the event (replay.c) */
		if (G_UNLIKELY(!m->warm) && m->now.requests >= m->warmup_requests) {
			m->warm = TRUE;
			counts_copy(&m->boundary, &m->now, m->nr_sizes + 1);
		}
		m->now.ops[ev->op]++;
		if (ev->t_ns != PCS_TIME_UNKNOWN) {
			if (m->now.first_t_ns == PCS_TIME_UNKNOWN)
				m->now.first_t_ns = ev->t_ns;
			m->now.last_t_ns = ev->t_ns;
		}
		switch ((PcsOp) ev->op) {
		case PCS_OP_READ:
		case PCS_OP_SENDFILE:
			request(m, ev, FALSE);
			break;
		case PCS_OP_WRITE:
			request(m, ev, TRUE);
			break;
		case PCS_OP_OPEN:
		case PCS_OP_CLOSE:
		case PCS_OP_FSYNC:
		case PCS_OP_FDATASYNC:
		case PCS_OP_SYNC:
			break;
		default:
			if (m->nr_unsupported++ == 0)
				m->first_unsupported = (PcsOp) ev->op;
			break;
		}
	}
}

/* Cumulative statistics of c at size index j (pages C). */
static void
stats_at(const PcsMrc *m, const Counts *c, guint j, PcsStats *s)
{
	guint64 C = m->sizes[j];

	pcs_stats_init(s);
	s->requests = c->requests;
	s->read_requests = c->read_requests;
	s->write_requests = c->write_requests;
	s->accesses = c->accesses;
	s->read_accesses = c->read_accesses;
	s->write_accesses = c->write_accesses;
	for (guint b = 0; b <= j; b++) {
		s->hits += c->acc[0][b];
		s->read_hits += c->acc[1][b];
		s->write_hits += c->acc[2][b];
		s->request_hits += c->req[b];
	}
	s->misses = s->accesses - s->hits;
	s->evictions = s->misses > C ? s->misses - C : 0;
	s->reclaims = s->evictions;
	memcpy(s->ops, c->ops, sizeof s->ops);
	s->first_t_ns = c->first_t_ns;
	s->last_t_ns = c->last_t_ns;
}

void
pcs_mrc_stats(const PcsMrc *m, guint i, PcsStats *out)
{
	PcsStats total, boundary;
	gboolean warm = m->warm || m->now.requests >= m->warmup_requests;
	guint j;

	g_return_if_fail (i < m->nr_asked);
	j = m->size_index[i];
	stats_at(m, &m->now, j, &total);
	if (m->warmup_requests == 0) {
		*out = total;
		return;
	}
	if (!warm) {
		pcs_stats_diff(&total, &total, out);  /* everything was warm-up */
		return;
	}
	if (m->warm)
		stats_at(m, &m->boundary, j, &boundary);
	else
		boundary = total;  /* the warm-up ended with the last record */
	pcs_stats_diff(&total, &boundary, out);
}

guint64
pcs_mrc_nr_unsupported(const PcsMrc *m, PcsOp *first_op)
{
	if (first_op)
		*first_op = m->first_unsupported;
	return m->nr_unsupported;
}

guint64
pcs_mrc_nr_pages(const PcsMrc *m)
{
	return m->nr_pages;
}
