/*
 * testutil.h - small helpers shared by pcsim's cmocka tests.
 */
#ifndef PCSIM_TESTUTIL_H
#define PCSIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <pcsim/event.h>

/* An event of op on [offset, offset + len) of file through stream, with no timestamp. */
static inline PcsIoEvent
tu_event(PcsOp op, guint32 file, guint64 offset, guint64 len, guint32 stream)
{
	PcsIoEvent ev = {
		.t_ns = PCS_TIME_UNKNOWN,
		.offset_bytes = offset,
		.len_bytes = len,
		.file = file,
		.stream = stream,
		.op = (guint8) op,
	};
	return ev;
}

/* Fails the test with the GError's message when cond is false. */
#define tu_assert_no_error(ok, error)                                                      \
	do {                                                                               \
		if (!(ok))                                                                 \
			fail_msg("%s", (error) ? (error)->message : "(no error set)");      \
	} while (0)

#endif
