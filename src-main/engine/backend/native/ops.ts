// The addon's operation and dtype codes; the numbers mirror src-main/native/src/ops.h and common.h.
import type { DataType } from '../tf';

export const DTYPE_CODE: Partial<Record<DataType, number>> = { float32: 0, int32: 1, bool: 2 };

export const UNARY = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, rsqrt: 5, square: 6, tanh: 7, sigmoid: 8, softplus: 9, erf: 10, relu: 11,
  elu: 12, sin: 13, cos: 14, floor: 15, ceil: 16, round: 17, sign: 18, reciprocal: 19, log1p: 20, expm1: 21,
  logicalNot: 22, step: 23, leakyRelu: 24, clip: 25, isNan: 26, isInf: 27, isFinite: 28, relu6: 29, selu: 30,
  atan: 31, asin: 32, acos: 33, sinh: 34, cosh: 35, tan: 36, gelu: 37, geluTanh: 38, silu: 39, quickGelu: 40,
} as const;

export const BINARY = {
  add: 0, sub: 1, mul: 2, div: 3, floorDiv: 4, mod: 5, pow: 6, maximum: 7, minimum: 8, squaredDifference: 9,
  atan2: 10, equal: 11, notEqual: 12, less: 13, lessEqual: 14, greater: 15, greaterEqual: 16, logicalAnd: 17,
  logicalOr: 18, geluGrad: 19, geluTanhGrad: 20, siluGrad: 21, quickGeluGrad: 22,
} as const;

/** Binary operations that answer bool. */
export const BOOL_BINARY: ReadonlySet<number> = new Set([
  BINARY.equal, BINARY.notEqual, BINARY.less, BINARY.lessEqual, BINARY.greater, BINARY.greaterEqual,
  BINARY.logicalAnd, BINARY.logicalOr,
]);

export const REDUCE = { sum: 0, mean: 1, max: 2, min: 3, prod: 4, all: 5, any: 6, argMax: 7, argMin: 8 } as const;
