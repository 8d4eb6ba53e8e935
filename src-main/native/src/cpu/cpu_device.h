// The CPU launcher the kernel templates run on: for_each cuts [0, n) into chunks of roughly equal work and
// runs them on the thread pool; loops too small to be worth a thread run inline on the caller.
#pragma once
#include <cstdint>
#include <vector>
#include "thread_pool.h"

namespace pivot {

class CpuDevice {
 public:
  /** Work units (≈ elements touched) below which a loop is not split. */
  static constexpr int64_t kGrain = 16384;
  /** Kernels with a choice loop over whole rows here: a core streams a row from cache, and no index is decomposed per element. */
  static constexpr bool kRowLoops = true;

  ThreadPool& pool();
  void set_threads(int threads);
  int64_t parallelism() { return pool().threads(); }
  /** Scratch memory for a kernel's partial results; valid until the next call. */
  void* workspace(size_t bytes);

  /** f(i) for every i in [0, n); `cost` is the work of one item in element-sized units. */
  template <class F>
  void for_each(int64_t n, F f, int64_t cost = 1) {
    if (n <= 0) return;
    const int64_t work = n * (cost < 1 ? 1 : cost);
    const int64_t threads = pool().threads();
    int64_t chunks = work / kGrain;
    if (chunks > threads * 4) chunks = threads * 4;
    if (chunks > n) chunks = n;
    if (chunks <= 1) {
      for (int64_t i = 0; i < n; ++i) f(i);
      return;
    }
    const int64_t per = (n + chunks - 1) / chunks;
    pool().run(chunks, [&](int64_t c) {
      const int64_t begin = c * per;
      const int64_t end = begin + per < n ? begin + per : n;
      for (int64_t i = begin; i < end; ++i) f(i);
    });
  }

 private:
  ThreadPool* pool_ = nullptr;
  std::vector<char> workspace_;
};

CpuDevice& cpu_launcher();

}  // namespace pivot
