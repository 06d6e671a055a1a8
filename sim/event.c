/*
 * event.c - names of ops and fadvise advice, as pcsim's text format spells them.
 *
 * The tables here are the single source of the spelling: the text reader, the text writer,
 * reports ("ops" object) and the documentation all go through pcs_op_name() and
 * pcs_advice_name().
 */
#include "config.h"

#include <string.h>
#include <pcsim/event.h>

static const char *const op_names[PCS_OP_COUNT] = {
	[PCS_OP_READ] = "read",
	[PCS_OP_WRITE] = "write",
	[PCS_OP_FSYNC] = "fsync",
	[PCS_OP_FDATASYNC] = "fdatasync",
	[PCS_OP_SYNC] = "sync",
	[PCS_OP_OPEN] = "open",
	[PCS_OP_CLOSE] = "close",
	[PCS_OP_FADVISE] = "fadvise",
	[PCS_OP_MMAP_READ] = "mmap-read",
	[PCS_OP_MMAP_WRITE] = "mmap-write",
	[PCS_OP_DIRECT_READ] = "direct-read",
	[PCS_OP_DIRECT_WRITE] = "direct-write",
	[PCS_OP_SENDFILE] = "sendfile",
	[PCS_OP_TRUNCATE] = "truncate",
	[PCS_OP_SYNC_RANGE] = "sync-range",
};

static const char *const advice_names[PCS_ADVICE_COUNT] = {
	[PCS_ADVICE_NONE] = "",
	[PCS_ADVICE_NORMAL] = "normal",
	[PCS_ADVICE_SEQUENTIAL] = "sequential",
	[PCS_ADVICE_RANDOM] = "random",
	[PCS_ADVICE_WILLNEED] = "willneed",
	[PCS_ADVICE_DONTNEED] = "dontneed",
};

const char *
pcs_op_name(PcsOp op)
{
	return (unsigned) op < PCS_OP_COUNT ? op_names[op] : NULL;
}

gboolean
pcs_op_from_name(const char *name, gsize len, PcsOp *op)
{
	for (unsigned i = 0; i < PCS_OP_COUNT; i++) {
		if (strlen(op_names[i]) == len && memcmp(op_names[i], name, len) == 0) {
			*op = (PcsOp) i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
pcs_advice_name(PcsAdvice a)
{
	return (unsigned) a < PCS_ADVICE_COUNT ? advice_names[a] : NULL;
}

gboolean
pcs_advice_from_name(const char *name, gsize len, PcsAdvice *a)
{
	for (unsigned i = 1; i < PCS_ADVICE_COUNT; i++) {
		if (strlen(advice_names[i]) == len && memcmp(advice_names[i], name, len) == 0) {
			*a = (PcsAdvice) i;
			return TRUE;
		}
	}
	return FALSE;
}
