import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { io, onnx, train } from '../../index.js';
import { type RunFolder, defaultWeights, derivedRunFiles, exportPytorch, loadTrainedModel, writeFileAtomic } from '../../node.js';
import { UsageError, runAction } from '../errors.js';
import { oneOf, runDir } from '../parse.js';
import { checkRunOutput, writeRunOutput } from '../run-output.js';
import { VERSION } from '../version.js';

/** What an export format is given: the loaded run and the flags that shape its files. */
interface ExportInput {
  trained: train.TrainedModel & { run: RunFolder };
  weights: 'best' | 'last';
  dtype: io.WeightDtype;
}

/** How an export format writes its files. */
interface ExportRule {
  summary: string;
  /** Why --dtype does not apply, or null when the format reads it. */
  dtype: string | null;
  /** `replace`: files of the same names in --out are replaced; `run`: --out becomes a new run folder (see run-output.ts). */
  output: 'replace' | 'run';
  files(input: ExportInput): { name: string; bytes: Uint8Array | string }[];
}

/** The export formats, one row each: what they write for a trained model. */
const FORMATS = {
  onnx: {
    summary: 'ONNX graphs (opset 17) for ONNX Runtime and a glimpse-onnx.json manifest (vocabularies, special tokens, step interface)',
    dtype: 'the ONNX graphs are written in float32',
    output: 'replace',
    files: ({ trained }) => onnx.exportOnnx(trained, VERSION),
  },
  safetensors: {
    summary: 'a new run folder (config, vocabularies, best.safetensors in --dtype) that eval, translate, generate and the web page use as the run itself',
    dtype: null,
    output: 'run',
    files: ({ trained, weights, dtype }) => derivedRunFiles(trained.run, trained.model.stateDict(), trained.run.path(train.RUN_FILES[weights]), {
      dtype, metadata: { exported_from: trained.run.dir, weights, glimpse: VERSION },
    }),
  },
  pytorch: {
    summary: 'a PyTorch package: the model as a module with glimpse\'s state_dict names, a DistributedDataParallel training script for torchrun, the weights and the run\'s data; glimpse import brings the result back (see docs/scale.md)',
    dtype: 'the package\'s weights are float32, as PyTorch trains them',
    output: 'replace',
    files: ({ trained }) => exportPytorch(trained, VERSION),
  },
} as const satisfies Record<string, ExportRule>;
type ExportFormat = keyof typeof FORMATS;
const FORMAT_NAMES = Object.keys(FORMATS) as ExportFormat[];
const RULES: { readonly [F in ExportFormat]: ExportRule } = FORMATS;

interface ExportFlags {
  run: string;
  format: ExportFormat;
  out: string;
  weights?: 'best' | 'last';
  dtype?: io.WeightDtype;
  force: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Export a trained run: --format onnx writes ONNX graphs that ONNX Runtime runs (see docs/onnx.md); ' +
      '--format safetensors writes a new run folder, with --dtype f16 or bf16 in half the bytes (see docs/weights.md); ' +
      '--format pytorch writes a package to train with PyTorch DDP (see docs/scale.md).')
    .requiredOption('--run <dir>', 'run folder to export, or pretrained:NAME (glimpse pretrained)', runDir)
    .requiredOption('--format <name>', FORMAT_NAMES.map((f) => `${f}: ${FORMATS[f].summary}`).join('; '), oneOf(FORMAT_NAMES))
    .requiredOption('--out <dir>', 'output folder (created if missing); onnx and pytorch replace files of the same names, safetensors refuses them without --force')
    .option('--weights <which>', 'best or last checkpoint (default: best when the run has one)', oneOf(['best', 'last'] as const))
    .option('--dtype <name>', `safetensors: how the weights are stored: ${io.WEIGHT_DTYPE_NAMES.map((d) => `${d}: ${io.WEIGHT_DTYPES[d].summary}`).join('; ')} (default f32)`, oneOf(io.WEIGHT_DTYPE_NAMES))
    .option('--force', 'safetensors: replace the files of an earlier export in --out (never a training run\'s)', false)
    .action(async (flags: ExportFlags, cmd: Command) => {
      await runAction('export', cmd.optsWithGlobals().verbose, async () => {
        const rule = RULES[flags.format];
        if (flags.dtype !== undefined && rule.dtype) throw new UsageError(`--dtype applies to --format safetensors, not ${flags.format}: ${rule.dtype}`);
        const trained = loadTrainedModel(flags.run, flags.weights);
        const files = rule.files({ trained, weights: flags.weights ?? defaultWeights(trained.run), dtype: flags.dtype ?? 'f32' });
        let bytes: number;
        if (rule.output === 'run') {
          checkRunOutput(flags.out, [flags.run], files.map((f) => f.name), flags.force);
          bytes = writeRunOutput(flags.out, files);
        } else {
          mkdirSync(flags.out, { recursive: true });
          for (const f of files) {
            mkdirSync(dirname(join(flags.out, f.name)), { recursive: true });
            writeFileAtomic(join(flags.out, f.name), f.bytes);
          }
          bytes = files.reduce((n, f) => n + Buffer.byteLength(f.bytes), 0);
        }
        console.log(`wrote ${files.map((f) => f.name).join(', ')} to ${flags.out} (${(bytes / 1024).toFixed(1)} KiB)`);
      });
    });
}
