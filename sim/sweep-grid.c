/*
 * sweep-grid.c - the grid of a sweep: the configurations `--set PARAM=VALUES` spans.
 *
 * Axes come in the order given, the first outermost; job i's value indices are the
 * mixed-radix digits of i (the last axis the least significant digit). Values are stored
 * as machine text (pcs_config_to_machine_text) after pcs_config_set() accepted them, so a
 * job's configuration is base + pcs_config_set() of each of its values, and a job's
 * command line can say the same thing. sweep.c runs the jobs.
 */
#include "config.h"

#include <string.h>

#include <pcsim/sweep.h>

typedef struct {
	const PcsParam *param;
	GPtrArray      *values;  /* char *, machine text */
} Axis;

struct PcsSweepGrid {
	guint64  max_jobs;
	guint64  nr_jobs;
	GArray  *axes;   /* Axis */
};

static void
axis_clear(gpointer data)
{
	Axis *a = data;

	g_ptr_array_unref(a->values);
}

PcsSweepGrid *
pcs_sweep_grid_new(guint64 max_jobs)
{
	PcsSweepGrid *g = g_new0(PcsSweepGrid, 1);

	g->max_jobs = max_jobs ? max_jobs : PCS_SWEEP_DEFAULT_MAX_JOBS;
	g->nr_jobs = 1;
	g->axes = g_array_new(FALSE, TRUE, sizeof(Axis));
	g_array_set_clear_func(g->axes, axis_clear);
	return g;
}

void
pcs_sweep_grid_free(PcsSweepGrid *g)
{
	if (!g)
		return;
	g_array_unref(g->axes);
	g_free(g);
}

guint64
pcs_sweep_grid_nr_jobs(const PcsSweepGrid *g)
{
	return g->nr_jobs;
}

guint
pcs_sweep_grid_nr_axes(const PcsSweepGrid *g)
{
	return g->axes->len;
}

const PcsParam *
pcs_sweep_grid_axis_param(const PcsSweepGrid *g, guint axis)
{
	g_return_val_if_fail (axis < g->axes->len, NULL);
	return g_array_index(g->axes, Axis, axis).param;
}

guint
pcs_sweep_grid_axis_nr_values(const PcsSweepGrid *g, guint axis)
{
	g_return_val_if_fail (axis < g->axes->len, 0);
	return g_array_index(g->axes, Axis, axis).values->len;
}

const char *
pcs_sweep_grid_axis_value(const PcsSweepGrid *g, guint axis, guint i)
{
	const Axis *a;

	g_return_val_if_fail (axis < g->axes->len, NULL);
	a = &g_array_index(g->axes, Axis, axis);
	g_return_val_if_fail (i < a->values->len, NULL);
	return g_ptr_array_index(a->values, i);
}

static gboolean
too_many(const PcsSweepGrid *g, guint64 nr_values, GError **error)
{
	if (nr_values == 0 || g->nr_jobs <= g->max_jobs / nr_values)
		return FALSE;
	g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_TOO_MANY,
		    "the grid would have more than %" G_GUINT64_FORMAT " jobs (--max-jobs); "
		    "use fewer values or raise --max-jobs", g->max_jobs);
	return TRUE;
}

/* Parses a range bound or step of p's type: a count, a duration or a size. */
static gboolean
parse_number(const PcsParam *p, const char *text, guint64 *v, GError **error)
{
	if (p->type == PCS_PARAM_UINT || p->type == PCS_PARAM_UINT_AUTO)
		return pcs_parse_count(text, v, error);
	if (p->type == PCS_PARAM_DURATION)
		return pcs_parse_duration(text, v, error);
	return pcs_parse_size(text, v, error);
}

/*
 * Expands "FROM..TO[:xFACTOR|:+STEP]" into decimal values appended to out (at most
 * `limit` of them, else TOO_MANY). Steps: 1. split, 2. parse bounds, 3. parse the step,
 * 4. refuse what does not terminate, 5. count, 6. generate.
 */
static gboolean
expand_range(const PcsSweepGrid *g, const PcsParam *p, const char *item, GPtrArray *out,
	     GError **error)
{
	g_autofree char *text = g_strdup(item);
	g_autoptr(GError) local = NULL;
	char *dots, *colon, *to_text, *step_text = NULL;
	guint64 from, to, step = 1, count = 0;
	gboolean geometric = FALSE;

	/* 1. */
	if (p->type == PCS_PARAM_ENUM || p->type == PCS_PARAM_BOOL ||
	    p->type == PCS_PARAM_WARMUP) {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "'%s': ranges are for sizes and counts; %s takes %s", item, p->name,
			    p->arg);
		return FALSE;
	}
	dots = strstr(text, "..");
	*dots = '\0';
	to_text = dots + 2;
	colon = strchr(to_text, ':');
	if (colon) {
		*colon = '\0';
		step_text = colon + 1;
	}
	/* 2. */
	if (!parse_number(p, text, &from, &local) || !parse_number(p, to_text, &to, &local)) {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "'%s': expected FROM..TO:xFACTOR or FROM..TO:+STEP (%s)", item,
			    local->message);
		return FALSE;
	}
	/* 3. */
	if (!step_text) {
		if (p->type != PCS_PARAM_UINT && p->type != PCS_PARAM_UINT_AUTO) {
			g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
				    "'%s': a range of sizes needs a step: FROM..TO:xFACTOR "
				    "(64M..4G:x2) or FROM..TO:+STEP (1G..4G:+1G)", item);
			return FALSE;
		}
	} else if (step_text[0] == 'x' || step_text[0] == '*') {
		geometric = TRUE;
		if (!pcs_parse_count(step_text + 1, &step, &local)) {
			g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
				    "'%s': expected a whole factor after 'x' (%s)", item,
				    local->message);
			return FALSE;
		}
	} else if (step_text[0] == '+') {
		if (!parse_number(p, step_text + 1, &step, &local)) {
			g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
				    "'%s': expected a step after '+' (%s)", item, local->message);
			return FALSE;
		}
	} else {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "'%s': expected ':xFACTOR' or ':+STEP' after the range, got ':%s'",
			    item, step_text);
		return FALSE;
	}
	/* 4. */
	if (from > to) {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "'%s': the range runs downward (FROM is above TO)", item);
		return FALSE;
	}
	if ((geometric && (step < 2 || from == 0)) || (!geometric && step == 0)) {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "'%s': the range never ends (%s)", item,
			    geometric ? (from == 0 ? "a geometric range cannot start at 0"
					 : "the factor must be at least 2")
				      : "the step must be above 0");
		return FALSE;
	}
	/* 5. */
	if (geometric) {
		for (guint64 v = from;; v *= step) {
			count++;
			if (v > to / step)
				break;
		}
	} else {
		count = (to - from) / step + 1;
	}
	if (too_many(g, out->len + count, error))
		return FALSE;
	/* 6. */
	for (guint64 i = 0, v = from; i < count; i++) {
		g_ptr_array_add(out, g_strdup_printf("%" G_GUINT64_FORMAT, v));
		v = geometric ? v * step : v + step;
	}
	return TRUE;
}

gboolean
pcs_sweep_grid_add(PcsSweepGrid *g, const char *spec, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GPtrArray) raw = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) values = NULL;
	g_autofree char *name = NULL;
	g_auto(GStrv) items = NULL;
	const char *eq;
	const PcsParam *p;
	Axis axis;

	g_return_val_if_fail (g != NULL && spec != NULL, FALSE);
	eq = strchr(spec, '=');
	if (!eq) {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "--set '%s': expected NAME=VALUE,VALUE,... or NAME=FROM..TO:xFACTOR",
			    spec);
		return FALSE;
	}
	name = g_strstrip(g_strndup(spec, eq - spec));
	p = pcs_param_find(name);
	if (!p) {
		GString *known = g_string_new(NULL);

		for (const PcsParam *q = pcs_params(); q->name; q++)
			g_string_append_printf(known, "%s%s", known->len ? ", " : "", q->name);
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "--set %s: unknown parameter '%s' (known: %s)", spec, name, known->str);
		g_string_free(known, TRUE);
		return FALSE;
	}
	for (guint i = 0; i < g->axes->len; i++) {
		if (g_array_index(g->axes, Axis, i).param == p) {
			g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
				    "--set %s: %s is already swept; give all its values in one "
				    "--set", spec, p->name);
			return FALSE;
		}
	}
	if (eq[1] == '\0') {
		g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
			    "--set %s: expected a comma list of values after '='", spec);
		return FALSE;
	}
	/* 1. items: values or ranges */
	items = g_strsplit(eq + 1, ",", -1);
	for (guint i = 0; items[i]; i++) {
		const char *item = g_strstrip(items[i]);

		if (item[0] == '\0') {
			g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
				    "--set %s: value %u is empty", spec, i + 1);
			return FALSE;
		}
		if (strstr(item, "..")) {
			if (!expand_range(g, p, item, raw, &local)) {
				g_propagate_prefixed_error(error, g_steal_pointer(&local),
							   "--set %s: ", p->name);
				return FALSE;
			}
		} else {
			if (too_many(g, raw->len + 1, error))
				return FALSE;
			g_ptr_array_add(raw, g_strdup(item));
		}
	}
	/* 2. each value through the parameter table, kept in machine text */
	values = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < raw->len; i++) {
		PcsConfig scratch;

		pcs_config_init(&scratch);
		if (!pcs_config_set(&scratch, p->name, g_ptr_array_index(raw, i), &local)) {
			g_set_error(error, PCS_SWEEP_ERROR, PCS_SWEEP_ERROR_INVALID,
				    "--set %s: %s", spec, local->message);
			return FALSE;
		}
		g_ptr_array_add(values, pcs_config_to_machine_text(&scratch, p));
	}
	/* 3. */
	axis.param = p;
	axis.values = g_steal_pointer(&values);
	g->nr_jobs *= axis.values->len;
	g_array_append_val(g->axes, axis);
	return TRUE;
}

gboolean
pcs_sweep_grid_job_config(const PcsSweepGrid *g, const PcsConfig *base, guint64 index,
			  PcsConfig *out, GError **error)
{
	PcsConfig cfg = *base;
	guint64 rest = index;
	guint digits[64];

	g_return_val_if_fail (index < g->nr_jobs && g->axes->len <= G_N_ELEMENTS (digits), FALSE);
	for (guint i = g->axes->len; i-- > 0;) {
		const Axis *a = &g_array_index(g->axes, Axis, i);

		digits[i] = (guint) (rest % a->values->len);
		rest /= a->values->len;
	}
	for (guint i = 0; i < g->axes->len; i++) {
		const Axis *a = &g_array_index(g->axes, Axis, i);

		if (!pcs_config_set(&cfg, a->param->name, g_ptr_array_index(a->values, digits[i]),
				    error))
			return FALSE;
	}
	*out = cfg;
	return TRUE;
}
