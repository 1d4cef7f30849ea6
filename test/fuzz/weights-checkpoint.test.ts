/**
 * Fuzzing the safetensors readers a run folder uses: its weights (best.safetensors, read into
 * the run's model) and its checkpoint (checkpoint.safetensors, with the trainer, optimizer and
 * schedule JSON in its metadata, restored into a trainer as `glimpse train --resume` does).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/core/tensor.js';
import { encodeSafetensors, parseSafetensorsHeader } from '../../src/io/safetensors.js';
import { loadSafetensors } from '../../src/io/node.js';
import { resolveTrainConfig } from '../../src/train/config.js';
import { type Experiment, buildExperiment } from '../../src/train/experiment.js';
import { inFile } from '../../src/train/run-config-check.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { Trainer } from '../../src/train/trainer.js';
import { FUZZ, PROTO_KEYS, applyEdits, applyTextEdit, expectClean, jsonEdits, textEdits, tinyRun } from './helpers.js';

let run: RunFolder;
let experiment: Experiment;
let best: Uint8Array;
let checkpoint: Uint8Array;

beforeAll(async () => {
  run = RunFolder.open(await tinyRun());
  experiment = buildExperiment(run.config(), run.vocabs());
  best = new Uint8Array(readFileSync(run.path('best.safetensors'))); // a copy: Buffer.slice would share
  checkpoint = new Uint8Array(readFileSync(run.path('checkpoint.safetensors')));
}, 60_000);

/** Byte edits: truncation, or a few bytes set to chosen values (header bytes more often). */
const byteEdits = fc.oneof(
  fc.record({ cut: fc.nat() }),
  fc.array(fc.tuple(fc.oneof(fc.nat(600), fc.nat()), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
);

function applyBytes(bytes: Uint8Array, edit: { cut: number } | [number, number][]): Uint8Array {
  if (!Array.isArray(edit)) return bytes.slice(0, edit.cut % (bytes.length + 1));
  const out = bytes.slice();
  for (const [at, v] of edit) out[at % out.length] = v;
  return out;
}

/** The file's tensors and metadata, re-encoded after `edit` changes the metadata. */
function withMetadata(bytes: Uint8Array, edit: (meta: Record<string, string>) => Record<string, string>): Uint8Array {
  const content = loadSafetensorsBytes(bytes);
  return encodeSafetensors(content.tensors, edit({ ...content.metadata }));
}

function loadSafetensorsBytes(bytes: Uint8Array): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const path = run.path('scratch.safetensors');
  writeFileSync(path, bytes);
  return loadSafetensors(path, { kind: 'checkpoint' });
}

/** Restores a trainer from the run's checkpoint, as resumeSession does. */
function resume(): void {
  const snapshot = run.snapshot(experiment.model)!;
  inFile(run.path('checkpoint.safetensors'), () => new Trainer(experiment.task as never, resolveTrainConfig(experiment.config.train), snapshot));
}

describe('weights reader under fuzzing', () => {
  const file = () => run.path('best.safetensors');

  it('loads the run\'s own weights, and refuses tensors named like Object.prototype properties by name', () => {
    run.loadWeights(experiment.model);
    for (const name of PROTO_KEYS) {
      const tensors = Object.create(null) as Record<string, Tensor>;
      Object.assign(tensors, loadSafetensorsBytes(best).tensors);
      Object.defineProperty(tensors, name, { value: Object.values(tensors)[0], enumerable: true });
      writeFileSync(file(), encodeSafetensors(tensors));
      expect(() => run.loadWeights(experiment.model)).toThrow(`${file()}: Seq2Seq.loadStateDict: nothing was loaded; the state dict does not fit this module (1 problem): unexpected keys: ${name}`);
    }
    writeFileSync(file(), best);
  });

  it('gives only one-line errors naming the file on byte edits and header edits', () => {
    fc.assert(fc.property(byteEdits, (edit) => {
      writeFileSync(file(), applyBytes(best, edit));
      expectClean(() => run.loadWeights(experiment.model), file());
    }), FUZZ);
    const h = parseSafetensorsHeader(best);
    const json = JSON.parse(new TextDecoder().decode(best.subarray(8, h.dataStart)));
    fc.assert(fc.property(jsonEdits, (edits) => {
      const text = new TextEncoder().encode(JSON.stringify(applyEdits(json, edits)));
      const out = new Uint8Array(8 + text.length + best.length - h.dataStart);
      new DataView(out.buffer).setUint32(0, text.length, true);
      out.set(text, 8);
      out.set(best.subarray(h.dataStart), 8 + text.length);
      writeFileSync(file(), out);
      expectClean(() => run.loadWeights(experiment.model), file());
    }), FUZZ);
    writeFileSync(file(), best);
  });
});

describe('checkpoint reader under fuzzing', () => {
  const file = () => run.path('checkpoint.safetensors');

  it('restores a trainer from the run\'s own checkpoint', () => {
    writeFileSync(file(), checkpoint);
    resume();
  });

  it('gives only one-line errors naming the file on byte edits', () => {
    fc.assert(fc.property(byteEdits, (edit) => {
      writeFileSync(file(), applyBytes(checkpoint, edit));
      expectClean(resume, file());
    }), FUZZ);
  });

  it('gives only one-line errors naming the file on edits of the trainer, optimizer and schedule JSON', () => {
    const meta = loadSafetensorsBytes(checkpoint).metadata;
    const key = fc.constantFrom('trainer', 'optimizer', 'schedule', 'format');
    fc.assert(fc.property(key, fc.oneof(jsonEdits, textEdits), (k, edit) => {
      writeFileSync(file(), withMetadata(checkpoint, (m) => {
        const value = Array.isArray(edit) && 'kind' in (edit[0] as object)
          ? JSON.stringify(applyEdits(JSON.parse(meta[k]!.startsWith('{') || meta[k]!.startsWith('[') ? meta[k]! : JSON.stringify(meta[k])), edit as never))
          : applyTextEdit(meta[k]!, edit as never);
        return { ...m, [k]: value };
      }));
      expectClean(resume, file());
    }), FUZZ);
    writeFileSync(file(), checkpoint);
  });
});
