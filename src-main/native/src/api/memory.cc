// The addon's memory and device functions: allocate, copy in and out, free, usage, and what each device is.
#include <cstdio>
#include "../cpu/cpu_device.h"
#include "args.h"

namespace pivot {
namespace api {

std::string format_bytes(size_t bytes) {
  char text[32];
  if (bytes >= (size_t(1) << 30)) std::snprintf(text, sizeof text, "%.2f GiB", bytes / 1073741824.0);
  else if (bytes >= (size_t(1) << 20)) std::snprintf(text, sizeof text, "%.1f MiB", bytes / 1048576.0);
  else std::snprintf(text, sizeof text, "%zu bytes", bytes);
  return text;
}

namespace {

/** The bytes of a typed array argument. */
struct Bytes {
  void* data;
  size_t size;
};
Bytes typed_bytes(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsTypedArray()) throw std::invalid_argument("argument " + std::to_string(i) + " must be a typed array");
  Napi::TypedArray a = info[i].As<Napi::TypedArray>();
  Napi::ArrayBuffer buffer = a.ArrayBuffer();
  return Bytes{static_cast<char*>(buffer.Data()) + a.ByteOffset(), a.ByteLength()};
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const double bytes = number(info, 1);
    if (bytes < 0) throw std::invalid_argument("a buffer cannot have a negative size");
    return Napi::Number::New(info.Env(), buffer_alloc(static_cast<int>(number(info, 0)), static_cast<size_t>(bytes)));
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    buffer_free(number(info, 0));
    return info.Env().Undefined();
  });
}

/** write(handle, typedArray): the array's bytes into the buffer (sizes must match). */
Napi::Value Write(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const Buffer& b = buffer_get(number(info, 0));
    const Bytes src = typed_bytes(info, 1);
    if (src.size != b.bytes) throw std::invalid_argument("write: " + std::to_string(src.size) + " bytes into a buffer of " + std::to_string(b.bytes));
    if (b.bytes > 0) device_for(b.device).upload(b.data, src.data, b.bytes);
    return info.Env().Undefined();
  });
}

/** read(handle, typedArray): the buffer's bytes into the array (waits for the device). */
Napi::Value Read(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const Buffer& b = buffer_get(number(info, 0));
    const Bytes dst = typed_bytes(info, 1);
    if (dst.size != b.bytes) throw std::invalid_argument("read: a buffer of " + std::to_string(b.bytes) + " bytes into " + std::to_string(dst.size));
    if (b.bytes > 0) device_for(b.device).download(dst.data, b.data, b.bytes);
    return info.Env().Undefined();
  });
}

/** copy(dst, src): whole-buffer copy on one device. */
Napi::Value Copy(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Call call(info);
    void* dst = call.ptr(0);
    const void* src = call.ptr(1);
    const size_t bytes = buffer_get(number(info, 0)).bytes;
    if (bytes != buffer_get(number(info, 1)).bytes) throw std::invalid_argument("copy: buffers of different sizes");
    if (bytes > 0) call.device().copy(dst, src, bytes);
    return info.Env().Undefined();
  });
}

Napi::Value Sync(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    device_for(static_cast<int>(number(info, 0))).sync();
    return info.Env().Undefined();
  });
}

/** memory(device): bytes held by tensors now and at the peak, live buffers, and the device's free/total. */
Napi::Value Memory(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const int id = static_cast<int>(number(info, 0));
    const DeviceUsage u = device_usage(id);
    const MemoryInfo m = device_for(id).memory();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("inUseBytes", static_cast<double>(u.in_use));
    out.Set("peakBytes", static_cast<double>(u.peak));
    out.Set("buffers", static_cast<double>(u.buffers));
    out.Set("freeBytes", static_cast<double>(m.free_bytes));
    out.Set("totalBytes", static_cast<double>(m.total_bytes));
    return out;
  });
}

Napi::Value ResetPeak(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    reset_peak(static_cast<int>(number(info, 0)));
    return info.Env().Undefined();
  });
}

/** devices(): what each device is, or why it cannot run here. */
Napi::Value Devices(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    Napi::Object cpu = Napi::Object::New(env);
    const std::string blas = cpu_blas_status();
    cpu.Set("available", blas.empty());
    cpu.Set("reason", blas.empty() ? "" : blas);
    cpu.Set("threads", cpu_threads());
    cpu.Set("blas", cpu_blas_name());
    Napi::Object cuda = Napi::Object::New(env);
    std::string reason;
    const bool usable = cuda_device(&reason) != nullptr;
    cuda.Set("available", usable);
    cuda.Set("reason", reason);
    cuda.Set("description", cuda_description());
    cuda.Set("tf32", cuda_tf32());
    Napi::Object out = Napi::Object::New(env);
    out.Set("cpu", cpu);
    out.Set("cuda", cuda);
    return out;
  });
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const int64_t threads = integer(info, 0);
    if (threads < 1 || threads > 1024) throw std::invalid_argument("threads must be between 1 and 1024");
    cpu_set_threads(static_cast<int>(threads));
    return info.Env().Undefined();
  });
}

Napi::Value SetTf32(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    cuda_set_tf32(flag(info, 0));
    return info.Env().Undefined();
  });
}

}  // namespace

void register_memory(Napi::Env env, Napi::Object exports) {
  exports.Set("alloc", Napi::Function::New(env, Alloc));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("copy", Napi::Function::New(env, Copy));
  exports.Set("sync", Napi::Function::New(env, Sync));
  exports.Set("memory", Napi::Function::New(env, Memory));
  exports.Set("resetPeak", Napi::Function::New(env, ResetPeak));
  exports.Set("devices", Napi::Function::New(env, Devices));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("setTf32", Napi::Function::New(env, SetTf32));
}

}  // namespace api
}  // namespace pivot
