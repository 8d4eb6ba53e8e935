// The CPU device: memory in the process heap (outside V8's), kernels instantiated from kernels/*.h with the
// thread-pool launcher, products through the run-time BLAS.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include "../device.h"
#include "../kernels/all.h"
#include "blas.h"
#include "cpu_device.h"

namespace pivot {

CpuDevice& cpu_launcher() {
  static CpuDevice device;
  return device;
}

ThreadPool& CpuDevice::pool() {
  if (pool_ == nullptr) {
    const unsigned hw = std::thread::hardware_concurrency();
    pool_ = new ThreadPool(hw == 0 ? 1 : static_cast<int>(hw));
    blas_load();
    blas_set_threads(pool_->threads());
  }
  return *pool_;
}

void CpuDevice::set_threads(int threads) {
  if (pool_ != nullptr && pool_->threads() == threads) return;
  delete pool_;
  pool_ = new ThreadPool(threads < 1 ? 1 : threads);
  blas_load();
  blas_set_threads(pool_->threads());
}

void* CpuDevice::workspace(size_t bytes) {
  if (workspace_.size() < bytes) workspace_.resize(bytes);
  return workspace_.data();
}

void cpu_set_threads(int threads) { cpu_launcher().set_threads(threads); }
int cpu_threads() { return cpu_launcher().pool().threads(); }
std::string cpu_blas_status() { return blas_load(); }
std::string cpu_blas_name() { return blas_library(); }

namespace {

// 64-byte alignment: what vector loads and BLAS like best.
void* cpu_alloc(size_t bytes) { return std::aligned_alloc(64, ((bytes + 63) / 64) * 64 + 64); }
void cpu_release(void* ptr) { std::free(ptr); }
void cpu_memcpy(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void cpu_zero(void* dst, size_t bytes) { std::memset(dst, 0, bytes); }
void cpu_sync() {}

/** MemAvailable from /proc/meminfo: what the kernel says can be allocated without swapping. */
MemoryInfo cpu_memory() {
  MemoryInfo info{0, 0};
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  size_t kb;
  std::string unit;
  while (meminfo >> key >> kb >> unit) {
    if (key == "MemTotal:") info.total_bytes = kb * 1024;
    if (key == "MemAvailable:") info.free_bytes = kb * 1024;
  }
  return info;
}

#define PIVOT_CPU_KERNEL(name, params, args) \
  void cpu_##name params { kernels::name(cpu_launcher(), PIVOT_UNPACK args); }
#define PIVOT_UNPACK(...) __VA_ARGS__
PIVOT_DEVICE_KERNELS(PIVOT_CPU_KERNEL)
PIVOT_FUSED_KERNELS(PIVOT_CPU_KERNEL)

Device make_cpu_device() {
  Device d{};
  d.name = "cpu";
  d.alloc = cpu_alloc;
  d.release = cpu_release;
  d.upload = cpu_memcpy;
  d.download = cpu_memcpy;
  d.copy = cpu_memcpy;
  d.zero = cpu_zero;
  d.sync = cpu_sync;
  d.memory = cpu_memory;
  d.gemm = blas_gemm;
#define PIVOT_CPU_ENTRY(name, params, args) d.kernels.name = cpu_##name;
  PIVOT_DEVICE_KERNELS(PIVOT_CPU_ENTRY)
  PIVOT_FUSED_KERNELS(PIVOT_CPU_ENTRY)
  return d;
}

}  // namespace

const Device& cpu_device() {
  static const Device device = make_cpu_device();
  return device;
}

}  // namespace pivot
