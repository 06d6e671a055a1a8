/*
 * test-copybench.c - the transfer-path model table, its per-run figures, the benchmark's
 * configuration checks and its CSV/JSON renderers (sim/copybench.c).
 *
 * Table-driven: every method's constants as the zero-copy notes give them; the figures of
 * 4 MiB in 64 KiB blocks worked out by hand (64 blocks); uneven sizes round the blocks up;
 * bad configurations fail with PCS_COPYBENCH_ERROR_INVALID before any file is created; the
 * CSV of a hand-made result set parses back with every row as wide as the header. The real
 * runs (bytes moved on both sockets) are in tests/test-copybench-cli.sh; nothing here is timed.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pcsim/copybench.h>
#include <pcsim/table.h>

#define KIB G_GUINT64_CONSTANT (1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

static const struct {
	PcsTransferMethod m;
	const char *name;
	guint dma, cpu, sys, sw;
	gboolean faults, cache;
} model_cases[] = {
	{ PCS_XFER_READ_WRITE,  "read-write",  2, 2, 2, 4, FALSE, TRUE },
	{ PCS_XFER_MMAP_WRITE,  "mmap-write",  2, 1, 2, 4, TRUE,  TRUE },
	{ PCS_XFER_SENDFILE,    "sendfile",    2, 1, 1, 2, FALSE, TRUE },
	{ PCS_XFER_SENDFILE_SG, "sendfile-sg", 2, 0, 1, 2, FALSE, TRUE },
	{ PCS_XFER_SPLICE,      "splice",      2, 1, 1, 2, FALSE, TRUE },
	{ PCS_XFER_DIRECT,      "direct",      2, 1, 2, 4, FALSE, FALSE },
};

/* /model/table: the notes' constants, and find() by name. */
static void
test_model_table(void **state)
{
	const PcsTransferModel *t = pcs_transfer_models();

	assert_int_equal(G_N_ELEMENTS(model_cases), PCS_XFER_COUNT);
	for (gsize i = 0; i < G_N_ELEMENTS(model_cases); i++) {
		const PcsTransferModel *e = &t[model_cases[i].m];

		assert_string_equal(e->name, model_cases[i].name);
		assert_int_equal(e->dma_per_block, model_cases[i].dma);
		assert_int_equal(e->cpu_copies, model_cases[i].cpu);
		assert_int_equal(e->syscalls_per_block, model_cases[i].sys);
		assert_int_equal(e->switches_per_block, model_cases[i].sw);
		/* two mode switches per system call, as the notes count them */
		assert_int_equal(e->switches_per_block, 2 * e->syscalls_per_block);
		assert_int_equal(e->page_faults, model_cases[i].faults);
		assert_int_equal(e->uses_cache, model_cases[i].cache);
		assert_ptr_equal(pcs_transfer_model_find(model_cases[i].name), e);
	}
	assert_null(pcs_transfer_model_find("carrier-pigeon"));
	assert_null(pcs_transfer_model_find(""));
}

/* /model/cost: 4 MiB in 64 KiB blocks is 64 blocks; worked out by hand per method. */
static void
test_model_cost_4m(void **state)
{
	static const struct {
		PcsTransferMethod m;
		guint64 dma, cpu_bytes, sys, sw, faults;
	} want[] = {
		{ PCS_XFER_READ_WRITE,  128, 8 * MIB, 128, 256, 0 },
		{ PCS_XFER_MMAP_WRITE,  128, 4 * MIB, 128, 256, 1024 },
		{ PCS_XFER_SENDFILE,    128, 4 * MIB,  64, 128, 0 },
		{ PCS_XFER_SENDFILE_SG, 128, 0,        64, 128, 0 },
		{ PCS_XFER_SPLICE,      128, 4 * MIB,  64, 128, 0 },
		{ PCS_XFER_DIRECT,      128, 4 * MIB, 128, 256, 0 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
		PcsTransferCost c;

		pcs_transfer_cost(want[i].m, 4 * MIB, 64 * KIB, &c);
		assert_int_equal(c.blocks, 64);
		assert_int_equal(c.dma_transfers, want[i].dma);
		assert_int_equal(c.cpu_copy_bytes, want[i].cpu_bytes);
		assert_int_equal(c.syscalls, want[i].sys);
		assert_int_equal(c.context_switches, want[i].sw);
		assert_int_equal(c.page_faults, want[i].faults);
	}
}

/* /model/cost-uneven: a partial last block is a block; a partial last page is a fault. */
static void
test_model_cost_uneven(void **state)
{
	PcsTransferCost c;

	pcs_transfer_cost(PCS_XFER_MMAP_WRITE, 4 * MIB + 1, 64 * KIB, &c);
	assert_int_equal(c.blocks, 65);
	assert_int_equal(c.syscalls, 130);
	assert_int_equal(c.cpu_copy_bytes, 4 * MIB + 1);
	assert_int_equal(c.page_faults, 1025);
	pcs_transfer_cost(PCS_XFER_READ_WRITE, 1, 4 * KIB, &c);
	assert_int_equal(c.blocks, 1);
	assert_int_equal(c.cpu_copy_bytes, 2);
	pcs_transfer_cost(PCS_XFER_SENDFILE, 0, 4 * KIB, &c);
	assert_int_equal(c.blocks, 0);
	assert_int_equal(c.syscalls, 0);
}

/* /config/bad: every refusal happens before a file exists, with the option in the text. */
static void
test_config_bad(void **state)
{
	static const struct {
		guint64 size, block;
		const char *path;
		guint sockets;
		const char *needle;
	} cases[] = {
		{ 4 * MIB, 2 * KIB, NULL, PCS_SOCKET_UNIX, "--block" },
		{ 4 * MIB, 128 * MIB, NULL, PCS_SOCKET_UNIX, "--block" },
		{ 4 * MIB, 4 * KIB + 512, NULL, PCS_SOCKET_UNIX, "--block" },
		{ 0, 64 * KIB, NULL, PCS_SOCKET_UNIX, "--size" },
		{ 65 * GIB, 64 * KIB, NULL, PCS_SOCKET_UNIX, "--size" },
		{ 4 * MIB, 64 * KIB, NULL, 0, "--socket" },
		{ 0, 64 * KIB, "/nonexistent/pcsim-copybench", PCS_SOCKET_UNIX, "--file" },
		{ 0, 64 * KIB, "/", PCS_SOCKET_UNIX, "not a regular file" },
	};
	const char *env = g_getenv("TMPDIR");
	g_autofree char *dir = g_build_filename(env && *env ? env : "/tmp",
						"pcsim-cb-test-XXXXXX", NULL);
	g_autoptr(GDir) d = NULL;

	/* before anything asks g_get_tmp_dir(), which keeps its first answer */
	assert_non_null(g_mkdtemp(dir));
	g_setenv("TMPDIR", dir, TRUE);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		PcsCopybenchConfig cfg;
		PcsCopybench *b;

		pcs_copybench_config_init(&cfg);
		cfg.size_bytes = cases[i].size;
		cfg.block_bytes = cases[i].block;
		cfg.path = cases[i].path;
		cfg.sockets = cases[i].sockets;
		b = pcs_copybench_run(&cfg, &error);
		assert_null(b);
		assert_non_null(error);
		assert_true(g_error_matches(error, PCS_COPYBENCH_ERROR,
					    PCS_COPYBENCH_ERROR_INVALID));
		if (!strstr(error->message, cases[i].needle))
			fail_msg("case %zu: '%s' lacks '%s'", i, error->message, cases[i].needle);
	}
	d = g_dir_open(dir, 0, NULL);
	assert_non_null(d);
	assert_null(g_dir_read_name(d));
	g_rmdir(dir);
}

/* /render/csv: one row per result, each as wide as the header; a reason with a comma stays
 * one field; model columns are the cost's. */
static void
test_render_csv(void **state)
{
	PcsCopybenchResult results[2] = {
		{ .method = PCS_XFER_SENDFILE, .socket = PCS_SOCKET_TCP, .available = TRUE,
		  .bytes = 4 * MIB, .wall_ns = 2000000, .syscalls = 65, .resident_pages = 1024 },
		{ .method = PCS_XFER_DIRECT, .socket = PCS_SOCKET_UNIX, .available = FALSE,
		  .reason = (char *) "refused, \"EINVAL\"", .resident_pages = G_MAXUINT64 },
	};
	PcsCopybench b = { .path = (char *) "/tmp/x", .created = TRUE, .size_bytes = 4 * MIB,
			   .file_pages = 1024, .block_bytes = 64 * KIB, .results = results,
			   .nr_results = 2 };
	g_autoptr(GString) csv = g_string_new(NULL);
	g_autoptr(GString) json = g_string_new(NULL);
	g_autoptr(PcsTable) t = NULL;
	g_autoptr(GError) error = NULL;

	pcs_transfer_cost(PCS_XFER_SENDFILE, 4 * MIB, 64 * KIB, &results[0].model);
	pcs_transfer_cost(PCS_XFER_DIRECT, 4 * MIB, 64 * KIB, &results[1].model);
	pcs_copybench_render_csv(&b, csv);
	t = pcs_table_parse(csv->str, csv->len, "csv", &error);
	assert_non_null(t);
	assert_int_equal(t->rows->len, 2);
	assert_string_equal(pcs_table_get(t, 0, pcs_table_column(t, "method")), "sendfile");
	assert_string_equal(pcs_table_get(t, 0, pcs_table_column(t, "socket")), "tcp");
	assert_string_equal(pcs_table_get(t, 0, pcs_table_column(t, "bytes")), "4194304");
	assert_string_equal(pcs_table_get(t, 0, pcs_table_column(t, "mb_per_s")), "2097.152");
	assert_string_equal(pcs_table_get(t, 0, pcs_table_column(t, "model_syscalls")), "64");
	assert_string_equal(pcs_table_get(t, 0, pcs_table_column(t, "model_cpu_copy_bytes")),
			    "4194304");
	assert_string_equal(pcs_table_get(t, 1, pcs_table_column(t, "available")), "false");
	assert_string_equal(pcs_table_get(t, 1, pcs_table_column(t, "reason")),
			    "refused, \"EINVAL\"");
	assert_string_equal(pcs_table_get(t, 1, pcs_table_column(t, "mb_per_s")), "");
	assert_string_equal(pcs_table_get(t, 1, pcs_table_column(t, "resident_pages")), "");
	assert_string_equal(pcs_table_get(t, 1, pcs_table_column(t, "model_syscalls")), "128");

	pcs_copybench_render_json(&b, json);
	assert_non_null(strstr(json->str, "\"reason\":\"refused, \\\"EINVAL\\\"\""));
	assert_non_null(strstr(json->str, "\"mb_per_s\":2097.152,"));
	assert_int_equal(json->str[json->len - 1], '\n');
	assert_ptr_equal(strchr(json->str, '\n'), json->str + json->len - 1);  /* one line */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_table),
		cmocka_unit_test(test_model_cost_4m),
		cmocka_unit_test(test_model_cost_uneven),
		cmocka_unit_test(test_config_bad),
		cmocka_unit_test(test_render_csv),
	};

	return cmocka_run_group_tests_name("copybench", tests, NULL, NULL);
}
