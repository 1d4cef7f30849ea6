import { allocate } from '../../core/dtype.js';
import { Tensor } from '../../core/tensor.js';
import { add, slice } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { normal } from '../init.js';
import { Module } from '../module.js';

export interface PositionalConfig {
  /** E: feature size. */
  dim: number;
  /** Longest sequence (positions 0 … maxLen−1). */
  maxLen: number;
}

function checkInput(name: string, x: Tensor, dim: number, maxLen: number, offset: number): number {
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== dim) throw new GlimpseError(`${name}: x must be [..., T, ${dim}], got ${shapeStr(x.shape)}`);
  const T = x.shape[x.ndim - 2]!;
  if (!Number.isInteger(offset) || offset < 0 || offset + T > maxLen) {
    throw new GlimpseError(`${name}: positions ${offset}…${offset + T - 1} do not fit maxLen ${maxLen}`);
  }
  return T;
}

/**
 * Fixed sinusoidal position encodings (Vaswani et al. 2017), added to the input:
 * PE(pos, 2i) = sin(pos / 10000^(2i/E)), PE(pos, 2i+1) = cos(pos / 10000^(2i/E)).
 * The table is a non-persistent buffer `pe` [maxLen, E] (rebuilt, not saved).
 *
 * @example
 * const pos = new SinusoidalPositionalEncoding({ dim: 16, maxLen: 512 });
 * pos.forward(x);                 // x [B, T, 16] + PE[0:T]
 * pos.forward(step, { offset: t }); // one decoding step at position t
 */
export class SinusoidalPositionalEncoding extends Module {
  readonly config: Readonly<PositionalConfig>;

  constructor(config: PositionalConfig, init: Pick<InitOptions, 'dtype'> = {}) {
    super();
    this.config = resolveConfig('SinusoidalPositionalEncoding', config, { dim: { type: 'int', min: 1 }, maxLen: { type: 'int', min: 1 } });
    const { dim: E, maxLen } = this.config;
    const pe = allocate(init.dtype ?? 'float32', maxLen * E);
    // In float32 steps, as PyTorch's recipe (and every reference script) computes the table:
    // div_i = exp(2i · (−ln 10000 / E)), angle = pos · div_i; so long tables agree with PyTorch's
    // to float32 rounding instead of drifting by pos · 1e-7.
    const c = Math.fround(-Math.log(10000) / E);
    for (let i = 0; i < E; i += 2) {
      const div = Math.fround(Math.exp(Math.fround(i * c)));
      for (let pos = 0; pos < maxLen; pos++) {
        const angle = Math.fround(pos * div);
        pe[pos * E + i] = Math.sin(angle);
        if (i + 1 < E) pe[pos * E + i + 1] = Math.cos(angle);
      }
    }
    this.registerBuffer('pe', new Tensor(pe, [maxLen, E]), { persistent: false });
  }

  /** x [..., T, E] → x + PE[offset : offset+T] */
  forward(x: Tensor, options: { offset?: number } = {}): Tensor {
    const offset = options.offset ?? 0;
    const T = checkInput('SinusoidalPositionalEncoding', x, this.config.dim, this.config.maxLen, offset);
    let pe = slice(this.buffer('pe'), 0, offset, offset + T);
    if (pe.dtype !== x.dtype) pe = new Tensor(x.dtype === 'float64' ? Float64Array.from(pe.data) : Float32Array.from(pe.data), pe.shape);
    return add(x, pe);
  }
}

/**
 * Learned absolute position embeddings (as in GPT/BERT), added to the input: parameter
 * `weight` [maxLen, E] ~ N(0, 1) like nn.Embedding.
 *
 * @example
 * const pos = new LearnedPositionalEmbedding({ dim: 16, maxLen: 128 });
 * pos.forward(x); // x [B, T, 16] + weight[0:T]
 */
export class LearnedPositionalEmbedding extends Module {
  readonly config: Readonly<PositionalConfig>;

  constructor(config: PositionalConfig, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('LearnedPositionalEmbedding', config, { dim: { type: 'int', min: 1 }, maxLen: { type: 'int', min: 1 } });
    this.registerParameter('weight', normal([this.config.maxLen, this.config.dim], init));
  }

  get weight(): Tensor {
    return this.parameter('weight');
  }

  /** x [..., T, E] → x + weight[offset : offset+T] */
  forward(x: Tensor, options: { offset?: number } = {}): Tensor {
    const offset = options.offset ?? 0;
    const T = checkInput('LearnedPositionalEmbedding', x, this.config.dim, this.config.maxLen, offset);
    return add(x, slice(this.weight, 0, offset, offset + T));
  }
}
