#!/bin/sh
# Builds and runs bench/blas/gemm.cc (OpenBLAS vs Eigen, see there). Debian: apt-get install libeigen3-dev libopenblas0-pthread
set -eu
g++ -O3 -march=native -fopenmp -DNDEBUG -I/usr/include/eigen3 "$(dirname "$0")/gemm.cc" -ldl -o /tmp/pivot-gemm-bench
/tmp/pivot-gemm-bench
