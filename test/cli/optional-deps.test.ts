/**
 * The PNG packages (resvg, fontkit, the DejaVu fonts) are optional: glimpse installed without
 * them trains, translates and prints, and asking for a PNG is one line saying what to install.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const PNG_PACKAGES = ['@resvg', 'fontkit', 'dejavu-fonts-ttf'];

/** A copy of the built package whose node_modules lacks the optional PNG packages. */
function installWithoutPng(): string {
  const root = mkdtempSync(join(tmpdir(), 'glimpse-nopng-'));
  cpSync(resolve('dist'), join(root, 'dist'), { recursive: true });
  cpSync(resolve('package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(resolve('node_modules'))) {
    if (!PNG_PACKAGES.includes(name)) symlinkSync(resolve('node_modules', name), join(root, 'node_modules', name));
  }
  return root;
}

describe('without the optional PNG packages', () => {
  it('trains and translates, and a picture is one line naming what to install', () => {
    const root = installWithoutPng();
    const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args], {
      cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000,
    });
    const trained = run(['train', '--task', 'reverse', '--runs', 'runs', '--name', 'tiny', '--no-progress', '--max-steps', '3',
      '--embedding', '8', '--encoder-hidden', '8', '--hidden', '16', '--batch-size', '8', '--min-len', '2', '--max-len', '4']);
    expect(trained.status, trained.stderr).toBe(0);
    const plain = run(['translate', '--run', 'runs/tiny', 'abc']);
    expect(plain.status, plain.stderr).toBe(0);
    const picture = run(['translate', '--run', 'runs/tiny', 'abc', '--visualize', 'a.png']);
    expect(picture.status).toBe(1);
    expect(picture.stderr.trim()).toBe('glimpse translate: writing PNG pictures needs the optional packages @resvg/resvg-js, fontkit, dejavu-fonts-ttf, which are not installed ' +
      '(npm install @resvg/resvg-js fontkit dejavu-fonts-ttf; a plain npm install adds them unless optional dependencies are omitted)');
  });
});
