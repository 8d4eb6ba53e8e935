// The addon's fused kernels (normalisation, attention, log-softmax gather, AdamW), each with its gradient.
#include <vector>
#include "args.h"
#include "../kernels/attention.h"

namespace pivot {
namespace api {

namespace {

/** Float buffer `i` of the call, refused unless it holds `count` values (a wrong shape must not overrun it). */
float* attention_buffer(Call& c, const Napi::CallbackInfo& info, size_t i, int64_t count, const char* what) {
  float* p = c.typed<float>(i);
  if (buffer_get(number(info, i)).bytes < sizeof(float) * static_cast<size_t>(count)) {
    throw std::invalid_argument(std::string("attention: ") + what + " holds fewer than " + std::to_string(count) + " values");
  }
  return p;
}

/** The attention sizes at `at` (batch, heads, kvHeads, tq, tk, dim), checked. */
struct AttentionSizes {
  int64_t batch, heads, kv_heads, tq, tk, dim;
  int64_t q() const { return batch * heads * tq * dim; }
  int64_t kv() const { return batch * kv_heads * tk * dim; }
};

AttentionSizes attention_sizes(const Napi::CallbackInfo& info, size_t at) {
  AttentionSizes s{integer(info, at), integer(info, at + 1), integer(info, at + 2), integer(info, at + 3),
                   integer(info, at + 4), integer(info, at + 5)};
  if (s.batch < 0 || s.tq < 0 || s.tk < 0 || s.heads < 1 || s.kv_heads < 1 || s.dim < 1 || s.heads % s.kv_heads != 0) {
    throw std::invalid_argument("attention: bad sizes (heads must be a multiple of kvHeads)");
  }
  if (s.dim > kernels::kAttentionMaxDim) {
    throw std::invalid_argument("attention: head dimension " + std::to_string(s.dim) + " is above the fused kernel's " +
                                std::to_string(kernels::kAttentionMaxDim));
  }
  return s;
}

/** The optional [batch, tk] float mask at `i`: null or undefined for none. */
const float* attention_mask(Call& c, const Napi::CallbackInfo& info, size_t i, const AttentionSizes& s) {
  if (info[i].IsNull() || info[i].IsUndefined()) return nullptr;
  return attention_buffer(c, info, i, s.batch * s.tk, "mask");
}

// attentionForward(q, k, v, mask|null, out, lse, batch, heads, kvHeads, tq, tk, dim, causal, scale)
void AttentionForward(const Napi::CallbackInfo& info) {
  const AttentionSizes s = attention_sizes(info, 6);
  Call c(info);
  const float* q = attention_buffer(c, info, 0, s.q(), "q");
  const float* k = attention_buffer(c, info, 1, s.kv(), "k");
  const float* v = attention_buffer(c, info, 2, s.kv(), "v");
  const float* mask = attention_mask(c, info, 3, s);
  float* out = attention_buffer(c, info, 4, s.q(), "out");
  float* lse = attention_buffer(c, info, 5, s.batch * s.heads * s.tq, "lse");
  c.device().kernels.attention_forward(q, k, v, mask, out, lse, s.batch, s.heads, s.kv_heads, s.tq, s.tk, s.dim,
                                       flag(info, 12), static_cast<float>(number(info, 13)));
}

// attentionBackward(q, k, v, mask|null, out, lse, dout, dq, dk, dv, batch, heads, kvHeads, tq, tk, dim, causal, scale)
void AttentionBackward(const Napi::CallbackInfo& info) {
  const AttentionSizes s = attention_sizes(info, 10);
  Call c(info);
  const float* q = attention_buffer(c, info, 0, s.q(), "q");
  const float* k = attention_buffer(c, info, 1, s.kv(), "k");
  const float* v = attention_buffer(c, info, 2, s.kv(), "v");
  const float* mask = attention_mask(c, info, 3, s);
  const float* out = attention_buffer(c, info, 4, s.q(), "out");
  const float* lse = attention_buffer(c, info, 5, s.batch * s.heads * s.tq, "lse");
  const float* dout = attention_buffer(c, info, 6, s.q(), "dout");
  float* dq = attention_buffer(c, info, 7, s.q(), "dq");
  float* dk = attention_buffer(c, info, 8, s.kv(), "dk");
  float* dv = attention_buffer(c, info, 9, s.kv(), "dv");
  c.device().kernels.attention_backward(q, k, v, mask, out, lse, dout, dq, dk, dv, s.batch, s.heads, s.kv_heads, s.tq,
                                        s.tk, s.dim, flag(info, 16), static_cast<float>(number(info, 17)));
}

/** Buffer `i` of the call as T*, refused unless it holds `count` values: a wrong shape must not overrun it. */
template <class T>
T* sized(Call& c, const Napi::CallbackInfo& info, size_t i, int64_t count, const char* kernel, const char* what) {
  T* p = c.typed<T>(i);
  if (count < 0 || buffer_get(number(info, i)).bytes < sizeof(T) * static_cast<size_t>(count)) {
    throw std::invalid_argument(std::string(kernel) + ": " + what + " holds fewer than " + std::to_string(count) + " values");
  }
  return p;
}

// normForward(x, gamma, beta|null, y, rows, cols, eps): layer norm with beta, RMSNorm without.
void NormForward(const Napi::CallbackInfo& info) {
  const int64_t rows = integer(info, 4), cols = integer(info, 5);
  Call c(info);
  const float* x = sized<const float>(c, info, 0, rows * cols, "normForward", "x");
  const float* gamma = sized<const float>(c, info, 1, cols, "normForward", "gamma");
  const bool centre = !info[2].IsNull() && !info[2].IsUndefined();
  const float* beta = centre ? sized<const float>(c, info, 2, cols, "normForward", "beta") : nullptr;
  float* y = sized<float>(c, info, 3, rows * cols, "normForward", "y");
  c.device().kernels.norm_forward(x, gamma, beta, y, rows, cols, static_cast<float>(number(info, 6)), centre);
}

// normBackward(x, gamma, dy, dx, dgamma, dbeta|null, rows, cols, eps): layer norm with dbeta, RMSNorm without.
void NormBackward(const Napi::CallbackInfo& info) {
  const int64_t rows = integer(info, 6), cols = integer(info, 7);
  Call c(info);
  const float* x = sized<const float>(c, info, 0, rows * cols, "normBackward", "x");
  const float* gamma = sized<const float>(c, info, 1, cols, "normBackward", "gamma");
  const float* dy = sized<const float>(c, info, 2, rows * cols, "normBackward", "dy");
  float* dx = sized<float>(c, info, 3, rows * cols, "normBackward", "dx");
  float* dgamma = sized<float>(c, info, 4, cols, "normBackward", "dgamma");
  const bool centre = !info[5].IsNull() && !info[5].IsUndefined();
  float* dbeta = centre ? sized<float>(c, info, 5, cols, "normBackward", "dbeta") : nullptr;
  c.device().kernels.norm_backward(x, gamma, dy, dx, dgamma, dbeta, rows, cols, static_cast<float>(number(info, 8)), centre);
}

// logSoftmaxGather(logits, labels, out, lse, rows, vocab)
void LogSoftmaxGather(const Napi::CallbackInfo& info) {
  const int64_t rows = integer(info, 4), vocab = integer(info, 5);
  if (vocab < 1) throw std::invalid_argument("logSoftmaxGather: an empty vocabulary");
  Call c(info);
  const float* logits = sized<const float>(c, info, 0, rows * vocab, "logSoftmaxGather", "logits");
  const int32_t* labels = sized<const int32_t>(c, info, 1, rows, "logSoftmaxGather", "labels");
  float* out = sized<float>(c, info, 2, rows, "logSoftmaxGather", "out");
  float* lse = sized<float>(c, info, 3, rows, "logSoftmaxGather", "lse");
  c.device().kernels.log_softmax_gather_forward(logits, labels, out, lse, rows, vocab);
}

// logSoftmaxGatherGrad(logits, labels, lse, dy, dlogits, rows, vocab)
void LogSoftmaxGatherGrad(const Napi::CallbackInfo& info) {
  const int64_t rows = integer(info, 5), vocab = integer(info, 6);
  if (vocab < 1) throw std::invalid_argument("logSoftmaxGatherGrad: an empty vocabulary");
  Call c(info);
  const float* logits = sized<const float>(c, info, 0, rows * vocab, "logSoftmaxGatherGrad", "logits");
  const int32_t* labels = sized<const int32_t>(c, info, 1, rows, "logSoftmaxGatherGrad", "labels");
  const float* lse = sized<const float>(c, info, 2, rows, "logSoftmaxGatherGrad", "lse");
  const float* dy = sized<const float>(c, info, 3, rows, "logSoftmaxGatherGrad", "dy");
  float* dlogits = sized<float>(c, info, 4, rows * vocab, "logSoftmaxGatherGrad", "dlogits");
  c.device().kernels.log_softmax_gather_backward(logits, labels, lse, dy, dlogits, rows, vocab);
}

/** Entry k of the JS number array at `i`. */
double entry(const Napi::CallbackInfo& info, size_t i, uint32_t k) {
  const Napi::Value v = info[i].As<Napi::Array>().Get(k);
  if (!v.IsNumber()) throw std::invalid_argument("adamw: argument " + std::to_string(i) + " holds a non-number");
  return v.As<Napi::Number>().DoubleValue();
}

// adamw(params[], grads[], m[], v[], sizes[], decays[], steps[], sqrtBias2[], beta1, beta2, eps): one AdamW step of
// every parameter, in place; per parameter decay = 1 − lr·wd, step = lr / bias1 (see kernels/adamw.h).
void AdamW(const Napi::CallbackInfo& info) {
  for (size_t i = 0; i < 8; ++i) {
    if (!info[i].IsArray()) throw std::invalid_argument("adamw: argument " + std::to_string(i) + " must be an array");
  }
  const uint32_t count = info[0].As<Napi::Array>().Length();
  for (size_t i = 1; i < 8; ++i) {
    if (info[i].As<Napi::Array>().Length() != count) throw std::invalid_argument("adamw: arrays of different lengths");
  }
  const double beta1 = number(info, 8), beta2 = number(info, 9);
  const float eps = static_cast<float>(number(info, 10));
  // Every buffer is checked before any is written, so a bad argument leaves all parameters as they were.
  struct Slot {
    float* buffers[4];
    int64_t n;
  };
  std::vector<Slot> slots(count);
  static const char* const names[4] = {"param", "grad", "m", "v"};
  int device = -1;
  for (uint32_t k = 0; k < count; ++k) {
    slots[k].n = static_cast<int64_t>(entry(info, 4, k));
    for (size_t i = 0; i < 4; ++i) {
      const Buffer& b = buffer_get(entry(info, i, k));
      if (device < 0) device = b.device;
      if (b.device != device) throw std::invalid_argument(std::string("adamw: a ") + names[i] + " on another device");
      if (slots[k].n < 0 || b.bytes < sizeof(float) * static_cast<size_t>(slots[k].n)) {
        throw std::invalid_argument(std::string("adamw: ") + names[i] + " of parameter " + std::to_string(k) +
                                    " holds fewer than " + std::to_string(slots[k].n) + " values");
      }
      slots[k].buffers[i] = static_cast<float*>(b.data);
    }
  }
  if (count == 0) return;
  const DeviceKernels& kernels = device_for(device).kernels;
  for (uint32_t k = 0; k < count; ++k) {
    float* const* b = slots[k].buffers;
    kernels.adamw_update(b[0], b[1], b[2], b[3], slots[k].n, static_cast<float>(beta1), static_cast<float>(1.0 - beta1),
                         static_cast<float>(beta2), static_cast<float>(1.0 - beta2), eps,
                         static_cast<float>(entry(info, 5, k)), static_cast<float>(entry(info, 6, k)),
                         static_cast<float>(entry(info, 7, k)));
  }
}

}  // namespace

#define PIVOT_FUSED_EXPORT(fn) [](const Napi::CallbackInfo& info) { return guarded(info, [&] { fn(info); return info.Env().Undefined(); }); }

void register_fused(Napi::Env env, Napi::Object exports) {
  exports.Set("attentionForward", Napi::Function::New(env, PIVOT_FUSED_EXPORT(AttentionForward)));
  exports.Set("attentionBackward", Napi::Function::New(env, PIVOT_FUSED_EXPORT(AttentionBackward)));
  exports.Set("normForward", Napi::Function::New(env, PIVOT_FUSED_EXPORT(NormForward)));
  exports.Set("normBackward", Napi::Function::New(env, PIVOT_FUSED_EXPORT(NormBackward)));
  exports.Set("logSoftmaxGather", Napi::Function::New(env, PIVOT_FUSED_EXPORT(LogSoftmaxGather)));
  exports.Set("logSoftmaxGatherGrad", Napi::Function::New(env, PIVOT_FUSED_EXPORT(LogSoftmaxGatherGrad)));
  exports.Set("adamw", Napi::Function::New(env, PIVOT_FUSED_EXPORT(AdamW)));
}

}  // namespace api
}  // namespace pivot
