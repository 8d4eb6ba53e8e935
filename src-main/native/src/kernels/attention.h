// Fused scaled-dot-product attention and its gradient, without the [Tq, Tk] attention matrix: one worker per
// query row runs an online softmax over the keys (and saves the row's logsumexp); the gradient recomputes each
// weight from it, per query row for dQ and per key row for dK and dV, so no two workers write the same value.
// Workers take keys (or query rows) a block at a time, scoring the block against a transposed copy of the other
// operand: every inner loop then runs over the block or over the head dimension, contiguous and without a
// dependent chain, so the compiler vectorises all of them (a dot product per key would be one long chain).
#pragma once
#include <math.h>
#include <string.h>
#include "../common.h"
#include "fast_math.h"

namespace pivot {
namespace kernels {

/** The largest head dimension: each worker holds one or two D-vectors of accumulators. */
constexpr int64_t kAttentionMaxDim = 256;
/**
 * Keys (or query rows) per block, a whole block even at the end of a row: scoring fewer takes as long, since the
 * time goes by the chain of additions over d, not by the width (the transposed copies are padded to whole blocks).
 */
constexpr int kBlock = 64;
/** A padding row's level in the key rows' pass: no key is at it, so no padding row ever gets weight. */
constexpr int32_t kNoRow = 3;

/**
 * Shapes and options of one attention call: q [batch, heads, tq, dim], k and v [batch, kv_heads, tk, dim] (each
 * kv head serves heads/kv_heads consecutive query heads), mask [batch, tk] of 1 (keep) / 0 (padding) or null.
 */
template <int kDim>
struct AttentionArgs {
  int64_t batch, heads, kv_heads, tq, tk, head_dim;
  bool causal;
  float scale;
  const float* mask;

  /** The head dimension: a constant for the common sizes (kDim > 0), so that the loops over it unroll. */
  PIVOT_HD int64_t dim() const { return kDim > 0 ? kDim : head_dim; }

  PIVOT_HD int64_t rows() const { return batch * heads * tq; }
  PIVOT_HD int64_t group() const { return heads / kv_heads; }
  /** The last key query row i sees: causal masking is aligned to the end (a KV cache's layout). */
  PIVOT_HD int64_t last_key(int64_t i) const { return causal ? i + (tk - tq) : tk - 1; }
  PIVOT_HD const float* keep_of(int64_t b) const { return mask == nullptr ? nullptr : mask + b * tk; }
  /** The (batch, kv head) matrix index of query row r. */
  PIVOT_HD int64_t kv_of(int64_t r) const {
    const int64_t bh = r / tq;
    return (bh / heads) * kv_heads + (bh % heads) / group();
  }
};

/** n rounded up to a whole number of kBlock blocks: the row length of the padded per-row and transposed copies. */
inline int64_t padded(int64_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

/**
 * How many masks hide key j from a query whose last visible key is `last`: the composed attention adds
 * MASK_BIAS (−1e9) once for the causal mask and once for padding. Only a row's least-masked keys get weight:
 * exp(−1e9) is 0 in float32, and when every key is masked the bias swamps the scores (a uniform row, not NaN).
 */
PIVOT_HD inline int key_level(const float* keep, int64_t j, int64_t last) {
  return (j > last ? 1 : 0) + (keep != nullptr && keep[j] == 0.f ? 1 : 0);
}

/** The lowest key_level of any key: the level of the keys that query row gives weight to. */
PIVOT_HD inline int row_level(const float* keep, int64_t tk, int64_t last) {
  int level = 2;
  for (int64_t j = 0; j < tk && level > 0; ++j) {
    const int l = key_level(keep, j, last);
    level = l < level ? l : level;
  }
  return level;
}

/** Keys past `last` cannot be at level 0, so a row with a visible key stops its loop there. */
PIVOT_HD inline int64_t key_end(int level, int64_t last, int64_t tk) {
  return level == 0 ? (last + 1 < tk ? last + 1 : tk) : tk;
}

/** a·b with eight independent partial sums, so the loop vectorises without reassociating one sum. */
PIVOT_HD inline float dot(const float* a, const float* b, int64_t n) {
  float part[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  const int64_t whole = n / 8 * 8;
  for (int64_t d = 0; d < whole; d += 8) {
    for (int u = 0; u < 8; ++u) part[u] += a[d + u] * b[d + u];
  }
  float sum = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
  for (int64_t d = whole; d < n; ++d) sum += a[d] * b[d];
  return sum;
}

/** Max and sum of kBlock values (kBlock a multiple of 16) through 16 partial results, so both vectorise. */
PIVOT_HD inline float block_max(const float* s) {
  float part[16];
  for (int l = 0; l < 16; ++l) part[l] = s[l];
  for (int u = 16; u < kBlock; u += 16) {
    for (int l = 0; l < 16; ++l) part[l] = s[u + l] > part[l] ? s[u + l] : part[l];
  }
  float m = part[0];
  for (int l = 1; l < 16; ++l) m = part[l] > m ? part[l] : m;
  return m;
}
PIVOT_HD inline float block_sum(const float* s) {
  float part[16];
  for (int l = 0; l < 16; ++l) part[l] = s[l];
  for (int u = 16; u < kBlock; u += 16) {
    for (int l = 0; l < 16; ++l) part[l] += s[u + l];
  }
  float sum = 0.f;
  for (int l = 0; l < 16; ++l) sum += part[l];
  return sum;
}

/** s[u] = Σ_d x[d]·t[d·ld + u] for u < kBlock: x against kBlock rows of a transposed copy (t points at the block's first). */
PIVOT_HD inline void block_scores(const float* x, const float* t, int64_t ld, int64_t dim, float* s) {
  // A local accumulator, which the compiler keeps in registers (s may alias x or t as far as it knows).
  float acc[kBlock];
  for (int u = 0; u < kBlock; ++u) acc[u] = 0.f;
  for (int64_t d = 0; d < dim; ++d) {
    const float xd = x[d];
    const float* row = t + d * ld;
    for (int u = 0; u < kBlock; ++u) acc[u] += xd * row[u];
  }
  for (int u = 0; u < kBlock; ++u) s[u] = acc[u];
}

/** acc += Σ_u w[u]·x[u·dim …] over n ≤ kBlock rows, four at a time, skipping groups whose weights are all 0. */
PIVOT_HD inline void block_axpy(float* acc, const float* w, const float* x, int n, int64_t dim) {
  int u = 0;
  for (; u + 4 <= n; u += 4) {
    const float w0 = w[u], w1 = w[u + 1], w2 = w[u + 2], w3 = w[u + 3];
    if (w0 == 0.f && w1 == 0.f && w2 == 0.f && w3 == 0.f) continue;
    const float* x0 = x + u * dim;
    const float* x1 = x0 + dim;
    const float* x2 = x1 + dim;
    const float* x3 = x2 + dim;
    for (int64_t c = 0; c < dim; ++c) acc[c] += (w0 * x0[c] + w1 * x1[c]) + (w2 * x2[c] + w3 * x3[c]);
  }
  for (; u < n; ++u) {
    if (w[u] == 0.f) continue;
    const float* xu = x + u * dim;
    for (int64_t c = 0; c < dim; ++c) acc[c] += w[u] * xu[c];
  }
}

/** y[m][c][j] = x[m][j][c] for each of `mats` [rows, dim] matrices, rows padded with zeros to ld. */
template <class Dev>
void transpose_padded(Dev& d, const float* x, float* y, int64_t mats, int64_t rows, int64_t dim, int64_t ld) {
  d.for_each(mats * dim, PIVOT_LAMBDA(int64_t mc) {
    const float* in = x + (mc / dim) * rows * dim + mc % dim;
    float* row = y + mc * ld;
    for (int64_t j = 0; j < rows; ++j) row[j] = in[j * dim];
    for (int64_t j = rows; j < ld; ++j) row[j] = 0.f;
  }, ld);
}

/** bias[b][j] = 0 for a key to attend to, −inf for a padded key or past the last key (up to ld). */
template <class Dev, int kDim>
void key_bias(Dev& d, const AttentionArgs<kDim>& a, float* bias, int64_t ld) {
  d.for_each(a.batch * ld, PIVOT_LAMBDA(int64_t e) {
    const int64_t b = e / ld, j = e % ld;
    const bool kept = j < a.tk && (a.mask == nullptr || a.mask[b * a.tk + j] != 0.f);
    bias[e] = kept ? 0.f : -INFINITY;
  });
}

/**
 * s[u] = scale·s[u] for the keys query row `r` attends to in the block of kBlock from j0 (0 for all of them in a fully
 * masked row, whose scores the bias swamped), −inf for the others.
 */
template <int kDim>
PIVOT_HD inline void mask_scores(const AttentionArgs<kDim>& a, float* s, const float* bias, const float* keep,
                                 int64_t last, int level, int64_t j0, int64_t end) {
  if (level == 0) {
    for (int u = 0; u < kBlock; ++u) s[u] = j0 + u < end ? s[u] * a.scale + bias[j0 + u] : -INFINITY;
    return;
  }
  for (int u = 0; u < kBlock; ++u) s[u] = j0 + u < end && key_level(keep, j0 + u, last) == level ? 0.f : -INFINITY;
}

/** The forward's work on one block of kBlock keys from j0 for query row qr: the online softmax update of acc, m, l. */
template <int kDim>
PIVOT_HD inline void forward_block(const AttentionArgs<kDim>& a, const float* qr, const float* kt, int64_t ld,
                                   const float* vm, const float* bias, const float* keep, int64_t last, int level,
                                   int64_t j0, int64_t end, float* acc, float& m, float& l) {
  float s[kBlock];
  if (level == 0) block_scores(qr, kt + j0, ld, a.dim(), s);
  mask_scores(a, s, bias, keep, last, level, j0, end);
  const float top = block_max(s);
  if (top == -INFINITY) return;
  if (top > m) {
    const float rescale = expf(m - top);
    l *= rescale;
    for (int64_t c = 0; c < a.dim(); ++c) acc[c] *= rescale;
    m = top;
  }
  for (int u = 0; u < kBlock; ++u) s[u] = exp_nonpositive(s[u] - m);
  l += block_sum(s);
  block_axpy(acc, s, vm + j0 * a.dim(), end - j0 < kBlock ? (int)(end - j0) : kBlock, a.dim());
}

/** attention_forward for one head dimension. */
template <int kDim, class Dev>
void attention_forward_dim(Dev& d, const AttentionArgs<kDim>& a, const float* q, const float* k, const float* v,
                           float* out, float* lse) {
  const int64_t ld = padded(a.tk), kv_size = a.batch * a.kv_heads * a.dim() * ld;
  float* kt = static_cast<float*>(d.workspace(sizeof(float) * (kv_size + a.batch * ld)));
  float* bias = kt + kv_size;
  transpose_padded(d, k, kt, a.batch * a.kv_heads, a.tk, a.dim(), ld);
  key_bias(d, a, bias, ld);
  d.for_each(a.rows(), PIVOT_LAMBDA(int64_t r) {
    const int64_t i = r % a.tq, b = r / a.tq / a.heads, kv = a.kv_of(r);
    const float* qr = q + r * a.dim();
    const float* ktm = kt + kv * a.dim() * ld;
    const float* vm = v + kv * a.tk * a.dim();
    const float* keep = a.keep_of(b);
    const int64_t last = a.last_key(i);
    const int level = row_level(keep, a.tk, last);
    float acc[kAttentionMaxDim];
    for (int64_t c = 0; c < a.dim(); ++c) acc[c] = 0.f;
    float m = -INFINITY, l = 0.f;
    const int64_t end = key_end(level, last, a.tk);
    for (int64_t j0 = 0; j0 < end; j0 += kBlock) {
      forward_block(a, qr, ktm, ld, vm, bias + b * ld, keep, last, level, j0, end, acc, m, l);
    }
    const float inv = l > 0.f ? 1.f / l : 0.f;
    for (int64_t c = 0; c < a.dim(); ++c) out[r * a.dim() + c] = acc[c] * inv;
    lse[r] = m + logf(l);
  }, a.tk * a.dim() * 2);
}

/** dq's work on one block of kBlock keys from j0: acc += scale·Σ dS·k. */
template <int kDim>
PIVOT_HD inline void grad_query_block(const AttentionArgs<kDim>& a, const float* qr, const float* dor, float lse,
                                      float delta, const float* kt, const float* vt, int64_t ld, const float* km,
                                      const float* bias, const float* keep, int64_t last, int level, int64_t j0,
                                      int64_t end, float* acc) {
  float s[kBlock], dp[kBlock];
  if (level == 0) block_scores(qr, kt + j0, ld, a.dim(), s);
  block_scores(dor, vt + j0, ld, a.dim(), dp);
  mask_scores(a, s, bias, keep, last, level, j0, end);
  for (int u = 0; u < kBlock; ++u) s[u] = a.scale * exp_nonpositive(s[u] - lse) * (dp[u] - delta);
  block_axpy(acc, s, km + j0 * a.dim(), end - j0 < kBlock ? (int)(end - j0) : kBlock, a.dim());
}

/** Per query row, padded per head to ldq like the transposed copies: what the key rows' pass reads of it. */
struct RowStats {
  float* lse;
  float* delta;
  int32_t* level;
};

/**
 * dk and dv's work on one block of kBlock query rows from i0 (of one query head, its stats at `rows`) for key row j:
 * acc_v += Σ p·dout, acc_k += scale·Σ dS·q.
 */
template <int kDim>
PIVOT_HD inline void grad_key_block(const AttentionArgs<kDim>& a, const float* kj, const float* vj, const float* qt,
                                    const float* dot_t, int64_t ld, const float* qm, const float* dom,
                                    const RowStats& rows, int key_padded, int64_t j, int64_t i0, float* acc_k,
                                    float* acc_v) {
  // Row i weighs key j when the key's mask level for it is the row's level.
  int want[kBlock];
  int any = 0;
  for (int u = 0; u < kBlock; ++u) {
    const int level = key_padded + (j > a.last_key(i0 + u) ? 1 : 0);
    want[u] = rows.level[i0 + u] == level;
    any |= want[u];
  }
  if (!any) return;
  float s[kBlock], dp[kBlock], p[kBlock];
  block_scores(kj, qt + i0, ld, a.dim(), s);
  block_scores(vj, dot_t + i0, ld, a.dim(), dp);
  for (int u = 0; u < kBlock; ++u) {
    const float score = rows.level[i0 + u] == 0 ? s[u] * a.scale : 0.f;
    p[u] = want[u] ? exp_nonpositive(score - rows.lse[i0 + u]) : 0.f;
    s[u] = a.scale * p[u] * (dp[u] - rows.delta[i0 + u]);
  }
  const int n = a.tq - i0 < kBlock ? (int)(a.tq - i0) : kBlock;
  block_axpy(acc_v, p, dom + i0 * a.dim(), n, a.dim());
  block_axpy(acc_k, s, qm + i0 * a.dim(), n, a.dim());
}

/**
 * dq, dk, dv from the output gradient dout. With p = exp(s − lse) and dS = p·(dout·v − Σ dout·out):
 * dq_i = scale·Σ_j dS_ij k_j per query row; dk_j = scale·Σ_i dS_ij q_i and dv_j = Σ_i p_ij dout_i per key row,
 * over every query row of the query heads that kv head serves.
 */
template <int kDim, class Dev>
void attention_backward_dim(Dev& d, const AttentionArgs<kDim>& a, const float* q, const float* k, const float* v,
                            const float* out, const float* lse, const float* dout, float* dq, float* dk, float* dv) {
  // Query rows have a block more of padding: the key rows' pass starts its blocks at any row.
  const int64_t ldk = padded(a.tk), ldq = padded(a.tq) + kBlock;
  const int64_t kv_size = a.batch * a.kv_heads * a.dim() * ldk, q_size = a.batch * a.heads * a.dim() * ldq;
  const int64_t row_size = a.batch * a.heads * ldq;
  // Transposed k, v, q and dout, the key bias, the query rows' stats for the key rows' pass, and per batch row
  // whether any query attends to masked keys (a fully masked query row).
  float* kt = static_cast<float*>(
      d.workspace(sizeof(float) * (2 * kv_size + 2 * q_size + a.batch * ldk + 3 * row_size + a.batch)));
  float* vt = kt + kv_size;
  float* qt = vt + kv_size;
  float* dot_t = qt + q_size;
  float* bias = dot_t + q_size;
  const RowStats stats{bias + a.batch * ldk, bias + a.batch * ldk + row_size,
                       reinterpret_cast<int32_t*>(bias + a.batch * ldk + 2 * row_size)};
  int32_t* masked_rows = stats.level + row_size;
  transpose_padded(d, k, kt, a.batch * a.kv_heads, a.tk, a.dim(), ldk);
  transpose_padded(d, v, vt, a.batch * a.kv_heads, a.tk, a.dim(), ldk);
  transpose_padded(d, q, qt, a.batch * a.heads, a.tq, a.dim(), ldq);
  transpose_padded(d, dout, dot_t, a.batch * a.heads, a.tq, a.dim(), ldq);
  key_bias(d, a, bias, ldk);
  d.for_each(a.batch, PIVOT_LAMBDA(int64_t b) {
    int32_t any = 0;
    for (int64_t i = 0; i < a.tq && any == 0; ++i) any = row_level(a.keep_of(b), a.tk, a.last_key(i)) != 0;
    masked_rows[b] = any;
  }, a.tq);

  d.for_each(a.rows(), PIVOT_LAMBDA(int64_t r) {
    const int64_t i = r % a.tq, bh = r / a.tq, b = bh / a.heads, kv = a.kv_of(r);
    const float* qr = q + r * a.dim();
    const float* dor = dout + r * a.dim();
    const float* keep = a.keep_of(b);
    const int64_t last = a.last_key(i);
    const int level = row_level(keep, a.tk, last);
    const float dr = dot(dor, out + r * a.dim(), a.dim());
    stats.lse[bh * ldq + i] = lse[r];
    stats.delta[bh * ldq + i] = dr;
    stats.level[bh * ldq + i] = level;
    if (i == a.tq - 1) {
      for (int64_t pad = bh * ldq + a.tq; pad < (bh + 1) * ldq; ++pad) {
        stats.lse[pad] = stats.delta[pad] = 0.f;
        stats.level[pad] = kNoRow;
      }
    }
    const float* ktm = kt + kv * a.dim() * ldk;
    const float* vtm = vt + kv * a.dim() * ldk;
    const float* km = k + kv * a.tk * a.dim();
    float acc[kAttentionMaxDim];
    for (int64_t c = 0; c < a.dim(); ++c) acc[c] = 0.f;
    const int64_t end = key_end(level, last, a.tk);
    for (int64_t j0 = 0; j0 < end; j0 += kBlock) {
      grad_query_block(a, qr, dor, lse[r], dr, ktm, vtm, ldk, km, bias + b * ldk, keep, last, level, j0,
                                end, acc);
    }
    for (int64_t c = 0; c < a.dim(); ++c) dq[r * a.dim() + c] = acc[c];
  }, a.tk * a.dim() * 3);

  d.for_each(a.batch * a.kv_heads * a.tk, PIVOT_LAMBDA(int64_t key) {
    const int64_t j = key % a.tk, bg = key / a.tk, b = bg / a.kv_heads, g = bg % a.kv_heads;
    const float* kj = k + key * a.dim();
    const float* vj = v + key * a.dim();
    const float* keep = a.keep_of(b);
    const int key_padded = keep != nullptr && keep[j] == 0.f ? 1 : 0;
    // Causally, only rows from j − (tk − tq) on see key j, unless some row is fully masked (it attends to any).
    const int64_t seen_from = j - (a.tk - a.tq);
    const int64_t first = a.causal && masked_rows[b] == 0 && seen_from > 0 ? seen_from : 0;
    float acc_k[kAttentionMaxDim], acc_v[kAttentionMaxDim];
    for (int64_t c = 0; c < a.dim(); ++c) acc_k[c] = acc_v[c] = 0.f;
    for (int64_t h = g * a.group(); h < (g + 1) * a.group(); ++h) {
      const int64_t bh = b * a.heads + h;
      const RowStats rows{stats.lse + bh * ldq, stats.delta + bh * ldq, stats.level + bh * ldq};
      const float* qtm = qt + bh * a.dim() * ldq;
      const float* dotm = dot_t + bh * a.dim() * ldq;
      const float* qm = q + bh * a.tq * a.dim();
      const float* dom = dout + bh * a.tq * a.dim();
      for (int64_t i0 = first; i0 < a.tq; i0 += kBlock) {
        grad_key_block(a, kj, vj, qtm, dotm, ldq, qm, dom, rows, key_padded, j, i0, acc_k, acc_v);
      }
    }
    for (int64_t c = 0; c < a.dim(); ++c) {
      dk[key * a.dim() + c] = acc_k[c];
      dv[key * a.dim() + c] = acc_v[c];
    }
  }, a.group() * a.tq * a.dim() * 3);
}

/** Calls body(AttentionArgs<kDim>) with kDim the head dimension when it is a common one (16, 32, 64, 128), else 0. */
template <class Body>
void with_head_dim(int64_t batch, int64_t heads, int64_t kv_heads, int64_t tq, int64_t tk, int64_t dim, bool causal,
                   float scale, const float* mask, Body body) {
  switch (dim) {
    case 16: return body(AttentionArgs<16>{batch, heads, kv_heads, tq, tk, dim, causal, scale, mask});
    case 32: return body(AttentionArgs<32>{batch, heads, kv_heads, tq, tk, dim, causal, scale, mask});
    case 64: return body(AttentionArgs<64>{batch, heads, kv_heads, tq, tk, dim, causal, scale, mask});
    case 128: return body(AttentionArgs<128>{batch, heads, kv_heads, tq, tk, dim, causal, scale, mask});
    default: return body(AttentionArgs<0>{batch, heads, kv_heads, tq, tk, dim, causal, scale, mask});
  }
}

/** out = softmax(q·kᵀ·scale + masks)·v, and lse = the logsumexp of each row's attended scores. */
template <class Dev>
void attention_forward(Dev& d, const float* q, const float* k, const float* v, const float* mask, float* out,
                       float* lse, int64_t batch, int64_t heads, int64_t kv_heads, int64_t tq, int64_t tk,
                       int64_t dim, bool causal, float scale) {
  with_head_dim(batch, heads, kv_heads, tq, tk, dim, causal, scale, mask,
                [&](const auto& a) { attention_forward_dim(d, a, q, k, v, out, lse); });
}

/** dq, dk, dv of attention_forward from the gradient of its output, dout. */
template <class Dev>
void attention_backward(Dev& d, const float* q, const float* k, const float* v, const float* mask,
                        const float* out, const float* lse, const float* dout, float* dq, float* dk, float* dv,
                        int64_t batch, int64_t heads, int64_t kv_heads, int64_t tq, int64_t tk, int64_t dim,
                        bool causal, float scale) {
  with_head_dim(batch, heads, kv_heads, tq, tk, dim, causal, scale, mask,
                [&](const auto& a) { attention_backward_dim(d, a, q, k, v, out, lse, dout, dq, dk, dv); });
}

}  // namespace kernels
}  // namespace pivot
