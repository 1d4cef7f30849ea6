import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = resolve('dist/cli/main.js');

/** Runs the built `glimpse` binary with `args` (and optional stdin), like a user would. */
export function glimpse(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
