/**
 * Bounds on the sizes a model config may ask for, so a typo (`--hidden 1e8`) is one clear line
 * instead of an allocation that runs until the process is killed. Generous: far beyond what a
 * CPU trains, well inside what typed arrays can hold.
 */
/** Largest embedding, hidden or attention size. */
export const MAX_LAYER_SIZE = 65_536;
/** Most stacked layers. */
export const MAX_LAYERS = 64;
/** Largest vocabulary. */
export const MAX_VOCAB = 10_000_000;
/** Most attention heads. */
export const MAX_HEADS = 1024;
/** Widest half-width D of a local attention window. */
export const MAX_WINDOW = 100_000;
