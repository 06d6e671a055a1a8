/*
 * device-verify.h - page contents, verify headers and the journal of the simulated device
 * (internal to sim/device*.c).
 */
#ifndef PCSIM_DEVICE_VERIFY_H
#define PCSIM_DEVICE_VERIFY_H

#include <glib.h>

#define PCS_DEV_PAGE_BYTES 4096u
/* "PCSIMDV1" read as a little-endian 64-bit word. */
#define PCS_DEV_MAGIC G_GUINT64_CONSTANT (0x3156444d49534350)

/* The header --verify stamps over the first 32 bytes of a page written back. */
typedef struct {
	guint64 magic;
	guint32 file;
	guint32 gen;    /* write generation: 1 for the first version of the page */
	guint64 page;
	guint64 sum;    /* pcs_dev_page_sum() of the page with this field read as 0 */
} PcsDevHeader;

/* Fills a 4 KiB page with the content of generation gen of (file, page): a deterministic
 * pseudo-random stream, so runs, --data on/off and pcsim verify agree. Cannot fail. */
void pcs_dev_fill(guint8 *buf, guint32 file, guint64 page, guint32 gen);
/* Writes the verify header of (file, page, gen) over the first bytes of buf, with the
 * checksum of the whole page. Cannot fail. */
void pcs_dev_stamp(guint8 *buf, guint32 file, guint64 page, guint32 gen);
/* A 64-bit hash of a 4 KiB page, the header's sum field read as zero. Cannot fail. */
guint64 pcs_dev_page_sum(const guint8 *buf);
/*
 * Does buf hold generation gen of (file, page)? gen 0: a page never written, all zeros.
 * stamped: the page carries a verify header (checked: magic, identity, generation,
 * checksum); otherwise it must equal pcs_dev_fill()'s content byte for byte. Returns TRUE,
 * or FALSE with the reason in why ("checksum mismatch", "holds file 3 page 7", ...).
 */
gboolean pcs_dev_check(const guint8 *buf, guint32 file, guint64 page, guint32 gen,
		       gboolean stamped, char *why, gsize why_len);

/* One journal line: a page ever dirtied. */
typedef struct {
	guint32 file;
	guint32 dirtied;       /* newest generation dirtied */
	guint64 page;
	guint64 offset_bytes;  /* where it lives in the backing file */
	guint32 written;       /* newest generation written back (0: never) */
} PcsDevJournalEntry;

/* Journal: FILE.pcsim-journal, a text file (header lines, then one entry a line). Written
 * atomically (temporary file + rename). Fails with PCS_DEVICE_ERROR_OPEN naming the file. */
gboolean pcs_dev_journal_write(const char *device_path, gboolean stamped, gboolean reused,
			       const GArray *entries, GError **error);
/* Reads it back; entries is a new array of PcsDevJournalEntry. Fails with
 * PCS_DEVICE_ERROR_OPEN (missing/unreadable) or _VERIFY (malformed: "FILE:LINE: ..."). */
gboolean pcs_dev_journal_read(const char *device_path, gboolean *stamped, gboolean *reused,
			      GArray **entries, GError **error);

#endif
