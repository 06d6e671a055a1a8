/*
 * transfer.c - the transfer-path cost table (see transfer.h).
 */
#include "config.h"

#include <pcsim/transfer.h>

static const PcsTransferModel models[PCS_SERVE_COUNT] = {
	[PCS_SERVE_READ_WRITE]  = { "read-write", 2, 2, FALSE, FALSE },
	[PCS_SERVE_MMAP_WRITE]  = { "mmap-write", 1, 2, TRUE, FALSE },
	[PCS_SERVE_SENDFILE]    = { "sendfile", 1, 1, FALSE, FALSE },
	[PCS_SERVE_SENDFILE_SG] = { "sendfile-sg", 0, 1, FALSE, FALSE },
	[PCS_SERVE_DIRECT]      = { "direct", 1, 2, FALSE, TRUE },
};

const PcsTransferModel *
pcs_transfer_model(PcsServeMethod m)
{
	return m > PCS_SERVE_TRACE && m < PCS_SERVE_COUNT ? &models[m] : NULL;
}
