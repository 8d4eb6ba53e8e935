// The CPU's matrix products through a BLAS found at run time (dlopen): OpenBLAS first, then any library that
// exports cblas_sgemm. Loading it late means the addon builds without BLAS headers and the same binary runs
// wherever a BLAS is installed; where none is, only the `native` backend is unavailable, with the reason.
#pragma once
#include <string>
#include "../device.h"

namespace pivot {

/** Loads a BLAS once; "" on success, else why not (what was tried, what to install). */
const std::string& blas_load();
std::string blas_library();
void blas_set_threads(int threads);
/** Runs the batch of products; items are spread over the thread pool when each is too small for BLAS threads. */
void blas_gemm(const GemmArgs& g);

}  // namespace pivot
