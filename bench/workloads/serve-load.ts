/**
 * `npm run bench -- serve`: a load test of `glimpse serve` on loopback. Trains a small reverse
 * run, starts the server as its own process (so the clients do not share its event loop), and
 * at 1, 8 and 64 concurrent clients (each sending its next request when the last is answered)
 * sends greedy translations of random 4–10 letter inputs for a fixed time; reports requests/s,
 * p50 and p99 latency and failed requests (anything but a 200; it must be 0).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Figure, progress } from '../lib/report.js';
import type { Workload } from './types.js';

const CLI = [process.execPath, '--import', 'tsx', resolve('src/cli/main.ts')] as const;
const CONCURRENCY = [1, 8, 64] as const;
const RUN = ['--task', 'reverse', '--embedding', '32', '--encoder-hidden', '32', '--hidden', '64', '--batch-size', '32', '--min-len', '4', '--max-len', '10', '--max-steps', '300', '--eval-every', '300'];

/** The p-th percentile (0–100) of sorted values, nearest rank. */
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** A seeded stream of random lowercase inputs (4–10 letters), the reverse task's kind. */
function inputs(seed: number): () => string {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  return () => Array.from({ length: 4 + Math.floor(next() * 7) }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
}

function startServer(run: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(CLI[0], [...CLI.slice(1), 'serve', '--run', run, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) res({ proc, url: m[1]! });
    });
    proc.on('exit', (code) => rej(new Error(`glimpse serve exited with ${code} before listening`)));
  });
}

interface Level { requests: number; failed: number; seconds: number; latenciesMs: number[] }

/** `clients` loops, each posting one greedy translation after another until `seconds` have passed. */
async function load(url: string, clients: number, seconds: number): Promise<Level> {
  const latenciesMs: number[] = [];
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    const text = inputs(c + 1);
    while (performance.now() < end) {
      const start = performance.now();
      try {
        const r = await fetch(`${url}/translate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: text() }) });
        const body = (await r.json()) as { translations?: unknown[] };
        if (r.status !== 200 || body.translations?.length !== 1) failed++;
      } catch {
        failed++;
      }
      latenciesMs.push(performance.now() - start);
    }
  }));
  return { requests: latenciesMs.length, failed, seconds: (performance.now() - t0) / 1000, latenciesMs: latenciesMs.sort((a, b) => a - b) };
}

export const serveLoad: Workload = {
  description: 'glimpse serve on loopback: greedy translation requests/s, p50/p99 latency and failures at 1, 8, 64 clients',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-serve-load-'));
    const seconds = ctx.quick ? 2 : 10;
    try {
      progress('[glimpse] serve: training a small reverse run (300 steps)');
      const t = spawnSync(CLI[0], [...CLI.slice(1), 'train', '--runs', dir, '--name', 'rev', '--no-progress', ...RUN], { encoding: 'utf8' });
      if (t.status !== 0) throw new Error(`training the load-test run failed: ${t.stderr}`);
      const { proc, url } = await startServer(join(dir, 'rev'));
      const figures: Figure[] = [];
      try {
        await load(url, 1, 0.5); // warm-up: first calls compile kernels and fill caches
        for (const clients of CONCURRENCY) {
          const r = await load(url, clients, seconds);
          const rps = r.requests / r.seconds;
          const p50 = percentile(r.latenciesMs, 50);
          const p99 = percentile(r.latenciesMs, 99);
          progress(`[glimpse] serve, ${clients} client(s): ${r.requests} requests in ${r.seconds.toFixed(1)} s, ${rps.toFixed(1)} req/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${r.failed} failed`);
          const extra = { requests: r.requests, seconds: r.seconds };
          figures.push(
            { id: `serve ${clients} client(s) throughput`, unit: 'req/s', glimpse: rps, pytorch: null, better: null, extra },
            { id: `serve ${clients} client(s) p50`, unit: 'ms', glimpse: p50, pytorch: null, better: null },
            { id: `serve ${clients} client(s) p99`, unit: 'ms', glimpse: p99, pytorch: null, better: null },
            { id: `serve ${clients} client(s) failed`, unit: 'requests', glimpse: r.failed, pytorch: null, better: null },
          );
        }
      } finally {
        proc.kill('SIGTERM');
      }
      return { figures };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
