import type { Rng } from '../util/rng.js';

/** Float dtypes a module's parameters can have (float64 for gradient checks). */
export type FloatDType = 'float32' | 'float64';

/**
 * How a module creates its parameters. Not part of its config: a config describes the
 * architecture (and is saved beside a checkpoint); these say how to draw the initial values.
 */
export interface InitOptions {
  /** Generator for initial values and dropout masks; the default generator (see `manualSeed`) when omitted. */
  rng?: Rng;
  /** dtype of the parameters; default float32. */
  dtype?: FloatDType;
}

export { resolveConfig, type ConfigSpec, type FieldSpec } from '../util/config.js';
