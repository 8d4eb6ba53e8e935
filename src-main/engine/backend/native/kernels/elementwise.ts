// Per-element kernels: unary maths, binary arithmetic and comparisons with broadcasting, select, cast, and the
// constant makers. Each maps a tfjs kernel name onto one addon operation code.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import { BINARY, BOOL_BINARY, UNARY } from '../ops';
import { backendOf, broadcastPlan, type NativeKernel } from './util';

type UnaryParams = (attrs: Record<string, unknown>) => [number, number];

function unaryKernel(kernelName: string, op: number, params?: UnaryParams, outDtype?: tf.DataType): NativeKernel {
  return {
    kernelName,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const x = Object.values(args.inputs)[0] as tf.TensorInfo;
      const dtype = outDtype ?? x.dtype;
      const out = backend.makeOutput(x.shape, dtype);
      const [p0, p1] = params ? params(args.attrs as Record<string, unknown>) : [0, 0];
      const n = tf.util.sizeFromShape(x.shape);
      backend.addon.unary(op, backend.dtypeCode(x.dtype), backend.handle(x), backend.handle(out), n, p0, p1);
      return out;
    },
  };
}

function binaryKernel(kernelName: string, op: number, outDtype?: tf.DataType): NativeKernel {
  return {
    kernelName,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const dtype = BOOL_BINARY.has(op) ? 'bool' : (outDtype ?? a.dtype);
      const out = backend.makeOutput(shape, dtype);
      if (tf.util.sizeFromShape(shape) === 0) return out;
      // tfjs's ops make both operands one dtype before the kernel; anything else is a caller's bug.
      if (a.dtype !== b.dtype) throw new Error(`${kernelName}: operands of different dtypes (${a.dtype}, ${b.dtype})`);
      const plan = broadcastPlan(shape, [a.shape, b.shape]);
      backend.addon.binary(op, backend.dtypeCode(a.dtype), backend.handle(a), backend.handle(b), backend.handle(out), plan.shape, plan.strides[0], plan.strides[1]);
      return out;
    },
  };
}

const alpha: UnaryParams = (attrs) => [Number(attrs.alpha ?? 0), 0];

export const elementwiseKernels: NativeKernel[] = [
  unaryKernel(tf.Neg, UNARY.neg),
  unaryKernel(tf.Abs, UNARY.abs),
  unaryKernel(tf.Exp, UNARY.exp),
  unaryKernel(tf.Log, UNARY.log),
  unaryKernel(tf.Sqrt, UNARY.sqrt),
  unaryKernel(tf.Rsqrt, UNARY.rsqrt),
  unaryKernel(tf.Square, UNARY.square),
  unaryKernel(tf.Tanh, UNARY.tanh),
  unaryKernel(tf.Sigmoid, UNARY.sigmoid),
  unaryKernel(tf.Softplus, UNARY.softplus),
  unaryKernel(tf.Erf, UNARY.erf),
  unaryKernel(tf.Relu, UNARY.relu),
  unaryKernel(tf.Relu6, UNARY.relu6),
  unaryKernel(tf.Elu, UNARY.elu),
  unaryKernel(tf.Selu, UNARY.selu),
  unaryKernel(tf.Sin, UNARY.sin),
  unaryKernel(tf.Cos, UNARY.cos),
  unaryKernel(tf.Tan, UNARY.tan),
  unaryKernel(tf.Atan, UNARY.atan),
  unaryKernel(tf.Asin, UNARY.asin),
  unaryKernel(tf.Acos, UNARY.acos),
  unaryKernel(tf.Sinh, UNARY.sinh),
  unaryKernel(tf.Cosh, UNARY.cosh),
  unaryKernel(tf.Floor, UNARY.floor),
  unaryKernel(tf.Ceil, UNARY.ceil),
  unaryKernel(tf.Round, UNARY.round),
  unaryKernel(tf.Sign, UNARY.sign),
  unaryKernel(tf.Reciprocal, UNARY.reciprocal),
  unaryKernel(tf.Log1p, UNARY.log1p),
  unaryKernel(tf.Expm1, UNARY.expm1),
  unaryKernel(tf.LogicalNot, UNARY.logicalNot, undefined, 'bool'),
  unaryKernel(tf.IsNan, UNARY.isNan, undefined, 'bool'),
  unaryKernel(tf.IsInf, UNARY.isInf, undefined, 'bool'),
  unaryKernel(tf.IsFinite, UNARY.isFinite, undefined, 'bool'),
  unaryKernel(tf.Step, UNARY.step, alpha),
  unaryKernel(tf.LeakyRelu, UNARY.leakyRelu, alpha),
  unaryKernel(tf.ClipByValue, UNARY.clip, (attrs) => [Number(attrs.clipValueMin), Number(attrs.clipValueMax)]),
  binaryKernel(tf.Add, BINARY.add),
  binaryKernel(tf.Sub, BINARY.sub),
  binaryKernel(tf.Multiply, BINARY.mul),
  binaryKernel(tf.RealDiv, BINARY.div, 'float32'),
  binaryKernel(tf.FloorDiv, BINARY.floorDiv),
  binaryKernel(tf.Mod, BINARY.mod),
  binaryKernel(tf.Pow, BINARY.pow),
  binaryKernel(tf.Maximum, BINARY.maximum),
  binaryKernel(tf.Minimum, BINARY.minimum),
  binaryKernel(tf.SquaredDifference, BINARY.squaredDifference),
  binaryKernel(tf.Atan2, BINARY.atan2),
  binaryKernel(tf.Equal, BINARY.equal),
  binaryKernel(tf.NotEqual, BINARY.notEqual),
  binaryKernel(tf.Less, BINARY.less),
  binaryKernel(tf.LessEqual, BINARY.lessEqual),
  binaryKernel(tf.Greater, BINARY.greater),
  binaryKernel(tf.GreaterEqual, BINARY.greaterEqual),
  binaryKernel(tf.LogicalAnd, BINARY.logicalAnd),
  binaryKernel(tf.LogicalOr, BINARY.logicalOr),
  {
    kernelName: tf.Select,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { condition, t, e } = args.inputs as { condition: tf.TensorInfo; t: tf.TensorInfo; e: tf.TensorInfo };
      const out = backend.makeOutput(t.shape, tf.upcastType(t.dtype, e.dtype));
      if (tf.util.sizeFromShape(t.shape) === 0) return out;
      // tfjs's select takes a condition of the full shape or a vector along the first axis.
      const condShape = condition.shape.length === 1 && t.shape.length > 1 ? [condition.shape[0], ...t.shape.slice(1).map(() => 1)] : condition.shape;
      const plan = broadcastPlan(t.shape, [condShape, t.shape, e.shape]);
      backend.addon.select(backend.dtypeCode(out.dtype), backend.handle(condition), backend.handle(t), backend.handle(e), backend.handle(out), plan.shape, plan.strides[0], plan.strides[1], plan.strides[2]);
      return out;
    },
  },
  {
    kernelName: tf.Cast,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      if (dtype === x.dtype) return backend.share(x, x.shape);
      const out = backend.makeOutput(x.shape, dtype);
      backend.addon.cast(backend.dtypeCode(x.dtype), backend.dtypeCode(dtype), backend.handle(x), backend.handle(out), tf.util.sizeFromShape(x.shape));
      return out;
    },
  },
  {
    kernelName: tf.Fill,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { shape, value, dtype } = args.attrs as unknown as tf.FillAttrs;
      const outDtype = dtype ?? tf.util.inferDtype(value);
      const out = backend.makeOutput(shape, outDtype);
      backend.addon.fill(backend.dtypeCode(outDtype), backend.handle(out), tf.util.sizeFromShape(shape), Number(value));
      return out;
    },
  },
  constantLike(tf.ZerosLike, 0),
  constantLike(tf.OnesLike, 1),
  {
    kernelName: tf.Range,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { start, stop, step, dtype } = args.attrs as unknown as tf.RangeAttrs;
      const size = Math.max(Math.ceil((stop - start) / step), 0);
      const out = backend.makeOutput([size], dtype);
      backend.addon.range(backend.dtypeCode(dtype), backend.handle(out), size, start, step);
      return out;
    },
  },
];

function constantLike(kernelName: string, value: number): NativeKernel {
  return {
    kernelName,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const out = backend.makeOutput(x.shape, x.dtype);
      backend.addon.fill(backend.dtypeCode(x.dtype), backend.handle(out), tf.util.sizeFromShape(x.shape), value);
      return out;
    },
  };
}
