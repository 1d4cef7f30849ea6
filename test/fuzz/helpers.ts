/**
 * What every reader fuzz test checks, and the mutations it feeds them. A case passes when the
 * reader succeeds or throws one GlimpseError whose message is one line naming the file; any
 * other error type (TypeError, RangeError, SyntaxError…) fails it. Runs are few and seeded, so
 * the suite is deterministic and quick; the time bound only catches hangs (seconds, where a
 * case takes milliseconds).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { GlimpseError } from '../../src/util/errors.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { startSession, trainSession } from '../../src/train/session.js';

/**
 * fast-check settings of the suite: a fixed seed and run count, so CI runs the same cases every
 * time. GLIMPSE_FUZZ_RUNS=5000 (and GLIMPSE_FUZZ_SEED) explore further on a developer's machine.
 */
export const FUZZ = {
  seed: Number(process.env.GLIMPSE_FUZZ_SEED ?? 20261204),
  numRuns: Number(process.env.GLIMPSE_FUZZ_RUNS ?? 150),
} as const;

/** A case that takes longer than this hangs (typical cases take milliseconds). */
export const HANG_BOUND_MS = 10_000;

/** Keys that are properties of every plain object: a reader must treat them as plain names. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'] as const;

/**
 * Runs `read`; it must succeed or throw a one-line GlimpseError that contains `file`. Returns
 * what happened, for tests that also want to see both outcomes.
 */
export function expectClean(read: () => unknown, file: string): 'ok' | 'error' {
  const start = performance.now();
  try {
    read();
    return 'ok';
  } catch (e) {
    if (!(e instanceof GlimpseError)) throw new Error(`not a GlimpseError: ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain(file);
    return 'error';
  } finally {
    expect(performance.now() - start).toBeLessThan(HANG_BOUND_MS);
  }
}

/** An object whose own key is `key`, even `__proto__` (assignment would set the prototype). */
export function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...obj };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (list of keys and indices) to a value inside `v`, the root included. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** One structural change to a JSON document. */
export interface JsonEdit {
  at: number;
  kind: 'replace' | 'delete' | 'add';
  key: string;
  value: Json;
}

const anyKey = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 8 }));
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(-1, 0, 1e308, -0.5, 2 ** 53, '', '__proto__', [], {}, null, true, [1e9, 1e9], 'F32', 'lm', 'bahdanau'),
);

/** Edits for {@link applyEdits}. */
export const jsonEdits = fc.array(
  fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'delete', 'add'), key: anyKey, value: anyValue }) as fc.Arbitrary<JsonEdit>,
  { minLength: 1, maxLength: 3 },
);

/** `doc` with `edits` applied (each at a path chosen by `at` among the current ones). */
export function applyEdits(doc: Json, edits: readonly JsonEdit[]): Json {
  let root = structuredClone(doc);
  for (const edit of edits) {
    const e = { ...edit, value: structuredClone(edit.value) }; // generated values may be shared
    const all = paths(root);
    const path = all[e.at % all.length]!;
    if (path.length === 0) {
      root = e.kind === 'replace' ? e.value : root;
      if (e.kind === 'add' && root !== null && typeof root === 'object' && !Array.isArray(root)) root = withKey(root, e.key, e.value) as Json;
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, root) as Record<string | number, Json>;
    const last = path[path.length - 1]!;
    if (e.kind === 'replace') parent[last] = e.value;
    else if (e.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) parent[last] = withKey(target, e.key, e.value) as Json;
      else parent[last] = e.value;
    }
  }
  return root;
}

/** Text edits: cut the text, or put a few characters in at some places. */
export const textEdits = fc.oneof(
  fc.record({ cut: fc.nat() }),
  fc.array(fc.tuple(fc.nat(), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\n', '\u0000', 'null', '1e999', '\uD800', '"__proto__":{}')), { minLength: 1, maxLength: 4 }),
);

/** `text` with a text edit applied. */
export function applyTextEdit(text: string, edit: { cut: number } | [number, string][]): string {
  if (!Array.isArray(edit)) return text.slice(0, edit.cut % (text.length + 1));
  let out = text;
  for (const [at, s] of edit) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + s + out.slice(i);
  }
  return out;
}

/** A small trained run folder (reverse task, a few steps): config, vocabularies, weights, checkpoint, log. */
export async function tinyRun(name = 'tiny'): Promise<string> {
  const runs = mkdtempSync(join(tmpdir(), 'glimpse-fuzz-'));
  const config = resolveRunConfig({
    task: 'reverse',
    data: { trainSize: 24, validSize: 8, testSize: 8, minLen: 2, maxLen: 4, batchSize: 8 },
    model: { embeddingSize: 4, encoderHidden: 4, decoderHidden: 8, attentionSize: 8 },
    train: { maxSteps: 2, evalEvery: 2, logEvery: 1 },
  });
  const session = startSession(config, { runsDir: runs, name, version: '0.0.0-fuzz' });
  await trainSession(session);
  return session.run.dir;
}
