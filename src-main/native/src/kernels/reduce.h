// Reductions over the middle axis of x viewed as [outer, r, inner] (the TypeScript side transposes other axis
// sets into that form), and softmax over rows. One worker per output element; when there are too few outputs to
// fill the device (a loss, a gradient norm), the reduced axis is cut into chunks whose partial results are
// combined in a second pass, so a sum over a million values does not run on one thread.
#pragma once
#include <math.h>
#include <float.h>
#include <stdexcept>
#include "../common.h"
#include "../ops.h"

namespace pivot {
namespace kernels {

template <class T> PIVOT_HD inline T lowest();
template <> PIVOT_HD inline float lowest<float>() { return -INFINITY; }
template <> PIVOT_HD inline int32_t lowest<int32_t>() { return INT32_MIN; }
template <> PIVOT_HD inline uint8_t lowest<uint8_t>() { return 0; }
template <class T> PIVOT_HD inline T highest();
template <> PIVOT_HD inline float highest<float>() { return INFINITY; }
template <> PIVOT_HD inline int32_t highest<int32_t>() { return INT32_MAX; }
template <> PIVOT_HD inline uint8_t highest<uint8_t>() { return 1; }

/** Combines values of type T in accumulator A (double for sums of floats, for accuracy like the reference). */
template <class T, class A>
struct Reducer {
  ReduceOp op;
  PIVOT_HD A init() const {
    switch (op) {
      case ReduceOp::max: return (A)lowest<T>();
      case ReduceOp::min: return (A)highest<T>();
      case ReduceOp::prod: case ReduceOp::all: return (A)1;
      default: return (A)0;
    }
  }
  PIVOT_HD A combine(A acc, A v) const {
    switch (op) {
      case ReduceOp::max: return (v > acc || v != v) ? v : acc;
      case ReduceOp::min: return (v < acc || v != v) ? v : acc;
      case ReduceOp::prod: return acc * v;
      case ReduceOp::all: return (acc != (A)0 && v != (A)0) ? (A)1 : (A)0;
      case ReduceOp::any: return (acc != (A)0 || v != (A)0) ? (A)1 : (A)0;
      default: return acc + v;
    }
  }
};

template <class Dev, class T, class A>
void reduce_typed(Dev& d, ReduceOp op, const T* x, T* y, int64_t outer, int64_t r, int64_t inner) {
  const Reducer<T, A> red{op};
  const int64_t outputs = outer * inner;
  const double scale = op == ReduceOp::mean ? 1.0 / (double)r : 1.0;
  const int64_t target = d.parallelism();
  int64_t chunks = 1;
  if (outputs < target && r >= 4096) {
    chunks = (target + outputs - 1) / outputs;
    if (chunks > r / 1024) chunks = r / 1024;
  }
  if (chunks <= 1) {
    d.for_each(outputs, PIVOT_LAMBDA(int64_t i) {
      const int64_t o = i / inner, c = i % inner;
      const T* row = x + o * r * inner + c;
      A acc = red.init();
      for (int64_t k = 0; k < r; ++k) acc = red.combine(acc, (A)row[k * inner]);
      y[i] = (T)(op == ReduceOp::mean ? acc * (A)scale : acc);
    }, r);
    return;
  }
  A* partial = static_cast<A*>(d.workspace(sizeof(A) * outputs * chunks));
  const int64_t per = (r + chunks - 1) / chunks;
  d.for_each(outputs * chunks, PIVOT_LAMBDA(int64_t i) {
    const int64_t out = i / chunks, part = i % chunks;
    const int64_t o = out / inner, c = out % inner;
    const T* row = x + o * r * inner + c;
    const int64_t end = (part + 1) * per < r ? (part + 1) * per : r;
    A acc = red.init();
    for (int64_t k = part * per; k < end; ++k) acc = red.combine(acc, (A)row[k * inner]);
    partial[i] = acc;
  }, per);
  d.for_each(outputs, PIVOT_LAMBDA(int64_t i) {
    A acc = red.init();
    for (int64_t part = 0; part < chunks; ++part) acc = red.combine(acc, partial[i * chunks + part]);
    y[i] = (T)(op == ReduceOp::mean ? acc * (A)scale : acc);
  }, chunks);
}

/** Index of the first maximum (or minimum) along r, as int32; NaN counts as the extreme, as in TensorFlow. */
template <class Dev, class T>
void arg_reduce(Dev& d, bool is_max, const T* x, int32_t* y, int64_t outer, int64_t r, int64_t inner) {
  d.for_each(outer * inner, PIVOT_LAMBDA(int64_t i) {
    const int64_t o = i / inner, c = i % inner;
    const T* row = x + o * r * inner + c;
    T best = row[0];
    int32_t at = 0;
    for (int64_t k = 1; k < r; ++k) {
      const T v = row[k * inner];
      if (is_max ? v > best : v < best) { best = v; at = (int32_t)k; }
    }
    y[i] = at;
  }, r);
}

template <class Dev>
void reduce(Dev& d, ReduceOp op, DType dt, const void* x, void* y, int64_t outer, int64_t r, int64_t inner) {
  if (op == ReduceOp::arg_max || op == ReduceOp::arg_min) {
    const bool is_max = op == ReduceOp::arg_max;
    if (dt == DType::f32) return arg_reduce(d, is_max, static_cast<const float*>(x), static_cast<int32_t*>(y), outer, r, inner);
    return arg_reduce(d, is_max, static_cast<const int32_t*>(x), static_cast<int32_t*>(y), outer, r, inner);
  }
  if (dt == DType::f32) {
    if (op == ReduceOp::max || op == ReduceOp::min) {
      return reduce_typed<Dev, float, float>(d, op, static_cast<const float*>(x), static_cast<float*>(y), outer, r, inner);
    }
    return reduce_typed<Dev, float, double>(d, op, static_cast<const float*>(x), static_cast<float*>(y), outer, r, inner);
  }
  if (dt == DType::i32) {
    return reduce_typed<Dev, int32_t, int64_t>(d, op, static_cast<const int32_t*>(x), static_cast<int32_t*>(y), outer, r, inner);
  }
  reduce_typed<Dev, uint8_t, int32_t>(d, op, static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), outer, r, inner);
}

/** y = softmax over each row of `cols` values; one worker per row (max, sum of exp, scale). */
template <class Dev>
void softmax(Dev& d, const float* x, float* y, int64_t rows, int64_t cols) {
  d.for_each(rows, PIVOT_LAMBDA(int64_t row) {
    const float* in = x + row * cols;
    float* out = y + row * cols;
    float m = -INFINITY;
    for (int64_t j = 0; j < cols; ++j) m = in[j] > m ? in[j] : m;
    float sum = 0.f;
    for (int64_t j = 0; j < cols; ++j) {
      out[j] = expf(in[j] - m);
      sum += out[j];
    }
    const float inv = 1.f / sum;
    for (int64_t j = 0; j < cols; ++j) out[j] *= inv;
  }, cols * 4);
}

}  // namespace kernels
}  // namespace pivot
