/**
 * glimpse's Node.js-only additions (file system): `import { saveModel } from 'glimpse/node'`.
 * Everything else is in the main, browser-safe entry.
 *
 * @packageDocumentation
 */
export {
  writeFileAtomic, saveSafetensors, loadSafetensors, readSafetensorsHeader, saveModel, loadModel, MODEL_FILE, CONFIG_FILE,
  type LoadSafetensorsOptions,
} from './io/node.js';
export {
  READ_LIMITS, openChecked, closeChecked, withCheckedFile, readRange, readFileChecked, readTextChecked, formatBytes,
  type ReadKind, type ReadRule, type ReadOptions, type CheckedFile,
} from './util/fs-node.js';
export {
  readTextFile, readParallelFiles, readParallelSplits, MULTI30K_SPLITS,
  dataCacheDir, download, importFrom, resolveDataset, datasetFile, cachedDatasets, removeFromCache,
  type DatasetLocation, type DownloadProgress, type DownloadOptions, type ResolvedDataset,
  loadSubwordModelFile, learnBpeFromFiles, saveBpeCodes, saveBpeVocabulary, readSubwordFile,
  type SubwordFileOptions, type LearnedBpe, type ReadProgress,
} from './data/node.js';
export {
  svgToPng, attentionHeatmapPng, trainingCurvesPng, groupedBarsPng,
  writeAttentionPng, writeAttentionGridPng, writeTrainingCurvesPng, writeGroupedBarsPng, writeCompareCurvesPng, dejavuTextWidth,
} from './viz/node.js';
export { buildExperiment } from './train/experiment.js';
export { readRunConfigInput } from './train/config-file.js';
export { RunFolder, checkRunName, listRuns } from './train/run-folder.js';
export {
  PRETRAINED, PRETRAINED_NAMES, PRETRAINED_PREFIX, pretrainedRoot, pretrainedDir, resolveRunDir, type PretrainedName, type PretrainedRule,
} from './train/pretrained.js';
export { exportPytorch, PYTORCH_FILES, CHECK_BATCH } from './export/pytorch/index.js';
export { importPytorch, type ImportCheck } from './export/pytorch/import.js';
export { derivedRunFiles, averageWeightFiles, type RunFileOut, type DerivedRunOptions } from './train/derived-run.js';
export {
  startSession, resumeSession, trainSession, loadRun, loadTrainedModel, defaultWeights, type Session, type RunSummary,
} from './train/session.js';
export {
  createServer, SERVE_LIMITS, SERVE_LIMIT_KEYS, resolveLimits, checkLimits, BatchQueue, QueueFullError, RequestError,
  type ServerOptions, type ServeLimits, type ServeLimitKey, type ServeLimitRule, type BatchRule,
} from './serve/index.js';
