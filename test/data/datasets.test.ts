import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASETS, datasetInfo } from '../../src/data/index.js';
import {
  cachedDatasets, dataCacheDir, datasetFile, download, importFrom, readParallelFiles, readTextFile, resolveDataset, sha256,
  type DownloadProgress,
} from '../../src/data/node.js';
import { SHARED_DATA, sharedDataAvailable } from '../helpers/python.js';

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fresh = (name: string): string => {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};

/** A fetch that serves the shared files from memory, as the public sources would (gzip for Multi30K). */
function fakeFetch(serve: (url: string) => Uint8Array | null, calls: string[] = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    calls.push(url);
    const body = serve(url);
    if (body === null) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(body.length) } });
  }) as typeof fetch;
}
const offlineFetch = (async () => {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND raw.githubusercontent.com'), { code: 'ENOTFOUND' }) });
}) as typeof fetch;

describe('dataset registry', () => {
  it('names the public sources and the file names the project uses', () => {
    expect(DATASETS.tinyshakespeare.files[0]!.url).toBe('https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt');
    expect(DATASETS.multi30k.files.map((f) => f.name)).toEqual(['train.en', 'train.de', 'val.en', 'val.de', 'test_2016_flickr.en', 'test_2016_flickr.de']);
    expect(DATASETS.multi30k.files[0]!.url).toBe('https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw/train.en.gz');
    expect(() => datasetInfo('wmt14')).toThrow('unknown dataset "wmt14"; expected one of tinyshakespeare, multi30k');
  });

  it.skipIf(!sharedDataAvailable)('checksums and sizes are those of the files in ../shared/data', () => {
    for (const info of Object.values(DATASETS)) {
      for (const f of info.files) {
        const bytes = readFileSync(resolve(SHARED_DATA, info.name, f.name));
        expect([f.name, bytes.length, sha256(bytes)]).toEqual([f.name, f.bytes, f.sha256]);
      }
    }
  });

  it('caches in GLIMPSE_DATA_DIR, else ~/.cache/glimpse/data', () => {
    expect(dataCacheDir({ GLIMPSE_DATA_DIR: '/x/y' })).toBe('/x/y');
    expect(dataCacheDir({})).toMatch(/\.cache\/glimpse\/data$/);
  });
});

describe.skipIf(!sharedDataAvailable)('import and resolve', () => {
  it('imports verified local copies (a folder, its parent, or the one file) and resolves the name to them', () => {
    const dir = fresh('import');
    const m = importFrom('multi30k', resolve(SHARED_DATA, 'multi30k'), { dir });
    expect(readFileSync(m.files['train.de']!).equals(readFileSync(resolve(SHARED_DATA, 'multi30k', 'train.de')))).toBe(true);
    importFrom('tinyshakespeare', SHARED_DATA, { dir }); // the parent folder works too
    expect(cachedDatasets({ dir })).toEqual(['tinyshakespeare', 'multi30k']);
    const r = resolveDataset('multi30k', { dir });
    expect([r.name, r.kind, datasetFile(r, 'val.en')]).toEqual(['multi30k', 'cache', join(dir, 'multi30k', 'val.en')]);
    const one = importFrom('tinyshakespeare', resolve(SHARED_DATA, 'tinyshakespeare', 'input.txt'), { dir: fresh('one') });
    expect(one.files['input.txt']).toBe(join(tmp, 'one', 'tinyshakespeare', 'input.txt'));
  });

  it('refuses a copy with the wrong checksum or missing files, naming them', () => {
    const bad = fresh('bad');
    writeFileSync(join(bad, 'input.txt'), 'not shakespeare\n');
    expect(() => importFrom('tinyshakespeare', bad, { dir: fresh('bad-cache') })).toThrow(/input.txt has SHA-256 [0-9a-f]{64}, expected 86c4e6aa.*not imported/);
    expect(() => importFrom('multi30k', bad, { dir: fresh('bad-cache') })).toThrow(/lacks train.en, train.de, val.en, val.de, test_2016_flickr.en, test_2016_flickr.de of multi30k/);
    expect(() => importFrom('multi30k', join(bad, 'nope'), {})).toThrow(/nope does not exist/);
  });

  it('resolves plain paths: a file, a folder (recognising a registered layout), and says what to do when a name is not cached', () => {
    const file = resolve(SHARED_DATA, 'tinyshakespeare', 'input.txt');
    expect(resolveDataset(file)).toEqual({ name: null, kind: 'file', dir: resolve(SHARED_DATA, 'tinyshakespeare'), files: { 'input.txt': file } });
    const folder = resolveDataset(resolve(SHARED_DATA, 'multi30k'));
    expect([folder.name, folder.kind, Object.keys(folder.files).length]).toEqual(['multi30k', 'directory', 6]);
    expect(() => datasetFile(folder, 'train.fr')).toThrow(/has no train.fr; it has test_2016_flickr.de/);
    expect(() => resolveDataset('multi30k', { dir: fresh('empty') }))
      .toThrow(/dataset multi30k is not in the cache .*glimpse data get multi30k .*--from PATH/);
    expect(() => resolveDataset('no-such-thing')).toThrow('no-such-thing is neither an existing file or folder nor a dataset name (known: tinyshakespeare, multi30k)');
  });
});

describe.skipIf(!sharedDataAvailable)('download', () => {
  const local = (url: string): Uint8Array | null => {
    for (const info of Object.values(DATASETS)) {
      for (const f of info.files) {
        if (f.url === url) {
          const bytes = readFileSync(resolve(SHARED_DATA, info.name, f.name));
          return f.gzip ? gzipSync(bytes) : bytes;
        }
      }
    }
    return null;
  };

  it('fetches, gunzips, verifies and caches every file, reporting progress; a second call uses the cache', async () => {
    const dir = fresh('dl');
    const calls: string[] = [];
    const progress: DownloadProgress[] = [];
    const loc = await download('multi30k', { dir, fetch: fakeFetch(local, calls), onProgress: (p) => progress.push(p) });
    expect(calls).toHaveLength(6);
    expect(readFileSync(loc.files['test_2016_flickr.de']!).equals(readFileSync(resolve(SHARED_DATA, 'multi30k', 'test_2016_flickr.de')))).toBe(true);
    const last = progress.filter((p) => p.file === 'train.en').at(-1)!;
    expect(last.received).toBe(last.total);
    expect(progress.some((p) => p.file === 'train.en' && p.received === 0)).toBe(true);
    await download('multi30k', { dir, fetch: fakeFetch(local, calls), onProgress: (p) => progress.push(p) });
    expect(calls).toHaveLength(6);
    expect(progress.at(-1)!.cached).toBe(true);
    expect(resolveDataset('multi30k', { dir }).kind).toBe('cache');
  });

  it('offline: one line saying the network is unreachable and how to use local files', async () => {
    const err = await download('tinyshakespeare', { dir: fresh('offline'), fetch: offlineFetch }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).message).toMatch(/^glimpse data: the network is unreachable \(cannot fetch https:\/\/raw\.githubusercontent\.com\/.*ENOTFOUND\); to use local copies instead: glimpse data get tinyshakespeare --from PATH/);
  });

  it('refuses a download whose checksum differs (nothing saved) and reports HTTP errors', async () => {
    const dir = fresh('tampered');
    const tampered = fakeFetch(() => new TextEncoder().encode('First Citizen:\nchanged\n'));
    await expect(download('tinyshakespeare', { dir, fetch: tampered })).rejects.toThrow(/has SHA-256 [0-9a-f]{64}, expected 86c4e6aa.*not saved/);
    expect(cachedDatasets({ dir })).toEqual([]);
    await expect(download('tinyshakespeare', { dir, fetch: fakeFetch(() => null) })).rejects.toThrow(/answered HTTP 404 Not Found/);
  });
});

describe('reading corpus files', () => {
  it('missing, empty, directory and misaligned files are errors naming them', () => {
    const d = fresh('files');
    writeFileSync(join(d, 'a.en'), 'one\ntwo\nthree\n');
    writeFileSync(join(d, 'a.de'), 'eins\nzwei\n');
    writeFileSync(join(d, 'empty.de'), '');
    expect(() => readParallelFiles(join(d, 'a.en'), join(d, 'a.de')))
      .toThrow(`parallel corpus is misaligned: ${join(d, 'a.en')} has 3 lines but ${join(d, 'a.de')} has 2`);
    expect(() => readTextFile(join(d, 'missing.txt'))).toThrow(/missing.txt does not exist/);
    expect(() => readTextFile(join(d, 'empty.de'), 'target file')).toThrow(`target file ${join(d, 'empty.de')} is empty`);
    expect(() => readTextFile(d)).toThrow(/is a directory/);
    writeFileSync(join(d, 'bad.txt'), Buffer.from([0x61, 0xff, 0x0a]));
    expect(() => readTextFile(join(d, 'bad.txt'))).toThrow(/is not valid UTF-8/);
  });
});
