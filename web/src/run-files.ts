/**
 * Finding run folders among the files a user picked or dropped: a run is a folder with a
 * config.json; its vocabularies and weights sit beside it.
 */
import { train } from 'glimpse';
import type { RunFilesMessage } from './protocol.js';

/** A picked file with its path inside what was picked ('' for loose files). */
export interface PickedFile {
  file: File;
  path: string;
}

/** The files of one run folder. */
export interface RunCandidate {
  /** The folder's path ('' when loose files were picked). */
  folder: string;
  files: Map<string, File>;
}

/** Picked files (a folder picker sets webkitRelativePath; a plain multi-file pick does not). */
export function fromFileList(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** The files of a drop, folders walked recursively (DataTransferItem.webkitGetAsEntry). */
export async function fromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items, (item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.every((e) => e === null)) return fromFileList(dt.files);
  const out: PickedFile[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ file, path: entry.fullPath.replace(/^\//, '') });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns the entries in batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) if (e) await walk(e);
  return out;
}

const dirname = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The runs among the picked files (folders holding a config.json), by folder path. */
export function findRuns(picked: readonly PickedFile[]): RunCandidate[] {
  const folders = new Map<string, Map<string, File>>();
  for (const { file, path } of picked) {
    const dir = dirname(path);
    if (!folders.has(dir)) folders.set(dir, new Map());
    folders.get(dir)!.set(basename(path), file);
  }
  return [...folders].filter(([, files]) => files.has(train.RUN_FILES.config))
    .map(([folder, files]) => ({ folder, files }))
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/** A run's display name: its folder's name. */
export function runName(run: RunCandidate): string {
  return run.folder === '' ? 'the chosen files' : basename(run.folder);
}

/**
 * Reads a run's files for the worker: config.json, the vocabularies it has, and the weights
 * (best.safetensors, else last.safetensors). A missing file is an error that says which.
 */
export async function readRun(run: RunCandidate): Promise<RunFilesMessage & { summary: string | null }> {
  const F = train.RUN_FILES;
  const name = runName(run);
  const weightsFile = run.files.has(F.best) ? F.best : run.files.has(F.last) ? F.last : null;
  if (!weightsFile) {
    throw new Error(`no weights: expected ${F.best} (or ${F.last}) beside ${F.config}`);
  }
  const vocabs: RunFilesMessage['vocabs'] = {};
  for (const side of train.VOCAB_SIDES) {
    const f = run.files.get(F.vocab(side));
    if (f) vocabs[side] = await f.text();
  }
  const summary = run.files.get(F.summary);
  return {
    name,
    config: await run.files.get(F.config)!.text(),
    vocabs,
    weights: await run.files.get(weightsFile)!.arrayBuffer(),
    weightsFile,
    summary: summary ? await summary.text() : null,
  };
}
