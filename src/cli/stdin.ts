import { GlimpseError } from '../index.js';
import { formatBytes } from '../node.js';

/** All of standard input as bytes, at most `maxBytes` (more is an error: stdin may be endless). */
export async function readStdin(maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      process.stdin.destroy();
      throw new GlimpseError(`standard input is more than ${formatBytes(maxBytes)}, the limit for a text file; pass a smaller input`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Standard input line by line as it arrives (for streaming translation). */
export async function* stdinLines(): AsyncGenerator<string> {
  let pending = '';
  for await (const chunk of process.stdin) {
    pending += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
    }
  }
  if (pending.length > 0) yield pending.replace(/\r$/, '');
}
