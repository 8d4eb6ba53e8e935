// Reading a call's arguments from JavaScript, and turning C++ failures into JavaScript errors: every exported
// function runs inside `guarded`, so a bad argument or a device failure is an exception in JS, never a crash.
#pragma once
#include <napi.h>
#include <stdexcept>
#include <string>
#include "../buffers.h"

namespace pivot {
namespace api {

inline double number(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw std::invalid_argument("argument " + std::to_string(i) + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

inline int64_t integer(const Napi::CallbackInfo& info, size_t i) { return static_cast<int64_t>(number(info, i)); }
inline bool flag(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

/**
 * The buffers of one kernel call, all on one device: the device is the first buffer's, and a buffer of
 * another device is refused (mixing them would hand a GPU pointer to the CPU).
 */
class Call {
 public:
  explicit Call(const Napi::CallbackInfo& info) : info_(info) {}
  void* ptr(size_t i) {
    const Buffer& b = buffer_get(number(info_, i));
    if (device_ < 0) device_ = b.device;
    if (b.device != device_) throw std::invalid_argument("argument " + std::to_string(i) + " is on another device");
    return b.data;
  }
  template <class T> T* typed(size_t i) { return static_cast<T*>(ptr(i)); }
  const Device& device() const {
    if (device_ < 0) throw std::invalid_argument("kernel call without a buffer");
    return device_for(device_);
  }

 private:
  const Napi::CallbackInfo& info_;
  int device_ = -1;
};

/** A JS array of numbers, of at most kMaxRank entries, into `out`; returns its length. */
inline int dims(const Napi::CallbackInfo& info, size_t i, int64_t* out) {
  if (i >= info.Length() || !info[i].IsArray()) throw std::invalid_argument("argument " + std::to_string(i) + " must be an array");
  const Napi::Array a = info[i].As<Napi::Array>();
  if (a.Length() > static_cast<uint32_t>(kMaxRank)) throw std::invalid_argument("rank above " + std::to_string(kMaxRank));
  for (uint32_t k = 0; k < a.Length(); ++k) out[k] = static_cast<int64_t>(a.Get(k).As<Napi::Number>().DoubleValue());
  return static_cast<int>(a.Length());
}

std::string format_bytes(size_t bytes);

/** Runs `body`, converting what it throws into a JS exception (OUT_OF_MEMORY with its sizes, or a plain Error). */
template <class Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  Napi::Env env = info.Env();
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const OutOfMemory& oom) {
    const char* device = oom.device == kCuda ? "GPU" : "CPU";
    Napi::Error error = Napi::Error::New(
        env, std::string("Out of memory on the ") + device + ": asked for " + format_bytes(oom.requested) +
                 ", " + format_bytes(oom.free_bytes) + " free, " + format_bytes(oom.in_use) + " held by tensors");
    error.Set("code", "OUT_OF_MEMORY");
    error.Set("device", device);
    error.Set("requestedBytes", static_cast<double>(oom.requested));
    error.Set("freeBytes", static_cast<double>(oom.free_bytes));
    error.Set("inUseBytes", static_cast<double>(oom.in_use));
    throw error;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("native backend: ") + e.what());
  }
}

void register_memory(Napi::Env env, Napi::Object exports);
void register_kernels(Napi::Env env, Napi::Object exports);
void register_fused(Napi::Env env, Napi::Object exports);

}  // namespace api
}  // namespace pivot
