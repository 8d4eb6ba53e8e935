// Shared by every translation unit, host and CUDA alike: the element types, the per-element function
// decoration, and the index descriptions (broadcast, strided copy) that both devices read the same way.
#pragma once
#include <cstddef>
#include <cstdint>

#ifdef __CUDACC__
#define PIVOT_HD __host__ __device__
#define PIVOT_LAMBDA [=] __host__ __device__
#else
#define PIVOT_HD
#define PIVOT_LAMBDA [=]
#endif

namespace pivot {

/** Element types a buffer holds (tfjs float32, int32, bool as one byte). */
enum class DType : int { f32 = 0, i32 = 1, b8 = 2 };

inline size_t dtype_bytes(DType dt) { return dt == DType::b8 ? 1 : 4; }

constexpr int kMaxRank = 8;

/**
 * An output of `rank` dimensions read from (up to) three inputs: strides[k][d] is input k's step along output
 * axis d, 0 where it broadcasts. The caller collapses adjacent axes first so the common cases have rank 1-2.
 */
struct Broadcast {
  int rank;
  int64_t shape[kMaxRank];
  int64_t strides[3][kMaxRank];
};

/** out[out_offset + Σ c_d·out_strides[d]] = in[in_offset + Σ c_d·in_strides[d]] for every coordinate c of `shape`. */
struct Strided {
  int rank;
  int64_t shape[kMaxRank];
  int64_t in_strides[kMaxRank];
  int64_t out_strides[kMaxRank];
  int64_t in_offset;
  int64_t out_offset;
};

/** The offset of flat output element `i` in input `k` of a broadcast. */
PIVOT_HD inline int64_t broadcast_offset(const Broadcast& b, int k, int64_t i) {
  int64_t offset = 0;
  for (int d = b.rank - 1; d >= 0; --d) {
    const int64_t c = i % b.shape[d];
    i /= b.shape[d];
    offset += c * b.strides[k][d];
  }
  return offset;
}

}  // namespace pivot
