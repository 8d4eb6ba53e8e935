// A device as the N-API layer sees it: memory (allocate, copy in and out, free) and a table of kernels, the
// same table for the CPU and the GPU. The API files only ever call through this, never a device directly.
#pragma once
#include <string>
#include "kernel_list.h"

namespace pivot {

/** The kernel table: one function pointer per entry of PIVOT_DEVICE_KERNELS / PIVOT_FUSED_KERNELS. */
struct DeviceKernels {
#define PIVOT_DECLARE(name, params, args) void(*name) params;
  PIVOT_DEVICE_KERNELS(PIVOT_DECLARE)
  PIVOT_FUSED_KERNELS(PIVOT_DECLARE)
#undef PIVOT_DECLARE
};

/** A matrix product over a batch of equally strided matrices (row-major, like cblas). */
struct GemmArgs {
  bool trans_a, trans_b;
  int64_t m, n, k;
  const float* a; int64_t lda, stride_a;
  const float* b; int64_t ldb, stride_b;
  float* c; int64_t ldc, stride_c;
  int64_t batch;
  float alpha, beta;
};

struct MemoryInfo {
  size_t free_bytes, total_bytes;
};

struct Device {
  const char* name;
  /** nullptr when out of memory (the caller reports the sizes). */
  void* (*alloc)(size_t bytes);
  void (*release)(void* ptr);
  void (*upload)(void* dst, const void* src, size_t bytes);
  void (*download)(void* dst, const void* src, size_t bytes);
  void (*copy)(void* dst, const void* src, size_t bytes);
  void (*zero)(void* dst, size_t bytes);
  void (*sync)();
  MemoryInfo (*memory)();
  /** Throws std::runtime_error naming the library when the product cannot run. */
  void (*gemm)(const GemmArgs& g);
  DeviceKernels kernels;
};

/** The CPU device; always present (its BLAS is checked by cpu_blas_status). */
const Device& cpu_device();
void cpu_set_threads(int threads);
int cpu_threads();
/** "" when a BLAS was loaded, else why not. */
std::string cpu_blas_status();
std::string cpu_blas_name();

/** The CUDA device, or nullptr with `reason` saying why (no driver, no GPU, built without nvcc, no cuBLAS). */
const Device* cuda_device(std::string* reason);
/** A one-line description of the GPU (name, memory, compute capability), "" if none. */
std::string cuda_description();
void cuda_set_tf32(bool on);
bool cuda_tf32();

}  // namespace pivot
