import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRETRAINED, PRETRAINED_NAMES, loadSafetensors } from '../../src/node.js';
import { glimpse } from '../helpers/cli.js';

// The runs shipped in the package (pretrained/, made by npm run train:pretrained) and
// --run pretrained:NAME wherever a run folder goes.

function ok(args: string[]): string {
  const r = glimpse(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('the shipped runs', () => {
  it.each(PRETRAINED_NAMES)('%s: f16 weights of a few hundred KB that give every example of its row', (name) => {
    const dir = resolve('pretrained', name);
    const weights = loadSafetensors(join(dir, 'best.safetensors'));
    expect(new Set(Object.values(weights.dtypes))).toEqual(new Set(['F16']));
    expect(statSync(join(dir, 'best.safetensors')).size).toBeLessThan(600_000);
    const card = JSON.parse(readFileSync(join(dir, 'pretrained.json'), 'utf8')) as { task: string; test: { exact: number }; made: string[] };
    expect(card.task).toBe(PRETRAINED[name].task);
    expect(card.test.exact).toBeGreaterThanOrEqual(0.99);
    const checks = PRETRAINED[name].checks;
    expect(ok(['translate', '--run', `pretrained:${name}`, ...checks.map((c) => c.input)])).toBe(checks.map((c) => `${c.output}\n`).join(''));
  });

  it('translates a date right after install, as the README says', () => {
    expect(ok(['translate', '--run', 'pretrained:dates', '3rd of March 2021'])).toBe('2021-03-03\n');
  });

  it('is a run like any other: eval scores it on its task\'s test split', () => {
    expect(ok(['eval', '--run', 'pretrained:dates'])).toMatch(/^exact +(1\.0000|0\.99\d\d)$/m);
  });

  it('glimpse pretrained lists every shipped run with its task, size, test score and a command', () => {
    const out = ok(['pretrained']);
    for (const name of PRETRAINED_NAMES) {
      expect(out).toMatch(new RegExp(`^${name}  \\(task ${PRETRAINED[name].task}, \\d+\\.\\d KiB f16, test exact match \\d+\\.\\d %\\)$`, 'm'));
      expect(out).toContain(`glimpse translate --run pretrained:${name} "${PRETRAINED[name].checks[0]!.input}"`);
    }
  });

  it('an unknown name is one line listing the shipped ones, exit 2', () => {
    const r = glimpse(['translate', '--run', 'pretrained:klingon', 'hello']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`pretrained:klingon: no such pretrained run; there are ${PRETRAINED_NAMES.join(', ')}`);
  });

  it('is in the npm package', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const name of PRETRAINED_NAMES) {
      for (const file of ['config.json', 'vocab.src.json', 'vocab.tgt.json', 'best.safetensors', 'pretrained.json']) expect(files).toContain(`pretrained/${name}/${file}`);
    }
  });
});

describe('npm run train:pretrained', () => {
  it('trains a row, stores it in f16 and checks its examples', () => {
    const out = mkdtempSync(join(tmpdir(), 'glimpse-pretrained-'));
    const r = spawnSync('npm', ['run', '--silent', 'train:pretrained', '--', '--only', 'dates', '--out', out], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(ok(['translate', '--run', join(out, 'dates'), 'March 3, 2021'])).toBe('2021-03-03\n');
    const card = JSON.parse(readFileSync(join(out, 'dates', 'pretrained.json'), 'utf8')) as { made: string[] };
    expect(card.made[0]).toBe('glimpse train --task dates --seed 1 --name dates');
  }, 600_000);

  it('refuses an unknown row in one line, exit 2', () => {
    const r = spawnSync('npm', ['run', '--silent', 'train:pretrained', '--', '--only', 'klingon'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--only klingon: expected one of dates, reverse');
  });
});
