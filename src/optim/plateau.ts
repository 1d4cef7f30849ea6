import { resolveConfig } from '../nn/config.js';
import { GlimpseError } from '../util/errors.js';
import type { BaseHyper, Optimizer } from './optimizer.js';

export interface ReduceLROnPlateauConfig {
  /** 'min' (a loss) or 'max' (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** New rate = rate·factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Least change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel' (relative to the best) or 'abs'. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the rate. Default 0. */
  minLr?: number;
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/** Resumable state of {@link ReduceLROnPlateau} (the rates themselves live in the optimizer's state). */
export interface PlateauStateDict {
  kind: 'ReduceLROnPlateau';
  /** Best metric so far; null before the first step (JSON has no ±Infinity). */
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
  epoch: number;
}

/**
 * Reduces the learning rate when a metric stops improving (PyTorch's ReduceLROnPlateau, same
 * rules): after more than `patience` epochs without an improvement beyond `threshold`, every
 * group's rate becomes max(rate·factor, minLr); then `cooldown` epochs pass before counting
 * again.
 *
 * @example
 * const plateau = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2 });
 * for (const epoch of epochs) { train(); plateau.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  readonly config: Readonly<Required<ReduceLROnPlateauConfig>>;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private epoch = 0;

  constructor(
    private readonly optimizer: Optimizer<BaseHyper>,
    config: ReduceLROnPlateauConfig = {},
  ) {
    this.config = resolveConfig('ReduceLROnPlateau', config, {
      mode: { type: 'enum', values: ['min', 'max'], default: 'min' },
      factor: { type: 'number', default: 0.1, min: 0, max: 1, maxExclusive: true },
      patience: { type: 'int', default: 10, min: 0 },
      threshold: { type: 'number', default: 1e-4, min: 0 },
      thresholdMode: { type: 'enum', values: ['rel', 'abs'], default: 'rel' },
      cooldown: { type: 'int', default: 0, min: 0 },
      minLr: { type: 'number', default: 0, min: 0 },
      eps: { type: 'number', default: 1e-8, min: 0 },
    });
    this.best = this.config.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.config;
    if (mode === 'min') return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }

  /** Reports this epoch's metric; reduces the rates when it has plateaued. */
  step(metric: number): void {
    if (!Number.isFinite(metric)) throw new GlimpseError(`ReduceLROnPlateau.step: metric must be a finite number, got ${metric}`);
    this.epoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.config.patience) {
      for (const g of this.optimizer.paramGroups) {
        const next = Math.max(g.lr * this.config.factor, this.config.minLr);
        if (g.lr - next > this.config.eps) g.lr = next;
      }
      this.cooldownCounter = this.config.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The current rate of each group. */
  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): PlateauStateDict {
    return { kind: 'ReduceLROnPlateau', best: Number.isFinite(this.best) ? this.best : null, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, epoch: this.epoch };
  }

  loadStateDict(dict: PlateauStateDict): void {
    if (dict?.kind !== 'ReduceLROnPlateau' || (typeof dict.best !== 'number' && dict.best !== null) || !Number.isInteger(dict.numBadEpochs) || !Number.isInteger(dict.cooldownCounter)) {
      throw new GlimpseError('ReduceLROnPlateau.loadStateDict: expected {kind: "ReduceLROnPlateau", best, numBadEpochs, cooldownCounter, epoch}');
    }
    this.best = dict.best ?? (this.config.mode === 'min' ? Infinity : -Infinity);
    ({ numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, epoch: this.epoch } = dict);
  }
}
