// The CUDA device: memory from CUDA's stream-ordered pool (cached, so a training step's thousands of
// allocations cost no driver calls), one stream, the kernels of kernels/*.h instantiated with the grid
// launcher, products through cuBLAS. Everything here is what differs from the CPU; the maths is shared.
#include <cstdlib>
#include <cstring>
#include <string>
#include "../device.h"
#include "../kernels/all.h"
#include "cublas.h"
#include "cuda_device.cuh"

namespace pivot {

CudaLauncher& cuda_launcher() {
  static CudaLauncher launcher;
  return launcher;
}

void* CudaLauncher::workspace(size_t bytes) {
  if (workspace_bytes_ < bytes) {
    if (workspace_ != nullptr) cuda_check(cudaFreeAsync(workspace_, stream), "workspace free");
    workspace_ = nullptr;
    cuda_check(cudaMallocAsync(&workspace_, bytes, stream), "workspace allocation");
    workspace_bytes_ = bytes;
  }
  return workspace_;
}

namespace {

void* cuda_alloc(size_t bytes) {
  void* ptr = nullptr;
  if (cudaMallocAsync(&ptr, bytes == 0 ? 1 : bytes, cuda_launcher().stream) != cudaSuccess) {
    cudaGetLastError();
    // The pool may hold freed blocks another size could use: give them back and try once more.
    cudaDeviceSynchronize();
    cudaMemPool_t pool;
    if (cudaDeviceGetDefaultMemPool(&pool, 0) == cudaSuccess) cudaMemPoolTrimTo(pool, 0);
    if (cudaMallocAsync(&ptr, bytes == 0 ? 1 : bytes, cuda_launcher().stream) != cudaSuccess) {
      cudaGetLastError();
      return nullptr;
    }
  }
  return ptr;
}
void cuda_release(void* ptr) { cudaFreeAsync(ptr, cuda_launcher().stream); }
void cuda_upload(void* dst, const void* src, size_t bytes) {
  cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, cuda_launcher().stream), "copy to GPU");
  // The source is a JavaScript array that may move or be collected once we return.
  cuda_check(cudaStreamSynchronize(cuda_launcher().stream), "copy to GPU");
}
void cuda_download(void* dst, const void* src, size_t bytes) {
  cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, cuda_launcher().stream), "copy from GPU");
  cuda_check(cudaStreamSynchronize(cuda_launcher().stream), "copy from GPU");
}
void cuda_copy(void* dst, const void* src, size_t bytes) {
  cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, cuda_launcher().stream), "copy on GPU");
}
void cuda_zero(void* dst, size_t bytes) {
  cuda_check(cudaMemsetAsync(dst, 0, bytes, cuda_launcher().stream), "memset on GPU");
}
void cuda_sync() { cuda_check(cudaStreamSynchronize(cuda_launcher().stream), "stream synchronise"); }
MemoryInfo cuda_memory() {
  size_t free_bytes = 0, total_bytes = 0;
  cudaMemGetInfo(&free_bytes, &total_bytes);
  return MemoryInfo{free_bytes, total_bytes};
}

#define PIVOT_UNPACK(...) __VA_ARGS__
#define PIVOT_CUDA_KERNEL(name, params, args) \
  void cuda_##name params { kernels::name(cuda_launcher(), PIVOT_UNPACK args); }
PIVOT_DEVICE_KERNELS(PIVOT_CUDA_KERNEL)
PIVOT_FUSED_KERNELS(PIVOT_CUDA_KERNEL)

std::string description;
bool tf32_chosen = false;

/** Sets up the device once: "" when usable, else why not. */
std::string initialise() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return std::string("no usable NVIDIA driver (") + cudaGetErrorString(status) + ")";
  }
  if (count == 0) return "no NVIDIA GPU found";
  cudaDeviceProp prop;
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "cannot read the GPU's properties";
  if (prop.major < 8) {
    return std::string(prop.name) + " has compute capability " + std::to_string(prop.major) + "." +
           std::to_string(prop.minor) + "; this build targets 8.0 and newer";
  }
  CudaLauncher& launcher = cuda_launcher();
  launcher.sm_count = prop.multiProcessorCount;
  if (cudaStreamCreateWithFlags(&launcher.stream, cudaStreamNonBlocking) != cudaSuccess) return "cannot create a stream";
  // Keep freed memory in the pool instead of returning it to the driver at every synchronisation.
  cudaMemPool_t pool;
  if (cudaDeviceGetDefaultMemPool(&pool, 0) == cudaSuccess) {
    uint64_t keep = UINT64_MAX;
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
  }
  // TF32 on by default ($PIVOT_TF32=0 turns it off), unless setTf32 was called before the GPU's first use.
  if (!tf32_chosen) {
    const char* tf32_env = std::getenv("PIVOT_TF32");
    cublas_set_tf32(!(tf32_env != nullptr && std::strcmp(tf32_env, "0") == 0));
  }
  const std::string blas = cublas_load(launcher.stream);
  if (!blas.empty()) return blas;
  description = std::string(prop.name) + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB, compute " +
                std::to_string(prop.major) + "." + std::to_string(prop.minor) + ", " + cublas_library();
  return "";
}

Device make_cuda_device() {
  Device d{};
  d.name = "cuda";
  d.alloc = cuda_alloc;
  d.release = cuda_release;
  d.upload = cuda_upload;
  d.download = cuda_download;
  d.copy = cuda_copy;
  d.zero = cuda_zero;
  d.sync = cuda_sync;
  d.memory = cuda_memory;
  d.gemm = cublas_gemm;
#define PIVOT_CUDA_ENTRY(name, params, args) d.kernels.name = cuda_##name;
  PIVOT_DEVICE_KERNELS(PIVOT_CUDA_ENTRY)
  PIVOT_FUSED_KERNELS(PIVOT_CUDA_ENTRY)
  return d;
}

}  // namespace

const Device* cuda_device(std::string* reason) {
  static const std::string status = initialise();
  static const Device device = make_cuda_device();
  if (!status.empty()) {
    if (reason != nullptr) *reason = status;
    return nullptr;
  }
  return &device;
}

std::string cuda_description() { return description; }
void cuda_set_tf32(bool on) {
  tf32_chosen = true;
  cublas_set_tf32(on);
}
bool cuda_tf32() { return cublas_tf32(); }

}  // namespace pivot
