/*
 * input.c - reading trace files through gzip, zstd and bzip2 decoders, streamed.
 *
 * A PcsInput is a file descriptor plus, when the file starts with a known magic number, a
 * decoder state and a buffer of compressed bytes:
 *
 *   file --read(256 KiB)--> raw[raw_pos, raw_len) --decoder--> caller's buffer
 *
 *   gzip   1f 8b            zlib inflate (windowBits 15 + 16: gzip wrapper only)
 *   zstd   28 b5 2f fd      ZSTD_decompressStream
 *   bzip2  'B' 'Z' 'h' 1-9  BZ2_bzDecompress
 *
 * Multi-member files (cat a.gz b.gz, zstd frames, pbzip2 output) are decoded member after
 * member: when a decoder reports the end of a member and more compressed bytes follow, it is
 * reset and decodes the next one. The end of the file inside a member is an error ("truncated
 * input"), never a silent short trace; so is corrupt data, whose message gives the offset in
 * the compressed file. Memory is bounded (the decoder's state, 256 KiB of input) whatever the
 * size of the trace, and nothing is ever written to disk.
 *
 * A PcsByteStream gives the binary readers a window of bytes: for a plain file, an mmap of the
 * whole file (the window is the file, fill() never has more to give); for a compressed file,
 * the decoder thread's chunks themselves, lent without a copy (pcs_input_borrow()), and a
 * 1 MiB buffer for the few records that straddle two chunks. Records never straddle a refill:
 * fill(want) moves the unread tail to the front of the buffer and completes it there, so
 * [pos, pos + want) is contiguous.
 *
 * Probes see decompressed bytes (sim/trace.c peeks through pcs_input_peek()), and name hints
 * ignore the compression suffix (pcs_trace_name_has_suffix), so "x.oracleGeneral.bin.zst" is
 * detected exactly as "x.oracleGeneral.bin" is.
 *
 * Entry points: pcs_input_detect, pcs_input_open/close/read/read_full/skip/peek,
 * pcs_input_plain_size, pcs_trace_name_has_suffix/contains, pcs_byte_stream_*.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bzlib.h>
#include <zlib.h>
#include <zstd.h>

#include <glib.h>
#include <pcsim/trace.h>

#include "trace/input.h"
#include "trace/reader.h"

#define RAW_BUF_BYTES    (256 * 1024)
#define STREAM_BUF_BYTES (1024 * 1024)
#define STREAM_MAX_WANT  (STREAM_BUF_BYTES / 2)

/*
 * Decoding runs in a thread of its own, a few chunks ahead of the reader, so decompression
 * and parsing overlap on two cores. Chunks circulate: free_q -> worker (decodes) -> full_q ->
 * reader (consumes) -> free_q. A chunk carries its bytes, the end of the data, or the error
 * that stopped decoding (after its bytes), and how far into the compressed file its end is.
 */
#define CHUNK_BYTES (1024 * 1024)
#define NR_CHUNKS   4

typedef struct {
	guint8  *data;
	gsize    len;
	gboolean eof;       /* no data after this chunk */
	GError  *error;     /* decoding failed after this chunk's data */
	guint64  raw_used;  /* compressed bytes consumed to produce up to the chunk's end */
} Chunk;

static void decoder_thread_stop(PcsInput *in);

struct PcsInput {
	int            fd;
	PcsCompression comp;
	guint64        file_size;
	guint64        raw_read;      /* compressed bytes read from fd */
	guint8        *raw;           /* RAW_BUF_BYTES of compressed input (NULL when plain) */
	gsize          raw_pos, raw_len;
	gboolean       raw_eof;
	gboolean       done;          /* the decoded data has ended */
	z_stream       z;
	ZSTD_DCtx     *zd;
	bz_stream      bz;
	gboolean       z_init, bz_init;
	/* the decoder thread (compressed input only; started by the first read) */
	GThread       *worker;
	GAsyncQueue   *full_q;        /* Chunk*: decoded, in order */
	GAsyncQueue   *free_q;        /* Chunk*: to fill */
	Chunk         *cur;           /* the chunk the reader is consuming */
	gsize          cur_pos;
	gint           stop;          /* atomic: close() asks the worker to end */
	guint64        used_raw;      /* compressed bytes behind what the reader consumed */
};

PcsCompression
pcs_input_detect(const guint8 *head, gsize len)
{
	if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return PCS_COMPRESS_GZIP;
	if (len >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
		return PCS_COMPRESS_ZSTD;
	if (len >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' &&
	    head[3] >= '1' && head[3] <= '9')
		return PCS_COMPRESS_BZIP2;
	return PCS_COMPRESS_NONE;
}

const char *
pcs_compression_name(PcsCompression c)
{
	static const char *const names[] = { "none", "gzip", "zstd", "bzip2" };

	return (unsigned) c < G_N_ELEMENTS(names) ? names[c] : "?";
}

static gboolean
set_errno_error(GError **error, const char *what, int e)
{
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED, "%s: %s", what,
		    g_strerror(e));
	return FALSE;
}

/* read() that retries on EINTR; -1 with errno on failure. */
static gssize
read_some(int fd, void *buf, gsize len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Starts (or restarts, for the next member) the decoder. */
static gboolean
decoder_start(PcsInput *in, GError **error)
{
	switch (in->comp) {
	case PCS_COMPRESS_GZIP:
		if (in->z_init) {
			if (inflateReset(&in->z) == Z_OK)
				return TRUE;
		} else if (inflateInit2(&in->z, 15 + 16) == Z_OK) {
			in->z_init = TRUE;
			return TRUE;
		}
		break;
	case PCS_COMPRESS_ZSTD:
		if (!in->zd)
			in->zd = ZSTD_createDCtx();
		if (in->zd && !ZSTD_isError(ZSTD_DCtx_reset(in->zd, ZSTD_reset_session_only)))
			return TRUE;
		break;
	case PCS_COMPRESS_BZIP2:
		if (in->bz_init) {
			BZ2_bzDecompressEnd(&in->bz);
			in->bz_init = FALSE;
		}
		memset(&in->bz, 0, sizeof in->bz);
		if (BZ2_bzDecompressInit(&in->bz, 0, 0) == BZ_OK) {
			in->bz_init = TRUE;
			return TRUE;
		}
		break;
	case PCS_COMPRESS_NONE:
	default:
		return TRUE;
	}
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
		    "%s: cannot start the decoder (out of memory?)", pcs_compression_name(in->comp));
	return FALSE;
}

PcsInput *
pcs_input_open(const char *path, GError **error)
{
	PcsInput *in = g_new0(PcsInput, 1);
	struct stat st;
	guint8 magic[4];
	gssize n;

	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		set_errno_error(error, "cannot open", errno);
		g_free(in);
		return NULL;
	}
	if (fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
			    "not a regular file");
		goto fail;
	}
	in->file_size = (guint64) st.st_size;
	n = pread(in->fd, magic, sizeof magic, 0);
	if (n < 0) {
		set_errno_error(error, "read error", errno);
		goto fail;
	}
	in->comp = pcs_input_detect(magic, (gsize) n);
	if (in->comp != PCS_COMPRESS_NONE) {
		in->raw = g_malloc(RAW_BUF_BYTES);
		if (!decoder_start(in, error))
			goto fail;
	}
	return in;

fail:
	pcs_input_close(in);
	return NULL;
}

void
pcs_input_close(PcsInput *in)
{
	if (!in)
		return;
	decoder_thread_stop(in);
	if (in->z_init)
		inflateEnd(&in->z);
	if (in->bz_init)
		BZ2_bzDecompressEnd(&in->bz);
	ZSTD_freeDCtx(in->zd);
	if (in->fd >= 0)
		close(in->fd);
	g_free(in->raw);
	g_free(in);
}

/* Refills raw[] when it is empty; sets raw_eof at the end of the file. */
static gboolean
raw_fill(PcsInput *in, GError **error)
{
	gssize n;

	if (in->raw_pos < in->raw_len || in->raw_eof)
		return TRUE;
	n = read_some(in->fd, in->raw, RAW_BUF_BYTES);
	if (n < 0)
		return set_errno_error(error, "read error", errno);
	in->raw_pos = 0;
	in->raw_len = (gsize) n;
	in->raw_read += (guint64) n;
	if (n == 0)
		in->raw_eof = TRUE;
	return TRUE;
}

static gboolean
corrupt(PcsInput *in, const char *msg, GError **error)
{
	g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
		    "%s: corrupt input near compressed byte %" G_GUINT64_FORMAT ": %s",
		    pcs_compression_name(in->comp), in->raw_read - (in->raw_len - in->raw_pos), msg);
	return FALSE;
}

/*
 * One decoder step: decodes from raw[] into out[0..len), *produced gets the count, and
 * *member_end whether a member (gzip member, zstd frame, bzip2 stream) ended.
 */
static gboolean
decode_step(PcsInput *in, guint8 *out, gsize len, gsize *produced, gboolean *member_end,
	    GError **error)
{
	gsize avail = in->raw_len - in->raw_pos;

	*member_end = FALSE;
	switch (in->comp) {
	case PCS_COMPRESS_GZIP: {
		int rc;

		in->z.next_in = in->raw + in->raw_pos;
		in->z.avail_in = (uInt) avail;
		in->z.next_out = out;
		in->z.avail_out = (uInt) MIN(len, G_MAXUINT32);
		rc = inflate(&in->z, Z_NO_FLUSH);
		in->raw_pos += avail - in->z.avail_in;
		*produced = (gsize) (in->z.next_out - out);
		if (rc == Z_STREAM_END)
			*member_end = TRUE;
		else if (rc != Z_OK && !(rc == Z_BUF_ERROR && avail == 0))
			return corrupt(in, in->z.msg ? in->z.msg : "inflate failed", error);
		return TRUE;
	}
	case PCS_COMPRESS_ZSTD: {
		ZSTD_inBuffer ib = { in->raw + in->raw_pos, avail, 0 };
		ZSTD_outBuffer ob = { out, len, 0 };
		size_t rc = ZSTD_decompressStream(in->zd, &ob, &ib);

		if (ZSTD_isError(rc))
			return corrupt(in, ZSTD_getErrorName(rc), error);
		in->raw_pos += ib.pos;
		*produced = ob.pos;
		*member_end = rc == 0;
		return TRUE;
	}
	case PCS_COMPRESS_BZIP2: {
		int rc;

		in->bz.next_in = (char *) in->raw + in->raw_pos;
		in->bz.avail_in = (unsigned) avail;
		in->bz.next_out = (char *) out;
		in->bz.avail_out = (unsigned) MIN(len, G_MAXUINT32);
		rc = BZ2_bzDecompress(&in->bz);
		in->raw_pos += avail - in->bz.avail_in;
		*produced = (gsize) (in->bz.next_out - (char *) out);
		if (rc == BZ_STREAM_END)
			*member_end = TRUE;
		else if (rc != BZ_OK)
			return corrupt(in, "bzip2 data error", error);
		return TRUE;
	}
	case PCS_COMPRESS_NONE:
	default:
		g_assert_not_reached();
	}
	return FALSE;
}

/*
 * 1. Plain: read().
 * 2. Compressed: refill raw[] when empty.
 * 3. Decode a step. At the end of a member, look for more input: another member starts the
 *    decoder again; none ends the data. No output, no member end and no input left: the
 *    file ends inside a member (truncated).
 * 4. Return as soon as some bytes were produced.
 */
static gssize
decode_read(PcsInput *in, void *buf, gsize len, GError **error)
{
	guint8 *out = buf;

	while (!in->done && len > 0) {
		gsize produced = 0;
		gboolean member_end;

		/* 2. */
		if (!raw_fill(in, error))
			return -1;
		/* 3. */
		if (!decode_step(in, out, len, &produced, &member_end, error))
			return -1;
		if (member_end) {
			if (!raw_fill(in, error))
				return -1;
			if (in->raw_pos == in->raw_len && in->raw_eof)
				in->done = TRUE;
			else if (!decoder_start(in, error))
				return -1;
		} else if (produced == 0 && in->raw_eof && in->raw_pos == in->raw_len) {
			g_set_error(error, PCS_TRACE_ERROR_DOMAIN, PCS_TRACE_ERROR_FAILED,
				    "%s: truncated input (the file ends inside a compressed block)",
				    pcs_compression_name(in->comp));
			return -1;
		}
		/* 4. */
		if (produced)
			return (gssize) produced;
	}
	return 0;
}

/* The decoder thread: fills free chunks until the data ends, fails, or close() stops it. */
static gpointer
decoder_main(gpointer data)
{
	PcsInput *in = data;

	for (;;) {
		Chunk *ch = g_async_queue_pop(in->free_q);

		if (g_atomic_int_get(&in->stop)) {
			g_async_queue_push(in->free_q, ch);
			return NULL;
		}
		ch->len = 0;
		ch->eof = FALSE;
		while (ch->len < CHUNK_BYTES) {
			gssize n = decode_read(in, ch->data + ch->len, CHUNK_BYTES - ch->len,
					       &ch->error);

			if (n < 0)
				break;
			if (n == 0) {
				ch->eof = TRUE;
				break;
			}
			ch->len += (gsize) n;
		}
		ch->raw_used = in->raw_read - (in->raw_len - in->raw_pos);
		g_async_queue_push(in->full_q, ch);
		if (ch->eof || ch->error)
			return NULL;
	}
}

static void
chunk_free(gpointer p)
{
	Chunk *ch = p;

	g_free(ch->data);
	if (ch->error)
		g_error_free(ch->error);
	g_free(ch);
}

static void
decoder_thread_start(PcsInput *in)
{
	in->full_q = g_async_queue_new();
	in->free_q = g_async_queue_new();
	for (int i = 0; i < NR_CHUNKS; i++) {
		Chunk *ch = g_new0(Chunk, 1);

		ch->data = g_malloc(CHUNK_BYTES);
		g_async_queue_push(in->free_q, ch);
	}
	in->worker = g_thread_new("pcsim-decoder", decoder_main, in);
}

/* close(): stops the worker (waking it with a spare chunk if it waits) and frees chunks. */
static void
decoder_thread_stop(PcsInput *in)
{
	Chunk *ch;

	if (!in->worker)
		return;
	g_atomic_int_set(&in->stop, 1);
	if (in->cur) {
		g_async_queue_push(in->free_q, in->cur);
		in->cur = NULL;
	} else {
		/* every chunk may be full and unread: hand one back so the worker can wake */
		ch = g_async_queue_try_pop(in->full_q);
		if (ch)
			g_async_queue_push(in->free_q, ch);
	}
	g_thread_join(in->worker);
	in->worker = NULL;
	while ((ch = g_async_queue_try_pop(in->full_q)))
		chunk_free(ch);
	while ((ch = g_async_queue_try_pop(in->free_q)))
		chunk_free(ch);
	g_async_queue_unref(in->full_q);
	g_async_queue_unref(in->free_q);
}

/*
 * Plain files are read directly. Compressed ones come from the decoder thread's chunks: the
 * bytes of a chunk first, then its end of data or its error, exactly as decode_read() would
 * have returned them in this thread.
 */
gssize
pcs_input_read(PcsInput *in, void *buf, gsize len, GError **error)
{
	if (in->comp == PCS_COMPRESS_NONE) {
		gssize n = read_some(in->fd, buf, len);

		if (n < 0)
			set_errno_error(error, "read error", errno);
		else
			in->raw_read += (guint64) n;
		return n;
	}
	if (!in->worker)
		decoder_thread_start(in);
	for (;;) {
		if (!in->cur) {
			in->cur = g_async_queue_pop(in->full_q);
			in->cur_pos = 0;
		}
		if (in->cur_pos < in->cur->len) {
			gsize n = MIN(len, in->cur->len - in->cur_pos);

			memcpy(buf, in->cur->data + in->cur_pos, n);
			in->cur_pos += n;
			in->used_raw = in->cur->raw_used;
			return (gssize) n;
		}
		if (in->cur->error) {
			g_propagate_error(error, g_error_copy(in->cur->error));
			return -1;
		}
		if (in->cur->eof)
			return 0;
		g_async_queue_push(in->free_q, in->cur);
		in->cur = NULL;
	}
}

gssize
pcs_input_borrow(PcsInput *in, const guint8 **data, GError **error)
{
	g_return_val_if_fail(in->comp != PCS_COMPRESS_NONE, -1);
	if (!in->worker)
		decoder_thread_start(in);
	for (;;) {
		if (!in->cur) {
			in->cur = g_async_queue_pop(in->full_q);
			in->cur_pos = 0;
		}
		if (in->cur_pos < in->cur->len) {
			gsize n = in->cur->len - in->cur_pos;

			*data = in->cur->data + in->cur_pos;
			in->cur_pos = in->cur->len;
			in->used_raw = in->cur->raw_used;
			return (gssize) n;
		}
		if (in->cur->error) {
			g_propagate_error(error, g_error_copy(in->cur->error));
			return -1;
		}
		if (in->cur->eof)
			return 0;
		g_async_queue_push(in->free_q, in->cur);
		in->cur = NULL;
	}
}

gboolean
pcs_input_read_full(PcsInput *in, void *buf, gsize len, gsize *got, GError **error)
{
	gsize done = 0;

	while (done < len) {
		gssize n = pcs_input_read(in, (guint8 *) buf + done, len - done, error);

		if (n < 0)
			return FALSE;
		if (n == 0)
			break;
		done += (gsize) n;
	}
	*got = done;
	return TRUE;
}

gboolean
pcs_input_skip(PcsInput *in, guint64 n, guint64 *skipped, GError **error)
{
	g_autofree guint8 *scratch = NULL;
	guint64 done = 0;

	if (in->comp == PCS_COMPRESS_NONE) {
		off_t cur = lseek(in->fd, 0, SEEK_CUR);
		guint64 left = cur < 0 ? 0 : in->file_size - MIN(in->file_size, (guint64) cur);

		done = MIN(n, left);
		if (cur < 0 || lseek(in->fd, (off_t) done, SEEK_CUR) < 0)
			return set_errno_error(error, "cannot seek", errno);
		in->raw_read += done;
		*skipped = done;
		return TRUE;
	}
	scratch = g_malloc(RAW_BUF_BYTES);
	while (done < n) {
		gssize r = pcs_input_read(in, scratch, (gsize) MIN(n - done, RAW_BUF_BYTES), error);

		if (r < 0)
			return FALSE;
		if (r == 0)
			break;
		done += (guint64) r;
	}
	*skipped = done;
	return TRUE;
}

PcsCompression
pcs_input_compression(const PcsInput *in)
{
	return in->comp;
}

int
pcs_input_fd(const PcsInput *in)
{
	return in->fd;
}

double
pcs_input_progress(const PcsInput *in)
{
	/* compressed: the decoder thread owns raw[]; the reader's position is the chunk's */
	guint64 used = in->comp == PCS_COMPRESS_NONE ? in->raw_read : in->used_raw;

	if (in->file_size == 0)
		return 1.0;
	return MIN(1.0, (double) used / (double) in->file_size);
}

gboolean
pcs_input_peek(const char *path, guint8 *buf, gsize len, gsize *got, GError **error)
{
	PcsInput *in = pcs_input_open(path, error);
	g_autoptr(GError) read_error = NULL;
	gsize done = 0;

	if (!in)
		return FALSE;
	/* Bytes decoded before corrupt or truncated data still tell the format: the reader
	 * reports the damage where it is. Only an error before any byte fails the peek. */
	while (done < len) {
		gssize n = pcs_input_read(in, buf + done, len - done, &read_error);

		if (n <= 0)
			break;
		done += (gsize) n;
	}
	pcs_input_close(in);
	if (read_error && done == 0) {
		g_propagate_error(error, g_steal_pointer(&read_error));
		return FALSE;
	}
	*got = done;
	return TRUE;
}

gboolean
pcs_input_plain_size(const char *path, guint64 *size_bytes)
{
	struct stat st;
	guint8 magic[4];
	gssize n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return FALSE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return FALSE;
	}
	n = pread(fd, magic, sizeof magic, 0);
	close(fd);
	if (n < 0 || pcs_input_detect(magic, (gsize) n) != PCS_COMPRESS_NONE)
		return FALSE;
	*size_bytes = (guint64) st.st_size;
	return TRUE;
}

static gboolean
ends_with_ci(const char *s, gsize n, const char *suffix)
{
	gsize m = strlen(suffix);

	return n >= m && g_ascii_strncasecmp(s + n - m, suffix, m) == 0;
}

gboolean
pcs_trace_name_has_suffix(const char *path, const char *suffix)
{
	static const char *const comp[] = { ".gz", ".zst", ".zstd", ".bz2" };
	gsize n = strlen(path);

	for (unsigned i = 0; i < G_N_ELEMENTS(comp); i++) {
		if (ends_with_ci(path, n, comp[i])) {
			n -= strlen(comp[i]);
			break;
		}
	}
	return ends_with_ci(path, n, suffix);
}

gboolean
pcs_trace_name_contains(const char *path, const char *needle)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	gsize n = strlen(base), m = strlen(needle);

	for (gsize i = 0; i + m <= n; i++)
		if (g_ascii_strncasecmp(base + i, needle, m) == 0)
			return TRUE;
	return FALSE;
}

/* ---- PcsByteStream --------------------------------------------------------------------- */

gboolean
pcs_byte_stream_open(PcsByteStream *s, const char *path, GError **error)
{
	guint64 size;

	memset(s, 0, sizeof *s);
	if (pcs_input_plain_size(path, &size)) {
		if (!pcs_trace_map_file(path, &s->base, &s->map_size, error))
			return FALSE;
		s->pos = s->win = s->base;
		s->end = s->base + s->map_size;
		s->eof = TRUE;
		return TRUE;
	}
	s->in = pcs_input_open(path, error);
	if (!s->in)
		return FALSE;
	s->base = g_malloc(STREAM_BUF_BYTES);
	s->pos = s->end = s->win = s->base;
	return TRUE;
}

void
pcs_byte_stream_clear(PcsByteStream *s)
{
	if (s->in) {
		pcs_input_close(s->in);
		g_free((gpointer) s->base);
	} else {
		pcs_trace_unmap_file(s->base, s->map_size);
	}
	memset(s, 0, sizeof *s);
}

/*
 * 1. Enough bytes, or nothing more to read: return what there is.
 * 2. Nothing left unread: borrow the decoder's next bytes (pcs_input_borrow()) instead of
 *    copying them; enough of them: done. Records do not care whose memory they are read from.
 * 3. A record straddles two chunks (or the lent bytes are too few): move the unread tail to
 *    the front of our buffer (before the next read lets the decoder reuse the chunk it lies
 *    in) and read just the bytes still wanted after it, so that the rest of that chunk is
 *    borrowed again by the next fill.
 */
gssize
pcs_byte_stream_fill(PcsByteStream *s, gsize want, GError **error)
{
	gsize have = (gsize) (s->end - s->pos);
	guint8 *buf = (guint8 *) s->base;

	g_return_val_if_fail(want <= STREAM_MAX_WANT, -1);
	/* 1. */
	if (have >= want || s->eof)
		return (gssize) have;
	s->win_offset += (guint64) (s->pos - s->win);
	/* 2. */
	if (have == 0) {
		const guint8 *data;
		gssize n = pcs_input_borrow(s->in, &data, error);

		if (n < 0)
			return -1;
		if (n == 0) {
			s->eof = TRUE;
			s->pos = s->end = s->win = s->base;
			return 0;
		}
		s->pos = s->win = data;
		s->end = data + n;
		have = (gsize) n;
		if (have >= want)
			return (gssize) have;
	}
	/* 3. */
	memmove(buf, s->pos, have);
	s->pos = s->win = s->base;
	s->end = s->base + have;
	while (have < want && !s->eof) {
		gssize n = pcs_input_read(s->in, buf + have, want - have, error);

		if (n < 0)
			return -1;
		if (n == 0)
			s->eof = TRUE;
		have += (gsize) n;
		s->end = s->base + have;
	}
	return (gssize) have;
}

double
pcs_byte_stream_progress(const PcsByteStream *s)
{
	if (s->in)
		return pcs_input_progress(s->in);
	return s->map_size ? (double) (s->pos - s->base) / (double) s->map_size : 1.0;
}
