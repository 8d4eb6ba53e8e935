// A fixed pool of worker threads that runs one parallel loop at a time, the calling thread taking part.
// Workers spin briefly before sleeping, because a training step issues thousands of short kernels in a row
// and waking a sleeping thread costs more than most of them.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pivot {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  /** Calls task(t) for t in [0, tasks), spread over the pool; returns when all are done. Not re-entrant. */
  void run(int64_t tasks, const std::function<void(int64_t)>& task);

 private:
  void work();
  void drain(const std::function<void(int64_t)>& task);
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  const std::function<void(int64_t)>* task_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<uint64_t> generation_{0};
  // Workers inside drain(); run() returns only when none is, so no straggler can take a task of the next loop.
  std::atomic<int> active_{0};
  bool stopping_ = false;
};

}  // namespace pivot
