/** The checked reader (src/util/fs-node.ts): what it refuses, by name, before reading a byte. */
import { chmodSync, closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GlimpseError } from '../../src/util/errors.js';
import { READ_LIMITS, formatBytes, readFileChecked, readTextChecked, withCheckedFile, readRange } from '../../src/util/fs-node.js';
import { fifo, linkTo } from '../helpers/hostile-files.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-read-'));

/** The one-line GlimpseError `read` throws. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(GlimpseError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

function sparse(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

describe('checked reader', () => {
  it('reads a regular file whole, or a range of it', () => {
    const f = join(dir, 'ok.txt');
    writeFileSync(f, '\uFEFFhello');
    expect(readTextChecked(f, 'config')).toBe('hello');
    expect(readTextChecked(f, 'text', { keepBom: true })).toBe('\uFEFFhello');
    expect(withCheckedFile(f, 'weights', (file) => new TextDecoder().decode(readRange(file, 3, 2)))).toBe('he');
  });

  it('refuses a symlink to /dev/zero or /dev/urandom as a device', () => {
    for (const device of ['/dev/zero', '/dev/urandom']) {
      const f = join(dir, 'device.json');
      linkTo(f, device);
      expect(refusal(() => readTextChecked(f, 'vocab'))).toBe(`vocabulary ${f} is a character device (such as /dev/zero); expected a regular file`);
    }
  });

  it('refuses a FIFO at once (no writer needed), a directory and a missing file', () => {
    const p = join(dir, 'pipe.jsonl');
    fifo(p);
    expect(refusal(() => readFileChecked(p, 'metrics'))).toBe(`metrics log ${p} is a FIFO (named pipe); expected a regular file`);
    const d = join(dir, 'folder.json');
    mkdirSync(d, { recursive: true });
    expect(refusal(() => readFileChecked(d, 'config'))).toBe(`config file ${d} is a directory; expected a regular file`);
    expect(refusal(() => readFileChecked(join(dir, 'nope'), 'corpus', { label: 'source file' }))).toBe(`source file ${join(dir, 'nope')} does not exist`);
    expect(refusal(() => readFileChecked(join(dir, 'ok.txt', 'x'), 'corpus'))).toMatch(/does not exist \(a part of its path is not a folder\)$/);
  });

  it('refuses a file over its kind\'s limit before reading it: a sparse file, and one over 2 GiB', () => {
    const big = join(dir, 'big.json');
    sparse(big, READ_LIMITS.vocab.maxBytes + 1);
    expect(refusal(() => readTextChecked(big, 'vocab'))).toBe(`vocabulary ${big} is 67108865 bytes, more than the 67108864-byte limit for a vocabulary; is it the right file?`);
    const huge = join(dir, 'huge.txt');
    sparse(huge, 2 ** 31 + 5);
    expect(refusal(() => readTextChecked(huge, 'text', { label: 'reference file' }))).toBe(`reference file ${huge} is 2 GiB, more than the 256 MiB limit for a text file; is it the right file?`);
    expect(refusal(() => readFileChecked(huge, 'corpus', { maxBytes: 100 }))).toMatch(/is 2 GiB, more than the 100 bytes it should have/);
  });

  it('names an unreadable file and text that is not UTF-8', () => {
    const bad = join(dir, 'latin1.txt');
    writeFileSync(bad, Uint8Array.from([0x61, 0xe9, 0x0a]));
    expect(refusal(() => readTextChecked(bad, 'corpus'))).toBe(`corpus file ${bad} is not valid UTF-8 text`);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.txt');
      writeFileSync(locked, 'x');
      chmodSync(locked, 0o000);
      expect(refusal(() => readFileChecked(locked, 'text'))).toBe(`text file ${locked} cannot be read: permission denied`);
    }
  });

  it('formats sizes as the limits are documented', () => {
    expect(formatBytes(READ_LIMITS.checkpoint.maxBytes)).toBe('16 GiB');
    expect(formatBytes(READ_LIMITS.config.maxBytes)).toBe('1 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
