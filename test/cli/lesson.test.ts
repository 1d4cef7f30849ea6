import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-lesson-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('glimpse lesson', () => {
  it('with no name lists the lessons, one line each', () => {
    const r = glimpse(['lesson']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}lstm-vs-gru {2,}LSTM and GRU, each with and without attention/m);
    const names = [...r.stdout.matchAll(/^ {2}(\S+) {2,}\S/gm)].map((m) => m[1]);
    expect(names).toEqual(['language-models', 'lstm-vs-gru', 'context-vector', 'bottleneck', 'attention']);
  });

  it('lstm-vs-gru --quick trains four models, prints their table and writes the chart, only inside --out', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const r = glimpse(['lesson', 'lstm-vs-gru', '--quick', '--out', 'out', '--steps', '6', '--seed', '3'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['out']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('LSTM vs GRU, with and without attention, on reverse: 6 steps each, seed 3');
    expect(lines[1]).toMatch(/^model +parameters +train time +valid exact match \(last\) +test exact match \(best\)$/);
    const rows = lines.slice(3, 7).map((l) => l.split(/ {2,}/));
    expect(rows.map((c) => c[0])).toEqual(['lstm', 'lstm-attn', 'gru', 'gru-attn']);
    // Attention adds parameters; a GRU has three gates to the LSTM's four.
    const params = Object.fromEntries(rows.map((c) => [c[0], Number(c[1]!.replace(/,/g, ''))]));
    expect(params['lstm-attn']).toBeGreaterThan(params.lstm!);
    expect(params.gru).toBeLessThan(params.lstm!);
    const png = readFileSync(join(cwd, 'out', 'lstm-vs-gru.png'));
    expect(png.subarray(0, 4).equals(PNG)).toBe(true);
    const results = JSON.parse(readFileSync(join(cwd, 'out', 'results.json'), 'utf8')) as { results: { model: string; steps: number }[] };
    expect(results.results.map((x) => x.steps)).toEqual([6, 6, 6, 6]);
    expect(existsSync(join(cwd, 'out', 'runs', 'gru-attn', 'metrics.jsonl'))).toBe(true);
  });

  it('language-models --quick trains the three LMs on a text, samples each, shows the two LSTMs are one model and writes the chart', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'text.txt'), 'ROMEO : the king is dead , long live the king .\nJULIET : the night is long .\n'.repeat(40));
    const r = glimpse(['lesson', 'language-models', '--quick', '--out', 'out', '--data', 'text.txt', '--seed', '2'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['out', 'text.txt']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Three language models on text.txt, seed 2');
    expect(lines[1]).toMatch(/^model +parameters +train time +tokens\/s +test ppl \(best\)$/);
    const rows = lines.slice(3, 6).map((l) => l.split(/ {2,}/));
    expect(rows.map((c) => c[0])).toEqual(['lstm', 'lstm-scratch', 'encdec-attn']);
    // The stepped LSTM has the fused one's parameters, name for name.
    expect(rows[1]![1]).toBe(rows[0]![1]);
    for (const c of rows) expect(Number(c[4])).toBeGreaterThan(1);
    expect(r.stdout).toMatch(/^ {2}lstm: romeo: \S/m);
    expect(r.stdout).toMatch(/^ {2}encdec-attn: romeo: \S/m);
    const diff = Number(/largest \|difference\| of their logits (\S+) /.exec(r.stdout)![1]);
    expect(diff).toBeLessThan(1e-4);
    expect(readFileSync(join(cwd, 'out', 'language-models.png')).subarray(0, 4).equals(PNG)).toBe(true);
    const results = JSON.parse(readFileSync(join(cwd, 'out', 'results.json'), 'utf8')) as { results: { model: string; steps: number }[] };
    expect(results.results.map((x) => x.steps)).toEqual([12, 12, 12]);
  });

  it('context-vector --quick computes one step by hand and with the ops, which agree, and writes its pictures', () => {
    const out = join(dir, 'cv');
    const r = glimpse(['lesson', 'context-vector', '--quick', '--out', out, '--seed', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^model: bi-GRU encoder .* trained 600 steps .* seed 2; valid exact match [\d.]+ %$/m);
    // Each intermediate is printed as a table: states, scores and weights, the context vector.
    expect(r.stdout).toMatch(/^ {3}j {2}letter {2}score e_j {2}exp\(e_j − max\) {2}weight α_j$/m);
    const weights = [...r.stdout.matchAll(/^ {3}\d {2}[a-z] +(-?[\d.]+) +([\d.]+) +([\d.]+)$/gm)].map((m) => Number(m[3]));
    expect(weights).toHaveLength(7); // one per letter of "glimpse"
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(r.stdout).toMatch(/^ {3}c_t( +-?[\d.]+){12}$/m);
    const diff = Number(/^max \|diff\| ops vs by hand: (\S+)$/m.exec(r.stdout)![1]);
    expect(diff).toBeLessThan(1e-6);
    for (const f of ['context-vector.png', 'context-vector-step.png']) expect(readFileSync(join(out, f)).subarray(0, 4).equals(PNG)).toBe(true);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { weights: number[]; modelDiff: number };
    // The model's own float32 attention is the weights by hand to float32 rounding.
    expect(res.modelDiff).toBeLessThan(1e-5);
    expect(Math.max(...res.weights)).toBeCloseTo(Math.max(...weights), 3);
  });

  it('bottleneck --quick trains two parameter-matched models and prints exact match by length, with a chart', () => {
    const out = join(dir, 'bn');
    const r = glimpse(['lesson', 'bottleneck', '--quick', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^The bottleneck: reversal with and without attention, by input length \(quick: lengths 3–12, 150 steps, seed 1\)$/m);
    const params = [...r.stdout.matchAll(/^(with|without) attention .* ([\d,]+) +[\d.]+ s$/gm)].map((m) => Number(m[2]!.replace(/,/g, '')));
    expect(params).toHaveLength(2);
    expect(Math.abs(params[1]! - params[0]!) / params[0]!).toBeLessThan(0.06); // matched as closely as even sizes allow
    const rows = [...r.stdout.matchAll(/^(\d+–\d+) +(\d+) +([\d.]+) % \(([\d.]+) %\) +([\d.]+) % \(([\d.]+) %\)$/gm)];
    expect(rows.map((m) => m[1])).toEqual(['3–5', '6–8', '9–12']);
    expect(rows.reduce((a, m) => a + Number(m[2]), 0)).toBe(60);
    expect(readFileSync(join(out, 'bottleneck.png')).subarray(0, 4).equals(PNG)).toBe(true);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { results: { exact: number[] }[] };
    expect(res.results.map((x) => x.exact.length)).toEqual([3, 3]);
  });

  it('attention --quick walks through the five parts with trained models, one picture each, only inside --out', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const r = glimpse(['lesson', 'attention', '--quick', '--out', 'out'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['out']);
    for (const part of [1, 2, 3, 4, 5]) expect(r.stdout).toMatch(new RegExp(`^Part ${part} — `, 'm'));
    const acc = Number(/accuracy on 200 fresh sentences ([\d.]+) %/.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThan(90); // the toy model has learned the task, so its weights mean something
    // The weights of "it" follow the adjective: the animal when tired, the street when wide.
    expect(r.stdout).toContain('"…too tired": the model says "it" is the animal (the answer: animal)');
    expect(r.stdout).toContain('"…too wide": the model says "it" is the street (the answer: street)');
    // Without scaling, softmax saturates as d_k grows; with it the largest weight stays put.
    const why = [...r.stdout.matchAll(/^ {4} *(\d+) +([\d.]+) +([\d.]+) +([\d.]+)$/gm)].map((m) => m.slice(1).map(Number));
    expect(why.map((w) => w[0])).toEqual([4, 16, 64, 256]);
    expect(why[3]![2]).toBeGreaterThan(why[0]![2]! + 0.3);
    expect(Math.abs(why[3]![3]! - why[0]![3]!)).toBeLessThan(0.1);
    // Each row of the four-token weights sums to 1.
    const weights = r.stdout.split('(the weights;')[1]!.split('output =')[0]!;
    const rows = [...weights.matchAll(/^ {4}(animal|street|it|tired) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$/gm)];
    expect(rows.map((m) => m[1])).toEqual(['animal', 'street', 'it', 'tired']);
    for (const m of rows) {
      expect(m.slice(2).map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    }
    for (const f of ['attention-scaled.png', 'attention-it.png', 'attention-heads.png', 'attention-cross.png', 'attention-positions.png']) {
      expect(readFileSync(join(cwd, 'out', f)).subarray(0, 4).equals(PNG)).toBe(true);
    }
  });

  it('rejects an unknown lesson and an --out that is a file, with one line and exit 2', () => {
    const unknown = glimpse(['lesson', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('glimpse lesson: unknown lesson "nope"; the lessons are: language-models, lstm-vs-gru, context-vector, bottleneck, attention (glimpse lesson lists them with a line each)');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = glimpse(['lesson', 'lstm-vs-gru', '--quick', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`glimpse lesson: --out ${file} is a file; expected a folder for the lesson's pictures`);
    // A folder that cannot be made (here: under a file) is one line too, before any training.
    const under = glimpse(['lesson', 'attention', '--quick', '--out', join(file, 'sub')]);
    expect(under.code).toBe(2);
    expect(under.stderr.trim()).toBe(`glimpse lesson: --out ${join(file, 'sub')}: cannot create this folder (ENOTDIR)`);
  });
});
