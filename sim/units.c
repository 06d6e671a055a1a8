/*
 * units.c - sizes, durations and counts as users write them, parsed and formatted.
 *
 * Number syntax (shared by every command through pcs_parse_size/_duration/_count):
 *   sizes      DIGITS[.DIGITS][K|M|G|T|P|E][B|iB], binary, case-insensitive: 4K, 2GiB, 8kb
 *   durations  DIGITS[.DIGITS][ns|us|ms|s|m|h], a bare number is nanoseconds: 500ms, 1.5s
 *   counts     DIGITS, up to 2^64 - 1
 * A decimal point is accepted when the result is a whole number of bytes or nanoseconds
 * ("1.5G" yes, "1.1K" no), because pcs_format_size() prints values such as "1.5G" and users
 * copy them back. Empty text, signs, spaces, trailing garbage and values past 2^64 - 1 fail.
 *
 * Formatting is exact for pcsim's own output (every formatted value re-parses to the same
 * value: pcs_format_size_exact, pcs_format_duration) and rounded for people
 * (pcs_format_size).
 *
 * Entry points: pcs_parse_size, pcs_parse_duration, pcs_parse_count, pcs_format_size
 * (include/pcsim/config.h); pcs_format_size_exact, pcs_format_duration, pcs_units_invalid
 * (units.h, for options.c).
 */
#include "config.h"

#include <string.h>
#include <pcsim/config.h>
#include "units.h"

/* A decimal number as written: integer part and fraction frac / 10^frac_digits. */
typedef struct {
	guint64 ip;
	guint64 frac;
	guint   frac_digits;   /* trailing zeros dropped; at most 19 */
} Decimal;

typedef enum {
	NUM_OK,
	NUM_SYNTAX,     /* no digits, or a lone '.' */
	NUM_OVERFLOW,   /* integer part past 2^64 - 1 */
	NUM_PRECISION,  /* more than 19 significant decimals */
} NumStatus;

/* Parses DIGITS[.DIGITS] at *s (allow_fraction) or DIGITS; advances *s past it. */
static NumStatus
parse_decimal(const char **s, gboolean allow_fraction, Decimal *d)
{
	const char *p = *s, *frac_start, *frac_end;
	gboolean overflow = FALSE;

	memset(d, 0, sizeof *d);
	if (!g_ascii_isdigit(*p))
		return NUM_SYNTAX;
	for (; g_ascii_isdigit(*p); p++) {
		guint digit = (guint) (*p - '0');

		if (d->ip > (G_MAXUINT64 - digit) / 10)
			overflow = TRUE;
		else
			d->ip = d->ip * 10 + digit;
	}
	if (allow_fraction && *p == '.') {
		p++;
		frac_start = p;
		while (g_ascii_isdigit(*p))
			p++;
		if (p == frac_start)
			return NUM_SYNTAX;
		frac_end = p;
		while (frac_end > frac_start && frac_end[-1] == '0')
			frac_end--;
		if (frac_end - frac_start > 19) {
			*s = p;
			return NUM_PRECISION;
		}
		for (const char *q = frac_start; q < frac_end; q++)
			d->frac = d->frac * 10 + (guint64) (*q - '0');
		d->frac_digits = (guint) (frac_end - frac_start);
	}
	*s = p;
	return overflow ? NUM_OVERFLOW : NUM_OK;
}

static guint64
gcd64(guint64 a, guint64 b)
{
	while (b) {
		guint64 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * *out = d * unit exactly. Returns NUM_OVERFLOW past 2^64 - 1 and NUM_PRECISION when the
 * product is not a whole number. The fraction part is f / 10^k * unit = (f / den) * (unit / g)
 * with g = gcd(unit, 10^k) and den = 10^k / g, which is whole exactly when den divides f; as
 * f < 10^k, (f / den) * (unit / g) < unit cannot overflow.
 */
static NumStatus
scale_decimal(const Decimal *d, guint64 unit, guint64 *out)
{
	guint64 v, pow10 = 1, g, den, frac_part = 0;

	if (!g_uint64_checked_mul(&v, d->ip, unit))
		return NUM_OVERFLOW;
	if (d->frac_digits > 0) {
		for (guint i = 0; i < d->frac_digits; i++)
			pow10 *= 10;
		g = gcd64(unit, pow10);
		den = pow10 / g;
		if (d->frac % den != 0)
			return NUM_PRECISION;
		frac_part = (d->frac / den) * (unit / g);
	}
	if (!g_uint64_checked_add(out, v, frac_part))
		return NUM_OVERFLOW;
	return NUM_OK;
}

gboolean
pcs_units_invalid(GError **error, const char *what, const char *text)
{
	g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
	            "expected %s, got '%s'", what, text);
	return FALSE;
}

#define SIZE_WHAT "a size such as 4K, 256M or 2G"
#define DURATION_WHAT "a duration such as 500ms, 5s or 2m (or a number of ns)"
#define COUNT_WHAT "a whole number such as 0, 32 or 1000"

/* Size suffixes: the letter and its shift; "" is bytes. */
static const struct {
	char letter;
	guint shift;
} size_units[] = {
	{ 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 }, { 'P', 50 }, { 'E', 60 },
};

gboolean
pcs_parse_size(const char *text, guint64 *bytes, GError **error)
{
	const char *p = text;
	Decimal d;
	NumStatus st;
	guint shift = 0;
	guint64 v;

	g_return_val_if_fail (text != NULL && bytes != NULL, FALSE);
	st = parse_decimal(&p, TRUE, &d);
	if (st == NUM_SYNTAX)
		return pcs_units_invalid(error, SIZE_WHAT, text);
	/* Unit: [KMGTPE] then optional "B" or "iB"; or a lone "B". */
	for (gsize i = 0; i < G_N_ELEMENTS (size_units); i++) {
		if (g_ascii_toupper(*p) == size_units[i].letter) {
			shift = size_units[i].shift;
			p++;
			if (g_ascii_toupper(p[0]) == 'I' && g_ascii_toupper(p[1]) == 'B')
				p += 2;
			else if (g_ascii_toupper(p[0]) == 'B')
				p++;
			break;
		}
	}
	if (shift == 0 && g_ascii_toupper(*p) == 'B')
		p++;
	if (*p != '\0')
		return pcs_units_invalid(error, SIZE_WHAT, text);
	if (st == NUM_OK)
		st = scale_decimal(&d, G_GUINT64_CONSTANT (1) << shift, &v);
	if (st == NUM_OVERFLOW) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "size '%s' is too large (the largest is 16E - 1 byte)", text);
		return FALSE;
	}
	if (st == NUM_PRECISION) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "size '%s' is not a whole number of bytes", text);
		return FALSE;
	}
	*bytes = v;
	return TRUE;
}

static const struct {
	const char *suffix;
	guint64 ns;
} duration_units[] = {
	/* longest suffixes first: "ms" before "m" */
	{ "ns", 1 },
	{ "us", G_GUINT64_CONSTANT (1000) },
	{ "ms", G_GUINT64_CONSTANT (1000000) },
	{ "s", G_GUINT64_CONSTANT (1000000000) },
	{ "m", G_GUINT64_CONSTANT (60000000000) },
	{ "h", G_GUINT64_CONSTANT (3600000000000) },
};

gboolean
pcs_parse_duration(const char *text, guint64 *ns, GError **error)
{
	const char *p = text;
	Decimal d;
	NumStatus st;
	guint64 unit = 1, v;

	g_return_val_if_fail (text != NULL && ns != NULL, FALSE);
	st = parse_decimal(&p, TRUE, &d);
	if (st == NUM_SYNTAX)
		return pcs_units_invalid(error, DURATION_WHAT, text);
	if (*p != '\0') {
		gsize i;

		for (i = 0; i < G_N_ELEMENTS (duration_units); i++)
			if (g_ascii_strcasecmp(p, duration_units[i].suffix) == 0)
				break;
		if (i == G_N_ELEMENTS (duration_units))
			return pcs_units_invalid(error, DURATION_WHAT, text);
		unit = duration_units[i].ns;
	}
	if (st == NUM_OK)
		st = scale_decimal(&d, unit, &v);
	if (st == NUM_OVERFLOW) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "duration '%s' is too long (the longest is 2^64 - 1 ns, about 584 years)",
		            text);
		return FALSE;
	}
	if (st == NUM_PRECISION) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "duration '%s' is not a whole number of nanoseconds", text);
		return FALSE;
	}
	*ns = v;
	return TRUE;
}

gboolean
pcs_parse_count(const char *text, guint64 *n, GError **error)
{
	const char *p = text;
	Decimal d;
	NumStatus st;

	g_return_val_if_fail (text != NULL && n != NULL, FALSE);
	st = parse_decimal(&p, FALSE, &d);
	if (st == NUM_SYNTAX || *p != '\0')
		return pcs_units_invalid(error, COUNT_WHAT, text);
	if (st == NUM_OVERFLOW) {
		g_set_error(error, PCS_OPTIONS_ERROR, PCS_OPTIONS_ERROR_INVALID,
		            "'%s' is too large (the largest is %" G_GUINT64_FORMAT ")",
		            text, G_MAXUINT64);
		return FALSE;
	}
	*n = d.ip;
	return TRUE;
}

/*
 * Formats bytes for people or for re-parsing. Exact: the largest unit that shows it with at
 * most one decimal ("1.5G", "256M"), else in bytes ("131073B"); "1G + 4K" is "1048580K".
 * Not exact: the largest unit not above it, rounded half up to one decimal, ".0" dropped
 * ("1G" for 1G + 4K, "4.9K" for 5000). Both give "100B" below 1K. Caller frees.
 */
static char *
format_size(guint64 bytes, gboolean exact)
{
	static const char letters[] = "KMGTPE";

	if (exact) {
		for (int i = 5; i >= 0; i--) {
			guint64 unit = G_GUINT64_CONSTANT (1) << (10 * (i + 1));
			guint64 whole = bytes / unit, rem = bytes % unit;

			/* rem < unit <= 2^60, so rem * 10 cannot overflow */
			if (whole == 0 || (rem * 10) % unit != 0)
				continue;
			if (rem == 0)
				return g_strdup_printf("%" G_GUINT64_FORMAT "%c", whole, letters[i]);
			return g_strdup_printf("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT "%c",
			                       whole, rem * 10 / unit, letters[i]);
		}
		return g_strdup_printf("%" G_GUINT64_FORMAT "B", bytes);
	}
	for (int i = 5; i >= 0; i--) {
		guint shift = 10 * (guint) (i + 1);
		guint64 unit = G_GUINT64_CONSTANT (1) << shift;
		guint64 whole = bytes >> shift, rem = bytes & (unit - 1);
		guint64 tenths;

		if (whole == 0)
			continue;
		tenths = whole * 10 + (rem * 10 + unit / 2) / unit;
		if (tenths >= 10240 && i < 5)   /* 1023.96K shows as 1M */
			return g_strdup_printf("1%c", letters[i + 1]);
		if (tenths % 10 == 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT "%c", tenths / 10, letters[i]);
		return g_strdup_printf("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT "%c",
		                       tenths / 10, tenths % 10, letters[i]);
	}
	return g_strdup_printf("%" G_GUINT64_FORMAT "B", bytes);
}

char *
pcs_format_size(guint64 bytes)
{
	return format_size(bytes, FALSE);
}

char *
pcs_format_size_exact(guint64 bytes)
{
	return format_size(bytes, TRUE);
}

char *
pcs_format_duration(guint64 ns)
{
	if (ns == 0)
		return g_strdup("0");
	for (int i = (int) G_N_ELEMENTS (duration_units) - 1; i >= 0; i--)
		if (ns % duration_units[i].ns == 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT "%s", ns / duration_units[i].ns,
			                       duration_units[i].suffix);
	g_assert_not_reached ();
	return NULL;
}
