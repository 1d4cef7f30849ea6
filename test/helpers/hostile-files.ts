/** Hostile files for the regression and CLI tests: sparse giants with valid headers, FIFOs, device links. */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, rmSync, symlinkSync, writeSync } from 'node:fs';

/**
 * A sparse safetensors file of `bytes` bytes whose header is valid: one F32 tensor named
 * `name` covering all the data. Costs no disk space (ftruncate), so a test can make gigabytes.
 */
export function sparseSafetensors(path: string, bytes: number, name = 'x'): void {
  rmSync(path, { force: true });
  // The header's length depends on the data's length (its digits): settle both, padding the
  // header with spaces so the data is whole float32s.
  let data = bytes - 8 - 100;
  let json = '';
  let n = 0;
  for (;;) {
    json = `{"${name}":{"dtype":"F32","shape":[${data / 4}],"data_offsets":[0,${data}]}}`;
    n = json.length + ((bytes - 8 - json.length) % 4);
    if (bytes - 8 - n === data) break;
    data = bytes - 8 - n;
    if (data % 4 !== 0) throw new Error('cannot lay out the sparse file');
  }
  const header = new TextEncoder().encode(json.padEnd(n, ' '));
  const size = new Uint8Array(8);
  new DataView(size.buffer).setUint32(0, n, true);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, size);
    writeSync(fd, header);
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** A FIFO (named pipe) at `path`: opening it for reading blocks until a writer comes. */
export function fifo(path: string): void {
  rmSync(path, { force: true, recursive: true });
  execFileSync('mkfifo', [path]);
}

/** `path` made a symbolic link to `target` (e.g. /dev/zero). */
export function linkTo(path: string, target: string): void {
  rmSync(path, { force: true, recursive: true });
  symlinkSync(target, path);
}
