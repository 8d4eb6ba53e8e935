// Activation checkpointing: a transformer block whose backward pass runs it again from its input instead of keeping
// every intermediate tensor of the forward, trading one more forward per block for the memory of all but one block's
// activations (torch.utils.checkpoint). Switched on around a training step by `withActivationCheckpointing`.
import * as tf from '../backend/tf';

/** A block: its input, and the tensors it reads besides its variables (RoPE tables, masks), to its output. */
export type Block = (input: tf.Tensor, context: readonly tf.Tensor[]) => tf.Tensor;

/** Whether blocks run through `transformerBlock` are recomputed in the backward; set for a scope only. */
let recomputing = false;

/** Runs `f` with activation checkpointing on or off for every transformer block it runs (forward and backward). */
export function withActivationCheckpointing<T>(on: boolean, f: () => T): T {
  const before = recomputing;
  recomputing = on;
  try {
    return f();
  } finally {
    recomputing = before;
  }
}

/**
 * Runs `f`, which takes gradients, from inside another gradient's backward pass. tfjs keeps one tape per engine: a
 * gradient taken with no outer tape recording starts a fresh one and, when done, frees its saved tensors and drops
 * it — the outer backward's tape included, which then fails to free its own. Putting the outer tape back keeps both:
 * the recomputed block's activations are freed as soon as its gradient is known, the outer ones at the end.
 */
function withOwnTape<T>(f: () => T): T {
  const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
  const outerTape = state.activeTape;
  try {
    return f();
  } finally {
    state.activeTape = outerTape;
  }
}

/**
 * `block(input, context)`, recomputed in the backward pass when activation checkpointing is on.
 * @param variables every variable the block reads: they are the op's inputs, so their gradients reach the optimizer
 *   (a tfjs custom gradient only differentiates its inputs, never the variables its function closes over)
 * @param context tensors the block reads that are not differentiated; kept until the backward
 */
export function transformerBlock(block: Block, input: tf.Tensor, variables: readonly tf.Variable[], context: readonly tf.Tensor[] = []): tf.Tensor {
  if (!recomputing) return block(input, context);
  const recomputed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const x = args[0] as tf.Tensor;
    // tfjs runs this function with its tape off and frees everything it made but the output: only the saved input
    // and context outlive the forward pass.
    save([x, ...context]);
    return {
      value: block(x, context),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [keptInput, ...keptContext] = saved as [tf.Tensor, ...tf.Tensor[]];
        return withOwnTape(() => tf.grads((x: tf.Tensor) => block(x, keptContext))([keptInput, ...variables], dy));
      },
    };
  });
  return recomputed(input, ...variables);
}
