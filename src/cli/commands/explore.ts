import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import Fastify from 'fastify';
import { io, train } from '../../index.js';
import { defaultWeights, loadTrainedModel, writeFileAtomic } from '../../node.js';
import { EXIT, UsageError, runAction } from '../errors.js';
import { SITE_RUN_NOTE_ID, type Site, siteFiles } from '../explore-site.js';
import { int, oneOf, runDir } from '../parse.js';
import { VERSION } from '../version.js';

interface ExploreFlags {
  run: string;
  out?: string;
  weights?: 'best' | 'last';
  dtype?: io.WeightDtype;
  force: boolean;
  port: number;
  host: string;
}

const SIGNAL_EXIT = { SIGTERM: EXIT.terminated, SIGINT: EXIT.interrupted } as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description('Open a trained run in the attention explorer (the web page): served here at an address it prints, or with --out written as a static site that any static host serves and that opens on the run (see docs/web.md).')
    .requiredOption('--run <dir>', 'run folder, or pretrained:NAME (glimpse pretrained)', runDir)
    .option('--out <dir>', 'write the site to this folder instead of serving it (created if missing; it must be empty, or an earlier site with --force)')
    .option('--weights <which>', 'best or last checkpoint (default: best when the run has one)', oneOf(['best', 'last'] as const))
    .option('--dtype <name>', `how the site stores the weights: ${io.WEIGHT_DTYPE_NAMES.join(', ')} (default: f16 when every weight fits a half, else f32)`, oneOf(io.WEIGHT_DTYPE_NAMES))
    .option('--force', 'with --out: replace the files of an earlier site in that folder', false)
    .option('--port <n>', 'without --out: TCP port (0: any free port)', int(0, 65_535), 8090)
    .option('--host <address>', 'without --out: address to listen on', '127.0.0.1')
    .action(async (flags: ExploreFlags, cmd: Command) => {
      await runAction('explore', cmd.optsWithGlobals().verbose, async () => {
        if (flags.out !== undefined) checkSiteOutput(flags.out, flags.run, flags.force);
        const trained = loadTrainedModel(flags.run, flags.weights);
        const site = siteFiles(trained, { weights: flags.weights ?? defaultWeights(trained.run), version: VERSION, ...(flags.dtype ? { dtype: flags.dtype } : {}) });
        const what = `${trained.config.task} run, weights ${site.dtype}, ${(site.runBytes / 1024).toFixed(1)} KiB`;
        if (flags.out !== undefined) {
          for (const f of site.files) {
            mkdirSync(dirname(join(flags.out, f.name)), { recursive: true });
            writeFileAtomic(join(flags.out, f.name), f.bytes);
          }
          console.log(`wrote the explorer for ${flags.run} (${what}) to ${flags.out}: serve that folder with any static server and open its index.html`);
          return;
        }
        await serveSite(site, flags, what);
      });
    });
}

/**
 * `--out` may be a new or empty folder, or an earlier site (its index.html carries the run
 * note) replaced with --force; never the run itself, a training run or a folder of other files.
 */
function checkSiteOutput(out: string, run: string, force: boolean): void {
  const full = resolve(out);
  if (full === resolve(run)) throw new UsageError(`--out ${out} is the run itself; choose a new folder for the site`);
  const st = statSync(full, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) throw new UsageError(`--out ${out} is a file; expected a folder for the site`);
  if (readdirSync(full).length === 0) return;
  if (existsSync(join(full, train.RUN_FILES.config))) throw new UsageError(`--out ${out} holds a run (${train.RUN_FILES.config}); glimpse never writes a site over one (choose a new folder)`);
  const index = join(full, 'index.html');
  const earlierSite = existsSync(index) && readFileSync(index, 'utf8').includes(SITE_RUN_NOTE_ID);
  if (!earlierSite) throw new UsageError(`--out ${out} is not empty and holds no earlier glimpse site; choose an empty or new folder`);
  if (!force) throw new UsageError(`--out ${out} already holds a glimpse site; pass --force to replace it`);
}

/** Serves the site from memory, cross-origin isolated (the kernels use every core), until SIGTERM or Ctrl-C. */
async function serveSite(site: Site, flags: ExploreFlags, what: string): Promise<void> {
  const files = new Map(site.files.map((f) => [f.name, f.bytes]));
  const app = Fastify();
  app.get('/*', async (request, reply) => {
    let path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname).replace(/^\/+/, '');
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const bytes = files.get(path);
    if (bytes === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply
      .header('Cross-Origin-Opener-Policy', 'same-origin')
      .header('Cross-Origin-Embedder-Policy', 'require-corp')
      .header('Cache-Control', 'no-store')
      .type(CONTENT_TYPES[extname(path)] ?? 'application/octet-stream')
      .send(typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  const address = await app.listen({ port: flags.port, host: flags.host });
  process.stdout.write(`glimpse explore: ${flags.run} (${what}) at ${address}/ — open it in a browser; Ctrl-C stops\n`);
  const signal = await new Promise<keyof typeof SIGNAL_EXIT>((done) => {
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
  const closing = app.close();
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  try { await closing; } finally { clearInterval(sweep); }
  process.stderr.write(`glimpse explore: ${signal}: stopped\n`);
  process.exitCode = SIGNAL_EXIT[signal];
}
