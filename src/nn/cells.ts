import { zeros } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import { add, chunk, gruLayer, linear, lstmLayer, mul, sigmoid, sub, tanh } from '../ops/index.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { type InitOptions, resolveConfig } from './config.js';
import { uniform } from './init.js';
import { Module } from './module.js';
import type { RecurrentState } from './state.js';

export interface CellConfig {
  inputSize: number;
  hiddenSize: number;
  /** Learn the two biases b_ih and b_hh. Default true. */
  bias?: boolean;
}

/** Shared parts of LSTMCell and GRUCell: PyTorch names and U(±1/√H) initialisation. */
abstract class RecurrentCell extends Module {
  readonly config: Readonly<Required<CellConfig>>;

  protected constructor(name: string, gates: number, config: CellConfig, init: InitOptions) {
    super();
    this.config = resolveConfig(name, config, {
      inputSize: { type: 'int', min: 1 },
      hiddenSize: { type: 'int', min: 1 },
      bias: { type: 'boolean', default: true },
    });
    const { inputSize: I, hiddenSize: H } = this.config;
    const bound = 1 / Math.sqrt(H);
    this.registerParameter('weight_ih', uniform([gates * H, I], bound, init));
    this.registerParameter('weight_hh', uniform([gates * H, H], bound, init));
    if (this.config.bias) {
      this.registerParameter('bias_ih', uniform([gates * H], bound, init));
      this.registerParameter('bias_hh', uniform([gates * H], bound, init));
    }
  }

  /** Checks x [B, I] and returns B. */
  protected batchOf(x: Tensor): number {
    if (x.ndim !== 2 || x.shape[1] !== this.config.inputSize) {
      throw new GlimpseError(`${this.constructor.name}: x must be [B, ${this.config.inputSize}], got ${shapeStr(x.shape)}`);
    }
    return x.shape[0]!;
  }

  /** `given` checked to be [B, H], or zeros. */
  protected stateOr(given: Tensor | null | undefined, B: number, x: Tensor, what: string): Tensor {
    const H = this.config.hiddenSize;
    if (!given) return zeros([B, H], { dtype: x.dtype as 'float32' | 'float64' });
    if (given.ndim !== 2 || given.shape[0] !== B || given.shape[1] !== H) {
      throw new GlimpseError(`${this.constructor.name}: state.${what} must be [${B}, ${H}], got ${shapeStr(given.shape)}`);
    }
    return given;
  }

  /** The cell's weights as the fused kernels take them. */
  protected get weights(): { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null } {
    return {
      wIh: this.parameter('weight_ih'), wHh: this.parameter('weight_hh'),
      bIh: this.optionalParameter('bias_ih'), bHh: this.optionalParameter('bias_hh'),
    };
  }

  /** W_ih·x + b_ih and W_hh·h + b_hh. */
  protected projections(x: Tensor, h: Tensor): [Tensor, Tensor] {
    const { wIh, wHh, bIh, bHh } = this.weights;
    return [linear(x, wIh, bIh), linear(h, wHh, bHh)];
  }

  /** Checks a sequence x [T, B, I] and returns B. */
  protected batchOfSequence(x: Tensor): number {
    if (x.ndim !== 3 || x.shape[2] !== this.config.inputSize) {
      throw new GlimpseError(`${this.constructor.name}: a sequence must be [T, B, ${this.config.inputSize}], got ${shapeStr(x.shape)}`);
    }
    return x.shape[1]!;
  }

  /** One step, written out of primitive ops (the lesson's formulas). */
  abstract forward(x: Tensor, state?: RecurrentState | null): RecurrentState;

  /**
   * The same recurrence over T steps x [T, B, I] in one fused kernel call (forward and backward
   * fused; equal to calling `forward` T times, as the tests check): the outputs h_1…h_T
   * [T, B, H] and the last state. A decoder steps with T = 1.
   */
  abstract forwardSequence(x: Tensor, state?: RecurrentState | null): { output: Tensor; state: RecurrentState };
}

/**
 * One LSTM step (Hochreiter & Schmidhuber 1997), written out of primitive ops as the readable
 * version of the fused layer (PyTorch's nn.LSTMCell, gate order i, f, g, o):
 *
 *   i, f, o = σ(W_i·x + U_i·h + b), g = tanh(W_g·x + U_g·h + b)
 *   c′ = f ⊙ c + i ⊙ g,   h′ = o ⊙ tanh(c′)
 *
 * Parameters weight_ih [4H, I], weight_hh [4H, H], bias_ih, bias_hh [4H].
 *
 * @example
 * const cell = new LSTMCell({ inputSize: 4, hiddenSize: 5 });
 * let state = cell.forward(x0);      // zero initial state; x0 [B, 4]
 * state = cell.forward(x1, state);   // state.h, state.c [B, 5]
 */
export class LSTMCell extends RecurrentCell {
  constructor(config: CellConfig, init: InitOptions = {}) {
    super('LSTMCell', 4, config, init);
  }

  /** x [B, I], state {h, c} [B, H] (zeros when omitted) → {h′, c′}. */
  forward(x: Tensor, state: RecurrentState | null = null): RecurrentState {
    const B = this.batchOf(x);
    const h = this.stateOr(state?.h, B, x, 'h');
    const c = this.stateOr(state?.c, B, x, 'c');
    const [gx, gh] = this.projections(x, h);
    const [i, f, g, o] = chunk(add(gx, gh), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const c1 = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
    const h1 = mul(sigmoid(o), tanh(c1));
    return { h: h1, c: c1 };
  }

  forwardSequence(x: Tensor, state: RecurrentState | null = null): { output: Tensor; state: RecurrentState } {
    const B = this.batchOfSequence(x);
    const h0 = this.stateOr(state?.h, B, x, 'h');
    const c0 = this.stateOr(state?.c, B, x, 'c');
    const { wIh, wHh, bIh, bHh } = this.weights;
    const r = lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0);
    return { output: r.output, state: { h: r.h, c: r.c } };
  }
}

/**
 * One GRU step (Cho et al. 2014), from primitive ops (PyTorch's nn.GRUCell, gate order r, z, n).
 * The reset gate multiplies the hidden projection including its bias, as PyTorch does:
 *
 *   r = σ(W_r·x + b_ir + U_r·h + b_hr),  z = σ(W_z·x + b_iz + U_z·h + b_hz)
 *   n = tanh(W_n·x + b_in + r ⊙ (U_n·h + b_hn)),  h′ = (1 − z) ⊙ n + z ⊙ h
 *
 * @example
 * const cell = new GRUCell({ inputSize: 4, hiddenSize: 5 });
 * const { h } = cell.forward(x, { h: h0 }); // x [B, 4], h0 [B, 5]
 */
export class GRUCell extends RecurrentCell {
  constructor(config: CellConfig, init: InitOptions = {}) {
    super('GRUCell', 3, config, init);
  }

  /** x [B, I], state {h} [B, H] (zeros when omitted) → {h′, c: null}. */
  forward(x: Tensor, state: RecurrentState | null = null): RecurrentState {
    const B = this.batchOf(x);
    const h = this.stateOr(state?.h, B, x, 'h');
    const [gx, gh] = this.projections(x, h);
    const [xr, xz, xn] = chunk(gx, 3, 1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = chunk(gh, 3, 1) as [Tensor, Tensor, Tensor];
    const r = sigmoid(add(xr, hr));
    const z = sigmoid(add(xz, hz));
    const n = tanh(add(xn, mul(r, hn)));
    return { h: add(mul(sub(1, z), n), mul(z, h)), c: null };
  }

  forwardSequence(x: Tensor, state: RecurrentState | null = null): { output: Tensor; state: RecurrentState } {
    const B = this.batchOfSequence(x);
    const h0 = this.stateOr(state?.h, B, x, 'h');
    const { wIh, wHh, bIh, bHh } = this.weights;
    const r = gruLayer(x, wIh, wHh, bIh, bHh, h0);
    return { output: r.output, state: { h: r.h, c: null } };
  }
}
