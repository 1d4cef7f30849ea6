import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { onnx, type train } from '../../index.js';
import { loadTrainedModel, writeFileAtomic } from '../../node.js';
import { runAction } from '../errors.js';
import { oneOf } from '../parse.js';
import { VERSION } from '../version.js';

/** The export formats, one row each: what they write for a trained model. */
const FORMATS = {
  onnx: {
    summary: 'ONNX graphs (opset 17) for ONNX Runtime and a glimpse-onnx.json manifest (vocabularies, special tokens, step interface)',
    files: (t: train.TrainedModel) => onnx.exportOnnx(t, VERSION),
  },
} satisfies Record<string, { summary: string; files: (t: train.TrainedModel) => onnx.ExportedFile[] }>;
type ExportFormat = keyof typeof FORMATS;
const FORMAT_NAMES = Object.keys(FORMATS) as ExportFormat[];

interface ExportFlags {
  run: string;
  format: ExportFormat;
  out: string;
  weights?: 'best' | 'last';
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Export a trained run for other engines: --format onnx writes ONNX graphs that ONNX Runtime runs (see docs/onnx.md).')
    .requiredOption('--run <dir>', 'run folder to export')
    .requiredOption('--format <name>', FORMAT_NAMES.map((f) => `${f}: ${FORMATS[f].summary}`).join('; '), oneOf(FORMAT_NAMES))
    .requiredOption('--out <dir>', 'output folder (created if missing; files of the same names are replaced)')
    .option('--weights <which>', 'best or last checkpoint (default: best when the run has one)', oneOf(['best', 'last'] as const))
    .action(async (flags: ExportFlags, cmd: Command) => {
      await runAction('export', cmd.optsWithGlobals().verbose, async () => {
        const trained = loadTrainedModel(flags.run, flags.weights);
        const files = FORMATS[flags.format].files(trained);
        mkdirSync(flags.out, { recursive: true });
        for (const f of files) writeFileAtomic(join(flags.out, f.name), f.bytes);
        const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
        console.log(`wrote ${files.map((f) => f.name).join(', ')} to ${flags.out} (${(bytes / 1024).toFixed(1)} KiB)`);
      });
    });
}
