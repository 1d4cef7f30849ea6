/**
 * `npx tsx tools/w3b-chart.ts REPORT.json OUT.png [exact|token]`: the W3b bottleneck study of a
 * benchmark report (`npm run bench -- w3b --json REPORT.json`) as a grouped bar chart: test
 * exact match (default) or token accuracy per source-length bucket, with and without attention
 * (PyTorch's bars too when recorded).
 */
import { readFileSync } from 'node:fs';
import { writeGroupedBarsPng } from '../src/viz/node.js';

const [reportPath, out, metric = 'exact'] = process.argv.slice(2);
if (!reportPath || !out || (metric !== 'exact' && metric !== 'token')) {
  console.error('usage: npx tsx tools/w3b-chart.ts REPORT.json OUT.png [exact|token]');
  process.exit(2);
}
interface Row { id: string; glimpse: number; pytorch: number | null }
const rows = (JSON.parse(readFileSync(reportPath, 'utf8')) as { results: Row[] }).results;
const buckets = ['10-19', '20-29', '30-39', '40-49', '50-60'];
const pick = (model: string, side: 'glimpse' | 'pytorch') => buckets.map((b) => rows.find((r) => r.id === `w3b.${model}.${metric}.${b}`)?.[side] ?? null);
const series = [
  { name: 'glimpse, attention', values: pick('attn', 'glimpse') },
  { name: 'glimpse, no attention', values: pick('noattn', 'glimpse') },
];
if (pick('attn', 'pytorch').some((v) => v !== null)) {
  series.push({ name: 'PyTorch, attention', values: pick('attn', 'pytorch') }, { name: 'PyTorch, no attention', values: pick('noattn', 'pytorch') });
}
await writeGroupedBarsPng(out, {
  groups: buckets.map((b) => b.replace('-', '–')), series, percent: true,
  title: `Reversal: ${metric === 'exact' ? 'exact match' : 'token accuracy'} by length, with and without attention`,
  subtitle: 'PROTOCOL W3b: equal parameters, 3,000 steps; 1,000 test strings',
  xTitle: 'source length (letters)', yTitle: metric === 'exact' ? 'test exact match' : 'test token accuracy',
});
console.log(out);
