/**
 * `npx tsx tools/viz-examples.ts [OUT_DIR]`: renders the example pictures (synthetic data, for
 * looking at the layout) — a 12×12 reverse-task heatmap, a 60×60 self-attention heatmap, training
 * curves — and prints the terminal heatmap. OUT_DIR defaults to the system temp folder.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansiHeatmap } from '../src/viz/index.js';
import { writeAttentionPng, writeTrainingCurvesPng, type EpochRecord } from '../src/viz/node.js';

const out = process.argv[2] ?? tmpdir();
const letters = 'abcdefghijkl'.split('');
// Reverse task: output t copies input S−1−t, with a little mass on the neighbours.
const reverse = letters.map((_, t) => letters.map((_, s) => {
  const d = Math.abs(s - (letters.length - 1 - t));
  return d === 0 ? 0.86 : d === 1 ? 0.06 : 0.02 / 9;
}));
const reverseInput = { weights: reverse, rowLabels: [...letters].reverse(), colLabels: letters };
await writeAttentionPng(join(out, 'attention-reverse.png'), {
  ...reverseInput, title: 'Reverse task: attention', subtitle: 'synthetic weights, for illustration',
}, { scale: 1 });

const vocab = ['the', 'cat', 'sat', 'on', 'the', 'mat', ',', 'and', 'über', 'Straße', '▁to', '<eos>', 'international'];
const tokens = Array.from({ length: 60 }, (_, i) => vocab[(i * 5) % vocab.length]!);
// Causal self-attention with a recency bias and an attention sink on the first token.
const selfAttention = tokens.map((_, t) => {
  const row = tokens.map((_, s) => (s > t ? 0 : Math.exp(-(t - s) / 3) + (s === 0 ? 0.5 : 0)));
  const z = row.reduce((a, b) => a + b, 0);
  return row.map((v) => v / z);
});
await writeAttentionPng(join(out, 'attention-60.png'), {
  weights: selfAttention, rowLabels: tokens, colLabels: tokens, title: 'Causal self-attention (60 tokens)', xTitle: 'key', yTitle: 'query',
});

const history: EpochRecord[] = Array.from({ length: 12 }, (_, i) => {
  const validLoss = 2.8 * Math.exp(-i / 3.5) + 1.45 + (i > 8 ? (i - 8) * 0.03 : 0);
  return { epoch: i + 1, trainLoss: 3 * Math.exp(-i / 3) + 1.3, validLoss, validMetric: Math.exp(validLoss), metricName: 'perplexity' };
});
const steps = Array.from({ length: 1200 }, (_, k) => ({ step: k + 1, loss: 3 * Math.exp(-k / 300) + 1.3 + 0.15 * Math.sin(k * 1.7) * Math.exp(-k / 900) }));
await writeTrainingCurvesPng(join(out, 'training-curves.png'), history, { title: 'Training curves', subtitle: 'synthetic history, for illustration', steps });

console.log(ansiHeatmap({ ...reverseInput, title: 'reverse task (terminal)' }));
console.log(`wrote attention-reverse.png, attention-60.png, training-curves.png to ${out}`);
