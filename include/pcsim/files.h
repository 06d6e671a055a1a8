/*
 * files.h - the table of files a replay knows, shared by every trace of one run.
 *
 * Trace readers intern file names here and put the returned dense id in their events, so
 * "a" in the first trace and "a" in the second are one file in the cache. Block traces name
 * their volumes (for example "#0"); names that begin with '#' never come from a text trace.
 * The table also keeps what the traces say about a file's size, for later models
 * (readahead never reads past EOF; direct I/O thresholds).
 */
#ifndef PCSIM_FILES_H
#define PCSIM_FILES_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct PcsFileTable PcsFileTable;

/* Returns a new empty table. Cannot fail. */
PcsFileTable *pcs_files_new(void);
/* Frees the table; NULL is a no-op. */
void pcs_files_free(PcsFileTable *t);
/* Returns the id of `name` (len bytes, need not be NUL-terminated), adding it when new.
 * Ids are dense from 0 in order of first appearance. Cannot fail. */
guint32 pcs_files_intern(PcsFileTable *t, const char *name, gsize len);
/* Returns the id of `name` or G_MAXUINT32 when the table does not have it. */
guint32 pcs_files_lookup(const PcsFileTable *t, const char *name);
/* The name of file `id` (owned by the table), or NULL when id is out of range. */
const char *pcs_files_name(const PcsFileTable *t, guint32 id);
/* How many files the table holds. */
guint32 pcs_files_count(const PcsFileTable *t);
/* Raise the known size of a file (the largest byte offset seen or declared). */
void pcs_files_note_size(PcsFileTable *t, guint32 id, guint64 size_bytes);
/* The known size of a file in bytes, 0 when nothing is known. */
guint64 pcs_files_size(const PcsFileTable *t, guint32 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcsFileTable, pcs_files_free)

G_END_DECLS

#endif
