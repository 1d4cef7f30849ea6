export {
  neg, exp, log, sqrt, tanh, sigmoid, relu, gelu, abs, clamp, affine,
  add, sub, mul, div, pow, maximum, minimum,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalNot,
  where, maskedFill,
} from './elementwise.js';
export { sum, mean, max, argmax, logsumexp } from './reduce.js';
export { softmax, logSoftmax } from './softmax.js';
export { crossEntropy, type CrossEntropyOptions } from './loss.js';
export { matmul, linear } from './matmul.js';
export { reshape, flatten, squeeze, unsqueeze, permute, transpose, expand } from './shape.js';
export { concat, stack, split, chunk } from './join.js';
export { slice, select, indexSelect, embedding, gather } from './indexing.js';
export { dropout } from './dropout.js';
export { layerNorm } from './norm.js';
export { lstmLayer, gruLayer, type RecurrentOptions } from './rnn.js';
export { scaledDotProductAttention, type SdpaOptions } from './attention.js';
export { clipGradNorm } from './clip.js';
export type { TensorLike } from './util.js';
