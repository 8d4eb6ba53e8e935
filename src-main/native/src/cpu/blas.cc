// See blas.h.
#include "blas.h"
#include <dlfcn.h>
#include <stdexcept>
#include "cpu_device.h"

namespace pivot {
namespace {

// The CBLAS interface, declared here so that no BLAS header is needed at build time (values from cblas.h).
enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };
using SgemmFn = void (*)(int order, int ta, int tb, int m, int n, int k, float alpha, const float* a, int lda,
                         const float* b, int ldb, float beta, float* c, int ldc);
using SetThreadsFn = void (*)(int);

SgemmFn sgemm = nullptr;
SetThreadsFn set_threads = nullptr;
std::string library;
int blas_threads = 1;

}  // namespace

const std::string& blas_load() {
  static const std::string status = [] {
    const char* candidates[] = {"libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblis.so.4", "libblas.so.3"};
    std::string tried;
    for (const char* name : candidates) {
      void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        tried += std::string(tried.empty() ? "" : ", ") + name;
        continue;
      }
      auto fn = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
      if (fn == nullptr) {
        tried += std::string(tried.empty() ? "" : ", ") + name + " (no cblas_sgemm)";
        continue;
      }
      sgemm = fn;
      set_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"));
      library = name;
      return std::string();
    }
    return "no BLAS library found (tried " + tried +
           "); install OpenBLAS, e.g. `apt-get install libopenblas0-pthread` on Debian/Ubuntu";
  }();
  return status;
}

std::string blas_library() { return library; }

void blas_set_threads(int threads) {
  blas_threads = threads;
  if (set_threads != nullptr) set_threads(threads);
}

void blas_gemm(const GemmArgs& g) {
  if (!blas_load().empty()) throw std::runtime_error(blas_load());
  if (g.m == 0 || g.n == 0 || g.batch == 0) return;
  const auto one = [&](int64_t i) {
    sgemm(kRowMajor, g.trans_a ? kTrans : kNoTrans, g.trans_b ? kTrans : kNoTrans, (int)g.m, (int)g.n, (int)g.k,
          g.alpha, g.a + i * g.stride_a, (int)g.lda, g.b + i * g.stride_b, (int)g.ldb, g.beta, g.c + i * g.stride_c,
          (int)g.ldc);
  };
  // Small products (attention's per-head ones) gain nothing from BLAS's own threads: run whole items in
  // parallel instead, each single-threaded. OpenBLAS keeps a product of m·n·k under 64³ on the calling thread (its multithread threshold), so
  // these never meet its own thread server from two of our threads at once.
  const double flops = 2.0 * (double)g.m * (double)g.n * (double)g.k;
  if (g.batch > 1 && flops <= 2.0 * 262144.0) {
    cpu_launcher().for_each(g.batch, [&](int64_t i) { one(i); }, (int64_t)(flops / 64));
    return;
  }
  for (int64_t i = 0; i < g.batch; ++i) one(i);
}

}  // namespace pivot
