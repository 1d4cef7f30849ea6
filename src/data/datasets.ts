/**
 * The registry of public corpora glimpse knows how to fetch: where each file comes from and
 * the SHA-256 of its (decompressed) bytes, as used by the benchmark protocol. Browser-safe
 * data only; downloading and caching live in `datasets-node.ts`.
 */
import { GlimpseError } from '../util/errors.js';

export type DatasetName = 'tinyshakespeare' | 'multi30k';

/** One file of a dataset, as stored in the cache. */
export interface DatasetFile {
  /** File name in the dataset's folder (the names the project uses). */
  name: string;
  /** Public source. */
  url: string;
  /** The source is gzip-compressed; the cache keeps the decompressed file. */
  gzip: boolean;
  /** SHA-256 (hex) of the decompressed file. */
  sha256: string;
  /** Size in bytes of the decompressed file. */
  bytes: number;
}

/** A registered dataset. */
export interface DatasetInfo {
  name: DatasetName;
  description: string;
  /** Where it comes from and under what terms. */
  source: string;
  files: readonly DatasetFile[];
}

const CHAR_RNN = 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare';
const MULTI30K = 'https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw';

function m30k(name: string, sha256: string, bytes: number): DatasetFile {
  return { name, url: `${MULTI30K}/${name}.gz`, gzip: true, sha256, bytes };
}

/** Every registered dataset, keyed by name. */
export const DATASETS: { readonly [N in DatasetName]: DatasetInfo } = {
  tinyshakespeare: {
    name: 'tinyshakespeare',
    description: 'Tiny Shakespeare: 40,000 lines (1,115,394 characters) of Shakespeare plays (PROTOCOL W1)',
    source: 'karpathy/char-rnn on GitHub (data/tinyshakespeare/input.txt), MIT licence',
    files: [
      {
        name: 'input.txt',
        url: `${CHAR_RNN}/input.txt`,
        gzip: false,
        sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
        bytes: 1115394,
      },
    ],
  },
  multi30k: {
    name: 'multi30k',
    description: 'Multi30K task 1 English–German image captions: 29,000 / 1,014 / 1,000 pairs (PROTOCOL W2)',
    source: 'multi30k/dataset on GitHub (data/task1/raw/*.gz); Flickr30K captions, for research use',
    files: [
      m30k('train.en', '460a15fbd157e34a7a9957ee388c1ca247fe47af3ef25fb50442af6c274e0fc6', 1801238),
      m30k('train.de', '2c2b73fd2b548fbcde3a875e0a78d6ee94d498bfdee6bd3eae3945779e9ddf72', 2110398),
      m30k('val.en', '1f2a23d992769b5b3d209b0a10dd0b77c08cceb1f20dfb97ed0aafa49d107227', 63297),
      m30k('val.de', '660e09eb7e1da2f856ea13ee5ad3cf6d36b3d5b0b733c857e94c5747a3dfc660', 75981),
      m30k('test_2016_flickr.en', '399a4382932c1aadd3ceb9bef1008d388a64c76d4ae4e9d4728c6f4301cac182', 62076),
      m30k('test_2016_flickr.de', '4be6b5b3236b79c25475c6bb829800a7ce559e9ba7a1f6c2394fe4d40be46d16', 70649),
    ],
  },
};

/** Names of the registered datasets. */
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** True if `name` is a registered dataset. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASETS, name);
}

/** The registry entry of `name`; an unknown name is an error listing the known ones. */
export function datasetInfo(name: string): DatasetInfo {
  if (!isDatasetName(name)) {
    throw new GlimpseError(`unknown dataset ${JSON.stringify(name)}; expected one of ${DATASET_NAMES.join(', ')}`);
  }
  return DATASETS[name];
}
