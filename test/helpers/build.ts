import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Vitest global setup: compile dist/ once so CLI tests run the real, current `glimpse` binary,
 * and build the web page into dist/web, the page `glimpse explore` ships. A page that does not
 * build is reported here and fails the explore tests, not every test.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const page = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', '../dist/web', '--logLevel', 'warn'], { encoding: 'utf8' });
  if (page.status !== 0) console.error(`test setup: the web page did not build into dist/web:\n${page.stderr}${page.stdout}`);
}
