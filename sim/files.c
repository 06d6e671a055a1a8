/*
 * files.c - the replay's table of file names, sizes and dense ids.
 *
 * A GHashTable maps names to ids; a GPtrArray and a GArray give names and known sizes by id.
 * Readers intern names when they first meet them (a cold path: once per file, not per
 * record). Invariant: ids are 0..count-1, names[id] is owned by the table, and the hash table's
 * keys are those same strings.
 */
#include "config.h"

#include <string.h>
#include <pcsim/files.h>

struct PcsFileTable {
	GHashTable *by_name;  /* char* (owned by names) -> GUINT_TO_POINTER(id + 1) */
	GPtrArray  *names;    /* id -> char* */
	GArray     *sizes;    /* id -> guint64 bytes */
};

PcsFileTable *
pcs_files_new(void)
{
	PcsFileTable *t = g_new0(PcsFileTable, 1);

	t->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	t->names = g_ptr_array_new_with_free_func(g_free);
	t->sizes = g_array_new(FALSE, TRUE, sizeof(guint64));
	return t;
}

void
pcs_files_free(PcsFileTable *t)
{
	if (!t)
		return;
	g_hash_table_destroy(t->by_name);
	g_ptr_array_free(t->names, TRUE);
	g_array_free(t->sizes, TRUE);
	g_free(t);
}

guint32
pcs_files_intern(PcsFileTable *t, const char *name, gsize len)
{
	char stackbuf[256];
	char *key = len < sizeof stackbuf ? stackbuf : g_malloc(len + 1);
	gpointer v;
	guint32 id;

	memcpy(key, name, len);
	key[len] = '\0';
	v = g_hash_table_lookup(t->by_name, key);
	if (v) {
		if (key != stackbuf)
			g_free(key);
		return GPOINTER_TO_UINT(v) - 1;
	}
	id = t->names->len;
	if (key == stackbuf)
		key = g_strndup(name, len);
	g_ptr_array_add(t->names, key);
	g_array_set_size(t->sizes, id + 1);
	g_hash_table_insert(t->by_name, key, GUINT_TO_POINTER(id + 1));
	return id;
}

guint32
pcs_files_lookup(const PcsFileTable *t, const char *name)
{
	gpointer v = g_hash_table_lookup(t->by_name, name);

	return v ? GPOINTER_TO_UINT(v) - 1 : G_MAXUINT32;
}

const char *
pcs_files_name(const PcsFileTable *t, guint32 id)
{
	return id < t->names->len ? g_ptr_array_index(t->names, id) : NULL;
}

guint32
pcs_files_count(const PcsFileTable *t)
{
	return t->names->len;
}

void
pcs_files_note_size(PcsFileTable *t, guint32 id, guint64 size_bytes)
{
	guint64 *s;

	g_return_if_fail(id < t->sizes->len);
	s = &g_array_index(t->sizes, guint64, id);
	if (size_bytes > *s)
		*s = size_bytes;
}

guint64
pcs_files_size(const PcsFileTable *t, guint32 id)
{
	return id < t->sizes->len ? g_array_index(t->sizes, guint64, id) : 0;
}
