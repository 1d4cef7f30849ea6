import { execFileSync } from 'node:child_process';

/** Vitest global setup: compile dist/ once so CLI tests run the real, current `glimpse` binary. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
