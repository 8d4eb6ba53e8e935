// The pivot_native addon: one N-API module serving the `native` (CPU) and `cuda` backends. N-API keeps the
// binary ABI-stable, so the same build loads in Node and in Electron.
#include <napi.h>
#include "api/args.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pivot::api::register_memory(env, exports);
  pivot::api::register_kernels(env, exports);
  pivot::api::register_fused(env, exports);
#ifdef PIVOT_WITH_CUDA
  exports.Set("builtWithCuda", true);
#else
  exports.Set("builtWithCuda", false);
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(pivot_native, Init)
