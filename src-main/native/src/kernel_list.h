// Every device kernel, listed once (an X-macro): the device table (device.h) declares a pointer per entry,
// and each device's translation unit (cpu/cpu_kernels.cc, cuda/cuda_kernels.cu) fills it by instantiating the
// same template from kernels/*.h with its own launcher. Entry: X(name, (parameters), (arguments)).
#pragma once
#include "common.h"
#include "ops.h"

#define PIVOT_DEVICE_KERNELS(X)                                                                                  \
  X(unary, (UnaryOp op, DType dt, const void* x, void* y, int64_t n, float p0, float p1),                        \
    (op, dt, x, y, n, p0, p1))                                                                                   \
  X(binary, (BinaryOp op, DType dt, const void* a, const void* b, void* y, const Broadcast& bc),                 \
    (op, dt, a, b, y, bc))                                                                                       \
  X(select, (DType dt, const uint8_t* cond, const void* a, const void* b, void* y, const Broadcast& bc),         \
    (dt, cond, a, b, y, bc))                                                                                     \
  X(cast, (DType from, DType to, const void* x, void* y, int64_t n), (from, to, x, y, n))                        \
  X(fill, (DType dt, void* y, int64_t n, double value), (dt, y, n, value))                                       \
  X(range, (DType dt, void* y, int64_t n, double start, double step), (dt, y, n, start, step))                   \
  X(strided_copy, (int elem_bytes, const void* x, void* y, const Strided& s), (elem_bytes, x, y, s))            \
  X(reduce,                                                                                                      \
    (ReduceOp op, DType dt, const void* x, void* y, int64_t outer, int64_t r, int64_t inner),                    \
    (op, dt, x, y, outer, r, inner))                                                                             \
  X(softmax, (const float* x, float* y, int64_t rows, int64_t cols), (x, y, rows, cols))                         \
  X(gather,                                                                                                      \
    (int elem_bytes, const void* x, const int32_t* idx, void* y, int64_t outer, int64_t axis_dim, int64_t inner, \
     int64_t n_idx),                                                                                             \
    (elem_bytes, x, idx, y, outer, axis_dim, inner, n_idx))                                                      \
  X(segment_sum,                                                                                                 \
    (DType dt, const void* x, const int32_t* seg, void* y, int64_t n, int64_t inner, int64_t segments),          \
    (dt, x, seg, y, n, inner, segments))                                                                         \
  X(one_hot, (const int32_t* idx, DType dt, void* y, int64_t n, int64_t depth, float on, float off),             \
    (idx, dt, y, n, depth, on, off))

#define PIVOT_FUSED_KERNELS(X)                                                                                   \
  X(norm_forward,                                                                                                \
    (const float* x, const float* gamma, const float* beta, float* y, int64_t rows, int64_t cols, float eps,     \
     bool centre),                                                                                               \
    (x, gamma, beta, y, rows, cols, eps, centre))                                                                \
  X(norm_backward,                                                                                               \
    (const float* x, const float* gamma, const float* dy, float* dx, float* dgamma, float* dbeta, int64_t rows,  \
     int64_t cols, float eps, bool centre),                                                                      \
    (x, gamma, dy, dx, dgamma, dbeta, rows, cols, eps, centre))                                                  \
  X(log_softmax_gather_forward,                                                                                  \
    (const float* logits, const int32_t* labels, float* out, float* lse, int64_t rows, int64_t vocab),           \
    (logits, labels, out, lse, rows, vocab))                                                                     \
  X(log_softmax_gather_backward,                                                                                 \
    (const float* logits, const int32_t* labels, const float* lse, const float* dy, float* dlogits,              \
     int64_t rows, int64_t vocab),                                                                               \
    (logits, labels, lse, dy, dlogits, rows, vocab))                                                             \
  X(adamw_update,                                                                                                \
    (float* p, const float* g, float* m, float* v, int64_t n, float beta1, float one_minus_beta1, float beta2,   \
     float one_minus_beta2, float eps, float decay, float step, float sqrt_bias2),                               \
    (p, g, m, v, n, beta1, one_minus_beta1, beta2, one_minus_beta2, eps, decay, step, sqrt_bias2))               \
  X(attention_forward,                                                                                           \
    (const float* q, const float* k, const float* v, const float* mask, float* out, float* lse, int64_t batch,   \
     int64_t heads, int64_t kv_heads, int64_t tq, int64_t tk, int64_t dim, bool causal, float scale),            \
    (q, k, v, mask, out, lse, batch, heads, kv_heads, tq, tk, dim, causal, scale))                               \
  X(attention_backward,                                                                                          \
    (const float* q, const float* k, const float* v, const float* mask, const float* out, const float* lse,      \
     const float* dout, float* dq, float* dk, float* dv, int64_t batch, int64_t heads, int64_t kv_heads,          \
     int64_t tq, int64_t tk, int64_t dim, bool causal, float scale),                                             \
    (q, k, v, mask, out, lse, dout, dq, dk, dv, batch, heads, kv_heads, tq, tk, dim, causal, scale))
