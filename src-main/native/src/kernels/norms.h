// Layer norm (PyTorch nn.LayerNorm) and RMSNorm (Qwen2RMSNorm) over the last axis of x viewed as [rows, cols],
// and their gradients. `centre` picks layer norm (subtract the mean, add beta); without it the "variance" is
// mean(x²) and there is no beta. One worker per row; the row statistics are summed in double. The gradients
// of gamma and beta are column sums over rows: one worker per (block of rows, column) writes a partial sum,
// then one per column adds the blocks in a fixed order, so the result does not depend on thread timing.
#pragma once
#include <math.h>
#include "../common.h"

namespace pivot {
namespace kernels {

/** A row's mean (0 without centring) and 1/√(variance + eps), the variance biased as PyTorch's. */
PIVOT_HD inline void norm_row_stats(const float* in, int64_t cols, bool centre, float eps, float* mean, float* rstd) {
  double m = 0.0;
  if (centre) {
    for (int64_t j = 0; j < cols; ++j) m += in[j];
    m /= (double)cols;
  }
  double var = 0.0;
  for (int64_t j = 0; j < cols; ++j) {
    const double c = in[j] - m;
    var += c * c;
  }
  var /= (double)cols;
  *mean = (float)m;
  *rstd = (float)(1.0 / sqrt(var + (double)eps));
}

/** y = (x − mean)·rstd·gamma (+ beta); beta is null for RMSNorm. */
template <class Dev>
void norm_forward(Dev& d, const float* x, const float* gamma, const float* beta, float* y, int64_t rows, int64_t cols,
                  float eps, bool centre) {
  d.for_each(rows, PIVOT_LAMBDA(int64_t row) {
    const float* in = x + row * cols;
    float* out = y + row * cols;
    float mean, rstd;
    norm_row_stats(in, cols, centre, eps, &mean, &rstd);
    for (int64_t j = 0; j < cols; ++j) {
      const float v = (in[j] - mean) * rstd * gamma[j];
      out[j] = beta == nullptr ? v : v + beta[j];
    }
  }, cols * 3);
}

/**
 * dx, dgamma and (with centring) dbeta from dy. With g = dy·gamma and x̂ = (x − mean)·rstd:
 * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) for layer norm, rstd·(g − x̂·mean(g·x̂)) for RMSNorm;
 * dgamma = Σ_rows dy·x̂, dbeta = Σ_rows dy.
 */
template <class Dev>
void norm_backward(Dev& d, const float* x, const float* gamma, const float* dy, float* dx, float* dgamma, float* dbeta,
                   int64_t rows, int64_t cols, float eps, bool centre) {
  if (cols <= 0) return;
  // Enough row blocks to fill the device when there are few columns, each at least 32 rows long.
  int64_t blocks = (d.parallelism() + cols - 1) / cols;
  if (blocks > rows / 32) blocks = rows / 32;
  if (blocks < 1) blocks = 1;
  const int64_t per = (rows + blocks - 1) / blocks;
  // One workspace: the column partials (double, first for alignment), then each row's mean and rstd.
  double* partial = static_cast<double*>(d.workspace(sizeof(double) * 2 * blocks * cols + sizeof(float) * 2 * rows));
  float* stats = reinterpret_cast<float*>(partial + 2 * blocks * cols);

  d.for_each(rows, PIVOT_LAMBDA(int64_t row) {
    const float* in = x + row * cols;
    const float* grad = dy + row * cols;
    float* out = dx + row * cols;
    float mean, rstd;
    norm_row_stats(in, cols, centre, eps, &mean, &rstd);
    stats[2 * row] = mean;
    stats[2 * row + 1] = rstd;
    double sum_g = 0.0, sum_gx = 0.0;
    for (int64_t j = 0; j < cols; ++j) {
      const float g = grad[j] * gamma[j];
      sum_g += g;
      sum_gx += (double)g * ((in[j] - mean) * rstd);
    }
    const float mean_g = centre ? (float)(sum_g / (double)cols) : 0.f;
    const float mean_gx = (float)(sum_gx / (double)cols);
    for (int64_t j = 0; j < cols; ++j) {
      const float xhat = (in[j] - mean) * rstd;
      out[j] = rstd * (grad[j] * gamma[j] - mean_g - xhat * mean_gx);
    }
  }, cols * 5);

  d.for_each(blocks * cols, PIVOT_LAMBDA(int64_t i) {
    const int64_t block = i / cols, col = i % cols;
    const int64_t end = (block + 1) * per < rows ? (block + 1) * per : rows;
    double sum_gamma = 0.0, sum_beta = 0.0;
    for (int64_t row = block * per; row < end; ++row) {
      const float g = dy[row * cols + col];
      sum_gamma += (double)g * ((x[row * cols + col] - stats[2 * row]) * stats[2 * row + 1]);
      sum_beta += g;
    }
    partial[i] = sum_gamma;
    partial[blocks * cols + i] = sum_beta;
  }, per * 2);

  d.for_each(cols, PIVOT_LAMBDA(int64_t col) {
    double sum_gamma = 0.0, sum_beta = 0.0;
    for (int64_t block = 0; block < blocks; ++block) {
      sum_gamma += partial[block * cols + col];
      sum_beta += partial[blocks * cols + block * cols + col];
    }
    dgamma[col] = (float)sum_gamma;
    if (dbeta != nullptr) dbeta[col] = (float)sum_beta;
  }, blocks);
}

}  // namespace kernels
}  // namespace pivot
