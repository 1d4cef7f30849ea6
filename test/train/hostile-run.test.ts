/**
 * Regression tests: one per way a run folder was found to hang, exhaust memory or fail
 * without naming its file. Each asserts the one-line GlimpseError names the file.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/core/tensor.js';
import { loadModel, loadSafetensors } from '../../src/io/node.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { loadTrainedModel, resumeSession } from '../../src/train/session.js';
import { GlimpseError } from '../../src/util/errors.js';
import { tinyRun } from '../fuzz/helpers.js';
import { fifo, linkTo, sparseSafetensors } from '../helpers/hostile-files.js';

const GiB = 2 ** 30;
let original: string;
const scratch = mkdtempSync(join(tmpdir(), 'glimpse-hostile-'));
beforeAll(async () => {
  original = await tinyRun();
}, 60_000);

let copies = 0;
function spoiled(spoil: (dir: string) => void): string {
  const dir = join(scratch, `run-${copies++}`);
  cpSync(original, dir, { recursive: true });
  spoil(dir);
  return dir;
}

/** The message of the one-line GlimpseError `read` throws; it must name `file`. */
function refusal(read: () => unknown, file: string): string {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(GlimpseError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    expect(m).toContain(file);
    return m;
  }
  throw new Error('expected a refusal');
}

describe('hostile weights files', () => {
  it('a symlink to /dev/zero', () => {
    const run = spoiled((d) => linkTo(join(d, 'best.safetensors'), '/dev/zero'));
    const file = join(run, 'best.safetensors');
    expect(refusal(() => loadTrainedModel(run), file)).toBe(`weights file ${file} is a character device (such as /dev/zero); expected a regular file`);
  });

  it('a FIFO', () => {
    const run = spoiled((d) => fifo(join(d, 'best.safetensors')));
    expect(refusal(() => loadTrainedModel(run), join(run, 'best.safetensors'))).toMatch(/is a FIFO \(named pipe\); expected a regular file$/);
  });

  it('a directory', () => {
    const run = spoiled((d) => {
      rmSync(join(d, 'best.safetensors'));
      mkdirSync(join(d, 'best.safetensors'));
    });
    expect(refusal(() => loadTrainedModel(run), join(run, 'best.safetensors'))).toMatch(/is a directory; expected a regular file$/);
  });

  it('a 3 GiB sparse file with a valid header: refused from its header, nothing else read', () => {
    const run = spoiled((d) => sparseSafetensors(join(d, 'best.safetensors'), 3 * GiB));
    const file = join(run, 'best.safetensors');
    expect(refusal(() => loadTrainedModel(run), file)).toMatch(new RegExp(`^${file}: Seq2Seq\\.loadStateDict: nothing was loaded; .*missing keys: .*; unexpected keys: x$`));
  });

  it('a sparse file over the 4 GiB weights limit (and over 2 GiB, where readFileSync failed unnamed)', () => {
    const run = spoiled((d) => sparseSafetensors(join(d, 'best.safetensors'), 4 * GiB + 8));
    const file = join(run, 'best.safetensors');
    expect(refusal(() => loadTrainedModel(run), file)).toBe(`weights file ${file} is 4294967304 bytes, more than the 4294967296-byte limit for a weights file; is it the right file?`);
  });

  it('a tensor named __proto__ (or constructor, toString, hasOwnProperty) is a name, reported as unexpected', () => {
    const good = decodeSafetensors(readFileSync(join(original, 'best.safetensors')));
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const tensors = Object.assign(Object.create(null) as Record<string, Tensor>, good.tensors);
      Object.defineProperty(tensors, name, { value: Object.values(good.tensors)[0], enumerable: true });
      const bytes = encodeSafetensors(tensors, { [name]: 'metadata too' });
      const back = decodeSafetensors(bytes, 'x.safetensors');
      expect(Object.getPrototypeOf(back.tensors)).toBeNull();
      expect(Object.hasOwn(back.tensors, name)).toBe(true);
      expect(back.metadata[name]).toBe('metadata too');
      const run = spoiled((d) => writeFileSync(join(d, 'best.safetensors'), bytes));
      const file = join(run, 'best.safetensors');
      expect(refusal(() => loadTrainedModel(run), file)).toBe(`${file}: Seq2Seq.loadStateDict: nothing was loaded; the state dict does not fit this module (1 problem): unexpected keys: ${name}`);
    }
  });

  it('loadSafetensors (no model) reads a file over 2 GiB only within its kind\'s limit', () => {
    const file = join(scratch, 'big.safetensors');
    sparseSafetensors(file, 5 * GiB);
    expect(refusal(() => loadSafetensors(file), file)).toMatch(/is 5 GiB, more than the 4 GiB limit for a weights file/);
    rmSync(file);
  });
});

describe('broken vocabularies, configs, logs and checkpoints', () => {
  it('a vocabulary with a token that is not a string, or without the decoder\'s specials', () => {
    const run = spoiled((d) => {
      const v = JSON.parse(readFileSync(join(d, 'vocab.src.json'), 'utf8'));
      v.itos[5] = 5;
      writeFileSync(join(d, 'vocab.src.json'), JSON.stringify(v));
    });
    const file = join(run, 'vocab.src.json');
    expect(refusal(() => loadTrainedModel(run), file)).toBe(`${file}: Vocab.fromJSON: "itos"[5] is 5, expected a string`);
    const run2 = spoiled((d) => {
      const v = JSON.parse(readFileSync(join(d, 'vocab.tgt.json'), 'utf8'));
      v.itos[0] = '<nothing>';
      v.specials = [];
      writeFileSync(join(d, 'vocab.tgt.json'), JSON.stringify(v));
    });
    expect(refusal(() => loadTrainedModel(run2), join(run2, 'vocab.tgt.json'))).toMatch(/vocab\.tgt\.json lacks <pad>; the decoder of a reverse run needs <pad>, <bos>, <eos>$/);
  });

  it('a config.json with a prototype key, a wrong type, or a directory in its place', () => {
    const run = spoiled((d) => {
      const c = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
      c.run.train = { ...c.run.train, lr: 'fast' };
      writeFileSync(join(d, 'config.json'), JSON.stringify(c));
    });
    const file = join(run, 'config.json');
    expect(refusal(() => RunFolder.open(run), file)).toBe(`${file}: train: config.lr must be a finite number, got "fast"`);
    const run2 = spoiled((d) => writeFileSync(join(d, 'config.json'), readFileSync(join(d, 'config.json'), 'utf8').replace('"train": {', '"train": {"toString": 1,')));
    expect(refusal(() => RunFolder.open(run2), join(run2, 'config.json'))).toMatch(/train: unknown config key "toString"/);
    const run3 = spoiled((d) => {
      rmSync(join(d, 'config.json'));
      mkdirSync(join(d, 'config.json'));
    });
    expect(refusal(() => RunFolder.open(run3), join(run3, 'config.json'))).toMatch(/is a directory; expected a regular file$/);
    const model = join(scratch, 'model-dir');
    mkdirSync(join(model, 'config.json'), { recursive: true });
    writeFileSync(join(model, 'model.safetensors'), encodeSafetensors({}));
    expect(refusal(() => loadModel(model), join(model, 'config.json'))).toMatch(/is a directory/);
  });

  it('a metrics log with a bad line names the line', () => {
    const run = spoiled((d) => writeFileSync(join(d, 'metrics.jsonl'), '{"type":"start","step":0}\n{"type":"step","step":"one"}\n'));
    const file = join(run, 'metrics.jsonl');
    expect(refusal(() => RunFolder.open(run).metrics(), file)).toMatch(new RegExp(`^${file}:2: a "step" record must have .*; its "step" is "one"$`));
  });

  it('a checkpoint with broken optimizer JSON, a stray tensor, or another model\'s moments', () => {
    const rewrite = (edit: (c: { tensors: Record<string, Tensor>; metadata: Record<string, string> }) => void) => spoiled((d) => {
      const file = join(d, 'checkpoint.safetensors');
      const c = loadSafetensors(file, { kind: 'checkpoint' });
      const trainer = JSON.parse(c.metadata.trainer!);
      c.metadata.trainer = JSON.stringify({ ...trainer, finished: false });
      edit(c);
      writeFileSync(file, encodeSafetensors(c.tensors, c.metadata));
    });
    const cases: [ReturnType<typeof rewrite>, RegExp][] = [
      [rewrite((c) => void (c.metadata.optimizer = '{"kind": "Adam", "paramGroups": [null]')), /: metadata "optimizer" is not valid JSON/],
      [rewrite((c) => void (c.metadata.optimizer = '{"kind": "Adam", "paramGroups": [null], "steps": {}}')), /: metadata optimizer\.paramGroups\[0\] must be an object, got null$/],
      [rewrite((c) => void (c.tensors['optimizer.999.exp_avg'] = Object.values(c.tensors)[0]!)), /tensors that are not model\.\*, optimizer\.<parameter>\.\* or carried\.\*: optimizer\.999\.exp_avg/],
      [rewrite((c) => void (c.metadata.format = 'pt')), /is not a glimpse training checkpoint \(its metadata "format" is "pt"/],
    ];
    for (const [run, want] of cases) {
      const file = join(run, 'checkpoint.safetensors');
      expect(refusal(() => resumeSession(run), file)).toMatch(want);
    }
  });
});
