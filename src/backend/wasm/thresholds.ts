/**
 * Sizes from which work goes to wasm (`*Macs`, `*Elements` below: the reference kernels win on
 * smaller calls, see backend.ts) and from which it is split across threads (`parallel*`: a
 * chunk must outweigh waking a worker, ~1 M multiply-adds ≈ 50 µs on one core). Mutable so the
 * parity tests can force every path on tiny inputs.
 */
export const THRESHOLDS = {
  /** m·n·k·batch: below it the reference GEMM's loop beats the copies. */
  gemmMacs: 512,
  /** rows·n of softmax / cross-entropy. */
  rowElements: 64,
  /** Elements of exp / tanh / sigmoid. */
  activation: 64,
  /** Elements of an axis sum. */
  sum: 1024,
  /** Elements of an Adam update. */
  adam: 1024,
  /** Multiply-adds of a GEMM, an RNN step or an attention call from which threads share it. */
  parallelMacs: 1 << 20,
  /** Elements of a row kernel (softmax, cross-entropy) or an Adam update from which threads share it. */
  parallelElements: 1 << 15,
};
