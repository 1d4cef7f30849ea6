import type { Command } from 'commander';
import { GlimpseError, setBackend } from '../../index.js';
import { SERVE_LIMITS, SERVE_LIMIT_KEYS, type ServeLimitKey, type ServeLimits, checkLimits, createServer, loadTrainedModel } from '../../node.js';
import { EXIT, runAction } from '../errors.js';
import { int } from '../parse.js';
import { collectRuns } from '../search-flags.js';

/** The flag of each server limit. */
const LIMIT_FLAGS: { readonly [K in ServeLimitKey]: string } = {
  bodyBytes: '--max-body-bytes',
  inputChars: '--max-input-chars',
  inputTokens: '--max-input-tokens',
  texts: '--max-texts',
  beam: '--max-beam',
  maxTokens: '--max-tokens',
  queue: '--queue',
  batch: '--batch',
};

interface ServeFlags {
  run: string[];
  port: number;
  host: string;
  backend?: string;
  log: boolean;
  batchWait: number;
}

const SIGNAL_EXIT = { SIGTERM: EXIT.terminated, SIGINT: EXIT.interrupted } as const;

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('Serve a trained run over HTTP: POST /translate (seq2seq) or /generate (language models), GET /health, /info, /openapi.json. SIGTERM or Ctrl-C stop accepting requests, finish those in flight and exit (143 / 130).')
    .requiredOption('--run <dir>', 'run folder, or pretrained:NAME (glimpse pretrained); repeat it to serve an ensemble of seq2seq runs (same task and vocabularies)', collectRuns)
    .option('--port <n>', 'TCP port (0: any free port, printed at start)', int(0, 65_535), 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--batch-wait <ms>', 'how long a greedy batch waits for more requests before it decodes (0: none)', int(0, 1000), 1)
    .option('--log', 'one line on stderr per request: when it is queued and when it is answered (status, milliseconds)', false)
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)');
  for (const k of SERVE_LIMIT_KEYS) {
    const rule = SERVE_LIMITS[k];
    command.option(`${LIMIT_FLAGS[k]} <n>`, `${rule.help} (default ${rule.default.toLocaleString('en-US')}, at most ${rule.max.toLocaleString('en-US')})`, int(1, rule.max));
  }
  command.action(async (flags: ServeFlags, cmd: Command) => {
    await runAction('serve', cmd.optsWithGlobals().verbose, async () => {
      // commander stores --max-body-bytes as maxBodyBytes: read each limit back by its flag.
      const given: Partial<ServeLimits> = {};
      for (const k of SERVE_LIMIT_KEYS) {
        const v = cmd.getOptionValue(camel(LIMIT_FLAGS[k])) as number | undefined;
        if (v !== undefined) given[k] = v;
      }
      const limits = checkLimits(given, (k) => LIMIT_FLAGS[k]);
      if (flags.backend) setBackend(flags.backend);
      const models = flags.run.map((dir) => loadTrainedModel(dir));
      if (models.length > 1 && models.some((m) => m.kind !== 'seq2seq')) throw new GlimpseError('an ensemble (--run given twice) needs seq2seq runs; serve one language model at a time');
      const { app } = createServer({
        models, runs: flags.run, limits, batchWaitMs: flags.batchWait, ...(flags.log ? { log: (line: string) => process.stderr.write(`glimpse serve: ${line}\n`) } : {}),
      });
      const address = await app.listen({ port: flags.port, host: flags.host });
      const route = models[0]!.kind === 'seq2seq' ? 'POST /translate' : 'POST /generate';
      process.stdout.write(`glimpse serve: listening on ${address} (${models[0]!.config.task}, ${route}; GET /health, /info, /openapi.json)\n`);
      const signal = await new Promise<keyof typeof SIGNAL_EXIT>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      process.stderr.write(`glimpse serve: ${signal}: no new requests; finishing those in flight\n`);
      // app.close() ends only the connections idle at this moment; a keep-alive connection whose
      // request was still queued turns idle once answered and would hold the server open for its
      // keep-alive timeout, so sweep idle connections until the close completes.
      const closing = app.close();
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      try { await closing; } finally { clearInterval(sweep); }
      process.stderr.write('glimpse serve: stopped\n');
      process.exitCode = SIGNAL_EXIT[signal];
    });
  });
}

/** `--max-body-bytes` → `maxBodyBytes`, as commander names the value. */
const camel = (flag: string) => flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
