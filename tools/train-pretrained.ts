/**
 * `npm run train:pretrained [-- --only NAME ...] [--out DIR]`: trains every run of the
 * PRETRAINED table (src/train/pretrained.ts) with `glimpse train`, stores it in f16 with
 * `glimpse export --format safetensors --dtype f16` under DIR/NAME (default: the package's
 * pretrained/), checks that it translates the row's examples, and writes its card
 * (pretrained.json: the commands, the test metrics, the date and the CPU).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PRETRAINED, PRETRAINED_NAMES, type PretrainedName, pretrainedRoot } from '../src/train/pretrained.js';

const CLI = [process.execPath, '--import', 'tsx', resolve('src/cli/main.ts')] as const;

/** Runs `glimpse ARGS`, streaming its stderr (progress); returns its stdout, or exits on failure. */
function glimpse(args: readonly string[]): string {
  const r = spawnSync(CLI[0], [...CLI.slice(1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    console.error(`train:pretrained: glimpse ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r.stdout;
}

function parseArgs(argv: readonly string[]): { names: PretrainedName[]; out: string } {
  const names: PretrainedName[] = [];
  let out = pretrainedRoot();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--only' || flag === '--out') && value === undefined) usage(`${flag} needs a value`);
    if (flag === '--only') {
      if (!(PRETRAINED_NAMES as readonly string[]).includes(value!)) usage(`--only ${value}: expected one of ${PRETRAINED_NAMES.join(', ')}`);
      names.push(value as PretrainedName);
      i++;
    } else if (flag === '--out') {
      out = resolve(value!);
      i++;
    } else {
      usage(`unknown argument '${flag}'`);
    }
  }
  return { names: names.length > 0 ? names : [...PRETRAINED_NAMES], out };
}

function usage(why: string): never {
  console.error(`train:pretrained: ${why}\nusage: npm run train:pretrained -- [--only NAME ...] [--out DIR]`);
  process.exit(2);
}

function trainOne(name: PretrainedName, out: string): void {
  const rule = PRETRAINED[name];
  const runs = mkdtempSync(join(tmpdir(), 'glimpse-pretrained-'));
  try {
    const train = ['train', '--task', rule.task, ...rule.trainFlags, '--name', name];
    console.error(`== ${name}: glimpse ${train.join(' ')}`);
    glimpse([...train, '--runs', runs, '--no-progress']);
    const dest = join(out, name);
    const exportArgs = ['export', '--run', join(runs, name), '--format', 'safetensors', '--dtype', 'f16', '--out', dest, '--force'];
    glimpse(exportArgs);
    // The shipped (f16) weights must still give every example's output.
    const got = glimpse(['translate', '--run', dest, ...rule.checks.map((c) => c.input)]).split('\n').slice(0, rule.checks.length);
    const missed = rule.checks.filter((c, i) => got[i] !== c.output).map((c, i) => `'${c.input}' gave '${got[i]}', expected '${c.output}'`);
    if (missed.length > 0) {
      console.error(`train:pretrained: ${name} misses its checks:\n  ${missed.join('\n  ')}`);
      process.exit(1);
    }
    const summary = JSON.parse(readFileSync(join(runs, name, 'summary.json'), 'utf8')) as { steps: number; trainSeconds: number; test?: Record<string, number> };
    const card = {
      name,
      task: rule.task,
      summary: rule.summary,
      made: [`glimpse ${train.join(' ')}`, `glimpse export --run runs/${name} --format safetensors --dtype f16 --out pretrained/${name}`],
      steps: summary.steps,
      trainSeconds: Math.round(summary.trainSeconds * 10) / 10,
      test: summary.test ?? {},
      checks: rule.checks,
      date: new Date().toISOString().slice(0, 10),
      cpu: cpus()[0]?.model ?? 'unknown',
    };
    writeFileSync(join(dest, 'pretrained.json'), `${JSON.stringify(card, null, 2)}\n`);
    console.error(`== ${name}: ${summary.steps} steps, test ${JSON.stringify(card.test)} → ${dest}`);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
}

const { names, out } = parseArgs(process.argv.slice(2));
for (const name of names) trainOne(name, out);
