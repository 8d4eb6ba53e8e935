// See cublas.h.
#include "cublas.h"
#include <dlfcn.h>
#include <stdexcept>

namespace pivot {
namespace {

using Handle = void*;
enum { kOpN = 0, kOpT = 1, kDefaultMath = 0, kTf32Math = 3 };
using CreateFn = int (*)(Handle*);
using SetStreamFn = int (*)(Handle, cudaStream_t);
using SetMathModeFn = int (*)(Handle, int);
using GemmStridedBatchedFn = int (*)(Handle, int, int, int, int, int, const float*, const float*, int, long long,
                                     const float*, int, long long, const float*, float*, int, long long, int);

Handle handle = nullptr;
SetMathModeFn set_math_mode = nullptr;
GemmStridedBatchedFn gemm_strided_batched = nullptr;
std::string library;
bool tf32 = false;

}  // namespace

std::string cublas_load(cudaStream_t stream) {
  if (handle != nullptr) return "";
  const char* names[] = {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"};
  void* lib = nullptr;
  for (const char* name : names) {
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) {
      library = name;
      break;
    }
  }
  if (lib == nullptr) {
    return "cuBLAS not found (libcublas.so.13/.12/.11): install the CUDA toolkit's cuBLAS and put its folder on "
           "LD_LIBRARY_PATH (e.g. /usr/local/cuda/targets/x86_64-linux/lib)";
  }
  auto create = reinterpret_cast<CreateFn>(dlsym(lib, "cublasCreate_v2"));
  auto set_stream = reinterpret_cast<SetStreamFn>(dlsym(lib, "cublasSetStream_v2"));
  set_math_mode = reinterpret_cast<SetMathModeFn>(dlsym(lib, "cublasSetMathMode"));
  gemm_strided_batched = reinterpret_cast<GemmStridedBatchedFn>(dlsym(lib, "cublasSgemmStridedBatched"));
  if (!create || !set_stream || !set_math_mode || !gemm_strided_batched) {
    return library + " lacks cublasCreate_v2 / cublasSetStream_v2 / cublasSetMathMode / cublasSgemmStridedBatched";
  }
  Handle made = nullptr;
  if (const int status = create(&made); status != 0) {
    return "cublasCreate failed with status " + std::to_string(status);
  }
  set_stream(made, stream);
  handle = made;
  cublas_set_tf32(tf32);
  return "";
}

std::string cublas_library() { return library; }

void cublas_set_tf32(bool on) {
  tf32 = on;
  if (handle != nullptr) set_math_mode(handle, on ? kTf32Math : kDefaultMath);
}

bool cublas_tf32() { return tf32; }

void cublas_gemm(const GemmArgs& g) {
  if (handle == nullptr) throw std::runtime_error("cuBLAS is not loaded");
  if (g.m == 0 || g.n == 0 || g.batch == 0) return;
  // cuBLAS is column-major: the row-major C = op(A)·op(B) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
  const int status = gemm_strided_batched(handle, g.trans_b ? kOpT : kOpN, g.trans_a ? kOpT : kOpN, (int)g.n,
                                          (int)g.m, (int)g.k, &g.alpha, g.b, (int)g.ldb, g.stride_b, g.a, (int)g.lda,
                                          g.stride_a, &g.beta, g.c, (int)g.ldc, g.stride_c, (int)g.batch);
  if (status != 0) throw std::runtime_error("cublasSgemmStridedBatched failed with status " + std::to_string(status));
}

}  // namespace pivot
