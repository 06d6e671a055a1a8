/*
 * input.h - the bytes of a trace file, decompressed on the fly (internal to the trace layer).
 *
 * Users keep traces compressed (`.zst`, `.gz`, `.bz2`); pcsim reads them as they are, without
 * ever writing the decompressed data anywhere. Two layers:
 *
 *   PcsInput       a sequential byte source over one file: plain read(), or gzip (zlib),
 *                  zstd (libzstd), bzip2 (libbz2), chosen by the magic bytes at the start of
 *                  the file, never by its name. Concatenated members/frames/streams are read
 *                  one after another, as gzip -d, zstd -d and bzip2 -d do.
 *   PcsByteStream  what the binary readers use: a window [pos, end) of the decompressed bytes.
 *                  For a plain file the window is an mmap of the whole file (zero copy, as
 *                  before); for a compressed one it is a 1 MiB buffer refilled from a PcsInput.
 *                  A reader's fast path is `if (end - pos >= RECORD) decode(pos)`.
 *
 * The line reader (reader.h) reads through a PcsInput too, so every text format reads
 * compressed files with no code of its own.
 *
 * Errors are PCS_TRACE_ERROR_FAILED GErrors whose message does not name the path (the trace
 * layer prefixes it): "zstd: corrupt input at compressed byte 1234: ...", "gzip: truncated
 * input (the file ends inside a compressed block)".
 */
#ifndef PCSIM_TRACE_INPUT_H
#define PCSIM_TRACE_INPUT_H

#include <glib.h>

typedef enum {
	PCS_COMPRESS_NONE = 0,
	PCS_COMPRESS_GZIP,
	PCS_COMPRESS_ZSTD,
	PCS_COMPRESS_BZIP2,
} PcsCompression;

/* The compression whose magic head[0..len) starts with (NONE when none). Cannot fail. */
PcsCompression pcs_input_detect(const guint8 *head, gsize len);
/* "none", "gzip", "zstd", "bzip2". */
const char *pcs_compression_name(PcsCompression c);

typedef struct PcsInput PcsInput;

/* Opens path and detects its compression. Fails with PCS_TRACE_ERROR_FAILED ("cannot open:
 * ...", "not a regular file", or a decoder that cannot start). */
PcsInput *pcs_input_open(const char *path, GError **error);
/* Closes the file and frees the decoder; NULL is a no-op. */
void pcs_input_close(PcsInput *in);
/* Reads up to len decompressed bytes into buf. Returns the count (0 only at the end of the
 * data), or -1 with error set on a read error or corrupt/truncated compressed data. */
gssize pcs_input_read(PcsInput *in, void *buf, gsize len, GError **error);
/*
 * Compressed input only: lends the decoded bytes the reader has not consumed yet, up to the
 * end of the decoder thread's current chunk, without copying them. *data stays valid until
 * the next pcs_input_read() or pcs_input_borrow(). Returns their count, 0 at the end of the
 * data, or -1 with error set (as pcs_input_read()).
 */
gssize pcs_input_borrow(PcsInput *in, const guint8 **data, GError **error);
/* Reads until buf holds len bytes or the data ends; *got is the count. FALSE on error. */
gboolean pcs_input_read_full(PcsInput *in, void *buf, gsize len, gsize *got, GError **error);
/* Discards n decompressed bytes; *skipped gets how many there were (< n at the end). */
gboolean pcs_input_skip(PcsInput *in, guint64 n, guint64 *skipped, GError **error);

PcsCompression pcs_input_compression(const PcsInput *in);
/* The underlying file descriptor (owned by in), for fstat. */
int pcs_input_fd(const PcsInput *in);
/* Fraction 0..1 of the file (compressed bytes) consumed. */
double pcs_input_progress(const PcsInput *in);

/* The first len decompressed bytes of path, for sniffing: fills buf, *got is the count.
 * Corrupt or truncated data after the first bytes ends the peek early, without an error
 * (the reader reports it where it is); it fails when nothing at all can be read. */
gboolean pcs_input_peek(const char *path, guint8 *buf, gsize len, gsize *got, GError **error);

/*
 * TRUE when path is a plain (uncompressed) regular file; *size_bytes is then its size. FALSE
 * for a compressed file (whose decompressed size is unknown without reading it all) or one
 * that cannot be opened. For probes that check a size (a multiple of the record size).
 */
gboolean pcs_input_plain_size(const char *path, guint64 *size_bytes);

/* TRUE when path, without a trailing ".gz", ".zst", ".zstd" or ".bz2", ends in suffix
 * (ASCII case-insensitive). For probes that use a name as a hint. Cannot fail. */
gboolean pcs_trace_name_has_suffix(const char *path, const char *suffix);
/* TRUE when the base name of path contains needle (ASCII case-insensitive). */
gboolean pcs_trace_name_contains(const char *path, const char *needle);

/* ---- PcsByteStream --------------------------------------------------------------------- */

typedef struct {
	const guint8 *pos;       /* next unread byte */
	const guint8 *end;       /* end of the bytes available now */
	/* private */
	const guint8 *base;      /* mapping (plain) or buffer (compressed) */
	gsize         map_size;  /* bytes mapped; 0 for a compressed stream */
	PcsInput     *in;        /* compressed stream, or NULL */
	const guint8 *win;       /* where [pos, end) lies: base, or a chunk the decoder lent */
	guint64       win_offset;/* stream offset of win[0] */
	gboolean      eof;
} PcsByteStream;

/* Opens path: mmap when plain, a decompressing buffer when compressed. Fails like
 * pcs_input_open() / pcs_trace_map_file(). */
gboolean pcs_byte_stream_open(PcsByteStream *s, const char *path, GError **error);
/* Frees everything; safe on a zeroed or already cleared stream. */
void pcs_byte_stream_clear(PcsByteStream *s);
/*
 * Makes at least want bytes (at most 512 KiB) available at pos, unless the data ends first.
 * Returns the bytes available (end - pos; fewer than want only at the end), or -1 with error
 * set. Never moves the bytes a reader has not consumed out of [pos, end).
 */
gssize pcs_byte_stream_fill(PcsByteStream *s, gsize want, GError **error);
/* Offset of pos in the decompressed data. */
static inline guint64
pcs_byte_stream_offset(const PcsByteStream *s)
{
	return s->win_offset + (guint64) (s->pos - s->win);
}
/* TRUE when the data is streamed (compressed): its size is unknown until the end. */
static inline gboolean
pcs_byte_stream_is_compressed(const PcsByteStream *s)
{
	return s->in != NULL;
}
/* Fraction 0..1 consumed. */
double pcs_byte_stream_progress(const PcsByteStream *s);

#endif
