/*
 * plot.c - pcsim's results drawn by gnuplot; nothing else in pcsim knows gnuplot.
 *
 *   PcsTable (results CSV) ─1─► series, indices, variables ─2─► DIR/NAME.csv
 *                                                               DIR/NAME.gp  (variables + plots/KIND.gp)
 *                                                           ─3─► gnuplot NAME.gp (in DIR, no shell)
 *                                                               ─► image, or ASCII on stdout
 *
 * 1. What to draw is derived from the column names, never positions:
 *    - mrc: x "cache", y "hit_ratio"; a series per combination of the other parameters
 *      (columns named like a PcsParam) whose values differ between rows, so a sweep of
 *      cache x readahead gives one line per readahead. Rows are sorted by series, then x.
 *    - heatmap: the two parameters that vary ("cache" first when it does) on x and y as
 *      category indices (a grid of sizes is not evenly spaced), colour hit_ratio.
 *    - timeline / lists: x is t_ns in seconds when the trace had timestamps, else requests;
 *      timeline draws interval_hit_ratio and hit_ratio, lists every gauge column of the
 *      statistics table that the data has (active_pages, inactive_pages, ..., and any gauge
 *      added later, such as dirty pages).
 *    - copybench: a bar of "mb_per_s" per "method" (x, category indices in the order of the
 *      rows) and "socket" (one series each); a method that was unavailable has no bar.
 *    - fidelity: x "time_s", two steps "recorded_read_bytes" and "predicted_read_bytes".
 * 2. The script written next to the data starts with the variables, then the text of
 *    plots/KIND.gp, so `cd DIR && gnuplot NAME.gp` draws the same image again, and the user
 *    can edit it. The shipped scripts default every variable, so they also run alone:
 *    `gnuplot -e "datafile='x.csv'" plots/mrc.gp`.
 * 3. gnuplot comes from PATH at run time. Missing: the data and script are written anyway
 *    and PCS_PLOT_ERROR_NO_GNUPLOT says how to install it. Failing: its stderr becomes the
 *    error message and the (empty or partial) image is removed.
 *
 * Entry points: pcs_plot_kind_name/_parse, pcs_plot_find_script, pcs_plot_table.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include <pcsim/config.h>
#include <pcsim/plot.h>
#include <pcsim/stats.h>
#include "rowfmt.h"

G_DEFINE_QUARK (pcs-plot-error-quark, pcs_plot_error)

static const char *const kind_names[PCS_PLOT_KIND_COUNT] = {
	"mrc", "heatmap", "timeline", "lists", "copybench", "fidelity",
};

const char *
pcs_plot_kind_name(PcsPlotKind kind)
{
	g_return_val_if_fail (kind < PCS_PLOT_KIND_COUNT, NULL);
	return kind_names[kind];
}

gboolean
pcs_plot_kind_parse(const char *text, PcsPlotKind *kind, GError **error)
{
	for (guint i = 0; i < PCS_PLOT_KIND_COUNT; i++) {
		if (strcmp(text, kind_names[i]) == 0) {
			*kind = (PcsPlotKind) i;
			return TRUE;
		}
	}
	g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_DATA,
		    "--kind: expected mrc, heatmap, timeline, lists, copybench or fidelity, got '%s'",
		    text);
	return FALSE;
}

char *
pcs_plot_find_script(PcsPlotKind kind, GError **error)
{
	g_autofree char *name = g_strconcat(kind_names[kind], ".gp", NULL);
	const char *env = g_getenv("PCSIM_PLOTS_DIR");
	g_autofree char *src = g_build_filename(PCSIM_SRCDIR, "plots", NULL);
	const char *dirs[] = { env, src, PCSIM_DATADIR };
	GString *tried = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++) {
		char *path;

		if (!dirs[i] || !dirs[i][0])
			continue;
		path = g_build_filename(dirs[i], name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_string_free(tried, TRUE);
			return path;
		}
		g_string_append_printf(tried, "%s%s", tried->len ? ", " : "", path);
		g_free(path);
	}
	g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_FAILED,
		    "cannot find the gnuplot script %s (looked at %s; set PCSIM_PLOTS_DIR to the "
		    "directory of pcsim's plots/*.gp)", name, tried->str);
	g_string_free(tried, TRUE);
	return NULL;
}

/* ---- 1. what to draw ------------------------------------------------------------------ */

typedef struct {
	guint  row;
	guint  series;
	double x;
} Order;

static int
order_cmp(gconstpointer a, gconstpointer b)
{
	const Order *p = a, *q = b;

	if (p->series != q->series)
		return p->series < q->series ? -1 : 1;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->row < q->row ? -1 : p->row > q->row;
}

/* TRUE when the column has two values among the rows that have a hit ratio (a failed
 * sweep job has none, and its configuration is the one asked, not the effective one). */
static gboolean
column_varies(const PcsTable *t, guint col)
{
	gint hr = pcs_table_column(t, "hit_ratio");
	const char *first = NULL;

	for (guint r = 0; r < t->rows->len; r++) {
		const char *v = pcs_table_get(t, r, col);

		if (hr >= 0 && pcs_table_get(t, r, (guint) hr)[0] == '\0')
			continue;
		if (!first)
			first = v;
		else if (strcmp(v, first) != 0)
			return TRUE;
	}
	return FALSE;
}

/* Parameter columns whose values differ between rows, in header order, except `except`. */
static GArray *
varying_params(const PcsTable *t, const char *except)
{
	GArray *cols = g_array_new(FALSE, FALSE, sizeof(guint));

	for (guint c = 0; c < t->names->len; c++) {
		const char *name = g_ptr_array_index(t->names, c);

		if (except && strcmp(name, except) == 0)
			continue;
		if (pcs_param_find(name) && column_varies(t, c))
			g_array_append_val(cols, c);
	}
	return cols;
}

/* A gnuplot single-quoted string literal ('' stands for a quote). */
static void
append_gp_string(GString *out, const char *s)
{
	g_string_append_c(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			g_string_append_c(out, '\'');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '\'');
}

static void
set_var(GString *vars, const char *name, const char *value)
{
	g_string_append_printf(vars, "%s = ", name);
	append_gp_string(vars, value);
	g_string_append_c(vars, '\n');
}

/* A value for people: sizes of size parameters as "64M", the rest unchanged. */
static char *
human_value(const char *column, const char *value)
{
	const PcsParam *p = pcs_param_find(column);
	guint64 v;

	if (p && (p->type == PCS_PARAM_SIZE || g_str_equal(p->arg, "SIZE|auto")) &&
	    pcs_parse_size(value, &v, NULL))
		return pcs_format_size(v);
	return g_strdup(value);
}

/* Category indices of a column: distinct values in numeric order (text order otherwise). */
static GPtrArray *
distinct_values(const PcsTable *t, guint col)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *vals = g_ptr_array_new();

	for (guint r = 0; r < t->rows->len; r++) {
		const char *v = pcs_table_get(t, r, col);

		if (g_hash_table_add(seen, (gpointer) v))
			g_ptr_array_add(vals, (gpointer) v);
	}
	return vals;
}

static int
numeric_cmp(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *) a, *y = *(const char *const *) b;
	char *ex, *ey;
	double dx = g_ascii_strtod(x, &ex), dy = g_ascii_strtod(y, &ey);

	if (*ex == '\0' && *ey == '\0' && x[0] && y[0])
		return dx < dy ? -1 : dx > dy;
	return strcmp(x, y);
}

static guint
index_of(GPtrArray *vals, const char *v)
{
	for (guint i = 0; i < vals->len; i++)
		if (strcmp(g_ptr_array_index(vals, i), v) == 0)
			return i;
	return 0;
}

static void
append_tics(GString *vars, const char *name, const char *column, GPtrArray *vals)
{
	GString *tics = g_string_new("(");

	for (guint i = 0; i < vals->len; i++) {
		g_autofree char *h = human_value(column, g_ptr_array_index(vals, i));

		g_string_append_printf(tics, "%s\"%s\" %u", i ? ", " : "", h, i);
	}
	g_string_append_c(tics, ')');
	set_var(vars, name, tics->str);
	g_string_free(tics, TRUE);
}

static gboolean
need_column(const PcsTable *t, const char *name, PcsPlotKind kind, GError **error)
{
	if (pcs_table_column(t, name) >= 0)
		return TRUE;
	g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_DATA,
		    "a %s plot needs a column '%s', and the data has none", kind_names[kind], name);
	return FALSE;
}

/* The x axis of time series: seconds of trace time when known, else requests. */
static void
time_axis(const PcsTable *t, GString *vars)
{
	gint tc = pcs_table_column(t, "t_ns");
	gboolean timed = tc >= 0 && t->rows->len > 0;

	for (guint r = 0; timed && r < t->rows->len; r++)
		timed = pcs_table_get(t, r, (guint) tc)[0] != '\0';
	set_var(vars, "xcol", timed ? "t_ns" : "requests");
	g_string_append_printf(vars, "xscale = %s\n", timed ? "1e-9" : "1");
	set_var(vars, "xlabel", timed ? "trace time (s)" : "requests");
}

/*
 * Derives the data to write (the input's rows, reordered, with added columns) and the
 * variables of the script. Fails with PCS_PLOT_ERROR_DATA.
 */
static gboolean
derive(const PcsTable *t, PcsPlotKind kind, GString *csv, GString *vars, GError **error)
{
	g_autofree Order *order = g_new0(Order, MAX(t->rows->len, 1));
	g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func(g_free);  /* per row */
	const char *extra_names = NULL;

	if (t->rows->len == 0) {
		g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_DATA, "the data has no rows");
		return FALSE;
	}
	for (guint r = 0; r < t->rows->len; r++)
		order[r].row = r;
	switch (kind) {
	case PCS_PLOT_MRC: {
		g_autoptr(GArray) vary = NULL;
		g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal,
								   g_free, NULL);
		GString *titles = g_string_new(NULL);
		gint xc, yc;

		if (!need_column(t, "cache", kind, error) ||
		    !need_column(t, "hit_ratio", kind, error)) {
			g_string_free(titles, TRUE);
			return FALSE;
		}
		xc = pcs_table_column(t, "cache");
		yc = pcs_table_column(t, "hit_ratio");
		vary = varying_params(t, "cache");
		for (guint r = 0; r < t->rows->len; r++) {
			GString *key = g_string_new(NULL);
			gpointer id;

			for (guint i = 0; i < vary->len; i++) {
				guint c = g_array_index(vary, guint, i);
				g_autofree char *h = human_value(g_ptr_array_index(t->names, c),
								 pcs_table_get(t, r, c));

				g_string_append_printf(key, "%s%s=%s", i ? "," : "",
						       (char *) g_ptr_array_index(t->names, c), h);
			}
			if (key->len == 0)
				g_string_append(key, "hit_ratio");
			g_strdelimit(key->str, " '\"", '_');
			if (!g_hash_table_lookup_extended(ids, key->str, NULL, &id)) {
				id = GUINT_TO_POINTER(g_hash_table_size(ids) + 1);
				g_string_append_printf(titles, "%s%s", titles->len ? " " : "",
						       key->str);
				g_hash_table_insert(ids, g_strdup(key->str), id);
			}
			g_string_free(key, TRUE);
			order[r].series = GPOINTER_TO_UINT(id);
			order[r].x = g_ascii_strtod(pcs_table_get(t, r, (guint) xc), NULL);
			/* a failed job has no hit ratio: it is not drawn */
			if (pcs_table_get(t, r, (guint) yc)[0] == '\0')
				order[r].series = G_MAXUINT;
		}
		qsort(order, t->rows->len, sizeof *order, order_cmp);
		for (guint r = 0; r < t->rows->len; r++)
			g_ptr_array_add(extra, g_strdup_printf("%u", order[r].series == G_MAXUINT ?
								    0 : order[r].series));
		extra_names = "series";
		g_string_append_printf(vars, "nseries = %u\n", g_hash_table_size(ids));
		set_var(vars, "titles", titles->str);
		set_var(vars, "xcol", "cache");
		set_var(vars, "ycol", "hit_ratio");
		g_string_free(titles, TRUE);
		break;
	}
	case PCS_PLOT_HEATMAP: {
		g_autoptr(GArray) vary = varying_params(t, NULL);
		g_autoptr(GPtrArray) xs = NULL, ys = NULL;
		gint cache = pcs_table_column(t, "cache");
		guint xc, yc;

		if (!need_column(t, "hit_ratio", kind, error))
			return FALSE;
		if (vary->len != 2) {
			g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_DATA,
				    "a heatmap needs exactly two parameters that vary; the data has "
				    "%u", vary->len);
			return FALSE;
		}
		xc = g_array_index(vary, guint, 0);
		yc = g_array_index(vary, guint, 1);
		if (cache >= 0 && (guint) cache == yc) {
			yc = xc;
			xc = (guint) cache;
		}
		xs = distinct_values(t, xc);
		ys = distinct_values(t, yc);
		g_ptr_array_sort(xs, numeric_cmp);
		g_ptr_array_sort(ys, numeric_cmp);
		for (guint r = 0; r < t->rows->len; r++)
			g_ptr_array_add(extra, g_strdup_printf("%u,%u",
				index_of(xs, pcs_table_get(t, r, xc)),
				index_of(ys, pcs_table_get(t, r, yc))));
		extra_names = "x_index,y_index";
		set_var(vars, "xlabel", g_ptr_array_index(t->names, xc));
		set_var(vars, "ylabel", g_ptr_array_index(t->names, yc));
		append_tics(vars, "xtics_spec", g_ptr_array_index(t->names, xc), xs);
		append_tics(vars, "ytics_spec", g_ptr_array_index(t->names, yc), ys);
		g_string_append_printf(vars, "nx = %u\nny = %u\n", xs->len, ys->len);
		set_var(vars, "zcol", "hit_ratio");
		break;
	}
	case PCS_PLOT_TIMELINE:
		if (!need_column(t, "hit_ratio", kind, error) ||
		    !need_column(t, "interval_hit_ratio", kind, error) ||
		    !need_column(t, "requests", kind, error))
			return FALSE;
		time_axis(t, vars);
		break;
	case PCS_PLOT_LISTS: {
		GString *cols = g_string_new(NULL);

		if (!need_column(t, "requests", kind, error)) {
			g_string_free(cols, TRUE);
			return FALSE;
		}
		for (const PcsStatField *f = pcs_stat_fields(); f->name; f++)
			if (f->kind == PCS_STAT_GAUGE && pcs_table_column(t, f->name) >= 0)
				g_string_append_printf(cols, "%s%s", cols->len ? " " : "", f->name);
		if (cols->len == 0) {
			g_string_free(cols, TRUE);
			g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_DATA,
				    "a lists plot needs page gauges (active_pages, inactive_pages, "
				    "...): use a time series (pcsim replay --timeline FILE.csv)");
			return FALSE;
		}
		set_var(vars, "ycols", cols->str);
		g_string_free(cols, TRUE);
		time_axis(t, vars);
		break;
	}
	case PCS_PLOT_COPYBENCH: {
		g_autoptr(GPtrArray) methods = NULL, sockets = NULL;
		GString *titles = g_string_new(NULL);
		gint mc, sc;

		if (!need_column(t, "method", kind, error) ||
		    !need_column(t, "socket", kind, error) ||
		    !need_column(t, "mb_per_s", kind, error)) {
			g_string_free(titles, TRUE);
			return FALSE;
		}
		mc = pcs_table_column(t, "method");
		sc = pcs_table_column(t, "socket");
		methods = distinct_values(t, (guint) mc);
		sockets = distinct_values(t, (guint) sc);
		for (guint r = 0; r < t->rows->len; r++)
			g_ptr_array_add(extra, g_strdup_printf("%u,%u",
				index_of(methods, pcs_table_get(t, r, (guint) mc)),
				index_of(sockets, pcs_table_get(t, r, (guint) sc)) + 1));
		for (guint i = 0; i < sockets->len; i++)
			g_string_append_printf(titles, "%s%s", i ? " " : "",
					       (char *) g_ptr_array_index(sockets, i));
		g_strdelimit(titles->str, "'\"", '_');
		extra_names = "x_index,series";
		append_tics(vars, "xtics_spec", "method", methods);
		g_string_append_printf(vars, "nx = %u\nnseries = %u\n", methods->len, sockets->len);
		set_var(vars, "titles", titles->str);
		set_var(vars, "ycol", "mb_per_s");
		g_string_free(titles, TRUE);
		break;
	}
	case PCS_PLOT_FIDELITY:
		if (!need_column(t, "time_s", kind, error) ||
		    !need_column(t, "recorded_read_bytes", kind, error) ||
		    !need_column(t, "predicted_read_bytes", kind, error))
			return FALSE;
		break;
	default:
		g_return_val_if_reached (FALSE);
	}
	/* the data: header, then the rows in order, each with its extra fields */
	for (guint c = 0; c < t->names->len; c++) {
		if (c)
			g_string_append_c(csv, ',');
		pcs_row_append_csv_field(csv, g_ptr_array_index(t->names, c));
	}
	if (extra_names)
		g_string_append_printf(csv, ",%s", extra_names);
	g_string_append_c(csv, '\n');
	for (guint i = 0; i < t->rows->len; i++) {
		guint r = order[i].row;

		for (guint c = 0; c < t->names->len; c++) {
			if (c)
				g_string_append_c(csv, ',');
			pcs_row_append_csv_field(csv, pcs_table_get(t, r, c));
		}
		if (extra_names)
			g_string_append_printf(csv, ",%s", (char *) g_ptr_array_index(extra, i));
		g_string_append_c(csv, '\n');
	}
	return TRUE;
}

/* ---- 2, 3. files and gnuplot --------------------------------------------------------- */

static void
remove_tree(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, NULL);

		g_unlink(path);
	}
	g_rmdir(dir);
}

static gboolean
write_file(const char *path, const GString *s, GError **error)
{
	g_autoptr(GError) local = NULL;

	if (g_file_set_contents(path, s->str, (gssize) s->len, &local))
		return TRUE;
	g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_FAILED, "%s", local->message);
	return FALSE;
}

static gboolean
run_gnuplot(const char *dir, const char *script_name, const char *image, gboolean kept,
	    GError **error)
{
	g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
	g_autofree char *err_text = NULL;
	g_autoptr(GError) local = NULL;
	char *argv[] = { NULL, (char *) script_name, NULL };
	gboolean to_stdout = image == NULL;
	int wait_status = 0;
	GSpawnFlags flags = G_SPAWN_STDIN_FROM_DEV_NULL;

	if (!gnuplot) {
		g_autofree char *where = kept ?
			g_strdup_printf("; the data and the script are in %s: run 'gnuplot %s' there "
					"once it is installed", dir, script_name) : g_strdup("");

		g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_NO_GNUPLOT,
			    "gnuplot is not installed (not found in PATH): install it (Debian, "
			    "Ubuntu: apt-get install gnuplot-nox; Fedora: dnf install gnuplot; "
			    "macOS: brew install gnuplot)%s", where);
		return FALSE;
	}
	argv[0] = gnuplot;
	if (to_stdout)
		flags |= G_SPAWN_CHILD_INHERITS_STDOUT;
	if (!g_spawn_sync(dir, argv, NULL, flags, NULL, NULL, NULL, &err_text, &wait_status,
			  &local)) {
		g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_GNUPLOT,
			    "cannot run %s: %s", gnuplot, local->message);
		return FALSE;
	}
	if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
		g_strstrip(err_text);
		g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_GNUPLOT,
			    "gnuplot failed on %s/%s: %s", dir, script_name,
			    err_text && err_text[0] ? err_text : "(no message)");
		if (image)
			g_unlink(image);
		return FALSE;
	}
	if (image) {
		GStatBuf st;

		if (g_stat(image, &st) != 0 || st.st_size == 0) {
			g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_GNUPLOT,
				    "gnuplot wrote no image to %s%s%s", image,
				    err_text && err_text[0] ? ": " : "", err_text ? err_text : "");
			g_unlink(image);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
pcs_plot_table(const PcsTable *table, PcsPlotKind kind, const char *keep_dir,
	       const char *name, const char *out_path, GError **error)
{
	g_autoptr(GString) csv = g_string_new(NULL);
	g_autoptr(GString) vars = g_string_new(NULL);
	g_autoptr(GString) script = g_string_new(NULL);
	g_autofree char *script_src = NULL, *script_text = NULL, *dir = NULL;
	g_autofree char *data_name = NULL, *gp_name = NULL, *gp_path = NULL, *data_path = NULL;
	g_autofree char *abs_out = NULL, *abs_dir = NULL, *out_dir = NULL, *out_var = NULL;
	g_autoptr(GError) local = NULL;
	gboolean to_stdout = strcmp(out_path, "-") == 0, ok;

	g_return_val_if_fail (table != NULL && kind < PCS_PLOT_KIND_COUNT && name != NULL, FALSE);
	/* 1. */
	script_src = pcs_plot_find_script(kind, error);
	if (!script_src || !derive(table, kind, csv, vars, error))
		return FALSE;
	if (!g_file_get_contents(script_src, &script_text, NULL, &local)) {
		g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_FAILED, "%s", local->message);
		return FALSE;
	}
	/* 2. */
	if (keep_dir) {
		if (g_mkdir_with_parents(keep_dir, 0777) != 0) {
			g_set_error(error, PCS_PLOT_ERROR, PCS_PLOT_ERROR_FAILED,
				    "%s: cannot create the directory: %s", keep_dir, g_strerror(errno));
			return FALSE;
		}
		dir = g_strdup(keep_dir);
	} else {
		dir = g_dir_make_tmp("pcsim-plot-XXXXXX", error);
		if (!dir)
			return FALSE;
	}
	abs_dir = g_canonicalize_filename(dir, NULL);
	if (to_stdout) {
		out_var = g_strdup("-");
	} else {
		abs_out = g_canonicalize_filename(out_path, NULL);
		out_dir = g_path_get_dirname(abs_out);
		out_var = strcmp(out_dir, abs_dir) == 0 ? g_path_get_basename(abs_out)
							: g_strdup(abs_out);
	}
	data_name = g_strconcat(name, ".csv", NULL);
	gp_name = g_strconcat(name, ".gp", NULL);
	data_path = g_build_filename(dir, data_name, NULL);
	gp_path = g_build_filename(dir, gp_name, NULL);
	g_string_append_printf(script, "# Written by pcsim from %s: the variables of this plot, then "
			       "the script.\n# Redraw with: gnuplot %s\n", kind_names[kind], gp_name);
	set_var(script, "datafile", data_name);
	set_var(script, "outfile", out_var);
	g_string_append(script, vars->str);
	g_string_append(script, "\n");
	g_string_append(script, script_text);
	ok = write_file(data_path, csv, error) && write_file(gp_path, script, error);
	/* 3. */
	if (ok)
		ok = run_gnuplot(dir, gp_name, to_stdout ? NULL : abs_out, keep_dir != NULL, error);
	if (!keep_dir)
		remove_tree(dir);
	return ok;
}
