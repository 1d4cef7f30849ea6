/** Fuzzing the run-config readers: a run's config.json and a `--config` file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRunConfigInput } from '../../src/train/config-file.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { inFile } from '../../src/train/run-config-check.js';
import { formatRunConfig, parseRunConfig } from '../../src/train/run-file.js';
import { FUZZ, PROTO_KEYS, applyEdits, applyTextEdit, expectClean, jsonEdits, textEdits, withKey } from './helpers.js';

const where = 'runs/fuzz/config.json';
const reverse = resolveRunConfig({ task: 'reverse', data: { trainSize: 40, minLen: 2, maxLen: 6 }, model: { embeddingSize: 8 } });
const lm = resolveRunConfig({ task: 'lm', modelName: 'gru-attn', data: { source: 'corpus.txt' } });
const docs = [JSON.parse(formatRunConfig(reverse, '0.0.0')), JSON.parse(formatRunConfig(lm, '0.0.0'))];

describe('config.json reader under fuzzing', () => {
  it('reads its own files back unchanged', () => {
    expect(parseRunConfig(formatRunConfig(reverse, 'x'), where)).toEqual(reverse);
    expect(parseRunConfig(formatRunConfig(lm, 'x'), where)).toEqual(lm);
  });

  it('gives only one-line errors naming the file on structural edits', () => {
    fc.assert(fc.property(fc.constantFrom(...docs), jsonEdits, (doc, edits) => {
      expectClean(() => parseRunConfig(JSON.stringify(applyEdits(doc, edits)), where), where);
    }), FUZZ);
  });

  it('gives only one-line errors naming the file on text edits and arbitrary JSON', () => {
    fc.assert(fc.property(fc.constantFrom(...docs), textEdits, (doc, edit) => {
      expectClean(() => parseRunConfig(applyTextEdit(JSON.stringify(doc, null, 2), edit), where), where);
    }), FUZZ);
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expectClean(() => parseRunConfig(JSON.stringify(v) ?? '', where), where);
    }), FUZZ);
  });

  it('treats keys of Object.prototype as unknown keys in every section', () => {
    for (const key of PROTO_KEYS) {
      for (const section of ['data', 'model', 'train', 'objective'] as const) {
        const doc = structuredClone(docs[0]);
        doc.run[section] = withKey(doc.run[section], key, 1);
        expect(() => parseRunConfig(JSON.stringify(doc), where)).toThrow(new RegExp(`^runs/fuzz/config\\.json: .*unknown (config )?key "${key}"`));
      }
      expect(() => parseRunConfig(JSON.stringify({ ...docs[0], run: withKey(docs[0].run, key, {}) }), where))
        .toThrow(new RegExp(`^runs/fuzz/config\\.json: unknown key "${key}" in "run"`));
    }
  });
});

/** What `glimpse train --config FILE [--task T]` does with a file before its other flags: read it, resolve it, naming the file. */
function readRunConfigFile(path: string, options: { task?: string } = {}) {
  const input = readRunConfigInput(path);
  inFile(path, () => resolveRunConfig({ ...input, ...(options.task ? { task: options.task } : {}) }));
  return options.task ? { ...input, task: options.task } : input;
}

describe('--config file reader under fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-fuzz-config-'));
  const file = join(dir, 'my.json');
  const partial = { task: 'reverse', data: { minLen: 2, maxLen: 5 }, model: { embeddingSize: 8, attention: 'bahdanau' }, train: { lr: 0.01, seed: 3 } };

  it('reads a partial config and a run folder config.json', () => {
    writeFileSync(file, JSON.stringify(partial));
    expect(readRunConfigFile(file)).toEqual(partial);
    writeFileSync(file, formatRunConfig(lm, 'x'));
    expect(readRunConfigFile(file, { task: 'lm' }).task).toBe('lm');
  });

  it('gives only one-line errors naming the file on edits, with or without a task from flags', () => {
    fc.assert(fc.property(fc.constantFrom<unknown>(partial, docs[0], docs[1]), jsonEdits, fc.constantFrom(undefined, 'lm', 'reverse', 'translate'), (doc, edits, task) => {
      writeFileSync(file, JSON.stringify(applyEdits(doc as never, edits)));
      expectClean(() => readRunConfigFile(file, { task }), file);
    }), FUZZ);
    fc.assert(fc.property(textEdits, (edit) => {
      writeFileSync(file, applyTextEdit(JSON.stringify(partial), edit));
      expectClean(() => readRunConfigFile(file), file);
    }), FUZZ);
  });
});
