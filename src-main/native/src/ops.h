// The operation codes the TypeScript side passes for the families of per-element kernels. The numbers are part
// of the addon's interface: src-main/engine/backend/native/ops.ts lists the same values.
#pragma once

namespace pivot {

enum class UnaryOp : int {
  neg = 0, abs, exp, log, sqrt, rsqrt, square, tanh, sigmoid, softplus, erf, relu, elu, sin, cos, floor, ceil,
  round, sign, reciprocal, log1p, expm1, logical_not, step, leaky_relu, clip, is_nan, is_inf, is_finite, relu6,
  selu, atan, asin, acos, sinh, cosh, tan,
  // The activations of Hugging Face configs, fused (src-main/engine/backend/native/fused/activations.ts).
  gelu, gelu_tanh, silu, quick_gelu,
};

enum class BinaryOp : int {
  add = 0, sub, mul, div, floor_div, mod, pow, maximum, minimum, squared_difference, atan2,
  equal, not_equal, less, less_equal, greater, greater_equal, logical_and, logical_or,
  // Activation gradients: a = x, b = dy, out = dy·act'(x).
  gelu_grad, gelu_tanh_grad, silu_grad, quick_gelu_grad,
};

enum class ReduceOp : int { sum = 0, mean, max, min, prod, all, any, arg_max, arg_min };

/** Binary operations whose output is bool, whatever the input type. */
inline bool binary_outputs_bool(BinaryOp op) { return op >= BinaryOp::equal && op <= BinaryOp::logical_or; }

}  // namespace pivot
