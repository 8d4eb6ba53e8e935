// Multinomial logistic regression in Float64 JS, fitted by L-BFGS to a gradient-norm tolerance:
// small (classes × features) problems solved exactly, with no backend-dependent float32 rounding.

/** Samples as rows: `data` is [n, dim]. */
export interface Matrix {
  data: Float64Array;
  n: number;
  dim: number;
}

export interface LogisticModel {
  classes: number;
  dim: number;
  /** [classes, dim] */
  weights: Float64Array;
  /** [classes] */
  bias: Float64Array;
}

export interface LogisticFit extends LogisticModel {
  /** The objective at the solution (mean cross-entropy + the L2 term). */
  objective: number;
  /** Max-abs gradient entry at the solution. */
  gradientNorm: number;
  iterations: number;
  /** Whether the gradient-norm test passed before `maxIterations`. */
  converged: boolean;
}

export interface LogisticOptions {
  /** Inverse L2 strength, sklearn's meaning: the minimiser of C·Σ CE + ½‖W‖² (bias not penalised). */
  C: number;
  /** Stop when max |∂f/∂θ| of the per-sample-mean objective falls below this. Default 1e-6. */
  tolerance?: number;
  maxIterations?: number;
  /** Warm start (e.g. the solution for the previous C of a grid). */
  init?: LogisticModel;
}

const HISTORY = 10;

/** Objective f = mean CE + ‖W‖²/(2Cn) (sklearn's objective divided by C·n: same minimiser) and its gradient. */
function objective(theta: Float64Array, x: Matrix, y: Int32Array, classes: number, C: number, grad: Float64Array): number {
  const { n, dim, data } = x;
  const wSize = classes * dim;
  grad.fill(0);
  const logits = new Float64Array(classes);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      let z = theta[wSize + k] as number;
      const w = k * dim;
      for (let j = 0; j < dim; j++) z += (theta[w + j] as number) * (data[row + j] as number);
      logits[k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp((logits[k] as number) - max);
    const label = y[i] as number;
    loss += Math.log(sum) + max - (logits[label] as number);
    for (let k = 0; k < classes; k++) {
      const r = (Math.exp((logits[k] as number) - max) / sum - (k === label ? 1 : 0)) / n;
      if (r === 0) continue;
      grad[wSize + k] = (grad[wSize + k] as number) + r;
      const w = k * dim;
      for (let j = 0; j < dim; j++) grad[w + j] = (grad[w + j] as number) + r * (data[row + j] as number);
    }
  }
  const lambda = 1 / (C * n);
  let penalty = 0;
  for (let p = 0; p < wSize; p++) {
    const w = theta[p] as number;
    penalty += w * w;
    grad[p] = (grad[p] as number) + lambda * w;
  }
  return loss / n + 0.5 * lambda * penalty;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Fits W, b by L-BFGS (10 pairs, backtracking Armijo line search); deterministic, zero init unless warm-started. */
export function fitLogistic(x: Matrix, y: Int32Array, classes: number, options: LogisticOptions): LogisticFit {
  const { dim } = x;
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 1000;
  const size = classes * (dim + 1);
  const theta = new Float64Array(size);
  if (options.init) {
    theta.set(options.init.weights, 0);
    theta.set(options.init.bias, classes * dim);
  }
  let grad = new Float64Array(size);
  let f = objective(theta, x, y, classes, options.C, grad);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const alpha = new Float64Array(HISTORY);
  const direction = new Float64Array(size);
  const trial = new Float64Array(size);
  let trialGrad = new Float64Array(size);
  let iterations = 0;
  let gradientNorm = maxAbs(grad);
  while (gradientNorm > tolerance && iterations < maxIterations) {
    iterations++;
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let h = sHist.length - 1; h >= 0; h--) {
      alpha[h] = (rhoHist[h] as number) * dot(sHist[h] as Float64Array, direction);
      const yh = yHist[h] as Float64Array;
      for (let p = 0; p < size; p++) direction[p] = (direction[p] as number) - (alpha[h] as number) * (yh[p] as number);
    }
    const last = sHist.length - 1;
    const gamma = last >= 0 ? dot(sHist[last] as Float64Array, yHist[last] as Float64Array) / dot(yHist[last] as Float64Array, yHist[last] as Float64Array) : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let p = 0; p < size; p++) direction[p] = (direction[p] as number) * gamma;
    for (let h = 0; h < sHist.length; h++) {
      const beta = (rhoHist[h] as number) * dot(yHist[h] as Float64Array, direction);
      const sh = sHist[h] as Float64Array;
      for (let p = 0; p < size; p++) direction[p] = (direction[p] as number) + ((alpha[h] as number) - beta) * (sh[p] as number);
    }
    for (let p = 0; p < size; p++) direction[p] = -(direction[p] as number);
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let p = 0; p < size; p++) direction[p] = -(grad[p] as number);
      slope = dot(grad, direction);
    }
    let step = 1;
    let fNew = f;
    for (let tries = 0; tries < 40; tries++) {
      for (let p = 0; p < size; p++) trial[p] = (theta[p] as number) + step * (direction[p] as number);
      fNew = objective(trial, x, y, classes, options.C, trialGrad);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f) && !(fNew <= f && maxAbs(trialGrad) < gradientNorm)) break; // no progress possible in float64
    const s = new Float64Array(size);
    const yy = new Float64Array(size);
    for (let p = 0; p < size; p++) {
      s[p] = (trial[p] as number) - (theta[p] as number);
      yy[p] = (trialGrad[p] as number) - (grad[p] as number);
    }
    const sy = dot(s, yy);
    // Keep the pair only with positive curvature, so the implied inverse Hessian stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yy, yy))) {
      if (sHist.length === HISTORY) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
      sHist.push(s);
      yHist.push(yy);
      rhoHist.push(1 / sy);
    }
    theta.set(trial);
    [grad, trialGrad] = [trialGrad, grad];
    f = fNew;
    gradientNorm = maxAbs(grad);
  }
  return {
    classes,
    dim,
    weights: theta.slice(0, classes * dim),
    bias: theta.slice(classes * dim),
    objective: f,
    gradientNorm,
    iterations,
    converged: gradientNorm <= tolerance,
  };
}

/** Class probabilities [n, classes] of each row. */
export function predictProba(model: LogisticModel, x: Matrix): Float64Array {
  const { classes, dim, weights, bias } = model;
  const out = new Float64Array(x.n * classes);
  for (let i = 0; i < x.n; i++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      let z = bias[k] as number;
      for (let j = 0; j < dim; j++) z += (weights[k * dim + j] as number) * (x.data[i * dim + j] as number);
      out[i * classes + k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[i * classes + k] = Math.exp((out[i * classes + k] as number) - max);
    for (let k = 0; k < classes; k++) out[i * classes + k] = (out[i * classes + k] as number) / sum;
  }
  return out;
}

/** Arg-max class of each row (ties: the lower class index) and the mean log-loss when labels are given. */
export function predict(model: LogisticModel, x: Matrix, labels?: Int32Array): { labels: Int32Array; logLoss: number } {
  const proba = predictProba(model, x);
  const out = new Int32Array(x.n);
  let loss = 0;
  for (let i = 0; i < x.n; i++) {
    let best = 0;
    for (let k = 1; k < model.classes; k++) if ((proba[i * model.classes + k] as number) > (proba[i * model.classes + best] as number)) best = k;
    out[i] = best;
    if (labels) loss -= Math.log(Math.max(1e-300, proba[i * model.classes + (labels[i] as number)] as number));
  }
  return { labels: out, logLoss: labels && x.n > 0 ? loss / x.n : Number.NaN };
}
