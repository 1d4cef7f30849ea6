/**
 * `npm run fixtures -- DIR [--backend js|wasm|native]`: runs every *.json PyTorch fixture in DIR,
 * prints `PASS <case> <max abs err>` or `FAIL <case> <reason>` per file and `N passed, N failed`;
 * exits 1 on any failure.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setBackend } from '../src/backend/registry.js';
import { runFixtureFiles } from './fixtures/run.js';

function main(argv: string[]): number {
  const args = [...argv];
  const bi = args.indexOf('--backend');
  if (bi >= 0) {
    const name = args[bi + 1];
    if (!name) {
      console.error('fixtures: --backend needs a value (js, wasm or native)');
      return 2;
    }
    setBackend(name);
    args.splice(bi, 2);
  }
  const dir = args[0];
  if (!dir || args.length > 1) {
    console.error('usage: npm run fixtures -- DIR [--backend js|wasm|native]');
    return 2;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    console.error(`fixtures: ${dir} is not a directory`);
    return 2;
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
  if (files.length === 0) {
    console.error(`fixtures: no *.json files in ${dir}`);
    return 1;
  }
  const { failed } = runFixtureFiles(files, (line) => console.log(line));
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`fixtures: ${(e as Error).message}`);
  process.exitCode = 2;
}
