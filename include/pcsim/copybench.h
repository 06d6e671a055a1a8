/*
 * copybench.h - transfer-path cost model (the zero-copy notes' table) and a real benchmark
 * of the copy paths on this machine (pcsim copybench).
 *
 * The model: for each way of sending a file to a socket, what one block costs in DMA
 * transfers, CPU copies, system calls and context switches. One const table, shared by the
 * benchmark (which prints it next to what it measured) and, later, by the replay-side
 * accounting of issue 8.
 *
 * The benchmark: send one file through a local socket (AF_UNIX socketpair or TCP on
 * 127.0.0.1) drained by a reader thread, once per method, counting the bytes the reader got,
 * the wall and CPU time, and the system calls the sending loop made.
 */
#ifndef PCSIM_COPYBENCH_H
#define PCSIM_COPYBENCH_H

#include <glib.h>
#include <pcsim/transfer.h>

G_BEGIN_DECLS

/* ---- the benchmark ------------------------------------------------------------------- */

#define PCS_COPYBENCH_ERROR (pcs_copybench_error_quark ())
GQuark pcs_copybench_error_quark(void);
typedef enum {
	PCS_COPYBENCH_ERROR_INVALID,  /* a bad option: size, block, file (usage error) */
	PCS_COPYBENCH_ERROR_FAILED,   /* a system call failed, or bytes went missing */
} PcsCopybenchErrorCode;

typedef enum {
	PCS_SOCKET_UNIX = 1 << 0,     /* AF_UNIX socketpair */
	PCS_SOCKET_TCP  = 1 << 1,     /* TCP over 127.0.0.1, an ephemeral port */
} PcsSocketKind;

#define PCS_COPYBENCH_MAX_BYTES   (G_GUINT64_CONSTANT (64) << 30)   /* 64 GiB */
#define PCS_COPYBENCH_MIN_BLOCK   (4u << 10)                        /* 4 KiB */
#define PCS_COPYBENCH_MAX_BLOCK   (64u << 20)                       /* 64 MiB */

typedef struct {
	guint64     size_bytes;    /* of the file to create (ignored with path) */
	const char *path;          /* an existing regular file to read, or NULL: create one */
	guint64     block_bytes;   /* per system call; a multiple of 4 KiB */
	gboolean    cold;          /* drop the file's pages before each run (else warm it) */
	guint       sockets;       /* PcsSocketKind mask */
} PcsCopybenchConfig;

/* One method over one socket. */
typedef struct {
	PcsTransferMethod method;
	PcsSocketKind     socket;
	gboolean          available;
	char             *reason;           /* why not available (owned), else NULL */
	guint64           bytes;            /* counted by the reader */
	guint64           wall_ns;
	guint64           user_ns, sys_ns;  /* CPU time of the sending thread */
	guint64           syscalls;         /* made by the sending loop (setup included) */
	guint64           minor_faults;     /* of the sending thread */
	guint64           resident_pages;   /* of the file, just before the run (mincore) */
	PcsTransferCost   model;
} PcsCopybenchResult;

typedef struct {
	char               *path;           /* of the file read (created ones: already removed) */
	gboolean            created;
	guint64             size_bytes;
	guint64             file_pages;     /* pages of the file (4 KiB) */
	guint64             block_bytes;
	gboolean            cold;
	guint               nr_not_dropped; /* cold runs whose file kept resident pages */
	PcsCopybenchResult *results;
	guint               nr_results;
} PcsCopybench;

/* Fills cfg with the defaults: 1 GiB created file, 64 KiB blocks, warm, both sockets. */
void pcs_copybench_config_init(PcsCopybenchConfig *cfg);
/*
 * Runs every method over every socket of cfg and returns the results (caller frees with
 * pcs_copybench_free()). Fails with PCS_COPYBENCH_ERROR_INVALID on a bad configuration
 * (checked before anything is created: size 0 or above 64 GiB or the free space, block out of
 * 4K..64M or not a multiple of 4K, a path that is not a readable regular file) and with
 * PCS_COPYBENCH_ERROR_FAILED when a system call fails or the reader does not get every byte.
 * A method the system refuses (O_DIRECT on a filesystem without it) is a result with
 * available FALSE and a reason, not a failure. A file it created is removed in every case.
 */
PcsCopybench *pcs_copybench_run(const PcsCopybenchConfig *cfg, GError **error);
void pcs_copybench_free(PcsCopybench *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsCopybench, pcs_copybench_free)

/* "unix", "tcp". */
const char *pcs_socket_kind_name(PcsSocketKind k);
/* Renderers: a table for people, one JSON line, CSV (a header, one row per result). */
void pcs_copybench_render_normal(const PcsCopybench *b, GString *out);
void pcs_copybench_render_json(const PcsCopybench *b, GString *out);
void pcs_copybench_render_csv(const PcsCopybench *b, GString *out);

G_END_DECLS

#endif
