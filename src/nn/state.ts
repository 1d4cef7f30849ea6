import type { Tensor } from '../core/tensor.js';

/**
 * The one recurrent state type for LSTM and GRU (cells and layers), so code that carries a
 * state (a decoder, beam search) never checks which kind it holds: `h` is always there, `c`
 * is the LSTM's cell state and null for a GRU.
 *
 * Shapes: [B, H] for a cell; [numLayers·numDirections, B, H] for LSTM/GRU layers.
 */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor | null;
}
