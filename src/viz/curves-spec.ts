/**
 * Training curves as a Vega-Lite spec: two panels side by side — loss per epoch (train and
 * valid, plus per-step train loss when given) and the validation metric per epoch with its best
 * epoch marked. Pure data in, spec out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { check } from '../util/errors.js';
import { emptyPicture } from './heatmap-spec.js';
import { SERIES_COLORS, baseConfig } from './theme.js';

/** One epoch of a training run, as the training loop records it. Missing values are skipped. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch. */
  trainLoss?: number | null;
  /** Loss on the validation set after the epoch. */
  validLoss?: number | null;
  /** Free-running validation loss (the decoder fed its own predictions), where the task reports it. */
  validLossFree?: number | null;
  /** The validation metric after the epoch (perplexity, accuracy, BLEU, …). */
  validMetric?: number | null;
  /** Name of `validMetric`, e.g. `'perplexity'`, `'accuracy'`, `'BLEU'`. */
  metricName?: string;
}

/** One optimiser step's training loss. */
export interface StepRecord {
  step: number;
  loss: number;
  /** Fractional epoch of this step (epoch e spans (e − 1, e]); derived from `step` when absent. */
  epoch?: number;
}

/** How the training curves look and what they include. */
export interface TrainingCurvesOptions {
  /** Picture title. Default `'Training curves'`. */
  title?: string;
  subtitle?: string;
  /** Name of the metric; default: the records' `metricName`, else `'metric'`. */
  metricName?: string;
  /** Whether a larger metric is better; default: false for perplexity/loss/error names, else true. */
  higherIsBetter?: boolean;
  /** Logged training losses (one every few steps), drawn as a thin line under the per-evaluation ones. */
  steps?: readonly StepRecord[];
  /** How many steps apart the `steps` records are, for their legend ("train (every 50 steps)"). Default 1. */
  stepInterval?: number;
  /** Steps per epoch, to place steps without `epoch`; default: last step ÷ last epoch. */
  stepsPerEpoch?: number;
  /** Width and height of each panel in px. Default 380 × 250. */
  panelWidth?: number;
  panelHeight?: number;
}

const OP = 'trainingCurves';
const MAX_STEP_POINTS = 800;

type Point = { x: number; y: number; series: string };

/** The loss panel's series of the free-running validation loss (exposure bias: its gap to 'valid'). */
const FREE = 'valid, free-running';
type Panel = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];
type LayerPanel = Extract<Panel, { layer: unknown }>;
type Layer = LayerPanel['layer'][number];

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Builds the Vega-Lite spec of the training curves. Values that are missing, NaN or infinite are
 * left out (a diverged epoch leaves a gap rather than squashing the axis).
 *
 * @example
 * const spec = trainingCurvesSpec([
 *   { epoch: 1, trainLoss: 2.1, validLoss: 1.9, validMetric: 6.7, metricName: 'perplexity' },
 *   { epoch: 2, trainLoss: 1.6, validLoss: 1.7, validMetric: 5.5, metricName: 'perplexity' },
 * ]);
 */
export function trainingCurvesSpec(history: readonly EpochRecord[], opts: TrainingCurvesOptions = {}): TopLevelSpec {
  check(Array.isArray(history), () => `${OP}: history must be an array of {epoch, trainLoss, validLoss, validMetric}, got ${typeof history}`);
  history.forEach((r, i) => {
    check(r !== null && typeof r === 'object' && finite(r.epoch), () => `${OP}: history[${i}].epoch must be a finite number, got ${String(r?.epoch)}`);
  });
  const title = opts.title ?? 'Training curves';
  const titleSpec = opts.subtitle === undefined ? { text: title } : { text: title, subtitle: opts.subtitle };
  const metricName = opts.metricName ?? history.find((r) => r.metricName)?.metricName ?? 'metric';
  const higherIsBetter = opts.higherIsBetter ?? !/perplexity|ppl|loss|error|wer|cer/i.test(metricName);

  const epochs = [...history].sort((a, b) => a.epoch - b.epoch);
  const lossPoints: Point[] = [];
  for (const r of epochs) {
    if (finite(r.trainLoss)) lossPoints.push({ x: r.epoch, y: r.trainLoss, series: 'train' });
    if (finite(r.validLoss)) lossPoints.push({ x: r.epoch, y: r.validLoss, series: 'valid' });
    if (finite(r.validLossFree)) lossPoints.push({ x: r.epoch, y: r.validLossFree, series: FREE });
  }
  const { points: stepPoints, xTitle } = placeSteps(opts, epochs);
  const metricPoints = epochs.filter((r) => finite(r.validMetric)).map((r) => ({ x: r.epoch, y: r.validMetric as number }));
  if (lossPoints.length + stepPoints.length + metricPoints.length === 0) return emptyPicture(titleSpec, 'no training history yet');

  const xs = [...lossPoints, ...stepPoints, ...metricPoints].map((p) => p.x);
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  if (xMin === xMax) [xMin, xMax] = [xMin - 0.5, xMax + 0.5];
  const x: XEncoding = {
    field: 'x', type: 'quantitative', title: xTitle,
    scale: { domain: [xMin, xMax], nice: false, padding: 10 },
    axis: { tickMinStep: 1, format: 'd', grid: false },
  };
  const width = opts.panelWidth ?? 380;
  const height = opts.panelHeight ?? 250;
  check(finite(width) && width >= 80 && finite(height) && height >= 60, () => `${OP}: panel size must be at least 80 × 60 px, got ${width} × ${height}`);

  const panels: Panel[] = [];
  if (lossPoints.length + stepPoints.length > 0) panels.push(lossPanel(lossPoints, stepPoints, stepSeries(opts), x, width, height));
  if (metricPoints.length > 0) panels.push(metricPanel(metricPoints, metricName, higherIsBetter, x, width, height));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleSpec,
    hconcat: panels,
    spacing: 48,
    resolve: { scale: { color: 'independent', y: 'independent' } },
    // The legend sits inside the loss panel's top-right corner, where falling loss curves leave
    // room; outside, it would push that panel's plot below the metric panel's.
    config: {
      ...baseConfig(),
      legend: {
        ...baseConfig().legend, orient: 'top-right', title: null, symbolStrokeWidth: 2.5, symbolType: 'stroke',
        fillColor: 'rgba(255,255,255,0.9)', strokeColor: '#dddddd', padding: 6, offset: 8, cornerRadius: 3,
      },
    },
  };
}

interface XEncoding {
  field: 'x';
  type: 'quantitative';
  title: string;
  scale: { domain: number[]; nice: false; padding: number };
  axis: { tickMinStep: number; format: string; grid: boolean };
}

function placeSteps(opts: TrainingCurvesOptions, epochs: readonly EpochRecord[]): { points: Point[]; xTitle: string } {
  const steps = opts.steps ?? [];
  check(Array.isArray(steps), () => `${OP}: steps must be an array of {step, loss}`);
  steps.forEach((s, i) => check(s !== null && typeof s === 'object' && finite(s.step), () => `${OP}: steps[${i}].step must be a finite number, got ${String(s?.step)}`));
  const valid = steps.filter((s) => finite(s.loss));
  if (valid.length === 0) return { points: [], xTitle: 'epoch' };
  const lastEpoch = epochs.length > 0 ? epochs[epochs.length - 1]!.epoch : undefined;
  const lastStep = Math.max(...valid.map((s) => s.step));
  let perEpoch = opts.stepsPerEpoch;
  if (perEpoch !== undefined) check(finite(perEpoch) && perEpoch > 0, () => `${OP}: stepsPerEpoch must be positive, got ${perEpoch}`);
  else if (lastEpoch !== undefined && lastEpoch > 0 && lastStep > 0) perEpoch = lastStep / lastEpoch;
  const allHaveEpoch = valid.every((s) => finite(s.epoch));
  // With no epochs to relate the steps to, the x axis counts steps instead.
  const xTitle = allHaveEpoch || perEpoch !== undefined ? 'epoch' : 'step';
  const raw = valid.map((s) => ({
    x: finite(s.epoch) ? s.epoch : perEpoch !== undefined ? s.step / perEpoch : s.step,
    y: s.loss,
  })).sort((a, b) => a.x - b.x);
  return { points: bucketMeans(raw, MAX_STEP_POINTS).map((p) => ({ ...p, series: stepSeries(opts) })), xTitle };
}

/** The legend of the logged training losses. */
function stepSeries(opts: TrainingCurvesOptions): string {
  const every = opts.stepInterval ?? 1;
  return every > 1 ? `train (every ${every} steps)` : 'train (every step)';
}

/** At most `max` points: consecutive buckets averaged, so long runs stay light but keep their shape. */
function bucketMeans(points: readonly { x: number; y: number }[], max: number): { x: number; y: number }[] {
  if (points.length <= max) return [...points];
  const out: { x: number; y: number }[] = [];
  const size = points.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * size);
    const to = Math.floor((b + 1) * size);
    let sx = 0;
    let sy = 0;
    for (let i = from; i < to; i++) {
      sx += points[i]!.x;
      sy += points[i]!.y;
    }
    out.push({ x: sx / (to - from), y: sy / (to - from) });
  }
  return out;
}

// padding (px) keeps the outermost points and the best-value ring inside the plot, so nothing
// pokes above it: Vega places a panel title above everything the panel draws, and the two
// panels' titles only line up when both start at the plot's top edge.
type YScale = { type: 'log'; nice: false; padding: number } | { zero: false; nice: true; padding: number; domain?: [number, number] };

/**
 * Log scale when positive values span more than `ratio`×, e.g. perplexity falling from 5000 to
 * 50; a small band around a single value, which would otherwise get an empty axis.
 */
function yScaleFor(values: readonly number[], ratio = 30): YScale {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return { zero: false, nice: true, padding: 12, domain: [lo - pad, hi + pad] };
  }
  return lo > 0 && hi / lo > ratio ? { type: 'log', nice: false, padding: 12 } : { zero: false, nice: true, padding: 12 };
}

/** Four significant digits without trailing zeros: 1.77, 33.94, 1234. */
function short(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
}

/** What the loss panel's subtitle says: the latest values. */
function lastLosses(lossPoints: readonly Point[], stepPoints: readonly Point[]): string {
  const last = (series: string): Point | undefined => lossPoints.filter((p) => p.series === series).at(-1);
  const parts: string[] = [];
  const train = last('train');
  const valid = last('valid');
  if (train) parts.push(`train ${short(train.y)}`);
  if (valid) parts.push(`valid ${short(valid.y)}`);
  const free = last(FREE);
  if (free) parts.push(`free-running ${short(free.y)}`);
  if (parts.length > 0) return `last evaluation: ${parts.join(' · ')}`;
  return `last step: ${short(stepPoints[stepPoints.length - 1]!.y)}`;
}

function lossPanel(lossPoints: Point[], stepPoints: Point[], stepName: string, x: XEncoding, width: number, height: number): LayerPanel {
  const seriesOrder = [stepName, 'train', 'valid', FREE].filter((s) => [...stepPoints, ...lossPoints].some((p) => p.series === s));
  const colorOf: Record<string, string> = { [stepName]: SERIES_COLORS.trainSteps, train: SERIES_COLORS.train, valid: SERIES_COLORS.valid, [FREE]: SERIES_COLORS.validFree };
  const color = { field: 'series', type: 'nominal' as const, scale: { domain: seriesOrder, range: seriesOrder.map((s) => colorOf[s]) } };
  const y = {
    field: 'y', type: 'quantitative' as const, title: 'loss', scale: yScaleFor([...lossPoints, ...stepPoints].map((p) => p.y)),
    axis: { labelFlush: true },
  };
  const layer: Layer[] = [];
  if (stepPoints.length > 0) {
    layer.push({ data: { values: stepPoints }, mark: { type: 'line', strokeWidth: 1, opacity: 0.9 }, encoding: { x, y, color } });
  }
  if (lossPoints.length > 0) {
    layer.push({
      data: { values: lossPoints },
      mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 36 } },
      encoding: { x, y, color, tooltip: [{ field: 'series' }, { field: 'x', title: 'epoch' }, { field: 'y', title: 'loss', format: '.4f' }] },
    });
  }
  return { title: { text: 'Loss', subtitle: lastLosses(lossPoints, stepPoints), frame: 'group' }, width, height, layer };
}

function metricPanel(points: { x: number; y: number }[], metricName: string, higherIsBetter: boolean, x: XEncoding, width: number, height: number): LayerPanel {
  const values = points.map((p) => p.y);
  const percent = /acc|exact|match/i.test(metricName) && values.every((v) => v >= 0 && v <= 1);
  const best = points.reduce((b, p) => ((higherIsBetter ? p.y > b.y : p.y < b.y) ? p : b));
  const shown = percent ? `${(best.y * 100).toFixed(1)}%` : short(best.y);
  // Evaluations every N steps sit at fractional epochs: two decimals say where.
  const note = `best ${shown} (epoch ${Number.isInteger(best.x) ? best.x : best.x.toFixed(2)})`;
  const y = {
    field: 'y', type: 'quantitative' as const, title: metricName, scale: yScaleFor(values),
    axis: percent ? { format: '.0%', labelFlush: true } : { labelFlush: true },
  };
  // The best value is ringed on the curve and spelled out in the subtitle, where it can never
  // cover the curve.
  return {
    title: { text: `Validation ${metricName}`, subtitle: note, frame: 'group' },
    width, height,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 2.5, color: SERIES_COLORS.metric, point: { filled: true, size: 36, color: SERIES_COLORS.metric } },
        encoding: { x, y, tooltip: [{ field: 'x', title: 'epoch' }, { field: 'y', title: metricName, format: '.4f' }] },
      },
      {
        data: { values: [{ ...best, note }] },
        mark: { type: 'point', size: 170, strokeWidth: 2, color: '#222222', filled: false },
        encoding: { x, y, tooltip: { field: 'note' } },
      },
    ],
  };
}
