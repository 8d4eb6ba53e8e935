// Benchmark: float32 matrix products through OpenBLAS (loaded as the native backend loads it, by dlopen) and
// through Eigen's header-only product, at the shapes a training step multiplies, on 1 and all threads,
// alternating the two libraries. Why: the native backend needed one CPU GEMM; this is the measurement behind
// the choice. Build and run: `sh bench/blas/run.sh` (needs libeigen3-dev and libopenblas0-pthread).
#include <dlfcn.h>
#include <omp.h>
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using SetThreadsFn = void (*)(int);
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class F>
double best_ms(F f, int reps) {
  f();
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

int main() {
  void* lib = dlopen("libopenblas.so.0", RTLD_NOW);
  if (!lib) { std::fprintf(stderr, "libopenblas.so.0 not found\n"); return 1; }
  auto sgemm = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
  auto set_threads = reinterpret_cast<SetThreadsFn>(dlsym(lib, "openblas_set_num_threads"));
  struct Shape { const char* what; int m, n, k; };
  const Shape shapes[] = {
      {"tiny MLP up (688 tok × 256 → 688)", 688, 688, 256},
      {"tiny LM head (688 tok × 256 → 512)", 688, 512, 256},
      {"tiny attention (86 × 86, d 64)", 86, 86, 64},
      {"base MLP up (1744 tok × 896 → 4864)", 1744, 4864, 896},
      {"base LM head (1744 tok × 896 → 151936)/16", 1744, 9496, 896},
      {"square 1024", 1024, 1024, 1024},
  };
  const int max_threads = omp_get_max_threads();
  std::printf("| shape | threads | OpenBLAS GFLOP/s | Eigen GFLOP/s | Eigen / OpenBLAS |\n|---|---:|---:|---:|---:|\n");
  for (const Shape& s : shapes) {
    Matrix a = Matrix::Random(s.m, s.k), b = Matrix::Random(s.k, s.n), c(s.m, s.n);
    const double flop = 2.0 * s.m * s.n * s.k;
    const int reps = flop > 5e9 ? 3 : 10;
    for (int threads : {1, max_threads}) {
      set_threads(threads);
      Eigen::setNbThreads(threads);
      double blas = 1e30, eigen = 1e30;
      for (int round = 0; round < 3; ++round) {  // alternate the two, so load drifts hit both
        blas = std::min(blas, best_ms([&] { sgemm(101, 111, 111, s.m, s.n, s.k, 1.f, a.data(), s.k, b.data(), s.n, 0.f, c.data(), s.n); }, reps));
        eigen = std::min(eigen, best_ms([&] { c.noalias() = a * b; }, reps));
      }
      std::printf("| %s | %d | %.1f | %.1f | %.2f |\n", s.what, threads, flop / blas / 1e6, flop / eigen / 1e6, blas / eigen);
    }
  }
  return 0;
}
