import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

describe('glimpse data get', () => {
  it('imports local copies after checking their checksums and prints where they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-data-'));
    const r = glimpse(['data', 'get', 'multi30k', '--dir', dir, '--from', '../shared/data/multi30k']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`multi30k: ${join(dir, 'multi30k')}`);
    expect(existsSync(join(dir, 'multi30k', 'train.de'))).toBe(true);
  });

  it('rejects an unknown dataset and a folder without the files, in one line', () => {
    const unknown = glimpse(['data', 'get', 'wikitext']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim()).toBe('glimpse data get: unknown dataset "wikitext": expected one of tinyshakespeare, multi30k');
    const empty = glimpse(['data', 'get', 'tinyshakespeare', '--dir', mkdtempSync(join(tmpdir(), 'g-')), '--from', tmpdir()]);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says so in one line when it is offline', () => {
    const r = glimpse(['data', 'get', 'tinyshakespeare', '--dir', mkdtempSync(join(tmpdir(), 'g-'))], { env: { HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--from/);
  });
});
