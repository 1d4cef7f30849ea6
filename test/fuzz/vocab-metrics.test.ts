/** Fuzzing the vocabulary reader (vocab.*.json) and the metrics-log reader (metrics.jsonl). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vocab } from '../../src/data/vocab.js';
import { curvesFromLog } from '../../src/train/curves.js';
import { parseMetricsLog } from '../../src/train/metrics-log.js';
import { parseVocab } from '../../src/train/run-file.js';
import { FUZZ, PROTO_KEYS, applyEdits, applyTextEdit, expectClean, jsonEdits, textEdits, withKey } from './helpers.js';

const where = 'runs/fuzz/vocab.src.json';
const vocab = Vocab.build([['a', 'b', 'a', 'c'], [...PROTO_KEYS]]);
const doc = vocab.toJSON();

describe('vocabulary reader under fuzzing', () => {
  it('keeps tokens named like Object.prototype properties as plain tokens', () => {
    const again = parseVocab(JSON.stringify(doc), where);
    expect(again.itos).toEqual(vocab.itos);
    for (const t of PROTO_KEYS) expect(again.indexOf(t)).toBe(vocab.itos.indexOf(t));
    expect(again.has('isPrototypeOf')).toBe(false);
    expect(again.indexOf('isPrototypeOf')).toBe(again.unkIndex);
  });

  it('treats a key named like an Object.prototype property as an unknown key', () => {
    for (const key of PROTO_KEYS) {
      expect(() => parseVocab(JSON.stringify(withKey(doc as never, key, [])), where))
        .toThrow(`${where}: Vocab.fromJSON: unknown key "${key}" (expected format, version, itos, unk, specials)`);
    }
  });

  it('gives only one-line errors naming the file on structural and text edits', () => {
    fc.assert(fc.property(jsonEdits, (edits) => {
      expectClean(() => parseVocab(JSON.stringify(applyEdits(doc as never, edits)), where), where);
    }), FUZZ);
    fc.assert(fc.property(textEdits, (edit) => {
      expectClean(() => parseVocab(applyTextEdit(JSON.stringify(doc), edit), where), where);
    }), FUZZ);
  });
});

describe('metrics-log reader under fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-fuzz-log-'));
  const file = join(dir, 'metrics.jsonl');
  const records = [
    { type: 'start', step: 0, time: '2026-01-01T00:00:00Z' },
    { type: 'step', step: 1, epoch: 1, batch: 1, batches: 4, loss: 2.5, tokens: 40, tokensPerSecond: 900, lr: 0.001 },
    { type: 'eval', split: 'valid', best: true, step: 2, epoch: 1, trainLoss: null, lr: 0.001, trainSeconds: 0.1, metrics: { loss: 2.1, ppl: 8.2, exact: 0 } },
    { type: 'test', step: 2, loss: 2.2 },
  ];

  it('reads a log, names the line of a bad record, and skips an interrupted last line', () => {
    const text = records.map((r) => JSON.stringify(r)).join('\n');
    expect(parseMetricsLog(`${text}\n`, file)).toEqual(records);
    expect(parseMetricsLog(`${text}\n{"type":"st`, file)).toEqual(records);
    expect(() => parseMetricsLog(`${text}\n{"type":"st\n`, file)).toThrow(`${file}:5: not valid JSON`);
    expect(() => parseMetricsLog('{"type":"eval","step":1,"epoch":1,"trainLoss":1}\n', file))
      .toThrow(`${file}:1: a "eval" record must have integers step, epoch, a number (or null) trainLoss and metrics mapping names to numbers; its "metrics" is missing`);
  });

  it('gives only one-line errors naming the file (and the curves never fail on what it accepts)', () => {
    const line = fc.oneof(
      fc.tuple(fc.constantFrom(...records), jsonEdits).map(([r, e]) => JSON.stringify(applyEdits(r as never, e))),
      fc.tuple(fc.constantFrom(...records), textEdits).map(([r, e]) => applyTextEdit(JSON.stringify(r), e)),
      fc.constantFrom(...records).map((r) => JSON.stringify(r)),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 6 }), fc.boolean(), (lines, newline) => {
      writeFileSync(file, lines.join('\n') + (newline ? '\n' : ''));
      expectClean(() => {
        const log = parseMetricsLog(lines.join('\n') + (newline ? '\n' : ''), file);
        curvesFromLog(log, 'reverse');
        curvesFromLog(log, 'lm');
      }, file);
    }), FUZZ);
  });
});
