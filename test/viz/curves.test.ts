import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { trainingCurvesSpec, trainingCurvesSvg, type EpochRecord } from '../../src/viz/index.js';
import { dejavuTextWidth, trainingCurvesPng } from '../../src/viz/node.js';
import { svgTexts } from './svg-cells.js';

const history: EpochRecord[] = [1, 2, 3, 4, 5].map((epoch) => ({
  epoch,
  trainLoss: 3 / epoch,
  validLoss: 3.2 / epoch + 0.1,
  validMetric: Math.exp(3.2 / epoch + 0.1),
  metricName: 'perplexity',
}));

type Layer = { data?: { values: Record<string, unknown>[] }; layer?: Layer[]; encoding?: { y?: { scale?: { type?: string } } } };
type Spec = { hconcat: { title: { text: string }; layer: Layer[] }[] };

/** Every data row of a panel, nested layers included. */
function rows(layers: Layer[]): Record<string, unknown>[] {
  return layers.flatMap((l) => [...(l.data?.values ?? []), ...rows(l.layer ?? [])]);
}

describe('trainingCurvesSpec', () => {
  it('has a loss panel (train, valid) and a metric panel that marks the best epoch', () => {
    const spec = trainingCurvesSpec(history) as unknown as Spec;
    expect(spec.hconcat.map((p) => p.title.text)).toEqual(['Loss', 'Validation perplexity']);
    const loss = rows(spec.hconcat[0]!.layer);
    expect(loss.filter((r) => r.series === 'train').map((r) => r.y)).toEqual(history.map((r) => r.trainLoss));
    expect(loss.filter((r) => r.series === 'valid')).toHaveLength(5);
    const best = rows(spec.hconcat[1]!.layer).find((r) => typeof r.note === 'string');
    // Perplexity: lower is better, so the best epoch is the last one.
    expect(best).toMatchObject({ x: 5, note: expect.stringMatching(/^best .* \(epoch 5\)$/) });
  });

  it('takes the best metric as the maximum for accuracy-like names, and the minimum when told', () => {
    const acc = history.map((r, i) => ({ ...r, validMetric: [0.2, 0.9, 0.7, 0.6, 0.5][i]!, metricName: 'accuracy' }));
    const bestOf = (s: Spec): unknown => rows(s.hconcat[1]!.layer).find((r) => typeof r.note === 'string');
    expect(bestOf(trainingCurvesSpec(acc) as unknown as Spec)).toMatchObject({ x: 2, note: 'best 90.0% (epoch 2)' });
    expect(bestOf(trainingCurvesSpec(acc, { higherIsBetter: false }) as unknown as Spec)).toMatchObject({ x: 1 });
    // Evaluations every N steps fall at fractional epochs, written with two decimals.
    const fractional = acc.map((r) => ({ ...r, epoch: r.epoch + 1 / 3 }));
    expect(bestOf(trainingCurvesSpec(fractional) as unknown as Spec)).toMatchObject({ note: 'best 90.0% (epoch 2.33)' });
  });

  it('places per-step losses on the epoch axis and leaves out missing or infinite values', () => {
    const steps = Array.from({ length: 50 }, (_, k) => ({ step: k + 1, loss: 3 - k / 25 }));
    const spec = trainingCurvesSpec(
      [{ epoch: 1, trainLoss: 2.5, validLoss: NaN }, { epoch: 2, trainLoss: Infinity, validLoss: 1.9 }],
      { steps },
    ) as unknown as Spec;
    const loss = rows(spec.hconcat[0]!.layer);
    const perStep = loss.filter((r) => r.series === 'train (every step)');
    expect(perStep).toHaveLength(50);
    expect(perStep[24]).toMatchObject({ x: 1 }); // step 25 of 50 over 2 epochs ends epoch 1
    expect(loss.filter((r) => r.series === 'train').map((r) => r.x)).toEqual([1]);
    expect(loss.filter((r) => r.series === 'valid').map((r) => r.x)).toEqual([2]);
    expect(spec.hconcat).toHaveLength(1); // no metric recorded, no metric panel
  });

  it('averages very long step series down to a light line', () => {
    const steps = Array.from({ length: 10_000 }, (_, k) => ({ step: k + 1, loss: 1 }));
    const spec = trainingCurvesSpec([{ epoch: 10, trainLoss: 1 }], { steps }) as unknown as Spec;
    const perStep = rows(spec.hconcat[0]!.layer).filter((r) => r.series === 'train (every step)');
    expect(perStep.length).toBeLessThanOrEqual(800);
    expect(perStep.every((r) => r.y === 1)).toBe(true);
  });

  it('switches perplexity to a log axis when it spans orders of magnitude', () => {
    const wide = history.map((r, i) => ({ ...r, validMetric: [5000, 400, 90, 60, 50][i]! }));
    const spec = trainingCurvesSpec(wide) as unknown as Spec;
    expect(spec.hconcat[1]!.layer[0]!.encoding!.y!.scale!.type).toBe('log');
  });

  it('rejects records without a numeric epoch', () => {
    expect(() => trainingCurvesSpec([{ epoch: 'one' as never }])).toThrow(/history\[0\]\.epoch must be a finite number/);
    expect(() => trainingCurvesSpec({} as never)).toThrow(/history must be an array/);
  });
});

describe('the free-running validation loss', () => {
  it('is a third series of the loss panel, named in its subtitle', () => {
    const withFree = history.map((r) => ({ ...r, validLossFree: (r.validLoss as number) + 0.5 }));
    const spec = trainingCurvesSpec(withFree) as unknown as Spec & { hconcat: { title: { subtitle?: string } }[] };
    const loss = rows(spec.hconcat[0]!.layer);
    expect(loss.filter((r) => r.series === 'valid, free-running').map((r) => r.y)).toEqual(withFree.map((r) => r.validLossFree));
    expect(spec.hconcat[0]!.title.subtitle).toMatch(/valid \S+ · free-running \S+$/);
    expect(rows((trainingCurvesSpec(history) as unknown as Spec).hconcat[0]!.layer).some((r) => r.series === 'valid, free-running')).toBe(false);
  });
});

describe('training curves picture', () => {
  it('SVG has the title, panel titles, axes, legend and best-epoch note', async () => {
    const svg = await trainingCurvesSvg(history, { title: 'Shakespeare LM', textWidth: dejavuTextWidth });
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(['Shakespeare LM', 'Loss', 'Validation perplexity', 'epoch', 'loss', 'perplexity', 'train', 'valid']));
    expect(texts.some((t) => /^best .* \(epoch 5\)$/.test(t))).toBe(true);
    for (const tick of ['1', '2', '3', '4', '5']) expect(texts).toContain(tick);
  });

  it('PNG decodes at the requested scale', async () => {
    const one = decode(await trainingCurvesPng(history, { scale: 1 }));
    const two = decode(await trainingCurvesPng(history, { scale: 2 }));
    expect(one.width).toBeGreaterThan(700);
    expect([two.width, two.height]).toEqual([one.width * 2, one.height * 2]);
  });

  it('draws an empty history as a titled note', async () => {
    const svg = await trainingCurvesSvg([], { title: 'run 7' });
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['run 7', 'no training history yet']));
  });
});
