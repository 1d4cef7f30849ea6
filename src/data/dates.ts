/**
 * Human-written dates for the date-normalisation task: a calendar-correct random date and one
 * of many spellings of it, with its ISO form as the target.
 */
import type { Rng } from '../util/rng.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Every character a source can contain (letters of both cases, digits, space and , - . /). */
export const DATE_SRC_ALPHABET: readonly string[] = Array.from(' ,-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/** Every character a target can contain. */
export const DATE_TGT_ALPHABET: readonly string[] = Array.from('-0123456789');

/** A date's parts. */
export interface DateParts {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function ordinal(d: number): string {
  if (d % 100 >= 11 && d % 100 <= 13) return `${d}th`;
  return `${d}${['th', 'st', 'nd', 'rd'][d % 10] ?? 'th'}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** ISO 8601 form, the task's target. */
export function isoDate({ year, month, day }: DateParts): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** The spellings the task draws from; numeric ones are day-first (European) except the year-first one. */
export const DATE_FORMATS: readonly ((p: DateParts) => string)[] = [
  (p) => `${ordinal(p.day)} of ${MONTHS[p.month - 1]} ${p.year}`, //     3rd of March 2021
  (p) => `${MONTHS[p.month - 1]} ${p.day}, ${p.year}`, //                 March 3, 2021
  (p) => `${pad2(p.day)}/${pad2(p.month)}/${p.year}`, //                  03/03/2021
  (p) => `${p.day} ${MONTHS[p.month - 1]} ${p.year}`, //                  3 March 2021
  (p) => `${MONTHS[p.month - 1]!.slice(0, 3)} ${p.day}, ${p.year}`, //    Mar 3, 2021
  (p) => `${p.day} ${MONTHS[p.month - 1]!.slice(0, 3)} ${p.year}`, //     3 Mar 2021
  (p) => `${MONTHS[p.month - 1]} ${ordinal(p.day)}, ${p.year}`, //        March 3rd, 2021
  (p) => `the ${ordinal(p.day)} of ${MONTHS[p.month - 1]}, ${p.year}`, // the 3rd of March, 2021
  (p) => `${p.day}.${p.month}.${p.year}`, //                              3.3.2021
  (p) => `${p.year}/${pad2(p.month)}/${pad2(p.day)}`, //                  2021/03/03
  (p) => `${pad2(p.day)}-${pad2(p.month)}-${p.year}`, //                  03-03-2021
  (p) => `${MONTHS[p.month - 1]!.toLowerCase()} ${p.day} ${p.year}`, //   march 3 2021
  (p) => `${MONTHS[p.month - 1]!.toUpperCase()} ${p.day}, ${p.year}`, //  MARCH 3, 2021
  (p) => isoDate(p), //                                                   2021-03-03
];

/** A uniformly random valid date in [minYear, maxYear], spelled in a random format. */
export function dateExample(rng: Rng, minYear: number, maxYear: number): { text: string; iso: string; parts: DateParts } {
  const year = rng.randint(minYear, maxYear + 1);
  const month = rng.randint(1, 13);
  const day = rng.randint(1, daysInMonth(year, month) + 1);
  const parts = { year, month, day };
  const format = DATE_FORMATS[rng.randint(0, DATE_FORMATS.length)]!;
  return { text: format(parts), iso: isoDate(parts), parts };
}
