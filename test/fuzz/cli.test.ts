/**
 * Hostile and broken files through the real command line, each in a child process whose peak
 * memory is read back: one line on stderr naming the file, exit code 1, no hang (the child is
 * killed after a minute), and a peak far below what the file claims (hundreds of MB at most).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors } from '../../src/io/node.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { glimpseWithPeakRss } from '../helpers/cli-rss.js';
import { fifo, linkTo, sparseSafetensors } from '../helpers/hostile-files.js';
import { FUZZ, tinyRun } from './helpers.js';

/** Peak resident memory allowed to a refused command: the CLI itself takes ~100 MiB. */
const PEAK_BOUND_MIB = 400;
const GiB = 2 ** 30;

let original: string;
let scratch: string;
beforeAll(async () => {
  original = await tinyRun();
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-cli-fuzz-'));
}, 60_000);

/** A fresh copy of the tiny run, changed by `spoil`. */
function spoiledRun(spoil: (dir: string) => void): string {
  const dir = join(scratch, `run-${Math.random().toString(36).slice(2)}`);
  cpSync(original, dir, { recursive: true });
  spoil(dir);
  return dir;
}

/** The command must fail with one line naming `file` (and no "unexpected error"), within the memory bound. */
function expectRefused(args: string[], file: string, pattern?: RegExp, input?: string): void {
  const r = glimpseWithPeakRss(args, { input });
  const lines = r.stderr.trim().split('\n');
  expect(r.code, r.stderr).toBe(1);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^glimpse ${args[0]}: `));
  expect(lines[0]).toContain(file);
  if (pattern) expect(lines[0]).toMatch(pattern);
  expect(r.peakMiB).not.toBeNull();
  expect(r.peakMiB!).toBeLessThan(PEAK_BOUND_MIB);
}

describe('hostile run folders through the CLI', () => {
  it('weights linked to /dev/zero: refused as a device, not read forever', () => {
    const run = spoiledRun((d) => linkTo(join(d, 'best.safetensors'), '/dev/zero'));
    expectRefused(['eval', '--run', run], join(run, 'best.safetensors'), /is a character device \(such as \/dev\/zero\); expected a regular file$/);
  });

  it('3 GiB sparse weights with a valid header: refused from the header, none of it read', () => {
    const run = spoiledRun((d) => sparseSafetensors(join(d, 'best.safetensors'), 3 * GiB));
    expectRefused(['translate', '--run', run, 'abc'], join(run, 'best.safetensors'), /does not fit this module .*unexpected keys: x/);
  });

  it('5 GiB sparse weights: refused by the size limit', () => {
    const run = spoiledRun((d) => sparseSafetensors(join(d, 'best.safetensors'), 5 * GiB));
    expectRefused(['translate', '--run', run, 'abc'], join(run, 'best.safetensors'), /is 5 GiB, more than the 4 GiB limit for a weights file/);
  });

  it('a vocabulary that is a FIFO: refused at once instead of waiting for a writer', () => {
    const run = spoiledRun((d) => fifo(join(d, 'vocab.src.json')));
    expectRefused(['translate', '--run', run, 'abc'], join(run, 'vocab.src.json'), /is a FIFO \(named pipe\)/);
  });

  it('a metrics log with a broken line names the line', () => {
    const run = spoiledRun((d) => writeFileSync(join(d, 'metrics.jsonl'), `${readFileSync(join(d, 'metrics.jsonl'), 'utf8')}{"type": "eval", "step": }\n{}\n`));
    expectRefused(['plot', '--run', run], `${join(run, 'metrics.jsonl')}:`, /:\d+: not valid JSON/);
  });

  it('a checkpoint whose trainer metadata is broken: resume names the file and the field', () => {
    const run = spoiledRun((d) => {
      const file = join(d, 'checkpoint.safetensors');
      const { tensors, metadata } = loadSafetensors(file, { kind: 'checkpoint' });
      const trainer = JSON.parse(metadata.trainer!);
      writeFileSync(file, encodeSafetensors(tensors, { ...metadata, trainer: JSON.stringify({ ...trainer, finished: 'no' }) }));
    });
    expectRefused(['train', '--resume', run], join(run, 'checkpoint.safetensors'), /metadata trainer\.finished must be true or false/);
  });

  it('a config.json whose model section has a "constructor" key', () => {
    const run = spoiledRun((d) => {
      const file = join(d, 'config.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"model": {', '"model": {"constructor": 1, '));
    });
    expectRefused(['eval', '--run', run], join(run, 'config.json'), /: model: unknown config key "constructor"/);
  });

  it('randomly damaged weights: one line naming the file, or a translation', () => {
    const best = new Uint8Array(readFileSync(join(original, 'best.safetensors')));
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(best.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), (edits) => {
      const run = spoiledRun((d) => {
        const bytes = best.slice();
        for (const [at, v] of edits) bytes[at] = v;
        writeFileSync(join(d, 'best.safetensors'), bytes);
      });
      const r = glimpseWithPeakRss(['translate', '--run', run, 'abc']);
      expect(r.peakMiB!).toBeLessThan(PEAK_BOUND_MIB);
      if (r.code !== 0) expect(r.stderr.trim()).toMatch(new RegExp(`^glimpse translate: [^\\n]*${join(run, 'best.safetensors').replace(/[.]/g, '\\.')}`));
      rmSync(run, { recursive: true, force: true });
    }), { ...FUZZ, numRuns: 3 });
  });
});

describe('hostile inputs to glimpse train --config and glimpse bleu', () => {
  it('a --config that is /dev/urandom, a directory, or names a prototype key', () => {
    const link = join(scratch, 'random.json');
    linkTo(link, '/dev/urandom');
    expectRefused(['train', '--config', link], link, /is a character device/);
    expectRefused(['train', '--config', scratch], scratch, /is a directory; expected a regular file$/);
    const proto = join(scratch, 'proto.json');
    writeFileSync(proto, '{"train": {"__proto__": {"lr": 5}}}');
    expectRefused(['train', '--config', proto], proto, /train: unknown config key "__proto__"/);
  });

  it('references that are /dev/zero or a FIFO, and empty standard input', () => {
    const zero = join(scratch, 'zero.txt');
    linkTo(zero, '/dev/zero');
    const hyp = join(scratch, 'hyp.txt');
    writeFileSync(hyp, 'a cat\n');
    expectRefused(['bleu', '--ref', zero, '--hyp', hyp], zero, /^glimpse bleu: reference file .* is a character device/);
    const pipe = join(scratch, 'pipe.txt');
    fifo(pipe);
    expectRefused(['bleu', '--ref', pipe, '--hyp', hyp], pipe, /is a FIFO/);
    expectRefused(['bleu', '--ref', hyp], 'standard input', /standard input is empty/, '');
  });
});
