// The addon's kernel functions: each reads handles and sizes (the TypeScript side has already worked out
// shapes, strides and broadcasting) and calls the kernel of the buffers' device.
#include "args.h"

namespace pivot {
namespace api {
namespace {

#define PIVOT_EXPORT(fn) [](const Napi::CallbackInfo& info) { return guarded(info, [&] { fn(info); return info.Env().Undefined(); }); }

DType dtype(const Napi::CallbackInfo& info, size_t i) {
  const int64_t v = integer(info, i);
  if (v < 0 || v > 2) throw std::invalid_argument("unknown dtype code " + std::to_string(v));
  return static_cast<DType>(v);
}

/** Reads `count` stride arrays (one per operand) and the shape into a Broadcast. */
Broadcast broadcast(const Napi::CallbackInfo& info, size_t shape_at, int count) {
  Broadcast bc{};
  bc.rank = dims(info, shape_at, bc.shape);
  for (int k = 0; k < count; ++k) {
    if (dims(info, shape_at + 1 + k, bc.strides[k]) != bc.rank) throw std::invalid_argument("strides of another rank than the shape");
  }
  return bc;
}

// unary(op, dtype, x, y, n, p0, p1)
void Unary(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* x = c.ptr(2);
  void* y = c.ptr(3);
  c.device().kernels.unary(static_cast<UnaryOp>(integer(info, 0)), dtype(info, 1), x, y, integer(info, 4),
                           static_cast<float>(number(info, 5)), static_cast<float>(number(info, 6)));
}

// binary(op, dtype, a, b, y, shape, aStrides, bStrides)
void Binary(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* a = c.ptr(2);
  const void* b = c.ptr(3);
  void* y = c.ptr(4);
  c.device().kernels.binary(static_cast<BinaryOp>(integer(info, 0)), dtype(info, 1), a, b, y, broadcast(info, 5, 2));
}

// select(dtype, cond, a, b, y, shape, condStrides, aStrides, bStrides)
void Select(const Napi::CallbackInfo& info) {
  Call c(info);
  const uint8_t* cond = c.typed<const uint8_t>(1);
  const void* a = c.ptr(2);
  const void* b = c.ptr(3);
  void* y = c.ptr(4);
  c.device().kernels.select(dtype(info, 0), cond, a, b, y, broadcast(info, 5, 3));
}

// cast(from, to, x, y, n)
void Cast(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* x = c.ptr(2);
  void* y = c.ptr(3);
  c.device().kernels.cast(dtype(info, 0), dtype(info, 1), x, y, integer(info, 4));
}

// fill(dtype, y, n, value)
void Fill(const Napi::CallbackInfo& info) {
  Call c(info);
  void* y = c.ptr(1);
  c.device().kernels.fill(dtype(info, 0), y, integer(info, 2), number(info, 3));
}

// range(dtype, y, n, start, step)
void Range(const Napi::CallbackInfo& info) {
  Call c(info);
  void* y = c.ptr(1);
  c.device().kernels.range(dtype(info, 0), y, integer(info, 2), number(info, 3), number(info, 4));
}

// stridedCopy(elemBytes, x, y, shape, inStrides, inOffset, outStrides, outOffset)
void StridedCopy(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* x = c.ptr(1);
  void* y = c.ptr(2);
  Strided s{};
  s.rank = dims(info, 3, s.shape);
  if (dims(info, 4, s.in_strides) != s.rank || dims(info, 6, s.out_strides) != s.rank) {
    throw std::invalid_argument("stridedCopy: strides of another rank than the shape");
  }
  s.in_offset = integer(info, 5);
  s.out_offset = integer(info, 7);
  c.device().kernels.strided_copy(static_cast<int>(integer(info, 0)), x, y, s);
}

// reduce(op, dtype, x, y, outer, r, inner)
void Reduce(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* x = c.ptr(2);
  void* y = c.ptr(3);
  c.device().kernels.reduce(static_cast<ReduceOp>(integer(info, 0)), dtype(info, 1), x, y, integer(info, 4),
                            integer(info, 5), integer(info, 6));
}

// softmax(x, y, rows, cols)
void Softmax(const Napi::CallbackInfo& info) {
  Call c(info);
  const float* x = c.typed<const float>(0);
  float* y = c.typed<float>(1);
  c.device().kernels.softmax(x, y, integer(info, 2), integer(info, 3));
}

// gather(elemBytes, x, indices, y, outer, axisDim, inner, nIndices)
void Gather(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* x = c.ptr(1);
  const int32_t* idx = c.typed<const int32_t>(2);
  void* y = c.ptr(3);
  c.device().kernels.gather(static_cast<int>(integer(info, 0)), x, idx, y, integer(info, 4), integer(info, 5),
                            integer(info, 6), integer(info, 7));
}

// segmentSum(dtype, x, segmentIds, y, n, inner, segments)
void SegmentSum(const Napi::CallbackInfo& info) {
  Call c(info);
  const void* x = c.ptr(1);
  const int32_t* seg = c.typed<const int32_t>(2);
  void* y = c.ptr(3);
  c.device().kernels.segment_sum(dtype(info, 0), x, seg, y, integer(info, 4), integer(info, 5), integer(info, 6));
}

// oneHot(indices, dtype, y, n, depth, on, off)
void OneHot(const Napi::CallbackInfo& info) {
  Call c(info);
  const int32_t* idx = c.typed<const int32_t>(0);
  void* y = c.ptr(2);
  c.device().kernels.one_hot(idx, dtype(info, 1), y, integer(info, 3), integer(info, 4),
                             static_cast<float>(number(info, 5)), static_cast<float>(number(info, 6)));
}

// gemm(a, b, c, transA, transB, m, n, k, lda, strideA, ldb, strideB, ldc, strideC, batch, alpha, beta)
void Gemm(const Napi::CallbackInfo& info) {
  Call c(info);
  GemmArgs g{};
  g.a = c.typed<const float>(0);
  g.b = c.typed<const float>(1);
  g.c = c.typed<float>(2);
  g.trans_a = flag(info, 3);
  g.trans_b = flag(info, 4);
  g.m = integer(info, 5);
  g.n = integer(info, 6);
  g.k = integer(info, 7);
  g.lda = integer(info, 8);
  g.stride_a = integer(info, 9);
  g.ldb = integer(info, 10);
  g.stride_b = integer(info, 11);
  g.ldc = integer(info, 12);
  g.stride_c = integer(info, 13);
  g.batch = integer(info, 14);
  g.alpha = static_cast<float>(number(info, 15));
  g.beta = static_cast<float>(number(info, 16));
  c.device().gemm(g);
}

}  // namespace

void register_kernels(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, PIVOT_EXPORT(Unary)));
  exports.Set("binary", Napi::Function::New(env, PIVOT_EXPORT(Binary)));
  exports.Set("select", Napi::Function::New(env, PIVOT_EXPORT(Select)));
  exports.Set("cast", Napi::Function::New(env, PIVOT_EXPORT(Cast)));
  exports.Set("fill", Napi::Function::New(env, PIVOT_EXPORT(Fill)));
  exports.Set("range", Napi::Function::New(env, PIVOT_EXPORT(Range)));
  exports.Set("stridedCopy", Napi::Function::New(env, PIVOT_EXPORT(StridedCopy)));
  exports.Set("reduce", Napi::Function::New(env, PIVOT_EXPORT(Reduce)));
  exports.Set("softmax", Napi::Function::New(env, PIVOT_EXPORT(Softmax)));
  exports.Set("gather", Napi::Function::New(env, PIVOT_EXPORT(Gather)));
  exports.Set("segmentSum", Napi::Function::New(env, PIVOT_EXPORT(SegmentSum)));
  exports.Set("oneHot", Napi::Function::New(env, PIVOT_EXPORT(OneHot)));
  exports.Set("gemm", Napi::Function::New(env, PIVOT_EXPORT(Gemm)));
}

}  // namespace api
}  // namespace pivot
