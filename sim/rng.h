/*
 * rng.h - a small seeded PRNG and the few pieces of arithmetic that must give the same bits on
 * every machine (internal to the generators; header-only).
 *
 * pcsim's synthetic traces are a function of their configuration alone: the same seed must
 * give the same trace on x86-64 and aarch64, with GCC and Clang, at -O0 and -O3. So:
 *
 *   - The generator is xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, period
 *     2^256 - 1, four 64-bit words updated with shifts, rotations and xors only. Integer
 *     arithmetic is exact everywhere.
 *   - Seeding expands one 64-bit seed with splitmix64, as the authors recommend, so nearby
 *     seeds (1, 2, 3) give unrelated streams and the state is never all zero. A "stream"
 *     number picks an independent sequence from the same seed: a generator uses one stream
 *     per decision (addresses, read/write, permutation), so changing one knob, such as the
 *     write ratio, does not reshuffle the others.
 *   - pcs_rng_double() is exact: the top 53 bits of one output times 2^-53, a value in [0, 1).
 *   - pcs_rng_below(n) is unbiased: outputs below 2^64 mod n are rejected (at most one in two
 *     draws, on average far fewer), and the rest reduced modulo n.
 *   - pcs_pow_neg() computes r^-alpha for the Zipf weights without libm. pow(), exp() and log()
 *     are not correctly rounded in every libm, and GCC in its GNU dialects fuses a*b+c into one
 *     FMA instruction where the target has one (aarch64; x86 with -march=haswell), which changes
 *     the last bit of a result. Here every product that feeds a sum goes through pcs_fp_mul(),
 *     whose volatile store pins the rounded product, so only IEEE-754 basic operations
 *     (+ - * /, each correctly rounded) decide the result. It is accurate to a few ulps,
 *     checked against libm in tests/test-gen.c.
 *
 *   seed --splitmix64--> s[0..3] --xoshiro256**--> u64 --+--> >>11 * 2^-53   double in [0,1)
 *                                                        +--> reject, % n     integer in [0,n)
 *
 * Entry points: pcs_rng_seed(), pcs_rng_next(), pcs_rng_double(), pcs_rng_below(),
 * pcs_splitmix64(), pcs_pow_neg(). None can fail; none allocate.
 */
#ifndef PCSIM_RNG_H
#define PCSIM_RNG_H

#include <string.h>
#include <glib.h>

typedef struct {
	guint64 s[4];
} PcsRng;

/* One step of splitmix64: advances *state and returns the next output. Cannot fail. */
static inline guint64
pcs_splitmix64(guint64 *state)
{
	guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Seeds r with stream `stream` of seed `seed`. Every (seed, stream) pair gives its own
 * sequence. Cannot fail. */
static inline void
pcs_rng_seed(PcsRng *r, guint64 seed, guint64 stream)
{
	guint64 sm = seed ^ pcs_splitmix64(&stream);

	for (int i = 0; i < 4; i++)
		r->s[i] = pcs_splitmix64(&sm);
	/* splitmix64 is a bijection of its counter, so four zero outputs in a row cannot
	 * happen; keep the guard anyway, since an all-zero state would stick at zero. */
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

static inline guint64
pcs_rng_rotl(guint64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The next 64 uniformly distributed bits (xoshiro256**). Cannot fail. */
static inline guint64
pcs_rng_next(PcsRng *r)
{
	guint64 *s = r->s;
	guint64 result = pcs_rng_rotl(s[1] * 5, 7) * 9;
	guint64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = pcs_rng_rotl(s[3], 45);
	return result;
}

/* A uniform double in [0, 1), a multiple of 2^-53 (exact on every IEEE-754 machine). */
static inline double
pcs_rng_double(PcsRng *r)
{
	return (double) (pcs_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* A uniform integer in [0, n), without modulo bias; n must be at least 1. */
static inline guint64
pcs_rng_below(PcsRng *r, guint64 n)
{
	guint64 threshold, x;

	g_return_val_if_fail(n > 0, 0);
	threshold = (0 - n) % n;  /* 2^64 mod n: that many low outputs would favour small values */
	do
		x = pcs_rng_next(r);
	while (x < threshold);
	return x % n;
}

/* a * b rounded to double, never fused with a following addition (see the essay above). */
static inline double
pcs_fp_mul(double a, double b)
{
	volatile double p = a * b;

	return p;
}

/* 2^k as a double, for -1022 <= k <= 1023 (built from its bits, exact). */
static inline double
pcs_fp_pow2(int k)
{
	guint64 bits = (guint64) (k + 1023) << 52;
	double d;

	memcpy(&d, &bits, sizeof d);
	return d;
}

/*
 * r^-alpha for an integer r >= 1 (below 2^53) and a finite alpha >= 0, from IEEE basic
 * operations only, so that it is bit-identical everywhere. Results below about 1e-300 are
 * returned as 0. Relative error: a few ulps. Cannot fail.
 *
 *   1. ln r: write r = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s) with
 *      s = (m - 1) / (m + 1), |s| < 0.172, summed as an odd series to s^21;
 *      ln r = e ln2 + ln m with ln2 split in a high part (exact products) and a low part.
 *   2. y = -alpha ln r; y = k ln2 + f with |f| <= ln2 / 2 (Cody and Waite reduction).
 *   3. e^f by its Taylor series to f^14, then scaled by 2^k (exact).
 */
static inline double
pcs_pow_neg(guint64 r, double alpha)
{
	/* fdlibm's split of ln 2: the high part has 21 trailing zero bits, so k * LN2_HI is exact
	 * for |k| < 2^21. */
	const double LN2_HI = 6.93147180369123816490e-01;
	const double LN2_LO = 1.90821492927058770002e-10;
	const double INV_LN2 = 1.44269504088896338700e+00;
	double m, s, s2, sum, lnr, y, f, p;
	int e = 0, k;

	g_return_val_if_fail(r >= 1, 0.0);
	if (r == 1 || alpha == 0.0)
		return 1.0;

	/* 1. */
	while ((r >> e) > 1)
		e++;
	m = (double) r * pcs_fp_pow2(-e);           /* exact: r < 2^53, a power-of-two scale */
	if (m > 1.41421356237309504880) {
		m = m * 0.5;
		e++;
	}
	s = (m - 1.0) / (m + 1.0);
	s2 = pcs_fp_mul(s, s);
	sum = 1.0 / 21.0;
	for (int j = 19; j >= 1; j -= 2)
		sum = 1.0 / j + pcs_fp_mul(s2, sum);
	lnr = pcs_fp_mul((double) e, LN2_HI) +
	      (pcs_fp_mul((double) e, LN2_LO) + pcs_fp_mul(2.0 * s, sum));

	/* 2. */
	y = -pcs_fp_mul(alpha, lnr);
	if (y < -690.0)                              /* e^-690 ~ 1e-300: negligible weight */
		return 0.0;
	p = pcs_fp_mul(y, INV_LN2);
	k = (int) (p < 0 ? p - 0.5 : p + 0.5);       /* round half away from zero; |p| < 1000 */
	f = (y - pcs_fp_mul((double) k, LN2_HI)) - pcs_fp_mul((double) k, LN2_LO);

	/* 3. e^f = 1 + f(1 + f/2(1 + f/3(1 + ...))) */
	p = 1.0;
	for (int j = 14; j >= 1; j--)
		p = 1.0 + pcs_fp_mul(f / j, p);
	return p * pcs_fp_pow2(k);
}

#endif
