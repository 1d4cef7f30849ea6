import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE_ONLY = [/^node:/, /^fs$/, /^path$/, /^@resvg\//, /^fontkit$/, /^dejavu-fonts-ttf/];

/** Every module specifier `file` imports or re-exports, statically or with import(). */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const statics = Array.from(src.matchAll(/^(?:import|export)\b[^;]*?from\s+['"]([^'"]+)['"]/gm), (m) => m[1]!);
  const dynamics = Array.from(src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g), (m) => m[1]!);
  return [...statics, ...dynamics];
}

describe('src/viz/index.ts', () => {
  it('reaches no Node-only module, so the web page can bundle it', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
        else external.add(spec);
      }
    };
    visit(join(root, 'src/viz/index.ts'));
    expect(seen.has(join(root, 'src/viz/ansi.ts'))).toBe(true);
    expect([...external].filter((s) => NODE_ONLY.some((re) => re.test(s)))).toEqual([]);
    expect(external).toContain('vega');
  });
});
