import type { Backend } from '../backend.js';
import { sdpaBackward, sdpaForward } from './attention.js';
import { copyStrided } from './copy.js';
import { axpy, binary, binaryBackward, compare, maskScale, sumSquares, unary, unaryBackward, where } from './elementwise.js';
import { gemm } from './gemm.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import { layerNorm, layerNormBackward } from './norm.js';
import { adam } from './optim.js';
import { maxAxis, sumAxis } from './reduce.js';
import { gruBackward, gruForward, lstmBackward, lstmForward } from './rnn.js';
import { crossEntropy, crossEntropyBackward, softmax, softmaxBackward } from './softmax.js';

/** The plain TypeScript backend: the executable specification every other backend is tested against. */
export const refBackend: Backend = {
  name: 'js',
  copyStrided,
  unary, unaryBackward, binary, binaryBackward, compare, where, maskScale, axpy, sumSquares,
  sumAxis, maxAxis,
  softmax, softmaxBackward, crossEntropy, crossEntropyBackward,
  gemm,
  indexSelect, indexAdd, gather, scatterAdd,
  layerNorm, layerNormBackward,
  adam,
  lstmForward, lstmBackward, gruForward, gruBackward,
  sdpaForward, sdpaBackward,
};
