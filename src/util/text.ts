/**
 * A message fragment that came from outside (a JSON parser's message quoting the file, a
 * token, a key) made safe for glimpse's one-line errors: control and line-separator
 * characters escaped, cut to `max` characters.
 *
 * @example oneLine('Unexpected token\n  "a"'); // 'Unexpected token\\n  "a"'
 */
export function oneLine(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const s = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** The message of a JSON.parse failure as one short line. */
export function jsonError(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e));
}
