/**
 * Kill-and-resume soak (issue 16): trains a tiny reverse run with `glimpse train` as a process,
 * SIGKILLs it at random moments (start-up, training, saving — it saves every step) and resumes
 * it until it finishes; then every checkpoint file must load and the final weights must equal
 * an uninterrupted run's, byte for byte. Not a unit test: run it by hand.
 *   npm run build && node --import tsx bench/kill-resume-soak.ts [--kills N] [--seed S]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSafetensors } from '../src/io/node.js';
import { Rng } from '../src/util/rng.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const kills = arg('--kills', 20);
const rng = new Rng(arg('--seed', 1));
const BIN = resolve('dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'glimpse-soak-'));
const runs = join(dir, 'runs');
const config = join(dir, 'tiny.json');
writeFileSync(config, JSON.stringify({
  task: 'reverse',
  data: { trainSize: 96, validSize: 16, testSize: 16, minLen: 2, maxLen: 4, batchSize: 8 },
  model: { embeddingSize: 4, encoderHidden: 4, decoderHidden: 8, attentionSize: 8 },
  train: { epochs: 40, evalEvery: 10, saveEvery: 1, logEvery: 1, lr: 0.01, seed: 9 },
}));
const args = (name: string) => ['train', '--config', config, '--runs', runs, '--name', name, '--no-progress'];

const whole = spawnSync(process.execPath, [BIN, ...args('whole')], { encoding: 'utf8' });
if (whole.status !== 0) throw new Error(`the uninterrupted run failed: ${whole.stderr}`);
const soak = join(runs, 'soak');
let killed = 0;
let resumes = 0;
let started = false;
const t0 = Date.now();
for (;;) {
  const child = spawn(process.execPath, [BIN, ...(started && existsSync(join(soak, 'checkpoint.safetensors')) ? ['train', '--resume', soak, '--no-progress'] : args('soak'))], { stdio: 'ignore' });
  if (started && existsSync(join(soak, 'checkpoint.safetensors'))) resumes++;
  started = true;
  const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const delay = killed < kills ? 200 + rng.uniform() * 1500 : Infinity;
  const timer = Number.isFinite(delay) ? setTimeout(() => child.kill('SIGKILL'), delay) : null;
  const code = await exit;
  if (timer) clearTimeout(timer);
  if (code === null) {
    killed++;
    if (!existsSync(join(soak, 'checkpoint.safetensors'))) {
      // killed before the first save: the folder holds no checkpoint; start a fresh run folder
      started = false;
      rmSync(soak, { recursive: true, force: true });
    }
    continue;
  }
  if (code !== 0) throw new Error(`a resume failed with exit ${code}`);
  break;
}
let loaded = 0;
for (const f of readdirSync(soak).filter((n) => n.endsWith('.safetensors'))) {
  loadSafetensors(join(soak, f), { kind: f === 'checkpoint.safetensors' ? 'checkpoint' : 'weights' });
  loaded++;
}
const same = ['best.safetensors', 'last.safetensors'].map((f) => readFileSync(join(soak, f)).equals(readFileSync(join(runs, 'whole', f))));
const leftovers = readdirSync(soak).filter((n) => /\.tmp-|\.lock$/.test(n));
console.log(JSON.stringify({ kills: killed, resumes, filesLoaded: loaded, bestEqual: same[0], lastEqual: same[1], leftovers, seconds: Math.round((Date.now() - t0) / 1000) }));
if (!same.every(Boolean) || leftovers.length) process.exitCode = 1;
