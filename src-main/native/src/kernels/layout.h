// Kernels that move elements without arithmetic on them (one strided copy serves transpose, slice, concat,
// pad, tile, reverse and broadcast), plus gather, its gradient (a segment sum) and one-hot.
#pragma once
#include "../common.h"

namespace pivot {
namespace kernels {

template <class Dev, class T>
void strided_copy_typed(Dev& d, const T* x, T* y, const Strided& s) {
  int64_t n = 1;
  for (int k = 0; k < s.rank; ++k) n *= s.shape[k];
  const int last = s.rank - 1;
  const int64_t inner = s.shape[last];
  if (Dev::kRowLoops && inner >= 8) {
    // One worker per row of the last axis: the row's offsets are decomposed once, then a plain strided loop.
    const int64_t is = s.in_strides[last], os = s.out_strides[last];
    d.for_each(n / inner, PIVOT_LAMBDA(int64_t row) {
      int64_t in = s.in_offset, out = s.out_offset, rest = row;
      for (int k = last - 1; k >= 0; --k) {
        const int64_t c = rest % s.shape[k];
        rest /= s.shape[k];
        in += c * s.in_strides[k];
        out += c * s.out_strides[k];
      }
      if (is == 1 && os == 1) {
        for (int64_t j = 0; j < inner; ++j) y[out + j] = x[in + j];
      } else {
        for (int64_t j = 0; j < inner; ++j) y[out + j * os] = x[in + j * is];
      }
    }, inner);
    return;
  }
  d.for_each(n, PIVOT_LAMBDA(int64_t i) {
    int64_t in = s.in_offset, out = s.out_offset, rest = i;
    for (int k = s.rank - 1; k >= 0; --k) {
      const int64_t c = rest % s.shape[k];
      rest /= s.shape[k];
      in += c * s.in_strides[k];
      out += c * s.out_strides[k];
    }
    y[out] = x[in];
  });
}

template <class Dev>
void strided_copy(Dev& d, int elem_bytes, const void* x, void* y, const Strided& s) {
  if (elem_bytes == 4) return strided_copy_typed(d, static_cast<const int32_t*>(x), static_cast<int32_t*>(y), s);
  strided_copy_typed(d, static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), s);
}

/** x viewed as [outer, axis_dim, inner]; y = [outer, n_idx, inner]; an index outside the axis gives 0. */
template <class Dev, class T>
void gather_typed(Dev& d, const T* x, const int32_t* idx, T* y, int64_t outer, int64_t axis_dim, int64_t inner,
                  int64_t n_idx) {
  d.for_each(outer * n_idx * inner, PIVOT_LAMBDA(int64_t i) {
    const int64_t c = i % inner;
    const int64_t j = (i / inner) % n_idx;
    const int64_t o = i / (inner * n_idx);
    const int64_t at = idx[j];
    y[i] = (at >= 0 && at < axis_dim) ? x[(o * axis_dim + at) * inner + c] : T(0);
  });
}

template <class Dev>
void gather(Dev& d, int elem_bytes, const void* x, const int32_t* idx, void* y, int64_t outer, int64_t axis_dim,
            int64_t inner, int64_t n_idx) {
  if (elem_bytes == 4) {
    return gather_typed(d, static_cast<const int32_t*>(x), idx, static_cast<int32_t*>(y), outer, axis_dim, inner, n_idx);
  }
  gather_typed(d, static_cast<const uint8_t*>(x), idx, static_cast<uint8_t*>(y), outer, axis_dim, inner, n_idx);
}

/**
 * y[s, c] = Σ_{r : seg[r] = s} x[r, c]. One worker per column c owns y[:, c]: it clears it, then adds the rows
 * in order. No atomics, so the sum is deterministic and identical on both devices, and the work is one pass
 * over x whatever the number of segments (a vocabulary of 150k for an embedding gradient). Ids outside
 * [0, segments) are dropped, as TensorFlow does.
 */
template <class Dev, class T>
void segment_sum_typed(Dev& d, const T* x, const int32_t* seg, T* y, int64_t n, int64_t inner, int64_t segments) {
  d.for_each(inner, PIVOT_LAMBDA(int64_t c) {
    for (int64_t s = 0; s < segments; ++s) y[s * inner + c] = T(0);
    for (int64_t r = 0; r < n; ++r) {
      const int64_t s = seg[r];
      if (s >= 0 && s < segments) y[s * inner + c] += x[r * inner + c];
    }
  });
}

template <class Dev>
void segment_sum(Dev& d, DType dt, const void* x, const int32_t* seg, void* y, int64_t n, int64_t inner,
                 int64_t segments) {
  if (dt == DType::i32) {
    return segment_sum_typed(d, static_cast<const int32_t*>(x), seg, static_cast<int32_t*>(y), n, inner, segments);
  }
  segment_sum_typed(d, static_cast<const float*>(x), seg, static_cast<float*>(y), n, inner, segments);
}

template <class Dev>
void one_hot(Dev& d, const int32_t* idx, DType dt, void* y, int64_t n, int64_t depth, float on, float off) {
  if (dt == DType::f32) {
    float* yf = static_cast<float*>(y);
    d.for_each(n * depth, PIVOT_LAMBDA(int64_t i) { yf[i] = idx[i / depth] == i % depth ? on : off; });
    return;
  }
  int32_t* yi = static_cast<int32_t*>(y);
  const int32_t ion = (int32_t)on, ioff = (int32_t)off;
  d.for_each(n * depth, PIVOT_LAMBDA(int64_t i) { yi[i] = idx[i / depth] == i % depth ? ion : ioff; });
}

}  // namespace kernels
}  // namespace pivot
