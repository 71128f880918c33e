/*
 * Inline float helpers of elementwise.c: a vectorisable exp and row reductions. Kept apart so each
 * file stays short; static inline, so every instruction-set clone of elementwise.c's loops gets
 * its own vectorised copy.
 */
#ifndef COMPARO_ROW_MATH_H
#define COMPARO_ROW_MATH_H
#include <math.h>
#include <stdint.h>
#include <string.h>

/* exp(x) for x in [-87, 88]: range reduction by ln 2 and a degree-6 polynomial (relative error
 * ~2e-7). Unlike libm's expf it vectorises, which is the point: GELU is exp-bound. */
static inline float fast_expf(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  /* round to nearest by the 1.5 * 2^23 trick: floorf is a libm call without SSE4.1, which
   * would stop the loops from vectorising */
  float n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return x <= -87.0f ? 0.0f : p * scale; /* masked attention scores (-1e9) give exact zeros */
}

/* Row reductions with 16 independent partial sums: a single running sum is a serial chain of
 * dependent adds (4 cycles each) that the compiler may not reorder without -ffast-math; 16 lanes
 * vectorise. The order is fixed, so results are deterministic. */
static inline float row_sum(const float *x, int64_t n) {
  float acc[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += x[i + l];
  float total = 0.0f;
  for (; i < n; i++) total += x[i];
  for (int l = 0; l < 16; l++) total += acc[l];
  return total;
}

static inline float row_dot(const float *x, const float *y, int64_t n) {
  float acc[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += x[i + l] * y[i + l];
  float total = 0.0f;
  for (; i < n; i++) total += x[i] * y[i];
  for (int l = 0; l < 16; l++) total += acc[l];
  return total;
}

static inline float row_dot3(const float *x, const float *y, const float *z, int64_t n) {
  float acc[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += x[i + l] * y[i + l] * z[i + l];
  float total = 0.0f;
  for (; i < n; i++) total += x[i] * y[i] * z[i];
  for (int l = 0; l < 16; l++) total += acc[l];
  return total;
}

/* max over the row of x + bias */
static inline float row_max_plus(const float *x, const float *bias, int64_t n) {
  float acc[16];
  for (int l = 0; l < 16; l++) acc[l] = -INFINITY;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] = acc[l] > x[i + l] + bias[i + l] ? acc[l] : x[i + l] + bias[i + l];
  float top = -INFINITY;
  for (; i < n; i++) top = top > x[i] + bias[i] ? top : x[i] + bias[i];
  for (int l = 0; l < 16; l++) top = top > acc[l] ? top : acc[l];
  return top;
}

/* Standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2 for the exact (erf) GELU of BERT-family
 * models, within 1e-7 of erf in float32 (checked on a 2M-point grid against scipy; tf.erf's
 * Abramowitz-Stegun 7.1.26 form is off by up to 1.5e-7). Our own least-squares fits, in double:
 * erf(z) = z * A(z^2) for z < 1, erfc(z) = exp(-z^2) * B(1 / z) for 1 <= z < 4, erfc = 0 beyond.
 * Branch-free (both fits evaluated) so that the loops vectorise. *gauss = exp(-x^2 / 2), which the
 * gradient's density reuses. The tail goes directly into Phi for negative x (no 1 - (1 - ...)). */
static inline float normal_cdf(float x, float *gauss) {
  static const double A[7] = {1.1283791665933631, -0.37612629877297837, 0.11283625713184448, -0.026855398722018722,
                              0.005191216607682167, -0.0008034827988084185, 7.9334224397071626e-05};
  static const double B[13] = {-2.2853380295102785e-05, 0.56484422251452893, -0.0085193913792845233, -0.21566401196505164,
                               -0.34338771762822889, 1.6437556690249264, -2.9494614861188517, 3.3614177652510291,
                               -2.661407845228815, 1.4724061908216501, -0.54634319112852781, 0.12254005082723825,
                               -0.01257382545010147};
  const float z = fabsf(x) * 0.70710678118654752f;
  const float e = fast_expf(-(z * z));
  *gauss = e;
  const double u = (double)z * (double)z, t = 1.0 / (double)(z < 1.0f ? 1.0f : z);
  double a = A[6], b = B[12];
  for (int k = 5; k >= 0; k--) a = a * u + A[k];
  for (int k = 11; k >= 0; k--) b = b * t + B[k];
  /* half the two-sided tail: 1 - Phi(|x|) */
  const double tail = z < 1.0f ? 0.5 - 0.5 * (double)z * a : (z < 4.0f ? 0.5 * (double)e * b : 0.0);
  return (float)(x >= 0.0f ? 1.0 - tail : tail);
}

#endif
