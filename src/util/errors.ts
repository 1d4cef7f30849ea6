/**
 * The one error type glimpse throws for bad input. Messages name the operation, the shapes or
 * values involved and what was expected, e.g. `matmul: inner dimensions differ: [2, 3] @ [4, 5]`.
 */
export class GlimpseError extends Error {
  override name = 'GlimpseError';
}

/** Throws a {@link GlimpseError} with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new GlimpseError(typeof message === 'string' ? message : message());
}
