/**
 * The Node-only half of glimpse's data library: reading corpus files with clear errors and the
 * dataset cache (download, import of local copies, resolving names or paths).
 *
 * @example
 * import { download, resolveDataset } from './data/node.js';
 * await download('tinyshakespeare', { onProgress: (p) => console.log(p.file, p.received) });
 * const text = readTextFile(resolveDataset('tinyshakespeare').files['input.txt']!);
 *
 * @packageDocumentation
 */
export { readTextFile, readParallelFiles, readParallelSplits, MULTI30K_SPLITS } from './files-node.js';
export {
  dataCacheDir, download, importFrom, resolveDataset, datasetFile, cachedDatasets, removeFromCache, sha256,
  type DatasetLocation, type DownloadProgress, type DownloadOptions, type ResolvedDataset,
} from './datasets-node.js';
export {
  loadSubwordModelFile, learnBpeFromFiles, saveBpeCodes, saveBpeVocabulary, readSubwordFile,
  type SubwordFileOptions, type LearnedBpe, type ReadProgress,
} from './subwords/subwords-node.js';
