/**
 * glimpse: attention-based sequence models in TypeScript.
 *
 * Tensors and ops are top-level names (like `torch.add`); layers, optimizers and checkpoint
 * formats are namespaces, as in PyTorch: `nn`, `optim`, `io`; so are the larger parts built on
 * them: `data` (tokenizers, vocabularies, synthetic tasks), `models`, `decode` (greedy, sampling,
 * beam search), `train` (the trainer, run configs, translation and generation), `metrics` and
 * `viz` (attention heatmaps and training curves as SVG), `onnx` (export to ONNX graphs). Everything here is browser-safe;
 * file-system helpers are in `glimpse/node`.
 *
 * @example
 * import { tensor, matmul, softmax, nn, optim } from 'glimpse';
 * const scores = matmul(q, transpose(k));
 * const weights = softmax(scores, -1);
 * const lstm = new nn.LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true });
 * const opt = new optim.Adam(lstm.parameters(), { lr: 1e-3 });
 *
 * @packageDocumentation
 */
export { Tensor, type NestedArray } from './core/tensor.js';
export type { DType } from './core/dtype.js';
export { noGrad, enableGrad, isGradEnabled } from './core/grad.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './core/gradcheck.js';
export {
  tensor, scalar, zeros, ones, full, zerosLike, onesLike, arange, eye,
  randn, rand, randint, randperm, bernoulli,
  type CreateOptions, type RandomOptions,
} from './core/create.js';
export * from './ops/index.js';
export { Rng, manualSeed, defaultRng, type RngState } from './util/rng.js';
export { GlimpseError } from './util/errors.js';
export { ruleOf, tableKeys, isTableKey } from './util/table.js';
export { getBackend, setBackend, availableBackends, initBackend, setThreads } from './backend/registry.js';
export { wasmInfo, type WasmInfo } from './backend/wasm/runtime.js';
export { setNativeThreads, setNativeIsa, nativeInfo, nativeFmaPeak, type NativeInfo } from './backend/native/index.js';
export type { Backend, BackendName } from './backend/backend.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
export * as models from './models/index.js';
export * as decode from './decode/index.js';
export * as train from './train/index.js';
export * as metrics from './metrics/index.js';
export * as viz from './viz/index.js';
export * as onnx from './export/onnx/index.js';
