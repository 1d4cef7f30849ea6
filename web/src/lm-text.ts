/**
 * The text a user gives the training view's language model: checked on the page, before it
 * goes to the worker, so a wrong file gets one line saying what was expected.
 */

/** Bounds of a language model's text in the tab. */
export const TEXT_LIMITS = { maxBytes: 1_000_000, minChars: 2_000, minLines: 20 } as const;

const EXPECTED = `expected a plain-text file (UTF-8) of ${TEXT_LIMITS.minChars.toLocaleString('en-US')} characters to ${TEXT_LIMITS.maxBytes / 1e6} MB, in ${TEXT_LIMITS.minLines} lines or more`;

export type TextCheck = { ok: true; text: string } | { ok: false; message: string };

/** Refuses a file by its size before reading it (null: read it). */
export function checkSize(name: string, bytes: number): string | null {
  if (bytes === 0) return `${name} is empty: ${EXPECTED}.`;
  if (bytes > TEXT_LIMITS.maxBytes) return `${name} is ${(bytes / 1e6).toFixed(1)} MB, too large: ${EXPECTED} (use a part of it).`;
  return null;
}

/** Checks a file's bytes: not empty, not too large, UTF-8 text (no NUL or other control bytes), long enough. */
export function checkText(name: string, bytes: Uint8Array): TextCheck {
  const size = checkSize(name, bytes.length);
  if (size) return { ok: false, message: size };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: `${name} is not UTF-8 text (a binary file?): ${EXPECTED}.` };
  }
  // Control characters other than tab, line feed, form feed and carriage return mark a binary file.
  if (hasControl(text)) return { ok: false, message: `${name} holds control bytes, so it is not plain text: ${EXPECTED}.` };
  text = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  const chars = [...text].length;
  if (text.trim() === '') return { ok: false, message: `${name} holds only white space: ${EXPECTED}.` };
  if (chars < TEXT_LIMITS.minChars) return { ok: false, message: `${name} has ${chars.toLocaleString('en-US')} characters, too few to learn from: ${EXPECTED}.` };
  const lines = text.split('\n').length;
  if (lines < TEXT_LIMITS.minLines) return { ok: false, message: `${name} has ${lines} lines, too few to hold out validation lines: ${EXPECTED}.` };
  return { ok: true, text };
}

/** Whether `text` holds a control character other than tab, line feed, form feed and carriage return. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
