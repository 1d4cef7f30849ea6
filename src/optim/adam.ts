import type { AdamParams, FloatArray } from '../backend/backend.js';
import { kernelsFor } from '../backend/registry.js';
import type { Tensor } from '../core/tensor.js';
import type { ConfigSpec } from '../nn/config.js';
import { type BaseHyper, Optimizer, type ParamGroupSpec, type ParamState } from './optimizer.js';

export interface AdamConfig extends BaseHyper {
  /** (β₁, β₂). Default (0.9, 0.999). */
  betas: [number, number];
  /** Added to √v̂. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay. Default 0 (Adam), 0.01 (AdamW). */
  weightDecay: number;
  /** Use the running maximum of v̂ (Reddi et al. 2018). Default false. */
  amsgrad: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

const spec = (defaultDecay: number): ConfigSpec<AdamConfig> => ({
  lr: { type: 'number', default: 1e-3, min: 0 },
  betas: { type: 'pair', default: [0.9, 0.999], min: 0, max: 1, maxExclusive: true },
  eps: { type: 'number', default: 1e-8, min: 0 },
  weightDecay: { type: 'number', default: defaultDecay, min: 0 },
  amsgrad: { type: 'boolean', default: false },
  maximize: { type: 'boolean', default: false },
});

/** The shared update; `decoupled` selects AdamW's decay. */
function adamUpdate(opt: AdamBase, p: Tensor, grad: FloatArray, st: ParamState, h: AdamConfig, decoupled: boolean): void {
  const w = p.data as FloatArray;
  const m = (st.buffers.exp_avg ??= opt.newBuffer(p)).data as FloatArray;
  const v = (st.buffers.exp_avg_sq ??= opt.newBuffer(p)).data as FloatArray;
  const g = h.maximize ? grad.map((x) => -x) : grad;
  st.step++;
  const [beta1, beta2] = h.betas;
  // Bias corrections in float64 (JS numbers), as PyTorch computes them on Python floats.
  const params: AdamParams = {
    beta1, beta2, eps: h.eps,
    stepSize: h.lr / (1 - beta1 ** st.step),
    bc2Sqrt: Math.sqrt(1 - beta2 ** st.step),
    weightDecay: decoupled ? 0 : h.weightDecay,
    decayFactor: decoupled ? 1 - h.lr * h.weightDecay : 1,
  };
  if (!h.amsgrad) {
    kernelsFor(w).adam(w, g, m, v, params);
    return;
  }
  // AMSGrad: the fused kernel has no running maximum, so this path stays in TypeScript.
  const vMax = (st.buffers.max_exp_avg_sq ??= opt.newBuffer(p)).data as FloatArray;
  for (let i = 0; i < w.length; i++) {
    let wi = w[i]! * params.decayFactor;
    const gi = g[i]! + params.weightDecay * wi;
    m[i] = beta1 * m[i]! + (1 - beta1) * gi;
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    vMax[i] = Math.max(vMax[i]!, v[i]!);
    wi -= (params.stepSize * m[i]!) / (Math.sqrt(vMax[i]!) / params.bc2Sqrt + params.eps);
    w[i] = wi;
  }
}

abstract class AdamBase extends Optimizer<AdamConfig> {
  /** @internal */
  newBuffer(p: Tensor): Tensor {
    return this.zerosLike(p);
  }

  protected buffersFor(h: AdamConfig): readonly string[] {
    return h.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }
}

/**
 * Adam (Kingma & Ba 2015) on the fused backend kernel, in PyTorch's order of operations:
 *
 *   g ← g + λ·p;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
 *   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
 *
 * State per parameter: `exp_avg` (m), `exp_avg_sq` (v), the step t.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * for (const batch of batches) { model.zeroGrad(); loss(batch).backward(); opt.step(); }
 */
export class Adam extends AdamBase {
  constructor(params: Iterable<Tensor> | readonly ParamGroupSpec<AdamConfig>[], config: Partial<AdamConfig> = {}) {
    super('Adam', params, config, spec(0));
  }

  protected update(p: Tensor, g: FloatArray, st: ParamState, h: AdamConfig): void {
    adamUpdate(this, p, g, st, h, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, p ← p·(1 − lr·λ) before
 * the Adam step (default λ = 0.01, as PyTorch).
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 */
export class AdamW extends AdamBase {
  constructor(params: Iterable<Tensor> | readonly ParamGroupSpec<AdamConfig>[], config: Partial<AdamConfig> = {}) {
    super('AdamW', params, config, spec(0.01));
  }

  protected update(p: Tensor, g: FloatArray, st: ParamState, h: AdamConfig): void {
    adamUpdate(this, p, g, st, h, true);
  }
}
