// Transcendental functions as plain arithmetic, so that a loop of them vectorises (expf, tanhf are library calls per
// value) and the CPU and the GPU compute the same bits. Each states its accuracy.
#pragma once
#include <string.h>
#include "../common.h"

namespace pivot {
namespace kernels {

/**
 * e^x for x ≤ 0 (scores minus their maximum, or minus the logsumexp) to about 1 ulp, as plain arithmetic so that a
 * block of them vectorises (expf is a library call per value): 2^n·e^r with n = round(x·log2 e) and Cephes' degree-5
 * polynomial for e^r (|r| ≤ ln2/2). Below −87.3, where float32's exp leaves the normal range, it is 0 (as exp(−1e9) is).
 */
PIVOT_HD inline float exp_nonpositive(float x) {
  const float xc = x < -87.3f ? -87.3f : (x > 0.f ? 0.f : x);
  // Round to nearest by adding and taking away 1.5·2^23 (floorf would not vectorise without -fno-trapping-math).
  const float n = (xc * 1.44269504088896341f + 12582912.f) - 12582912.f;
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float two_n;
  memcpy(&two_n, &bits, sizeof two_n);
  return x < -87.3f ? 0.f : e * two_n;
}

/** tanh to about 2 ulp: Cephes' odd polynomial below |x| = 0.625, (1 − e)/(1 + e) with e = e^(−2|x|) above. */
PIVOT_HD inline float tanh_fast(float x) {
  const float a = x < 0.f ? -x : x;
  if (a < 0.625f) {
    const float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    return p * z * x + x;
  }
  const float e = exp_nonpositive(-2.f * a);
  const float t = (1.f - e) / (1.f + e);
  return x < 0.f ? -t : t;
}

/** The logistic function, 1/(1 + e^−x), without overflow for either sign. */
PIVOT_HD inline float sigmoid_fast(float x) {
  const float e = exp_nonpositive(x < 0.f ? x : -x);
  return x < 0.f ? e / (1.f + e) : 1.f / (1.f + e);
}

}  // namespace kernels
}  // namespace pivot
