// The CUDA launcher the kernel templates run on: for_each is one grid-stride launch of the same per-element
// function the CPU runs over its thread pool, on the device's one stream.
#pragma once
#include <cuda_runtime.h>
#include <stdexcept>
#include <string>

namespace pivot {

/** Throws std::runtime_error("<what>: <CUDA's message>") when a CUDA call failed. */
inline void cuda_check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    cudaGetLastError();  // clear a sticky launch error so the next call reports its own
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
  }
}

template <class F>
__global__ void for_each_kernel(int64_t n, F f) {
  const int64_t stride = (int64_t)blockDim.x * gridDim.x;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) f(i);
}

class CudaLauncher {
 public:
  cudaStream_t stream = nullptr;
  int sm_count = 1;

  /** Kernels with a choice keep one element per thread here, so that neighbouring threads touch neighbouring memory. */
  static constexpr bool kRowLoops = false;
  int64_t parallelism() const { return (int64_t)sm_count * 2048; }
  void* workspace(size_t bytes);

  template <class F>
  void for_each(int64_t n, F f, int64_t /*cost*/ = 1) {
    if (n <= 0) return;
    constexpr int kBlock = 256;
    int64_t grid = (n + kBlock - 1) / kBlock;
    const int64_t cap = (int64_t)sm_count * 32;
    if (grid > cap) grid = cap;
    for_each_kernel<<<(unsigned)grid, kBlock, 0, stream>>>(n, f);
    cuda_check(cudaGetLastError(), "kernel launch");
  }

 private:
  void* workspace_ = nullptr;
  size_t workspace_bytes_ = 0;
};

CudaLauncher& cuda_launcher();

}  // namespace pivot
