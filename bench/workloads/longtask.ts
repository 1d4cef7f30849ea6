/**
 * `npm run bench -- longtask [--quick]`: is the page's main thread ever blocked for more than
 * 100 ms while a model trains or decodes? Builds the page with Vite, serves it cross-origin
 * isolated (tools/static-server.ts), opens it in Debian's Chromium with playwright-core and,
 * before the page's own scripts run, installs a PerformanceObserver for 'longtask' entries
 * (every task over 50 ms). Then: trains in the training tab for a fixed time (the worker
 * trains, the page draws progress, the chart and the attention), and in the explore tab opens a
 * small reverse run made by `glimpse train` and decodes it, greedy and beam search, a few
 * inputs each. Reports, for each phase, the number of long tasks, those over 100 ms, the
 * longest and their total.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Page, chromium } from 'playwright-core';
import { serveStatic } from '../../tools/static-server.js';
import { type Figure, progress } from '../lib/report.js';
import type { Workload } from './types.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** A tiny reverse run (seconds to train) for the explore tab. */
const RUN = ['--task', 'reverse', '--embedding', '16', '--encoder-hidden', '16', '--hidden', '32', '--batch-size', '32', '--min-len', '4', '--max-len', '10'];

interface LongTask { start: number; duration: number }

declare global {
  interface Window { glimpseLongTasks?: LongTask[] }
}

/** Runs in the page before its scripts: every long task from the first one on. */
function observeLongTasks(): void {
  const seen: LongTask[] = [];
  window.glimpseLongTasks = seen;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) seen.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

const now = (page: Page) => page.evaluate(() => performance.now());

/** Seeded lowercase words, 4–10 letters (the run's task). */
function words(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => Array.from({ length: 4 + Math.floor(next() * 7) }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join(''));
}

async function decode(page: Page, text: string): Promise<void> {
  const before = await page.locator('#explore-output').innerHTML();
  await page.fill('#explore-input', text);
  await page.click('#explore-run');
  await page.waitForFunction((old) => document.body.dataset.explore === 'ready' && document.querySelector('#explore-output')!.innerHTML !== old, before, { timeout: 60_000 });
  await page.waitForSelector('#explore-heatmap svg', { timeout: 60_000 });
}

function figures(phase: string, tasks: readonly LongTask[], seconds: number, extra: Record<string, unknown>): Figure[] {
  const longest = Math.max(0, ...tasks.map((t) => t.duration));
  const total = tasks.reduce((s, t) => s + t.duration, 0);
  const over = tasks.filter((t) => t.duration > 100).length;
  const x = { seconds: +seconds.toFixed(1), ...extra };
  return [
    { id: `longtask.${phase}.count`, unit: 'tasks > 50 ms', glimpse: tasks.length, pytorch: null, better: 'lower', extra: x },
    { id: `longtask.${phase}.over_100ms`, unit: 'tasks > 100 ms', glimpse: over, pytorch: null, better: 'lower', extra: x },
    { id: `longtask.${phase}.longest`, unit: 'ms', glimpse: +longest.toFixed(1), pytorch: null, better: 'lower', extra: x },
    { id: `longtask.${phase}.total`, unit: 'ms', glimpse: +total.toFixed(1), pytorch: null, better: 'lower', extra: x },
  ];
}

export const longtask: Workload = {
  description: 'the page\'s main thread while a model trains (training tab) and decodes (explore tab): long tasks (> 50 ms) in Chromium, longest and total',
  peer: '—',
  async run(ctx) {
    if (!existsSync(CHROMIUM)) throw new Error(`longtask needs ${CHROMIUM} (apt-get install -y chromium)`);
    const trainSeconds = ctx.quick ? 6 : 30;
    const decodes = ctx.quick ? 2 : 6;
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-longtask-'));
    try {
      progress('longtask: building the page with Vite');
      const site = join(dir, 'site');
      const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', site, '--logLevel', 'warn'], { encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}${built.stdout}`);
      progress('longtask: training a tiny reverse run for the explore tab (glimpse train)');
      const runs = join(dir, 'runs');
      const steps = ctx.quick ? '60' : '300';
      const trained = spawnSync(process.execPath, [resolve('dist/cli/main.js'), 'train', ...RUN, '--max-steps', steps, '--eval-every', steps, '--runs', runs, '--name', 'lt', '--no-progress'], { encoding: 'utf8' });
      if (trained.status !== 0) throw new Error(`glimpse train failed: ${trained.stderr}`);
      const server = await serveStatic(site, true);
      const browser = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
      try {
        const page = await browser.newPage();
        await page.addInitScript(observeLongTasks);
        await page.goto(`${server.url}#train`);
        await page.waitForFunction(() => !['loading', undefined].includes(document.body.dataset.training), undefined, { timeout: 120_000 });
        // Phase 1: training in the worker while the page shows progress, the chart and the attention.
        progress(`longtask: training in the page for ${trainSeconds} s`);
        const t0 = await now(page);
        await page.click('#train-start');
        await page.waitForTimeout(trainSeconds * 1000);
        await page.click('#train-start'); // pause
        await page.waitForTimeout(1000); // what the last messages draw
        const t1 = await now(page);
        const trainStep = await page.locator('#stat-step').innerText();
        // Phase 2: the explore tab, a run opened and decoded greedily and with beam search.
        progress(`longtask: decoding in the explore tab (${decodes} greedy, ${decodes} beam)`);
        await page.click('#tab-explore');
        await page.setInputFiles('#pick-folder', join(runs, 'lt'));
        await page.waitForSelector('body[data-explore=ready]', { timeout: 60_000 });
        const inputs = words(2 * decodes, 7);
        for (const w of inputs.slice(0, decodes)) await decode(page, w);
        await page.check('input[name=search][value=beam]');
        await page.fill('#beam-size', '5');
        for (const w of inputs.slice(decodes)) await decode(page, w);
        await page.waitForTimeout(1000);
        const t2 = await now(page);
        const tasks = await page.evaluate(() => window.glimpseLongTasks ?? []);
        const within = (a: number, b: number) => tasks.filter((t) => t.start >= a && t.start < b);
        progress(`longtask: ${tasks.length} long tasks in all (page load included)`);
        return {
          figures: [
            ...figures('train', within(t0, t1), (t1 - t0) / 1000, { steps: Number(trainStep.replace(/\D/g, '')) }),
            ...figures('decode', within(t1, t2), (t2 - t1) / 1000, { greedy: decodes, beam: decodes, width: 5 }),
          ],
          versions: { chromium: browser.browser()?.version() ?? 'unknown' },
        };
      } finally {
        await browser.close();
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
