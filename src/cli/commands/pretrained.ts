import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { PRETRAINED, PRETRAINED_NAMES, type PretrainedName, formatBytes, pretrainedRoot } from '../../node.js';
import { runAction } from '../errors.js';

/** What a shipped run's card (pretrained.json, written by npm run train:pretrained) says. */
interface Card {
  test?: Record<string, number>;
  steps?: number;
  date?: string;
}

/** One shipped run as listed: its line, or why it is missing from this installation. */
function describe(name: PretrainedName): string[] {
  const rule = PRETRAINED[name];
  const dir = join(pretrainedRoot(), name);
  const weights = join(dir, 'best.safetensors');
  if (!existsSync(weights)) return [`${name}  (missing from this installation: ${dir})`];
  const card = existsSync(join(dir, 'pretrained.json')) ? JSON.parse(readFileSync(join(dir, 'pretrained.json'), 'utf8')) as Card : {};
  const test = card.test?.exact === undefined ? '' : `, test exact match ${(100 * card.test.exact).toFixed(1)} %`;
  return [
    `${name}  (task ${rule.task}, ${formatBytes(statSync(weights).size)} f16${test})`,
    `    ${rule.summary}`,
    `    glimpse translate --run pretrained:${name} "${rule.checks[0]!.input}"   →  ${rule.checks[0]!.output}`,
  ];
}

export function registerPretrained(program: Command): void {
  program
    .command('pretrained')
    .description('List the trained runs shipped with glimpse; use one anywhere a run folder goes as --run pretrained:NAME (translate, eval, serve, export…).')
    .action(async (_flags: unknown, cmd: Command) => {
      await runAction('pretrained', cmd.optsWithGlobals().verbose, () => {
        const lines = PRETRAINED_NAMES.flatMap((name) => describe(name));
        process.stdout.write(`Runs shipped with glimpse (in ${pretrainedRoot()}):\n${lines.join('\n')}\n`);
      });
    });
}
