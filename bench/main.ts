/**
 * `npm run bench -- WORKLOAD [--json FILE] [--backend js|wasm|native] [--threads N] [--rounds N] [--quick] [--skip NAME]…`
 *
 * Runs one workload of ../shared/bench/PROTOCOL.md (bench/workloads/), prints progress on
 * stderr and the table (metric | glimpse | PyTorch | ratio) on stdout, and with --json writes
 * the protocol's report. Workloads: w1 … w5, kernels (= w4), memory, serve (HTTP load test), onnx (decoding beside ONNX Runtime), longtask (the web page's main thread while it trains and decodes), all. `--rounds N` runs the workload (glimpse
 * then PyTorch) N times back to back and keeps each side's best figure: interleaved rounds
 * give both sides the same chances on a machine shared with other work.
 */
import { getBackend, nativeInfo, setBackend, setThreads } from '../src/index.js';
import { getRuntime } from '../src/backend/wasm/runtime.js';
import { type Figure, load, machine, progress, table, writeReport } from './lib/report.js';
import { FULL, QUICK } from './lib/timing.js';
import { kernels } from './workloads/kernels.js';
import { memory } from './workloads/memory.js';
import { onnxDecode } from './workloads/onnx-decode.js';
import { w1 } from './workloads/w1.js';
import { w2, w5 } from './workloads/translation.js';
import { w3, w3b } from './workloads/w3.js';
import { serveLoad } from './workloads/serve-load.js';
import { longtask } from './workloads/longtask.js';
import type { Workload } from './workloads/types.js';

const WORKLOADS: Record<string, Workload> = { kernels, w4: kernels, w1, w2, w3, w3b, w5, memory, serve: serveLoad, onnx: onnxDecode, longtask };

/** The workloads `all` runs, in order. */
const PROTOCOL_ORDER = { kernels, w1, w2, w3, w3b, w5 } as const;
/** Workloads `--skip` left out of `all`. */
const skipped = new Set<string>();

/** `all`: every protocol workload in turn, one table. */
const all: Workload = {
  description: 'W4, W1, W2, W3, W3b and W5 in turn, one table (--skip NAME leaves one out)',
  async run(ctx) {
    const figures = [];
    const versions = {};
    for (const [name, w] of Object.entries(PROTOCOL_ORDER)) {
      if (skipped.has(name)) continue;
      const r = await w.run(ctx);
      figures.push(...r.figures);
      Object.assign(versions, r.versions);
    }
    return { figures, versions };
  },
};
WORKLOADS.all = all;

const USAGE = `usage: npm run bench -- WORKLOAD [--json FILE] [--backend js|wasm|native] [--threads N] [--rounds N] [--quick] [--skip NAME]
workloads:
${Object.entries(WORKLOADS).map(([name, w]) => `  ${name.padEnd(8)} ${w.description}`).join('\n')}`;

interface Args {
  workload: Workload;
  name: string;
  json: string | null;
  quick: boolean;
  rounds: number;
}

function parse(argv: string[]): Args {
  const rest: string[] = [];
  let json: string | null = null;
  let quick = false;
  let rounds = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--json') json = value();
    else if (a === '--backend') setBackend(value());
    else if (a === '--threads') setThreads(Number(value()));
    else if (a === '--quick') quick = true;
    else if (a === '--skip') {
      const name = value();
      if (!(name in PROTOCOL_ORDER)) throw new Error(`--skip takes one of ${Object.keys(PROTOCOL_ORDER).join(', ')}, got "${name}"\n${USAGE}`);
      skipped.add(name);
    }
    else if (a === '--rounds') {
      rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a positive integer\n${USAGE}`);
    }
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else rest.push(a);
  }
  const name = rest[0];
  if (rest.length !== 1 || !name || !WORKLOADS[name]) throw new Error(rest.length === 0 ? USAGE : `unknown workload "${rest.join(' ')}"\n${USAGE}`);
  return { workload: WORKLOADS[name]!, name, json, quick, rounds };
}

/** Each side's better figure of two rounds (the later one for figures that are not compared). */
function bestOf(a: readonly Figure[], b: readonly Figure[]): Figure[] {
  return b.map((f) => {
    const old = a.find((x) => x.id === f.id);
    if (!old || f.better === null) return f;
    const pick = (x: number | null, y: number | null): number | null => {
      if (x === null) return y;
      if (y === null) return x;
      return f.better === 'higher' ? Math.max(x, y) : Math.min(x, y);
    };
    return { ...f, glimpse: pick(old.glimpse, f.glimpse)!, pytorch: pick(old.pytorch, f.pytorch) };
  });
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const backend = getBackend().name;
  let threads = 1;
  if (backend === 'wasm') {
    const rt = getRuntime();
    await rt.whenReady();
    threads = rt.threads;
  } else if (backend === 'native') {
    threads = nativeInfo().threads;
  }
  const m = machine();
  const loadStart = load();
  progress(`${args.name}: backend ${backend}, ${threads} thread(s), ${m.cores} cores (${m.cpu}), load average ${loadStart.toFixed(2)}${args.quick ? ', quick' : ''}`);
  if (loadStart > m.cores / 2) progress(`warning: the machine is busy (load ${loadStart.toFixed(2)} on ${m.cores} cores): figures will be low and noisy`);
  let result = await args.workload.run({ quick: args.quick, timing: args.quick ? QUICK : FULL, threads });
  for (let round = 2; round <= args.rounds; round++) {
    progress(`round ${round} of ${args.rounds}`);
    const next = await args.workload.run({ quick: args.quick, timing: args.quick ? QUICK : FULL, threads });
    result = { ...next, figures: bestOf(result.figures, next.figures) };
  }
  console.log(table(result.figures, args.workload.peer));
  console.log(`load average: ${loadStart.toFixed(2)} at start, ${load().toFixed(2)} at the end (${m.cores} cores)`);
  if (args.json) {
    writeReport(args.json, result.figures, { backend, threads, rounds: args.rounds, ...result.versions }, loadStart);
    progress(`wrote ${args.json}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
