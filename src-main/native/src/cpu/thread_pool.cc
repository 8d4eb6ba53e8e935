// See thread_pool.h.
#include "thread_pool.h"
#include <chrono>

namespace pivot {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::drain(const std::function<void(int64_t)>& task) {
  for (;;) {
    const int64_t t = next_.fetch_add(1);
    if (t >= tasks_) return;
    task(t);
    done_.fetch_add(1, std::memory_order_release);
  }
}

void ThreadPool::run(int64_t tasks, const std::function<void(int64_t)>& task) {
  if (tasks <= 0) return;
  if (workers_.empty() || tasks == 1) {
    for (int64_t t = 0; t < tasks; ++t) task(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    tasks_ = tasks;
    next_.store(0);
    done_.store(0);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  drain(task);
  while (done_.load(std::memory_order_acquire) < tasks) std::this_thread::yield();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = nullptr;
  }
  while (active_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
}

void ThreadPool::work() {
  uint64_t seen = 0;
  for (;;) {
    // Spin for a while for the next loop before going to sleep.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
      std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return generation_.load() != seen; });
    seen = generation_.load();
    if (stopping_) return;
    if (task_ == nullptr) continue;
    const std::function<void(int64_t)>& task = *task_;
    active_.fetch_add(1);
    lock.unlock();
    drain(task);
    active_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace pivot
