// One AdamW step of one parameter, in place, in the order and float32 roundings of src-main/engine/train/adamw.ts
// (PyTorch's torch.optim.AdamW): the caller passes the per-step scalars that file computes in double.
#pragma once
#include <math.h>
#include "../common.h"

namespace pivot {
namespace kernels {

/**
 * m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p·decay − m / (√v / √bias2 + eps) · step
 * with decay = 1 − lr·wd and step = lr / bias1 (bias_k = 1 − β_k^t for this parameter's step count t).
 */
template <class Dev>
void adamw_update(Dev& d, float* p, const float* g, float* m, float* v, int64_t n, float beta1, float one_minus_beta1,
                  float beta2, float one_minus_beta2, float eps, float decay, float step, float sqrt_bias2) {
  d.for_each(n, PIVOT_LAMBDA(int64_t i) {
    const float grad = g[i];
    const float mi = m[i] * beta1 + grad * one_minus_beta1;
    const float vi = v[i] * beta2 + grad * grad * one_minus_beta2;
    const float denominator = sqrtf(vi) / sqrt_bias2 + eps;
    p[i] = p[i] * decay - mi / denominator * step;
    m[i] = mi;
    v[i] = vi;
  }, 4);
}

}  // namespace kernels
}  // namespace pivot
