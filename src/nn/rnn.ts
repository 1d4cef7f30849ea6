import { tensor, zeros } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import { concat, dropout, gruLayer, lstmLayer, select, stack, transpose } from '../ops/index.js';
import { GlimpseError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { shapeStr } from '../util/shape.js';
import { type InitOptions, resolveConfig } from './config.js';
import { uniform } from './init.js';
import { Module } from './module.js';
import type { RecurrentState } from './state.js';

export interface RNNConfig {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers; layer l > 0 reads layer l−1's outputs. Default 1. */
  numLayers?: number;
  /** Learn b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output are [B, T, ·] instead of PyTorch's default [T, B, ·]. Default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. Default 0. */
  dropout?: number;
  /** Add a reverse direction; outputs are [h_fwd ; h_bwd]. Default false. */
  bidirectional?: boolean;
}

export interface RNNForwardOptions {
  /** Initial state, h (and c for LSTM) [numLayers·numDirections, B, H]; zeros when omitted. */
  state?: RecurrentState | null;
  /**
   * int32 [B] (or numbers): the real length of each sequence, in any order. Outputs past a
   * length are 0 and the final state is taken at each sequence's last real step, as with
   * PyTorch's pack_padded_sequence(enforce_sorted=False).
   */
  lengths?: Tensor | readonly number[] | null;
}

export interface RNNOutput {
  /** [T, B, D·H] ([B, T, D·H] with batchFirst); D = 2 when bidirectional. */
  output: Tensor;
  /** Final h (and c for LSTM) [numLayers·D, B, H], layer-major then direction. */
  state: RecurrentState;
}

/** One direction of one layer: the fused kernel call. */
interface LayerRun {
  output: Tensor;
  h: Tensor;
  c: Tensor | null;
}

/**
 * Shared parts of LSTM and GRU: PyTorch parameter names (`weight_ih_l0`, `bias_hh_l1_reverse`,
 * …), U(±1/√H) initialisation, layer stacking, directions, lengths and inter-layer dropout.
 * Subclasses only say how many gates they have and which fused kernel runs one layer.
 */
abstract class RNNBase extends Module {
  readonly config: Readonly<Required<RNNConfig>>;
  private readonly rng: Rng | undefined;

  protected constructor(name: string, gates: number, config: RNNConfig, init: InitOptions) {
    super();
    this.config = resolveConfig(name, config, {
      inputSize: { type: 'int', min: 1 },
      hiddenSize: { type: 'int', min: 1 },
      numLayers: { type: 'int', default: 1, min: 1 },
      bias: { type: 'boolean', default: true },
      batchFirst: { type: 'boolean', default: false },
      dropout: { type: 'number', default: 0, min: 0, max: 1, maxExclusive: true },
      bidirectional: { type: 'boolean', default: false },
    });
    this.rng = init.rng;
    const { inputSize, hiddenSize: H, numLayers, bias } = this.config;
    const bound = 1 / Math.sqrt(H);
    for (let l = 0; l < numLayers; l++) {
      const inSize = l === 0 ? inputSize : H * this.numDirections;
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = RNNBase.suffix(l, d);
        this.registerParameter(`weight_ih${sfx}`, uniform([gates * H, inSize], bound, init));
        this.registerParameter(`weight_hh${sfx}`, uniform([gates * H, H], bound, init));
        if (bias) {
          this.registerParameter(`bias_ih${sfx}`, uniform([gates * H], bound, init));
          this.registerParameter(`bias_hh${sfx}`, uniform([gates * H], bound, init));
        }
      }
    }
  }

  /** `_l{layer}` and `_reverse` for the backward direction, as in PyTorch's names. */
  private static suffix(layer: number, direction: number): string {
    return `_l${layer}${direction === 1 ? '_reverse' : ''}`;
  }

  get numDirections(): number {
    return this.config.bidirectional ? 2 : 1;
  }

  /** Whether this kind carries a cell state (LSTM) besides h. */
  protected abstract readonly hasCell: boolean;

  /** Runs one direction of one layer over time-major x [T, B, I]. */
  protected abstract runLayer(
    x: Tensor, w: { ih: Tensor; hh: Tensor; bih: Tensor | null; bhh: Tensor | null }, h0: Tensor, c0: Tensor | null,
    lengths: Tensor | null, reverse: boolean,
  ): LayerRun;

  /**
   * Runs the stack over a whole sequence.
   * @param x [T, B, I], or [B, T, I] with batchFirst.
   */
  forward(x: Tensor, options: RNNForwardOptions = {}): RNNOutput {
    const name = this.constructor.name;
    const { inputSize: I, hiddenSize: H, numLayers, batchFirst } = this.config;
    if (x.ndim !== 3 || x.shape[2] !== I) {
      throw new GlimpseError(`${name}: x must be ${batchFirst ? '[B, T' : '[T, B'}, ${I}], got ${shapeStr(x.shape)}`);
    }
    const seq = batchFirst ? transpose(x, 0, 1) : x; // [T, B, I]
    const B = seq.shape[1]!;
    const L = numLayers * this.numDirections;
    const lengths = this.checkLengths(options.lengths ?? null, B, seq.shape[0]!);
    const initial = (t: Tensor | null | undefined, what: string): Tensor | null => {
      if (!t) return null;
      if (t.ndim !== 3 || t.shape[0] !== L || t.shape[1] !== B || t.shape[2] !== H) {
        throw new GlimpseError(`${name}: state.${what} must be [${L}, ${B}, ${H}], got ${shapeStr(t.shape)}`);
      }
      return t;
    };
    const h0 = initial(options.state?.h, 'h');
    const c0 = this.hasCell ? initial(options.state?.c, 'c') : null;
    const zero = (): Tensor => zeros([B, H], { dtype: x.dtype as 'float32' | 'float64' });
    let input = seq;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < numLayers; l++) {
      if (l > 0 && this.config.dropout > 0) {
        input = dropout(input, this.config.dropout, { training: this.training, ...(this.rng ? { rng: this.rng } : {}) });
      }
      const outs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const i = l * this.numDirections + d;
        const sfx = RNNBase.suffix(l, d);
        const w = {
          ih: this.parameter(`weight_ih${sfx}`), hh: this.parameter(`weight_hh${sfx}`),
          bih: this.optionalParameter(`bias_ih${sfx}`), bhh: this.optionalParameter(`bias_hh${sfx}`),
        };
        const r = this.runLayer(input, w, h0 ? select(h0, 0, i) : zero(), this.hasCell ? (c0 ? select(c0, 0, i) : zero()) : null, lengths, d === 1);
        outs.push(r.output);
        hs.push(r.h);
        if (r.c) cs.push(r.c);
      }
      input = outs.length === 1 ? outs[0]! : concat(outs, -1);
    }
    return {
      output: batchFirst ? transpose(input, 0, 1) : input,
      state: { h: stack(hs, 0), c: this.hasCell ? stack(cs, 0) : null },
    };
  }

  private checkLengths(lengths: Tensor | readonly number[] | null, B: number, T: number): Tensor | null {
    if (lengths === null) return null;
    const t = Array.isArray(lengths) ? tensor(lengths as number[], { dtype: 'int32' }) : (lengths as Tensor);
    if (t.dtype !== 'int32' || t.ndim !== 1 || t.shape[0] !== B) {
      throw new GlimpseError(`${this.constructor.name}: lengths must be int32 [${B}], got ${t.dtype} ${shapeStr(t.shape)}`);
    }
    t.data.forEach((len, b) => {
      if (len < 0 || len > T) throw new GlimpseError(`${this.constructor.name}: lengths[${b}] = ${len} is outside [0, ${T}]`);
    });
    return t;
  }
}

/**
 * A multi-layer, optionally bidirectional LSTM (PyTorch's nn.LSTM) on the fused kernel:
 * same parameter names, initialisation, layouts and results, including variable lengths.
 * Each step is the {@link LSTMCell} recurrence.
 *
 * @example
 * const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, batchFirst: true });
 * const { output, state } = lstm.forward(x, { lengths: [4, 2] }); // x [2, 4, 3]
 * output;  // [2, 4, 5], 0 past each length
 * state.h; // [2, 2, 5] at each sequence's last real step; state.c likewise
 */
export class LSTM extends RNNBase {
  protected readonly hasCell = true;

  constructor(config: RNNConfig, init: InitOptions = {}) {
    super('LSTM', 4, config, init);
  }

  protected runLayer(x: Tensor, w: { ih: Tensor; hh: Tensor; bih: Tensor | null; bhh: Tensor | null }, h0: Tensor, c0: Tensor | null, lengths: Tensor | null, reverse: boolean): LayerRun {
    return lstmLayer(x, w.ih, w.hh, w.bih, w.bhh, h0, c0!, { lengths, reverse });
  }
}

/**
 * A multi-layer, optionally bidirectional GRU (PyTorch's nn.GRU) on the fused kernel. Each
 * step is the {@link GRUCell} recurrence (r applied to W_hn·h + b_hn).
 *
 * @example
 * const gru = new GRU({ inputSize: 8, hiddenSize: 6, bidirectional: true, batchFirst: true });
 * const { output, state } = gru.forward(x, { lengths }); // output [B, S, 12]; state.h [2, B, 6]
 */
export class GRU extends RNNBase {
  protected readonly hasCell = false;

  constructor(config: RNNConfig, init: InitOptions = {}) {
    super('GRU', 3, config, init);
  }

  protected runLayer(x: Tensor, w: { ih: Tensor; hh: Tensor; bih: Tensor | null; bhh: Tensor | null }, h0: Tensor, _c0: Tensor | null, lengths: Tensor | null, reverse: boolean): LayerRun {
    return { ...gruLayer(x, w.ih, w.hh, w.bih, w.bhh, h0, { lengths, reverse }), c: null };
  }
}
