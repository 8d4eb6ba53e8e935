// cuBLAS reached at run time (dlopen of libcublas.so.13, .12, .11): neither the build nor a CPU-only user needs
// it. Only the few entry points the device uses are declared, with cuBLAS's own values.
#pragma once
#include <cuda_runtime.h>
#include <string>
#include "../device.h"

namespace pivot {

/** "" once cuBLAS is loaded and a handle made on `stream`, else why not. */
std::string cublas_load(cudaStream_t stream);
std::string cublas_library();
void cublas_set_tf32(bool on);
bool cublas_tf32();
void cublas_gemm(const GemmArgs& g);

}  // namespace pivot
