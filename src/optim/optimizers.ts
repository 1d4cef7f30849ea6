/**
 * The optimizers a training run can name, as a table: each row says which hyper-parameters it
 * reads and how to build it. A new optimizer is one file (its class) and one row here.
 */
import type { Tensor } from '../core/tensor.js';
import { tableKeys } from '../util/table.js';
import { Adam, AdamW } from './adam.js';
import type { BaseHyper, Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

/** Every hyper-parameter an optimizer row may read (a training config holds all of them). */
export interface OptimizerHyper {
  lr: number;
  weightDecay: number;
  /** SGD. */
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** Adam, AdamW: (β₁, β₂) and ε. */
  betas: readonly [number, number];
  eps: number;
}

export type OptimizerOption = Exclude<keyof OptimizerHyper, 'lr'>;

export interface OptimizerRule {
  readonly summary: string;
  /** The hyper-parameters it reads besides lr (a flag for any other is refused for this optimizer). */
  readonly options: readonly OptimizerOption[];
  build(params: Iterable<Tensor>, h: OptimizerHyper): Optimizer<BaseHyper>;
}

const table = {
  adam: {
    summary: 'Adam (Kingma & Ba 2015); weight decay as an L2 term in the gradient',
    options: ['betas', 'eps', 'weightDecay'],
    build: (params, h) => new Adam(params, { lr: h.lr, betas: [...h.betas], eps: h.eps, weightDecay: h.weightDecay }),
  },
  adamw: {
    summary: 'AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay',
    options: ['betas', 'eps', 'weightDecay'],
    build: (params, h) => new AdamW(params, { lr: h.lr, betas: [...h.betas], eps: h.eps, weightDecay: h.weightDecay }),
  },
  sgd: {
    summary: 'SGD with momentum, dampening, Nesterov and weight decay (PyTorch\'s form)',
    options: ['momentum', 'dampening', 'nesterov', 'weightDecay'],
    build: (params, h) => new SGD(params, { lr: h.lr, momentum: h.momentum, dampening: h.dampening, nesterov: h.nesterov, weightDecay: h.weightDecay }),
  },
} satisfies Record<string, OptimizerRule>;

export type OptimizerName = keyof typeof table;
export const OPTIMIZERS: { readonly [K in OptimizerName]: OptimizerRule } = table;
export const OPTIMIZER_NAMES = tableKeys(OPTIMIZERS);
