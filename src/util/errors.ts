/**
 * The one error type glimpse throws for bad input. Messages name the operation, the shapes or
 * values involved and what was expected, e.g. `matmul: inner dimensions differ: [2, 3] @ [4, 5]`.
 */
export class GlimpseError extends Error {
  override name = 'GlimpseError';
  /**
   * Lines that follow the message's first line, one item each (every mismatch of a list): the
   * command line prints them under its one-line error. They are also in `message`, indented.
   */
  readonly details: readonly string[];

  constructor(message: string, options: { details?: readonly string[] } = {}) {
    const details = options.details ?? [];
    super(details.length ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
    this.details = details;
  }
}

/** Throws a {@link GlimpseError} with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new GlimpseError(typeof message === 'string' ? message : message());
}
