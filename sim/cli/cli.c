/*
 * cli.c - helpers shared by pcsim's subcommands: messages, progress, resource use.
 *
 * Progress goes to stderr only, at most four redraws a second, and by default only when
 * stderr is a terminal (so logs and pipes never fill with carriage returns).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <pcsim/config.h>
#include "cli.h"

static void
vmessage(const char *cmd, const char *kind, const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	fflush(stdout);
	fprintf(stderr, "pcsim%s%s: %s%s\n", cmd ? " " : "", cmd ? cmd : "", kind, msg);
}

void
pcs_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, "", fmt, ap);
	va_end(ap);
}

void
pcs_cli_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, "warning: ", fmt, ap);
	va_end(ap);
}

gboolean
pcs_progress_mode_parse(const char *text, PcsProgressMode *mode, GError **error)
{
	if (g_strcmp0(text, "auto") == 0)
		*mode = PCS_PROGRESS_AUTO;
	else if (g_strcmp0(text, "always") == 0)
		*mode = PCS_PROGRESS_ALWAYS;
	else if (g_strcmp0(text, "never") == 0)
		*mode = PCS_PROGRESS_NEVER;
	else {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
			    "--progress: expected auto, always or never, got '%s'", text);
		return FALSE;
	}
	return TRUE;
}

void
pcs_progress_init(PcsProgress *p, PcsProgressMode mode)
{
	memset(p, 0, sizeof *p);
	p->enabled = mode == PCS_PROGRESS_ALWAYS ||
		     (mode == PCS_PROGRESS_AUTO && isatty(STDERR_FILENO));
	p->start_us = p->last_us = g_get_monotonic_time();
}

void
pcs_progress_update(PcsProgress *p, const char *label, double fraction, guint64 done,
		    const char *unit)
{
	gint64 now;
	double secs, rate;
	char eta[32] = "";

	if (!p->enabled)
		return;
	now = g_get_monotonic_time();
	if (now - p->last_us < 250000)
		return;
	p->last_us = now;
	secs = (now - p->start_us) / 1e6;
	rate = secs > 0 ? done / secs : 0;
	if (fraction > 0.001 && fraction <= 1)
		g_snprintf(eta, sizeof eta, " ETA %.0fs", secs / fraction - secs);
	fprintf(stderr, "\r%s %5.1f%%  %.3g %s/s%s\033[K", label, fraction * 100, rate, unit, eta);
	fflush(stderr);
	p->drawn = TRUE;
}

void
pcs_progress_finish(PcsProgress *p)
{
	if (p->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->drawn = FALSE;
}

guint64
pcs_peak_rss_bytes(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (guint64) ru.ru_maxrss * 1024;  /* Linux reports KiB */
}
