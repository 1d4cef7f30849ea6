import type { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { type BaseHyper, Optimizer, type ParamGroupSpec, type ParamState } from './optimizer.js';

export interface SGDConfig extends BaseHyper {
  /** μ. Default 0. */
  momentum: number;
  /** Damping of the momentum's new term. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with momentum, Nesterov and weight decay, in PyTorch's form:
 *
 *   d = g + λ·p;  b = d (first step) or μ·b + (1 − dampening)·d;
 *   d = d + μ·b (Nesterov) or b;  p ← p − lr·d
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer<SGDConfig> {
  constructor(params: Iterable<Tensor> | readonly ParamGroupSpec<SGDConfig>[], config: Partial<SGDConfig> & { lr: number }) {
    super('SGD', params, config, {
      lr: { type: 'number', min: 0 },
      momentum: { type: 'number', default: 0, min: 0 },
      dampening: { type: 'number', default: 0 },
      weightDecay: { type: 'number', default: 0, min: 0 },
      nesterov: { type: 'boolean', default: false },
      maximize: { type: 'boolean', default: false },
    });
    for (const g of this.paramGroups) {
      if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
        throw new GlimpseError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${g.momentum}, dampening ${g.dampening}`);
      }
    }
  }

  protected buffersFor(h: SGDConfig): readonly string[] {
    return h.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected update(p: Tensor, g: Float32Array | Float64Array, st: ParamState, h: SGDConfig): void {
    const w = p.data as Float32Array | Float64Array;
    const { lr, momentum: mu, dampening, weightDecay: wd, nesterov, maximize } = h;
    const first = !st.buffers.momentum_buffer;
    const buf = mu !== 0 ? (st.buffers.momentum_buffer ??= this.zerosLike(p)).data as Float32Array | Float64Array : null;
    const sign = maximize ? -1 : 1;
    for (let i = 0; i < w.length; i++) {
      let d = sign * g[i]! + wd * w[i]!;
      if (buf) {
        buf[i] = first ? d : mu * buf[i]! + (1 - dampening) * d;
        d = nesterov ? d + mu * buf[i]! : buf[i]!;
      }
      w[i] = w[i]! - lr * d;
    }
    st.step++;
  }
}
