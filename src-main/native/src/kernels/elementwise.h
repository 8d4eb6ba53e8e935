// Per-element kernels, written once for every device: `Dev::for_each(n, f)` runs f(i) for i in [0, n), on a
// thread pool (cpu/cpu_device.h) or as a grid launch (cuda/cuda_device.cuh). The switch on the operation sits
// outside the loop so that every loop body is a plain expression the compiler can vectorise.
#pragma once
#include <math.h>
#include <stdexcept>
#include "../common.h"
#include "../ops.h"
#include "fast_math.h"

namespace pivot {
namespace kernels {

PIVOT_HD inline float softplusf(float v) { return v > 20.f ? v : (v < -20.f ? expf(v) : log1pf(expf(v))); }
PIVOT_HD inline float signf(float v) { return v > 0.f ? 1.f : (v < 0.f ? -1.f : 0.f); }
constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kSqrt2OverPi = 0.79788456080286536f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;
/** 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), HF gelu_pytorch_tanh, and its derivative. */
PIVOT_HD inline float gelu_tanh_f(float x) { return 0.5f * x * (1.f + tanh_fast(kSqrt2OverPi * (x + 0.044715f * x * x * x))); }
PIVOT_HD inline float gelu_tanh_grad_f(float x) {
  const float t = tanh_fast(kSqrt2OverPi * (x + 0.044715f * x * x * x));
  return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * kSqrt2OverPi * (1.f + 3.f * 0.044715f * x * x);
}
/** x·Φ(x), exact GELU, and its derivative Φ(x) + x·φ(x). */
PIVOT_HD inline float gelu_f(float x) { return 0.5f * x * (1.f + erff(x * kSqrtHalf)); }
PIVOT_HD inline float gelu_grad_f(float x) { return 0.5f * (1.f + erff(x * kSqrtHalf)) + x * kInvSqrt2Pi * exp_nonpositive(-0.5f * x * x); }
/** x·σ(k·x) (silu: k = 1; quick_gelu: k = 1.702) and its derivative σ + k·x·σ(1 − σ). */
PIVOT_HD inline float swish_f(float x, float k) { return x * sigmoid_fast(k * x); }
PIVOT_HD inline float swish_grad_f(float x, float k) {
  const float s = sigmoid_fast(k * x);
  return s + k * x * s * (1.f - s);
}
// Round half to even, as TensorFlow (and tfjs) round.
PIVOT_HD inline float round_even(float v) { return rintf(v); }

#define PIVOT_UNARY(OP, EXPR)                                                  \
  case UnaryOp::OP:                                                            \
    d.for_each(n, PIVOT_LAMBDA(int64_t i) { const float v = xf[i]; yf[i] = (EXPR); }); \
    return;

template <class Dev>
void unary_f32(Dev& d, UnaryOp op, const float* xf, float* yf, int64_t n, float p0, float p1) {
  switch (op) {
    PIVOT_UNARY(neg, -v)
    PIVOT_UNARY(abs, fabsf(v))
    PIVOT_UNARY(exp, expf(v))
    PIVOT_UNARY(log, logf(v))
    PIVOT_UNARY(sqrt, sqrtf(v))
    PIVOT_UNARY(rsqrt, 1.f / sqrtf(v))
    PIVOT_UNARY(square, v * v)
    PIVOT_UNARY(tanh, tanh_fast(v))
    PIVOT_UNARY(sigmoid, sigmoid_fast(v))
    PIVOT_UNARY(softplus, softplusf(v))
    PIVOT_UNARY(erf, erff(v))
    PIVOT_UNARY(relu, v > 0.f ? v : 0.f)
    PIVOT_UNARY(elu, v >= 0.f ? v : expm1f(v))
    PIVOT_UNARY(sin, sinf(v))
    PIVOT_UNARY(cos, cosf(v))
    PIVOT_UNARY(floor, floorf(v))
    PIVOT_UNARY(ceil, ceilf(v))
    PIVOT_UNARY(round, round_even(v))
    PIVOT_UNARY(sign, signf(v))
    PIVOT_UNARY(reciprocal, 1.f / v)
    PIVOT_UNARY(log1p, log1pf(v))
    PIVOT_UNARY(expm1, expm1f(v))
    PIVOT_UNARY(step, v > 0.f ? 1.f : (v != v ? v : p0))
    PIVOT_UNARY(leaky_relu, v < 0.f ? p0 * v : v)
    PIVOT_UNARY(clip, v < p0 ? p0 : (v > p1 ? p1 : v))
    PIVOT_UNARY(relu6, v < 0.f ? 0.f : (v > 6.f ? 6.f : v))
    PIVOT_UNARY(selu, v >= 0.f ? 1.0507009873554805f * v : 1.0507009873554805f * 1.6732632423543772f * expm1f(v))
    PIVOT_UNARY(atan, atanf(v))
    PIVOT_UNARY(asin, asinf(v))
    PIVOT_UNARY(acos, acosf(v))
    PIVOT_UNARY(sinh, sinhf(v))
    PIVOT_UNARY(cosh, coshf(v))
    PIVOT_UNARY(tan, tanf(v))
    PIVOT_UNARY(gelu, gelu_f(v))
    PIVOT_UNARY(gelu_tanh, gelu_tanh_f(v))
    PIVOT_UNARY(silu, swish_f(v, 1.f))
    PIVOT_UNARY(quick_gelu, swish_f(v, 1.702f))
    default: throw std::invalid_argument("unary: this operation has no float32 form");
  }
}

// int32 keeps integer semantics for the operations tfjs allows on it; the rest go through float32 maths.
template <class Dev>
void unary_i32(Dev& d, UnaryOp op, const int32_t* xf, int32_t* yf, int64_t n, float p0, float p1) {
  switch (op) {
    PIVOT_UNARY(neg, -v)
    PIVOT_UNARY(abs, v < 0 ? -v : v)
    PIVOT_UNARY(square, v * v)
    PIVOT_UNARY(sign, v > 0 ? 1 : (v < 0 ? -1 : 0))
    PIVOT_UNARY(relu, v > 0 ? v : 0)
    PIVOT_UNARY(clip, (int32_t)(v < p0 ? p0 : (v > p1 ? p1 : (float)v)))
    PIVOT_UNARY(floor, v)
    PIVOT_UNARY(ceil, v)
    PIVOT_UNARY(round, v)
    default: throw std::invalid_argument("unary: this operation has no int32 form");
  }
}
#undef PIVOT_UNARY

template <class Dev>
void unary(Dev& d, UnaryOp op, DType dt, const void* x, void* y, int64_t n, float p0, float p1) {
  if (op == UnaryOp::logical_not) {
    const uint8_t* xb = static_cast<const uint8_t*>(x);
    uint8_t* yb = static_cast<uint8_t*>(y);
    d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = xb[i] ? 0 : 1; });
    return;
  }
  if (op == UnaryOp::is_nan || op == UnaryOp::is_inf || op == UnaryOp::is_finite) {
    const float* xf = static_cast<const float*>(x);
    uint8_t* yb = static_cast<uint8_t*>(y);
    if (op == UnaryOp::is_nan) d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = isnan(xf[i]) ? 1 : 0; });
    if (op == UnaryOp::is_inf) d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = isinf(xf[i]) ? 1 : 0; });
    if (op == UnaryOp::is_finite) d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = isfinite(xf[i]) ? 1 : 0; });
    return;
  }
  if (dt == DType::f32) return unary_f32(d, op, static_cast<const float*>(x), static_cast<float*>(y), n, p0, p1);
  if (dt == DType::i32) return unary_i32(d, op, static_cast<const int32_t*>(x), static_cast<int32_t*>(y), n, p0, p1);
  throw std::invalid_argument("unary: bool input only for logicalNot");
}

PIVOT_HD inline float floor_mod(float a, float b) {
  const float r = fmodf(a, b);
  return (r != 0.f && ((r < 0.f) != (b < 0.f))) ? r + b : r;
}
PIVOT_HD inline int32_t floor_div_i(int32_t a, int32_t b) {
  if (b == 0) return 0;
  const int32_t q = a / b;
  return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q;
}
PIVOT_HD inline int32_t floor_mod_i(int32_t a, int32_t b) {
  if (b == 0) return 0;
  const int32_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
PIVOT_HD inline int32_t ipow(int32_t a, int32_t b) {
  if (b < 0) return a == 1 ? 1 : (a == -1 ? (b % 2 ? -1 : 1) : 0);
  int32_t r = 1;
  while (b-- > 0) r *= a;
  return r;
}

// Loops per operation: contiguous operands of equal size (the common case, vectorisable); on devices that prefer
// row loops, rows of the last axis with each operand's row start decomposed once (a bias add, a per-row scale);
// else the general broadcast, which decomposes each output index.
#define PIVOT_BINARY(OP, EXPR)                                                                               \
  case BinaryOp::OP:                                                                                         \
    if (flat) {                                                                                              \
      d.for_each(n, PIVOT_LAMBDA(int64_t i) { const auto u = ap[i]; const auto v = bp[i]; yp[i] = (EXPR); }); \
    } else if (Dev::kRowLoops && inner >= 8) {                                                               \
      d.for_each(n / inner, PIVOT_LAMBDA(int64_t row) {                                                      \
        const auto* ar = ap + broadcast_offset(bc, 0, row * inner);                                          \
        const auto* br = bp + broadcast_offset(bc, 1, row * inner);                                          \
        auto* yr = yp + row * inner;                                                                         \
        if (sa == 1 && sb == 1) {                                                                            \
          for (int64_t j = 0; j < inner; ++j) { const auto u = ar[j]; const auto v = br[j]; yr[j] = (EXPR); } \
        } else if (sa == 1 && sb == 0) {                                                                     \
          const auto v = br[0];                                                                              \
          for (int64_t j = 0; j < inner; ++j) { const auto u = ar[j]; yr[j] = (EXPR); }                      \
        } else if (sa == 0 && sb == 1) {                                                                     \
          const auto u = ar[0];                                                                              \
          for (int64_t j = 0; j < inner; ++j) { const auto v = br[j]; yr[j] = (EXPR); }                      \
        } else {                                                                                             \
          for (int64_t j = 0; j < inner; ++j) { const auto u = ar[j * sa]; const auto v = br[j * sb]; yr[j] = (EXPR); } \
        }                                                                                                    \
      }, inner);                                                                                             \
    } else {                                                                                                 \
      d.for_each(n, PIVOT_LAMBDA(int64_t i) {                                                                \
        const auto u = ap[broadcast_offset(bc, 0, i)];                                                       \
        const auto v = bp[broadcast_offset(bc, 1, i)];                                                       \
        yp[i] = (EXPR);                                                                                      \
      });                                                                                                    \
    }                                                                                                        \
    return;

inline bool broadcast_is_flat(const Broadcast& bc) {
  return bc.rank == 1 && bc.strides[0][0] == 1 && bc.strides[1][0] == 1;
}
inline int64_t broadcast_size(const Broadcast& bc) {
  int64_t n = 1;
  for (int d = 0; d < bc.rank; ++d) n *= bc.shape[d];
  return n;
}

template <class Dev>
void binary_f32(Dev& d, BinaryOp op, const float* ap, const float* bp, float* yp, const Broadcast& bc) {
  const bool flat = broadcast_is_flat(bc);
  const int64_t n = broadcast_size(bc);
  const int64_t inner = bc.shape[bc.rank - 1];
  const int64_t sa = bc.strides[0][bc.rank - 1], sb = bc.strides[1][bc.rank - 1];
  switch (op) {
    PIVOT_BINARY(add, u + v)
    PIVOT_BINARY(sub, u - v)
    PIVOT_BINARY(mul, u * v)
    PIVOT_BINARY(div, u / v)
    PIVOT_BINARY(floor_div, floorf(u / v))
    PIVOT_BINARY(mod, floor_mod(u, v))
    PIVOT_BINARY(pow, powf(u, v))
    PIVOT_BINARY(maximum, (u != u || v != v) ? NAN : (u > v ? u : v))
    PIVOT_BINARY(minimum, (u != u || v != v) ? NAN : (u < v ? u : v))
    PIVOT_BINARY(squared_difference, (u - v) * (u - v))
    PIVOT_BINARY(atan2, atan2f(u, v))
    PIVOT_BINARY(gelu_grad, v * gelu_grad_f(u))
    PIVOT_BINARY(gelu_tanh_grad, v * gelu_tanh_grad_f(u))
    PIVOT_BINARY(silu_grad, v * swish_grad_f(u, 1.f))
    PIVOT_BINARY(quick_gelu_grad, v * swish_grad_f(u, 1.702f))
    default: throw std::invalid_argument("binary: not a float32-valued operation");
  }
}

template <class Dev>
void binary_i32(Dev& d, BinaryOp op, const int32_t* ap, const int32_t* bp, int32_t* yp, const Broadcast& bc) {
  const bool flat = broadcast_is_flat(bc);
  const int64_t n = broadcast_size(bc);
  const int64_t inner = bc.shape[bc.rank - 1];
  const int64_t sa = bc.strides[0][bc.rank - 1], sb = bc.strides[1][bc.rank - 1];
  switch (op) {
    PIVOT_BINARY(add, u + v)
    PIVOT_BINARY(sub, u - v)
    PIVOT_BINARY(mul, u * v)
    PIVOT_BINARY(floor_div, floor_div_i(u, v))
    PIVOT_BINARY(mod, floor_mod_i(u, v))
    PIVOT_BINARY(pow, ipow(u, v))
    PIVOT_BINARY(maximum, u > v ? u : v)
    PIVOT_BINARY(minimum, u < v ? u : v)
    PIVOT_BINARY(squared_difference, (u - v) * (u - v))
    default: throw std::invalid_argument("binary: not an int32-valued operation");
  }
}

template <class Dev, class T>
void compare(Dev& d, BinaryOp op, const T* ap, const T* bp, uint8_t* yp, const Broadcast& bc) {
  const bool flat = broadcast_is_flat(bc);
  const int64_t n = broadcast_size(bc);
  const int64_t inner = bc.shape[bc.rank - 1];
  const int64_t sa = bc.strides[0][bc.rank - 1], sb = bc.strides[1][bc.rank - 1];
  switch (op) {
    PIVOT_BINARY(equal, u == v ? 1 : 0)
    PIVOT_BINARY(not_equal, u != v ? 1 : 0)
    PIVOT_BINARY(less, u < v ? 1 : 0)
    PIVOT_BINARY(less_equal, u <= v ? 1 : 0)
    PIVOT_BINARY(greater, u > v ? 1 : 0)
    PIVOT_BINARY(greater_equal, u >= v ? 1 : 0)
    PIVOT_BINARY(logical_and, (u && v) ? 1 : 0)
    PIVOT_BINARY(logical_or, (u || v) ? 1 : 0)
    default: throw std::invalid_argument("binary: not a comparison");
  }
}
#undef PIVOT_BINARY

template <class Dev>
void binary(Dev& d, BinaryOp op, DType dt, const void* a, const void* b, void* y, const Broadcast& bc) {
  if (binary_outputs_bool(op)) {
    uint8_t* yb = static_cast<uint8_t*>(y);
    if (dt == DType::f32) return compare(d, op, static_cast<const float*>(a), static_cast<const float*>(b), yb, bc);
    if (dt == DType::i32) return compare(d, op, static_cast<const int32_t*>(a), static_cast<const int32_t*>(b), yb, bc);
    return compare(d, op, static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b), yb, bc);
  }
  if (dt == DType::f32) {
    return binary_f32(d, op, static_cast<const float*>(a), static_cast<const float*>(b), static_cast<float*>(y), bc);
  }
  if (dt == DType::i32) {
    return binary_i32(d, op, static_cast<const int32_t*>(a), static_cast<const int32_t*>(b), static_cast<int32_t*>(y), bc);
  }
  throw std::invalid_argument("binary: bool operands only for comparisons and logical operations");
}

template <class Dev, class T>
void select_typed(Dev& d, const uint8_t* c, const T* ap, const T* bp, T* yp, const Broadcast& bc) {
  d.for_each(broadcast_size(bc), PIVOT_LAMBDA(int64_t i) {
    yp[i] = c[broadcast_offset(bc, 0, i)] ? ap[broadcast_offset(bc, 1, i)] : bp[broadcast_offset(bc, 2, i)];
  });
}

template <class Dev>
void select(Dev& d, DType dt, const uint8_t* cond, const void* a, const void* b, void* y, const Broadcast& bc) {
  if (dt == DType::b8) {
    return select_typed(d, cond, static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b), static_cast<uint8_t*>(y), bc);
  }
  // float32 and int32 are both four bytes: selecting moves bits, whatever they mean.
  select_typed(d, cond, static_cast<const int32_t*>(a), static_cast<const int32_t*>(b), static_cast<int32_t*>(y), bc);
}

template <class Dev, class From, class To>
void cast_typed(Dev& d, const From* x, To* y, int64_t n) {
  d.for_each(n, PIVOT_LAMBDA(int64_t i) { y[i] = static_cast<To>(x[i]); });
}

template <class Dev>
void cast(Dev& d, DType from, DType to, const void* x, void* y, int64_t n) {
  if (to == DType::b8) {
    uint8_t* yb = static_cast<uint8_t*>(y);
    if (from == DType::f32) { const float* xf = static_cast<const float*>(x); d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = xf[i] != 0.f; }); }
    if (from == DType::i32) { const int32_t* xi = static_cast<const int32_t*>(x); d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = xi[i] != 0; }); }
    if (from == DType::b8) cast_typed(d, static_cast<const uint8_t*>(x), yb, n);
    return;
  }
  if (to == DType::i32) {
    int32_t* yi = static_cast<int32_t*>(y);
    // tfjs truncates toward zero (Int32Array.from), as static_cast does.
    if (from == DType::f32) cast_typed(d, static_cast<const float*>(x), yi, n);
    if (from == DType::i32) cast_typed(d, static_cast<const int32_t*>(x), yi, n);
    if (from == DType::b8) cast_typed(d, static_cast<const uint8_t*>(x), yi, n);
    return;
  }
  float* yf = static_cast<float*>(y);
  if (from == DType::f32) cast_typed(d, static_cast<const float*>(x), yf, n);
  if (from == DType::i32) cast_typed(d, static_cast<const int32_t*>(x), yf, n);
  if (from == DType::b8) cast_typed(d, static_cast<const uint8_t*>(x), yf, n);
}

template <class Dev>
void fill(Dev& d, DType dt, void* y, int64_t n, double value) {
  if (dt == DType::f32) { float* yf = static_cast<float*>(y); const float v = (float)value; d.for_each(n, PIVOT_LAMBDA(int64_t i) { yf[i] = v; }); }
  if (dt == DType::i32) { int32_t* yi = static_cast<int32_t*>(y); const int32_t v = (int32_t)value; d.for_each(n, PIVOT_LAMBDA(int64_t i) { yi[i] = v; }); }
  if (dt == DType::b8) { uint8_t* yb = static_cast<uint8_t*>(y); const uint8_t v = value != 0; d.for_each(n, PIVOT_LAMBDA(int64_t i) { yb[i] = v; }); }
}

template <class Dev>
void range(Dev& d, DType dt, void* y, int64_t n, double start, double step) {
  if (dt == DType::i32) {
    int32_t* yi = static_cast<int32_t*>(y);
    const int32_t s = (int32_t)start, t = (int32_t)step;
    d.for_each(n, PIVOT_LAMBDA(int64_t i) { yi[i] = s + (int32_t)i * t; });
    return;
  }
  float* yf = static_cast<float*>(y);
  const float s = (float)start, t = (float)step;
  d.for_each(n, PIVOT_LAMBDA(int64_t i) { yf[i] = s + (float)i * t; });
}

}  // namespace kernels
}  // namespace pivot
