import { GlimpseError } from '../index.js';

/**
 * Exit codes of the command line: usage errors (a bad flag or flag combination) exit 2; a run
 * stopped by a signal exits 128 + its number, as a shell reports it (SIGINT 130, SIGTERM 143).
 */
export const EXIT = { ok: 0, error: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** A command used wrongly: flags that do not go together, or one that does not apply. Exits 2. */
export class UsageError extends GlimpseError {
  override readonly name = 'UsageError';
}

/**
 * Runs a command action: any error becomes one line on stderr (`glimpse <command>: message`),
 * followed by its `details` lines when it lists several problems, and a non-zero exit code
 * (2 for usage errors); the stack trace is printed only with --verbose.
 */
export async function runAction(command: string, verbose: boolean, action: () => Promise<void> | void): Promise<void> {
  try {
    await action();
  } catch (e) {
    const err = e as Error;
    const known = err instanceof GlimpseError;
    const message = known ? err.message : `${err.name}: ${err.message}`;
    process.stderr.write(`glimpse ${command}: ${message.split('\n')[0]}\n`);
    if (known) for (const line of (err as GlimpseError).details) process.stderr.write(`  ${line}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    else if (!known) process.stderr.write('(an unexpected error: run again with --verbose for the stack trace)\n');
    process.exitCode = err instanceof UsageError ? EXIT.usage : EXIT.error;
  }
}
