// log softmax(logits)[row, label[row]] over rows of `vocab` logits, and its gradient, without materialising the
// [rows, vocab] log-softmax: the forward keeps each row's logsumexp for the backward. Labels are clipped to
// [0, vocab − 1], as the composed op does (masked-out filler labels such as -100 read a real entry, harmlessly).
#pragma once
#include <math.h>
#include "../common.h"

namespace pivot {
namespace kernels {

PIVOT_HD inline int64_t clipped_label(int32_t label, int64_t vocab) {
  return label < 0 ? 0 : (label >= vocab ? vocab - 1 : (int64_t)label);
}

/** out[row] = logits[row, label] − lse[row], lse[row] = logsumexp of the row; one worker per row. */
template <class Dev>
void log_softmax_gather_forward(Dev& d, const float* logits, const int32_t* labels, float* out, float* lse,
                                int64_t rows, int64_t vocab) {
  d.for_each(rows, PIVOT_LAMBDA(int64_t row) {
    const float* in = logits + row * vocab;
    float m = -INFINITY;
    for (int64_t j = 0; j < vocab; ++j) m = in[j] > m ? in[j] : m;
    double sum = 0.0;
    for (int64_t j = 0; j < vocab; ++j) sum += expf(in[j] - m);
    const float l = m + (float)log(sum);
    lse[row] = l;
    out[row] = in[clipped_label(labels[row], vocab)] - l;
  }, vocab * 2);
}

/** dlogits[row, j] = dy[row]·(1[j = label] − exp(logits[row, j] − lse[row])); one worker per element. */
template <class Dev>
void log_softmax_gather_backward(Dev& d, const float* logits, const int32_t* labels, const float* lse,
                                 const float* dy, float* dlogits, int64_t rows, int64_t vocab) {
  d.for_each(rows * vocab, PIVOT_LAMBDA(int64_t i) {
    const int64_t row = i / vocab, j = i % vocab;
    const float hit = j == clipped_label(labels[row], vocab) ? 1.f : 0.f;
    dlogits[i] = dy[row] * (hit - expf(logits[i] - lse[row]));
  });
}

}  // namespace kernels
}  // namespace pivot
