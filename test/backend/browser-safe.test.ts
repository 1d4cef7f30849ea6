import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What a browser bundle of the public index loads must not import Node builtins at module top
// level (Node-only code reaches them through process.getBuiltinModule or a guarded dynamic
// import). Follows the static relative imports from src/index.ts.
function reachable(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)) {
      queue.push(join(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
    }
  }
  return files;
}

describe('the browser path', () => {
  it('has no static node: imports or require calls in anything src/index.ts loads', () => {
    const files = reachable('src/index.ts');
    expect(files.size).toBeGreaterThan(20);
    // Template literals are code for workers (text), not imports of this module.
    const code = (text: string): string => text.replace(/`[^`]*`/gs, '``');
    const offenders = [...files].filter(([, text]) => /^\s*import\s[^;]*?from\s+'node:|\brequire\(/m.test(code(text))).map(([f]) => f);
    expect(offenders).toEqual([]);
  });
});
