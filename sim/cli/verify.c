/*
 * verify.c - `pcsim verify --device FILE`: what a device left by an earlier run holds.
 *
 * A replay with --device FILE (and --data on) leaves FILE.pcsim-journal: every page it ever
 * dirtied, where it lives, the newest generation dirtied and the newest written back. This
 * command reads each of those pages from FILE and sorts them (pcs_device_check_file()):
 *
 *   match    the device holds the newest version
 *   lost     it holds an older one: the page was dirty when the run stopped (--stop-after,
 *            or a crash): exactly the data a crash would lose
 *   corrupt  it holds neither (wrong header, identity or checksum, or other bytes)
 *
 * Output: a summary and one row per lost or corrupt page (normal), or one JSON object
 * (--output-format json). Exit 0 when nothing is lost or corrupt, 1 otherwise, 2 on usage
 * errors and when the device or its journal cannot be read.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <pcsim/pcsim.h>
#include <pcsim/device.h>
#include "cli.h"

#define CMD "verify"

static const char *const state_names[] = { "match", "lost", "corrupt" };

static void
render_normal(const char *path, const PcsDeviceCheck *c, GString *out)
{
	g_string_append_printf(out, "device %s (%s)\n", path, c->stamped ?
			       "pages carry --verify headers" : "pages checked byte for byte");
	g_string_append_printf(out, "  pages journaled  %" G_GUINT64_FORMAT "\n", c->nr_pages);
	g_string_append_printf(out, "  match            %" G_GUINT64_FORMAT "\n", c->nr_match);
	g_string_append_printf(out, "  lost             %" G_GUINT64_FORMAT
			       "  (dirty when the run stopped)\n", c->nr_lost);
	g_string_append_printf(out, "  corrupt          %" G_GUINT64_FORMAT "\n", c->nr_corrupt);
	if (c->problems->len == 0)
		return;
	g_string_append_printf(out, "\n%-8s %6s %12s %14s %8s %8s  %s\n", "state", "file", "page",
			       "offset_bytes", "dirtied", "written", "detail");
	for (guint i = 0; i < c->problems->len; i++) {
		const PcsDeviceCheckPage *p = &g_array_index(c->problems, PcsDeviceCheckPage, i);

		g_string_append_printf(out, "%-8s %6u %12" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT
				       " %8u %8u  %s\n", state_names[p->state], p->file, p->page,
				       p->offset_bytes, p->dirtied, p->written, p->why);
	}
}

static void
render_json(const char *path, const PcsDeviceCheck *c, GString *out)
{
	g_string_append(out, "{\"device\":");
	pcs_json_append_string(out, path);
	g_string_append_printf(out, ",\"stamped\":%s,\"pages\":%" G_GUINT64_FORMAT ",\"match\":%"
			       G_GUINT64_FORMAT ",\"lost\":%" G_GUINT64_FORMAT ",\"corrupt\":%"
			       G_GUINT64_FORMAT ",\"problems\":[", c->stamped ? "true" : "false",
			       c->nr_pages, c->nr_match, c->nr_lost, c->nr_corrupt);
	for (guint i = 0; i < c->problems->len; i++) {
		const PcsDeviceCheckPage *p = &g_array_index(c->problems, PcsDeviceCheckPage, i);

		g_string_append_printf(out, "%s{\"state\":\"%s\",\"file\":%u,\"page\":%"
				       G_GUINT64_FORMAT ",\"offset_bytes\":%" G_GUINT64_FORMAT
				       ",\"dirtied\":%u,\"written\":%u,\"detail\":", i ? "," : "",
				       state_names[p->state], p->file, p->page, p->offset_bytes,
				       p->dirtied, p->written);
		pcs_json_append_string(out, p->why);
		g_string_append_c(out, '}');
	}
	g_string_append(out, "]}\n");
}

int
pcs_cmd_verify(int argc, char **argv)
{
	g_autofree char *device = NULL;
	g_autofree char *output_format = NULL;
	GOptionEntry entries[] = {
		{ "device", 0, 0, G_OPTION_ARG_FILENAME, &device,
		  "the backing file a 'pcsim replay --device FILE' run left", "FILE" },
		{ "output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
		  "normal or json (default normal)", "FORMAT" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- check a device left by a run");
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	PcsDeviceCheck check;
	gboolean json = FALSE;
	int status;

	g_option_context_set_summary(ctx,
		"Reads FILE.pcsim-journal and checks every page the run dirtied: match, lost\n"
		"(dirty when the run stopped) or corrupt. Exit 0 when none is lost or corrupt.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (argc > 1) {
		pcs_cli_error(CMD, "unexpected argument '%s'", argv[1]);
		return PCS_EXIT_USAGE;
	}
	if (!device) {
		pcs_cli_error(CMD, "expected --device FILE (try 'pcsim verify --help')");
		return PCS_EXIT_USAGE;
	}
	if (output_format && strcmp(output_format, "json") == 0) {
		json = TRUE;
	} else if (output_format && strcmp(output_format, "normal") != 0) {
		pcs_cli_error(CMD, "--output-format: expected normal or json, got '%s'",
			      output_format);
		return PCS_EXIT_USAGE;
	}
	if (!pcs_device_check_file(device, &check, &error)) {
		pcs_cli_error(CMD, "%s", error->message);
		return PCS_EXIT_USAGE;
	}
	if (json)
		render_json(device, &check, out);
	else
		render_normal(device, &check, out);
	fwrite(out->str, 1, out->len, stdout);
	status = check.nr_lost || check.nr_corrupt ? PCS_EXIT_FAILURE : PCS_EXIT_OK;
	pcs_device_check_clear(&check);
	return status;
}
