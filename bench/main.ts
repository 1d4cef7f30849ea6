/**
 * `npm run bench -- WORKLOAD [--json FILE] [--backend js|wasm|native] [--quick] [--threads N]`
 *
 * Runs one workload of ../shared/bench/PROTOCOL.md (bench/workloads/), prints progress on
 * stderr and the table (metric | glimpse | PyTorch | ratio) on stdout, and with --json writes
 * the protocol's report. Workloads: kernels (W4), memory.
 */
import { getBackend, setBackend, setThreads } from '../src/index.js';
import { getRuntime } from '../src/backend/wasm/runtime.js';
import { load, machine, progress, table, writeReport } from './lib/report.js';
import { FULL, QUICK } from './lib/timing.js';
import { kernels } from './workloads/kernels.js';
import { memory } from './workloads/memory.js';
import type { Workload } from './workloads/types.js';

const WORKLOADS: Record<string, Workload> = { kernels, memory };

const USAGE = `usage: npm run bench -- WORKLOAD [--json FILE] [--backend js|wasm|native] [--threads N] [--quick]
workloads:
${Object.entries(WORKLOADS).map(([name, w]) => `  ${name.padEnd(8)} ${w.description}`).join('\n')}`;

interface Args {
  workload: Workload;
  name: string;
  json: string | null;
  quick: boolean;
}

function parse(argv: string[]): Args {
  const rest: string[] = [];
  let json: string | null = null;
  let quick = false;
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
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else rest.push(a);
  }
  const name = rest[0];
  if (rest.length !== 1 || !name || !WORKLOADS[name]) throw new Error(rest.length === 0 ? USAGE : `unknown workload "${rest.join(' ')}"\n${USAGE}`);
  return { workload: WORKLOADS[name]!, name, json, quick };
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const backend = getBackend().name;
  let threads = 1;
  if (backend === 'wasm') {
    const rt = getRuntime();
    await rt.whenReady();
    threads = rt.threads;
  }
  const m = machine();
  const loadStart = load();
  progress(`${args.name}: backend ${backend}, ${threads} thread(s), ${m.cores} cores (${m.cpu}), load average ${loadStart.toFixed(2)}${args.quick ? ', quick' : ''}`);
  if (loadStart > m.cores / 2) progress(`warning: the machine is busy (load ${loadStart.toFixed(2)} on ${m.cores} cores): figures will be low and noisy`);
  const result = await args.workload.run({ quick: args.quick, timing: args.quick ? QUICK : FULL });
  console.log(table(result.figures));
  console.log(`load average: ${loadStart.toFixed(2)} at start, ${load().toFixed(2)} at the end (${m.cores} cores)`);
  if (args.json) {
    writeReport(args.json, result.figures, { backend, threads, ...result.versions }, loadStart);
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
