import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of the docs is type-checked and run, importing the sources in place of the
// package ('glimpse' → src/index.ts, 'glimpse/node' → src/node.ts).
const DOCS = [
  'docs/building-blocks.md', 'docs/web.md', 'README.md',
  ...readdirSync('docs/lessons').filter((f) => f.endsWith('.md')).sort().map((f) => `docs/lessons/${f}`),
];
const root = resolve('.');
const dir = join(root, 'node_modules/.cache/glimpse-docs');

function blocks(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const files: string[] = [];
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const doc of DOCS) {
  blocks(doc).forEach((code, i) => {
    const name = `${doc.replace(/\W/g, '_')}_${i}.mts`;
    const source = code
      .replaceAll(`from 'glimpse/node'`, `from '${root}/src/node.js'`)
      .replaceAll(`from 'glimpse'`, `from '${root}/src/index.js'`);
    writeFileSync(join(dir, name), `${source}\nexport {};\n`);
    files.push(name);
  });
}
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
  extends: '../../../tsconfig.json',
  compilerOptions: { rootDir: '../../..', noEmit: true, noUnusedLocals: false },
  include: ['*.mts'],
}));
writeFileSync(join(dir, 'run.mjs'), `${files.map((f) => `console.log('--- ${f}');\nawait import('./${f}');`).join('\n')}\n`);
if (!process.env.KEEP_DOCS) afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('documentation snippets', () => {
  it('finds snippets to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('type-check', () => {
    const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 300_000); // tsc over every snippet: over a minute on a busy 2-core machine

  it('run', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'run.mjs')], { encoding: 'utf8', cwd: root });
    // (the one-line notice of a machine without the native addon is expected, not an error)
    expect(r.stderr.replace(/^.*(ExperimentalWarning|--trace-warnings).*\n?/gm, '').replace(/^glimpse: using the \w+ backend \(.*\)\n?/gm, '')).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);
});
