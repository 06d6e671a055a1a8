/*
 * transfer.c - the transfer-path cost table (see transfer.h): `pcsim copybench` sets it
 * beside measured figures, replays count served reads with it.
 */
#include "config.h"

#include <string.h>
#include <pcsim/event.h>
#include <pcsim/transfer.h>

static const PcsTransferModel transfer_models[PCS_XFER_COUNT] = {
	/* name          dma cpu sys sw  faults cache */
	[PCS_XFER_READ_WRITE]  = { "read-write",  2, 2, 2, 4, FALSE, TRUE },
	[PCS_XFER_MMAP_WRITE]  = { "mmap-write",  2, 1, 2, 4, TRUE,  TRUE },
	[PCS_XFER_SENDFILE]    = { "sendfile",    2, 1, 1, 2, FALSE, TRUE },
	[PCS_XFER_SENDFILE_SG] = { "sendfile-sg", 2, 0, 1, 2, FALSE, TRUE },
	[PCS_XFER_SPLICE]      = { "splice",      2, 1, 1, 2, FALSE, TRUE },
	[PCS_XFER_DIRECT]      = { "direct",      2, 1, 2, 4, FALSE, FALSE },
};

/* The whole table. Cannot fail. */
const PcsTransferModel *
pcs_transfer_models(void)
{
	return transfer_models;
}

/* The entry named name; NULL when there is none. */
const PcsTransferModel *
pcs_transfer_model_find(const char *name)
{
	g_return_val_if_fail(name != NULL, NULL);
	for (guint i = 0; i < PCS_XFER_COUNT; i++)
		if (strcmp(transfer_models[i].name, name) == 0)
			return &transfer_models[i];
	return NULL;
}

/* The model's figures for size_bytes in blocks of block_bytes. Cannot fail. */
void
pcs_transfer_cost(PcsTransferMethod m, guint64 size_bytes, guint64 block_bytes,
		  PcsTransferCost *cost)
{
	const PcsTransferModel *t;

	g_return_if_fail((unsigned) m < PCS_XFER_COUNT && block_bytes > 0 && cost != NULL);
	t = &transfer_models[m];
	memset(cost, 0, sizeof *cost);
	cost->blocks = size_bytes / block_bytes + (size_bytes % block_bytes != 0);
	cost->dma_transfers = t->dma_per_block * cost->blocks;
	cost->cpu_copy_bytes = t->cpu_copies * size_bytes;
	cost->syscalls = t->syscalls_per_block * cost->blocks;
	cost->context_switches = t->switches_per_block * cost->blocks;
	if (t->page_faults)
		cost->page_faults = size_bytes / PCS_PAGE_SIZE + (size_bytes % PCS_PAGE_SIZE != 0);
}

