/** All of standard input as bytes. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
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
