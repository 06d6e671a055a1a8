/*
 * copybench.c - the transfer-path model of the zero-copy notes, and a real benchmark of the
 * same paths on this machine (pcsim copybench).
 *
 * The model (pcs_transfer_models()) says what sending one block of a file to a socket costs:
 *
 *   method        DMA  CPU copies  syscalls  switches   path of the data
 *   read-write     2       2          2         4       disk -DMA-> cache -CPU-> user buffer
 *                                                        -CPU-> socket buffer -DMA-> NIC
 *   mmap-write     2       1          2         4       cache mapped into the process (page
 *                                                        faults) -CPU-> socket buffer -DMA-> NIC
 *   sendfile       2       1          1         2       cache -CPU-> socket buffer, in the kernel
 *   sendfile-sg    2       0          1         2       the NIC gathers straight from the cache
 *   splice         2       1          1         2       as sendfile (sendfile is built on it)
 *   direct         2       1          2         4       disk -DMA-> user buffer (no cache)
 *                                                        -CPU-> socket buffer -DMA-> NIC
 *
 * Context switches are mode switches, two per system call (into the kernel and back). A cache
 * hit saves the device DMA in reality; the model's DMA column is the notes' figure, the
 * worst case (cold cache, a real NIC). Loopback has no NIC, so the benchmark cannot measure
 * DMA; it prints the model next to what it can measure.
 *
 * The benchmark (pcs_copybench_run()):
 *
 *   file --method--> sender socket ====(AF_UNIX socketpair | TCP 127.0.0.1)====> reader thread
 *        (this thread: wall, CPU time, syscalls counted in the loops)           (counts bytes)
 *
 *   1. Check the configuration (size, block, file, free space) before creating anything.
 *   2. Create the file in g_get_tmp_dir() (non-zero bytes, fsync'd), unlinked at once so that
 *      nothing is left behind whatever happens, or open the given file read-only.
 *   3. For each socket kind and method: warm the file (read it once) or drop its pages
 *      (fsync, posix_fadvise DONTNEED); count its resident pages with mincore(); connect a
 *      socket pair and start the reader; send the file; shut the sending side; join the
 *      reader; check it got exactly the file's bytes.
 *
 * Invariants: every successful result moved exactly size_bytes (else the run fails); only
 * loopback sockets; the given file is opened O_RDONLY (and O_DIRECT read-only).
 *
 * Simplified: the CPU time is the sending thread's only (the reader's copy out of the socket
 * is the same for every method); system calls are those of the sending loop, setup included
 * (mmap, munmap, the pipe's size), not the kernel's own work.
 *
 * Entry points: pcs_transfer_models(), pcs_transfer_model_find(), pcs_transfer_cost(),
 * pcs_copybench_config_init(), pcs_copybench_run(), pcs_copybench_free(),
 * pcs_copybench_render_normal/_json/_csv().
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include <pcsim/config.h>
#include <pcsim/copybench.h>
#include <pcsim/event.h>
#include <pcsim/report.h>
#include "rowfmt.h"

G_DEFINE_QUARK (pcs-copybench-error-quark, pcs_copybench_error)

/* The methods the benchmark runs, in this order (sendfile-sg needs an SG-DMA NIC). */
static const PcsTransferMethod bench_methods[] = {
	PCS_XFER_READ_WRITE, PCS_XFER_MMAP_WRITE, PCS_XFER_SENDFILE, PCS_XFER_SPLICE,
	PCS_XFER_DIRECT,
};

const char *
pcs_socket_kind_name(PcsSocketKind k)
{
	return k == PCS_SOCKET_UNIX ? "unix" : k == PCS_SOCKET_TCP ? "tcp" : NULL;
}

void
pcs_copybench_config_init(PcsCopybenchConfig *cfg)
{
	g_return_if_fail(cfg != NULL);
	memset(cfg, 0, sizeof *cfg);
	cfg->size_bytes = G_GUINT64_CONSTANT (1) << 30;
	cfg->block_bytes = 64u << 10;
	cfg->cold = FALSE;
	cfg->sockets = PCS_SOCKET_UNIX | PCS_SOCKET_TCP;
}

void
pcs_copybench_free(PcsCopybench *b)
{
	if (!b)
		return;
	for (guint i = 0; i < b->nr_results; i++)
		g_free(b->results[i].reason);
	g_free(b->results);
	g_free(b->path);
	g_free(b);
}

static gboolean G_GNUC_PRINTF (3, 4)
fail(GError **error, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_propagate_error(error, g_error_new_valist(PCS_COPYBENCH_ERROR, code, fmt, ap));
	va_end(ap);
	return FALSE;
}

static gboolean
fail_errno(GError **error, int saved_errno, const char *what)
{
	return fail(error, PCS_COPYBENCH_ERROR_FAILED, "%s: %s", what, g_strerror(saved_errno));
}

static guint64
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (guint64) ts.tv_sec * 1000000000u + (guint64) ts.tv_nsec;
}

static guint64
tv_ns(const struct timeval *tv)
{
	return (guint64) tv->tv_sec * 1000000000u + (guint64) tv->tv_usec * 1000u;
}

/* ---- 1. the configuration ------------------------------------------------------------- */

static gboolean
check_config(const PcsCopybenchConfig *cfg, GError **error)
{
	if (cfg->block_bytes < PCS_COPYBENCH_MIN_BLOCK || cfg->block_bytes > PCS_COPYBENCH_MAX_BLOCK ||
	    cfg->block_bytes % PCS_COPYBENCH_MIN_BLOCK != 0)
		return fail(error, PCS_COPYBENCH_ERROR_INVALID, "--block: expected a multiple of "
			    "4K between 4K and 64M (O_DIRECT needs aligned blocks), got %"
			    G_GUINT64_FORMAT " bytes", cfg->block_bytes);
	if ((cfg->sockets & (PCS_SOCKET_UNIX | PCS_SOCKET_TCP)) == 0)
		return fail(error, PCS_COPYBENCH_ERROR_INVALID, "--socket: no socket kind given");
	if (!cfg->path) {
		if (cfg->size_bytes == 0 || cfg->size_bytes > PCS_COPYBENCH_MAX_BYTES)
			return fail(error, PCS_COPYBENCH_ERROR_INVALID, "--size: expected 1 byte "
				    "to 64G, got %" G_GUINT64_FORMAT " bytes", cfg->size_bytes);
	}
	return TRUE;
}

/* ---- 2. the file ---------------------------------------------------------------------- */

/* Writes size_bytes of non-zero bytes to fd and fsyncs it. */
static gboolean
fill_file(int fd, guint64 size_bytes, GError **error)
{
	const gsize chunk = 1u << 20;
	g_autofree guint8 *buf = g_malloc(chunk);
	guint64 done = 0;

	for (gsize i = 0; i < chunk; i++)
		buf[i] = (guint8) (1 + (i * 131 + i / 4096) % 255);   /* never 0 */
	while (done < size_bytes) {
		gsize want = (gsize) MIN(chunk, size_bytes - done);
		ssize_t n = pwrite(fd, buf, want, (off_t) done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail_errno(error, n < 0 ? errno : ENOSPC, "writing the test file");
		done += (guint64) n;
	}
	if (fsync(fd) != 0)
		return fail_errno(error, errno, "fsync of the test file");
	return TRUE;
}

/*
 * Opens the file of the benchmark into *fd: cfg->path read-only (a regular file, not empty),
 * or a new file in the temporary directory, unlinked as soon as it is open, filled. Sets
 * b->path, b->created and b->size_bytes. Fails with _INVALID for a bad path or a size beyond
 * the free space, _FAILED when the file cannot be made.
 */
static gboolean
open_file(const PcsCopybenchConfig *cfg, PcsCopybench *b, int *fd, GError **error)
{
	struct stat st;

	if (cfg->path) {
		*fd = open(cfg->path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0)
			return fail(error, PCS_COPYBENCH_ERROR_INVALID, "--file %s: %s", cfg->path,
				    g_strerror(errno));
		if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
			close(*fd);
			*fd = -1;
			return fail(error, PCS_COPYBENCH_ERROR_INVALID, "--file %s: not a regular "
				    "file with data", cfg->path);
		}
		b->path = g_strdup(cfg->path);
		b->size_bytes = (guint64) st.st_size;
		return TRUE;
	} else {
		const char *dir = g_get_tmp_dir();
		struct statvfs vfs;
		guint64 free_bytes;
		char *path = NULL;
		g_autoptr(GError) local = NULL;

		if (statvfs(dir, &vfs) != 0)
			return fail(error, PCS_COPYBENCH_ERROR_INVALID, "%s: %s", dir,
				    g_strerror(errno));
		free_bytes = (guint64) vfs.f_bavail * vfs.f_frsize;
		if (cfg->size_bytes > free_bytes)
			return fail(error, PCS_COPYBENCH_ERROR_INVALID, "--size: %" G_GUINT64_FORMAT
				    " bytes do not fit in the %" G_GUINT64_FORMAT " bytes free in %s",
				    cfg->size_bytes, free_bytes, dir);
		*fd = g_file_open_tmp("pcsim-copybench-XXXXXX", &path, &local);
		if (*fd < 0)
			return fail(error, PCS_COPYBENCH_ERROR_FAILED, "cannot create the test file: %s",
				    local->message);
		/* No name, nothing to leave behind: the open descriptor keeps the data. */
		unlink(path);
		b->path = path;
		b->created = TRUE;
		b->size_bytes = cfg->size_bytes;
		if (fcntl(*fd, F_SETFD, FD_CLOEXEC) != 0 || !fill_file(*fd, cfg->size_bytes, error)) {
			if (error && *error == NULL)
				fail_errno(error, errno, "fcntl");
			close(*fd);
			*fd = -1;
			return FALSE;
		}
		return TRUE;
	}
}

/* Opens the file again with O_DIRECT; -1 with errno set when refused. */
static int
open_direct(const PcsCopybench *b, int fd)
{
	g_autofree char *self = g_strdup_printf("/proc/self/fd/%d", fd);

	return open(b->created ? self : b->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
}

/* ---- 3. one run ----------------------------------------------------------------------- */

/* Resident pages of the file (mincore of a mapping); G_MAXUINT64 when it cannot tell. */
static guint64
resident_pages(int fd, guint64 size_bytes)
{
	guint64 pages = size_bytes / PCS_PAGE_SIZE + (size_bytes % PCS_PAGE_SIZE != 0), n = 0;
	g_autofree unsigned char *vec = NULL;
	void *map;

	map = mmap(NULL, size_bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return G_MAXUINT64;
	vec = g_malloc(pages);
	if (mincore(map, size_bytes, vec) != 0) {
		munmap(map, size_bytes);
		return G_MAXUINT64;
	}
	for (guint64 i = 0; i < pages; i++)
		n += vec[i] & 1;
	munmap(map, size_bytes);
	return n;
}

/* Brings the file into the cache (warm) or drops it (cold). Fails when a call fails. */
static gboolean
prepare_cache(int fd, guint64 size_bytes, gboolean cold, GError **error)
{
	if (cold) {
		int rc;

		if (fsync(fd) != 0)
			return fail_errno(error, errno, "fsync before dropping the file's pages");
		rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		if (rc != 0)
			return fail_errno(error, rc, "posix_fadvise(DONTNEED)");
	} else {
		const gsize chunk = 1u << 20;
		g_autofree char *buf = g_malloc(chunk);
		guint64 off = 0;

		while (off < size_bytes) {
			ssize_t n = pread(fd, buf, chunk, (off_t) off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return fail_errno(error, errno, "reading the file to warm the cache");
			if (n == 0)
				break;
			off += (guint64) n;
		}
	}
	return TRUE;
}

typedef struct {
	int     fd;
	guint64 bytes;
	int     err;
} Reader;

/* The other end: reads until end of file, counting bytes. */
static gpointer
reader_main(gpointer data)
{
	Reader *r = data;
	const gsize len = 256u << 10;
	g_autofree char *buf = g_malloc(len);

	for (;;) {
		ssize_t n = read(r->fd, buf, len);

		if (n > 0)
			r->bytes += (guint64) n;
		else if (n == 0)
			break;
		else if (errno != EINTR) {
			r->err = errno;
			break;
		}
	}
	return NULL;
}

/* Connects sv[0] (sender) to sv[1] (reader): a socketpair, or TCP over 127.0.0.1 with an
 * ephemeral port. Fails when a call fails; nothing stays open then. */
static gboolean
connect_pair(PcsSocketKind kind, int sv[2], GError **error)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	int lfd;

	sv[0] = sv[1] = -1;
	if (kind == PCS_SOCKET_UNIX) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
			return fail_errno(error, errno, "socketpair");
		return TRUE;
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return fail_errno(error, errno, "socket");
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(lfd, 1) != 0 ||
	    getsockname(lfd, (struct sockaddr *) &addr, &len) != 0)
		goto err;
	sv[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sv[0] < 0 || connect(sv[0], (struct sockaddr *) &addr, sizeof addr) != 0)
		goto err;
	sv[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (sv[1] < 0)
		goto err;
	close(lfd);
	return TRUE;
err:
	fail_errno(error, errno, "TCP connection over 127.0.0.1");
	close(lfd);
	if (sv[0] >= 0)
		close(sv[0]);
	sv[0] = -1;
	return FALSE;
}

/* What a sending loop reports: its system calls, and the error that stopped it. */
typedef struct {
	guint64 syscalls;
	int     err;          /* errno, 0 when all was sent */
	const char *what;     /* the call that failed */
} Sent;

/* send() all of buf (MSG_NOSIGNAL: a vanished reader is an error, not a signal). */
static gboolean
send_all(int sock, const char *buf, gsize len, Sent *s)
{
	while (len > 0) {
		ssize_t n = send(sock, buf, len, MSG_NOSIGNAL);

		s->syscalls++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->err = errno;
			s->what = "send";
			return FALSE;
		}
		buf += n;
		len -= (gsize) n;
	}
	return TRUE;
}

/* pread() then send(), per block, through buf (aligned for O_DIRECT). */
static void
send_read_write(int fd, int sock, guint64 size, guint64 block, char *buf, Sent *s)
{
	guint64 off = 0;

	while (off < size) {
		ssize_t n = pread(fd, buf, block, (off_t) off);

		s->syscalls++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			s->what = n < 0 ? "read" : "read (the file shrank)";
			return;
		}
		if (!send_all(sock, buf, (gsize) n, s))
			return;
		off += (guint64) n;
	}
}

static void
send_mmap_write(int fd, int sock, guint64 size, guint64 block, Sent *s)
{
	char *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);

	s->syscalls++;
	if (map == MAP_FAILED) {
		s->err = errno;
		s->what = "mmap";
		return;
	}
	for (guint64 off = 0; off < size; off += block)
		if (!send_all(sock, map + off, (gsize) MIN(block, size - off), s))
			break;
	munmap(map, size);
	s->syscalls++;
}

static void
send_sendfile(int fd, int sock, guint64 size, guint64 block, Sent *s)
{
	off_t off = 0;

	while ((guint64) off < size) {
		ssize_t n = sendfile(sock, fd, &off, (size_t) MIN(block, size - (guint64) off));

		s->syscalls++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			s->what = "sendfile";
			return;
		}
	}
}

/* file -> pipe -> socket; the pipe is grown to a block when the system lets it. */
static void
send_splice(int fd, int sock, guint64 size, guint64 block, Sent *s)
{
	int p[2];
	loff_t off = 0;

	if (pipe2(p, O_CLOEXEC) != 0) {
		s->syscalls++;
		s->err = errno;
		s->what = "pipe";
		return;
	}
	s->syscalls += 2;
	(void) fcntl(p[1], F_SETPIPE_SZ, (int) MIN(block, 1u << 20));
	while ((guint64) off < size) {
		ssize_t in = splice(fd, &off, p[1], NULL, (size_t) MIN(block, size - (guint64) off),
				    SPLICE_F_MOVE | SPLICE_F_MORE);

		s->syscalls++;
		if (in < 0 && errno == EINTR)
			continue;
		if (in <= 0) {
			s->err = in < 0 ? errno : EIO;
			s->what = "splice from the file";
			break;
		}
		while (in > 0) {
			ssize_t out = splice(p[0], NULL, sock, NULL, (size_t) in,
					     SPLICE_F_MOVE | SPLICE_F_MORE);

			s->syscalls++;
			if (out < 0 && errno == EINTR)
				continue;
			if (out <= 0) {
				s->err = out < 0 ? errno : EIO;
				s->what = "splice to the socket";
				goto out;
			}
			in -= out;
		}
	}
out:
	close(p[0]);
	close(p[1]);
	s->syscalls += 2;
}

/*
 * One method over one socket into r. Steps: a. the cache state, b. the connection and the
 * reader, c. the timed send, d. the checks. Fails when a call fails or bytes go missing; an
 * O_DIRECT refusal (EINVAL) makes r unavailable instead.
 */
static gboolean
run_one(PcsCopybench *b, int fd, PcsTransferMethod m, PcsSocketKind kind,
	PcsCopybenchResult *r, GError **error)
{
	guint64 size = b->size_bytes, block = b->block_bytes, t0, t1;
	struct rusage ru0, ru1;
	Reader rd = { -1, 0, 0 };
	GThread *thread;
	Sent s = { 0, 0, NULL };
	void *buf = NULL;
	int sv[2], dfd = -1;

	r->method = m;
	r->socket = kind;
	pcs_transfer_cost(m, size, block, &r->model);

	/* a. */
	if (!prepare_cache(fd, size, b->cold, error))
		return FALSE;
	r->resident_pages = resident_pages(fd, size);
	if (b->cold && r->resident_pages != 0)
		b->nr_not_dropped++;
	if (m == PCS_XFER_DIRECT) {
		dfd = open_direct(b, fd);
		if (dfd < 0 && errno == EINVAL) {
			r->reason = g_strdup_printf("O_DIRECT refused by the filesystem (%s)",
						    g_strerror(EINVAL));
			return TRUE;
		}
		if (dfd < 0)
			return fail_errno(error, errno, "open with O_DIRECT");
	}
	if (m == PCS_XFER_READ_WRITE || m == PCS_XFER_DIRECT) {
		int rc = posix_memalign(&buf, PCS_COPYBENCH_MIN_BLOCK, block);

		if (rc != 0) {
			if (dfd >= 0)
				close(dfd);
			return fail_errno(error, rc, "allocating the buffer");
		}
		memset(buf, 0, block);
	}

	/* b. */
	if (!connect_pair(kind, sv, error)) {
		free(buf);
		if (dfd >= 0)
			close(dfd);
		return FALSE;
	}
	rd.fd = sv[1];
	thread = g_thread_new("copybench-reader", reader_main, &rd);

	/* c. */
	getrusage(RUSAGE_THREAD, &ru0);
	t0 = now_ns();
	switch (m) {
	case PCS_XFER_READ_WRITE:
		send_read_write(fd, sv[0], size, block, buf, &s);
		break;
	case PCS_XFER_MMAP_WRITE:
		send_mmap_write(fd, sv[0], size, block, &s);
		break;
	case PCS_XFER_SENDFILE:
		send_sendfile(fd, sv[0], size, block, &s);
		break;
	case PCS_XFER_SPLICE:
		send_splice(fd, sv[0], size, block, &s);
		break;
	case PCS_XFER_DIRECT:
		send_read_write(dfd, sv[0], size, block, buf, &s);
		break;
	default:
		g_assert_not_reached();
	}
	shutdown(sv[0], SHUT_WR);
	s.syscalls++;
	g_thread_join(thread);
	t1 = now_ns();
	getrusage(RUSAGE_THREAD, &ru1);
	close(sv[0]);
	close(sv[1]);
	free(buf);
	if (dfd >= 0)
		close(dfd);

	/* d. */
	if (m == PCS_XFER_DIRECT && s.err == EINVAL && rd.bytes == 0) {
		r->reason = g_strdup_printf("O_DIRECT read refused by the filesystem (%s)",
					    g_strerror(EINVAL));
		return TRUE;
	}
	if (s.err)
		return fail(error, PCS_COPYBENCH_ERROR_FAILED, "%s over %s: %s: %s",
			    pcs_transfer_models()[m].name, pcs_socket_kind_name(kind), s.what,
			    g_strerror(s.err));
	if (rd.err)
		return fail(error, PCS_COPYBENCH_ERROR_FAILED, "%s over %s: the reader: %s",
			    pcs_transfer_models()[m].name, pcs_socket_kind_name(kind), g_strerror(rd.err));
	if (rd.bytes != size)
		return fail(error, PCS_COPYBENCH_ERROR_FAILED, "%s over %s: the reader got %"
			    G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT,
			    pcs_transfer_models()[m].name, pcs_socket_kind_name(kind), rd.bytes, size);
	r->available = TRUE;
	r->bytes = rd.bytes;
	r->wall_ns = MAX(t1 - t0, 1);
	r->user_ns = tv_ns(&ru1.ru_utime) - tv_ns(&ru0.ru_utime);
	r->sys_ns = tv_ns(&ru1.ru_stime) - tv_ns(&ru0.ru_stime);
	r->minor_faults = (guint64) (ru1.ru_minflt - ru0.ru_minflt);
	r->syscalls = s.syscalls;
	return TRUE;
}

PcsCopybench *
pcs_copybench_run(const PcsCopybenchConfig *cfg, GError **error)
{
	g_autoptr(PcsCopybench) b = NULL;
	guint nr_sockets, i = 0;
	gboolean ok = TRUE;
	int fd = -1;

	g_return_val_if_fail(cfg != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	/* 1. */
	if (!check_config(cfg, error))
		return NULL;
	b = g_new0(PcsCopybench, 1);
	b->block_bytes = cfg->block_bytes;
	b->cold = cfg->cold;

	/* 2. */
	if (!open_file(cfg, b, &fd, error))
		return NULL;
	b->file_pages = b->size_bytes / PCS_PAGE_SIZE + (b->size_bytes % PCS_PAGE_SIZE != 0);

	/* 3. */
	nr_sockets = !!(cfg->sockets & PCS_SOCKET_UNIX) + !!(cfg->sockets & PCS_SOCKET_TCP);
	b->results = g_new0(PcsCopybenchResult, nr_sockets * G_N_ELEMENTS(bench_methods));
	for (guint k = PCS_SOCKET_UNIX; ok && k <= PCS_SOCKET_TCP; k <<= 1) {
		if (!(cfg->sockets & k))
			continue;
		for (gsize j = 0; ok && j < G_N_ELEMENTS(bench_methods); j++) {
			ok = run_one(b, fd, bench_methods[j], (PcsSocketKind) k, &b->results[i],
				     error);
			i++;
			b->nr_results = i;
		}
	}
	close(fd);
	if (!ok)
		return NULL;
	return g_steal_pointer(&b);
}

/* ---- rendering ------------------------------------------------------------------------ */

static double
mb_per_s(const PcsCopybenchResult *r)
{
	return (double) r->bytes / 1e6 / ((double) r->wall_ns / 1e9);
}

void
pcs_copybench_render_normal(const PcsCopybench *b, GString *out)
{
	g_autofree char *size = pcs_format_size(b->size_bytes);
	g_autofree char *block = pcs_format_size(b->block_bytes);

	g_string_append_printf(out, "copybench: %s%s, %s in blocks of %s, %s cache\n", b->path,
			       b->created ? " (created, removed)" : "", size, block,
			       b->cold ? "cold" : "warm");
	if (b->cold && b->nr_not_dropped)
		g_string_append_printf(out, "warning: the cache could not be dropped before %u "
				       "of %u runs (pages still resident: see 'resident')\n",
				       b->nr_not_dropped, b->nr_results);
	g_string_append_printf(out, "%-18s %-66s | %s\n", "",
			       "measured (the sending thread)", "model (the zero-copy notes)");
	g_string_append_printf(out, "%-11s %-6s %9s %9s %8s %8s %9s %8s %9s | %6s %10s %9s "
			       "%9s %7s\n", "method", "socket", "MB/s", "wall ms", "user ms",
			       "sys ms", "syscalls", "faults", "resident", "DMA",
			       "CPU copied", "syscalls", "switches", "faults");
	for (guint i = 0; i < b->nr_results; i++) {
		const PcsCopybenchResult *r = &b->results[i];
		g_autofree char *copied = pcs_format_size(r->model.cpu_copy_bytes);
		char resident[32] = "?";

		if (r->resident_pages != G_MAXUINT64)
			g_snprintf(resident, sizeof resident, "%" G_GUINT64_FORMAT,
				   r->resident_pages);
		g_string_append_printf(out, "%-11s %-6s ", pcs_transfer_models()[r->method].name,
				       pcs_socket_kind_name(r->socket));
		if (r->available)
			g_string_append_printf(out, "%9.1f %9.2f %8.2f %8.2f %9" G_GUINT64_FORMAT
					       " %8" G_GUINT64_FORMAT " %9s", mb_per_s(r),
					       r->wall_ns / 1e6, r->user_ns / 1e6, r->sys_ns / 1e6,
					       r->syscalls, r->minor_faults, resident);
		else
			g_string_append_printf(out, "%-63s", "unavailable");
		g_string_append_printf(out, " | %6" G_GUINT64_FORMAT " %10s %9" G_GUINT64_FORMAT
				       " %9" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT "\n",
				       r->model.dma_transfers, copied, r->model.syscalls,
				       r->model.context_switches, r->model.page_faults);
		if (!r->available)
			g_string_append_printf(out, "%-18s (%s)\n", "", r->reason);
	}
}

static void
json_u64(GString *out, const char *key, guint64 v, gboolean comma)
{
	g_string_append_printf(out, "%s\"%s\":%" G_GUINT64_FORMAT, comma ? "," : "", key, v);
}

void
pcs_copybench_render_json(const PcsCopybench *b, GString *out)
{
	g_string_append_printf(out, "{\"format_version\":%d,\"command\":\"copybench\",\"file\":",
			       PCS_REPORT_FORMAT_VERSION);
	pcs_json_append_string(out, b->path);
	g_string_append_printf(out, ",\"created\":%s", b->created ? "true" : "false");
	json_u64(out, "size", b->size_bytes, TRUE);
	json_u64(out, "block", b->block_bytes, TRUE);
	g_string_append_printf(out, ",\"cache\":\"%s\"", b->cold ? "cold" : "warm");
	json_u64(out, "runs_not_dropped", b->nr_not_dropped, TRUE);
	g_string_append(out, ",\"results\":[");
	for (guint i = 0; i < b->nr_results; i++) {
		const PcsCopybenchResult *r = &b->results[i];

		g_string_append_printf(out, "%s{\"method\":\"%s\",\"socket\":\"%s\","
				       "\"available\":%s", i ? "," : "",
				       pcs_transfer_models()[r->method].name,
				       pcs_socket_kind_name(r->socket),
				       r->available ? "true" : "false");
		if (r->available) {
			json_u64(out, "bytes", r->bytes, TRUE);
			json_u64(out, "wall_ns", r->wall_ns, TRUE);
			g_string_append(out, ",\"mb_per_s\":");
			pcs_row_append_double(out, mb_per_s(r));
			json_u64(out, "user_ns", r->user_ns, TRUE);
			json_u64(out, "sys_ns", r->sys_ns, TRUE);
			json_u64(out, "syscalls", r->syscalls, TRUE);
			json_u64(out, "minor_faults", r->minor_faults, TRUE);
		} else {
			g_string_append(out, ",\"reason\":");
			pcs_json_append_string(out, r->reason);
		}
		if (r->resident_pages != G_MAXUINT64)
			json_u64(out, "resident_pages", r->resident_pages, TRUE);
		else
			g_string_append(out, ",\"resident_pages\":null");
		g_string_append(out, ",\"model\":{");
		json_u64(out, "blocks", r->model.blocks, FALSE);
		json_u64(out, "dma_transfers", r->model.dma_transfers, TRUE);
		json_u64(out, "cpu_copy_bytes", r->model.cpu_copy_bytes, TRUE);
		json_u64(out, "syscalls", r->model.syscalls, TRUE);
		json_u64(out, "context_switches", r->model.context_switches, TRUE);
		json_u64(out, "page_faults", r->model.page_faults, TRUE);
		g_string_append(out, "}}");
	}
	g_string_append(out, "]}\n");
}

static const char *const csv_columns[] = {
	"method", "socket", "available", "reason", "size", "block", "cache", "bytes", "wall_ns",
	"mb_per_s", "user_ns", "sys_ns", "syscalls", "minor_faults", "resident_pages",
	"model_blocks", "model_dma_transfers", "model_cpu_copy_bytes", "model_syscalls",
	"model_context_switches", "model_page_faults",
};

static void
csv_u64(GString *out, guint64 v)
{
	g_string_append_printf(out, ",%" G_GUINT64_FORMAT, v);
}

void
pcs_copybench_render_csv(const PcsCopybench *b, GString *out)
{
	for (gsize c = 0; c < G_N_ELEMENTS(csv_columns); c++)
		g_string_append_printf(out, "%s%s", c ? "," : "", csv_columns[c]);
	g_string_append_c(out, '\n');
	for (guint i = 0; i < b->nr_results; i++) {
		const PcsCopybenchResult *r = &b->results[i];

		g_string_append_printf(out, "%s,%s,%s,", pcs_transfer_models()[r->method].name,
				       pcs_socket_kind_name(r->socket),
				       r->available ? "true" : "false");
		pcs_row_append_csv_field(out, r->reason ? r->reason : "");
		csv_u64(out, b->size_bytes);
		csv_u64(out, b->block_bytes);
		g_string_append_printf(out, ",%s", b->cold ? "cold" : "warm");
		if (r->available) {
			csv_u64(out, r->bytes);
			csv_u64(out, r->wall_ns);
			g_string_append_c(out, ',');
			pcs_row_append_double(out, mb_per_s(r));
			csv_u64(out, r->user_ns);
			csv_u64(out, r->sys_ns);
			csv_u64(out, r->syscalls);
			csv_u64(out, r->minor_faults);
		} else {
			g_string_append(out, ",,,,,,,");
		}
		if (r->resident_pages != G_MAXUINT64)
			csv_u64(out, r->resident_pages);
		else
			g_string_append_c(out, ',');
		csv_u64(out, r->model.blocks);
		csv_u64(out, r->model.dma_transfers);
		csv_u64(out, r->model.cpu_copy_bytes);
		csv_u64(out, r->model.syscalls);
		csv_u64(out, r->model.context_switches);
		csv_u64(out, r->model.page_faults);
		g_string_append_c(out, '\n');
	}
}
