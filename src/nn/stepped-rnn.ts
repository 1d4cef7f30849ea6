import { zeros } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import { dropout, select, stack } from '../ops/index.js';
import { GlimpseError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { shapeStr } from '../util/shape.js';
import type { GRUCell, LSTMCell } from './cells.js';
import { type InitOptions, resolveConfig } from './config.js';
import { Module } from './module.js';
import type { RNNForwardOptions, RNNOutput } from './rnn.js';
import type { RecurrentState } from './state.js';

export interface SteppedRNNConfig {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers; layer l > 0 reads layer l−1's outputs. Default 1. */
  numLayers?: number;
  /** Dropout on the outputs of every layer but the last, in training. Default 0. */
  dropout?: number;
}

/** Builds one cell of the stack (an {@link LSTMCell} or a {@link GRUCell}). */
export type CellFactory = (config: { inputSize: number; hiddenSize: number }, init: InitOptions) => LSTMCell | GRUCell;

/**
 * A stacked, one-directional LSTM or GRU whose recurrence is the from-scratch cell stepped in
 * a loop, t = 1…T, layer by layer: the readable twin of {@link LSTM} / {@link GRU} (which run
 * the fused kernel). Parameters carry the fused layers' PyTorch names (`weight_ih_l0`, …), so
 * the same state dict loads into either and both compute the same outputs and gradients; the
 * loop is slower (one autodiff node per gate op and step).
 *
 * Layouts are time-major: x [T, B, I] → output [T, B, H], state h (and c) [L, B, H].
 *
 * @example
 * const rnn = new SteppedRNN({ inputSize: 3, hiddenSize: 5, numLayers: 2 }, (c, init) => new LSTMCell(c, init));
 * const { output, state } = rnn.forward(x); // x [T, B, 3] → output [T, B, 5]; state.h, state.c [2, B, 5]
 */
export class SteppedRNN extends Module {
  readonly config: Readonly<Required<SteppedRNNConfig>>;
  private readonly cells: (LSTMCell | GRUCell)[] = [];
  private readonly rng: Rng | undefined;

  constructor(config: SteppedRNNConfig, makeCell: CellFactory, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('SteppedRNN', config, {
      inputSize: { type: 'int', min: 1 },
      hiddenSize: { type: 'int', min: 1 },
      numLayers: { type: 'int', default: 1, min: 1 },
      dropout: { type: 'number', default: 0, min: 0, max: 1, maxExclusive: true },
    });
    this.rng = init.rng;
    const { inputSize, hiddenSize: H, numLayers } = this.config;
    for (let l = 0; l < numLayers; l++) {
      const cell = makeCell({ inputSize: l === 0 ? inputSize : H, hiddenSize: H }, init);
      // The stack owns the tensors under the fused layer's names; the cell reads them (see `cellAt`).
      for (const [name, t] of cell.namedParameters()) this.registerParameter(`${name}_l${l}`, t);
      this.cells.push(cell);
    }
  }

  /** The cell of layer l, holding this stack's current parameters (setParameter on the stack is seen). */
  private cellAt(l: number): LSTMCell | GRUCell {
    const cell = this.cells[l]!;
    for (const [name] of cell.namedParameters()) cell.setParameter(name, this.parameter(`${name}_l${l}`));
    return cell;
  }

  /** Runs the stack over x [T, B, I], stepping each layer's cell T times. */
  forward(x: Tensor, options: Pick<RNNForwardOptions, 'state'> = {}): RNNOutput {
    const { inputSize: I, hiddenSize: H, numLayers } = this.config;
    if (x.ndim !== 3 || x.shape[2] !== I) throw new GlimpseError(`SteppedRNN: x must be [T, B, ${I}], got ${shapeStr(x.shape)}`);
    const [T, B] = [x.shape[0]!, x.shape[1]!];
    if (T === 0) throw new GlimpseError('SteppedRNN: x has no time steps (T = 0)');
    const given = options.state ?? null;
    const initial = (t: Tensor | null | undefined, what: string): Tensor | null => {
      if (!t) return null;
      if (t.ndim !== 3 || t.shape[0] !== numLayers || t.shape[1] !== B || t.shape[2] !== H) {
        throw new GlimpseError(`SteppedRNN: state.${what} must be [${numLayers}, ${B}, ${H}], got ${shapeStr(t.shape)}`);
      }
      return t;
    };
    const h0 = initial(given?.h, 'h');
    const c0 = initial(given?.c, 'c');
    let steps: Tensor[] = Array.from({ length: T }, (_, t) => select(x, 0, t)); // T × [B, I]
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < numLayers; l++) {
      if (l > 0 && this.config.dropout > 0) {
        // Dropout over the whole lower-layer sequence at once, as the fused layer draws it.
        const all = dropout(stack(steps, 0), this.config.dropout, { training: this.training, ...(this.rng ? { rng: this.rng } : {}) });
        steps = steps.map((_, t) => select(all, 0, t));
      }
      const cell = this.cellAt(l);
      let state: RecurrentState = {
        h: h0 ? select(h0, 0, l) : zeros([B, H], { dtype: x.dtype as 'float32' | 'float64' }),
        c: c0 ? select(c0, 0, l) : null,
      };
      const outs: Tensor[] = [];
      for (const xt of steps) {
        state = cell.forward(xt, state); // the lesson's gates: one step
        outs.push(state.h);
      }
      hs.push(state.h);
      if (state.c) cs.push(state.c);
      steps = outs;
    }
    return { output: stack(steps, 0), state: { h: stack(hs, 0), c: cs.length ? stack(cs, 0) : null } };
  }
}
