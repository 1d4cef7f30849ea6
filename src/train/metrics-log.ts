/**
 * Reading a run's metrics log (`metrics.jsonl`: one JSON object per line, appended as the run
 * goes). Every line is checked, and the fields the training curves read are checked by record
 * type, so a broken log is one GlimpseError naming the file and the line. Browser-safe.
 */
import { GlimpseError } from '../util/errors.js';
import { jsonError } from '../util/text.js';

type Fields = Record<string, (v: unknown) => boolean>;

const int = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const numOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
const numbers = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(numOrNull);

/** What each record type must hold (the fields `curvesFromLog` reads); other types need only `type`. */
const RECORD_FIELDS: Record<string, Fields> = {
  step: { step: int, epoch: int, batch: int, batches: (v) => int(v) && (v as number) > 0, loss: numOrNull },
  eval: { step: int, epoch: int, trainLoss: numOrNull, metrics: numbers },
};

const EXPECTED: Record<string, string> = {
  step: 'integers step, epoch, batch, batches (≥ 1) and a number loss',
  eval: 'integers step, epoch, a number (or null) trainLoss and metrics mapping names to numbers',
};

/**
 * The records of a metrics log's text; `where` (the file) names it in errors, with the line.
 * A last line without its newline that is not JSON is skipped: the run was stopped while
 * writing it, and the lines before it stand.
 *
 * @example
 * const records = parseMetricsLog(readFileSync('runs/x/metrics.jsonl', 'utf8'), 'runs/x/metrics.jsonl');
 */
export function parseMetricsLog(text: string, where: string): Record<string, unknown>[] {
  const lines = text.split('\n');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const at = `${where}:${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      if (i === lines.length - 1) break; // an interrupted last write
      throw new GlimpseError(`${at}: not valid JSON (${jsonError(e)}); expected one JSON object per line`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new GlimpseError(`${at}: expected a JSON object, got ${Array.isArray(record) ? 'an array' : JSON.stringify(record)?.slice(0, 40)}`);
    }
    const r = record as Record<string, unknown>;
    const type = Object.hasOwn(r, 'type') ? r.type : undefined;
    if (typeof type !== 'string') throw new GlimpseError(`${at}: the record has no "type" string`);
    const fields = Object.hasOwn(RECORD_FIELDS, type) ? RECORD_FIELDS[type]! : null;
    if (fields) {
      const bad = Object.entries(fields).find(([k, ok]) => !Object.hasOwn(r, k) || !ok(r[k]));
      if (bad) throw new GlimpseError(`${at}: a "${type}" record must have ${EXPECTED[type]}; its "${bad[0]}" is ${JSON.stringify(r[bad[0]])?.slice(0, 40) ?? 'missing'}`);
    }
    out.push(r);
  }
  return out;
}
