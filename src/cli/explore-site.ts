/**
 * A static site that holds a run: the built web page (dist/web, made by `npm run build`) with
 * the run's config, vocabularies and weights under `run/`, and a note in index.html that makes
 * the page open on that run. `glimpse explore` writes it to a folder or serves it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlimpseError, type io, type nn, train } from '../index.js';
import { type RunFileOut, type RunFolder, derivedRunFiles } from '../node.js';

/** Where the run's files go inside the site, and the id of the note that points the page at them. */
export const SITE_RUN_FOLDER = 'run';
export const SITE_RUN_NOTE_ID = 'glimpse-site-run';

/** What the page reads from the note in index.html (web/src/site-run.ts reads the same shape). */
export interface SiteRunNote {
  folder: string;
  name: string;
  files: string[];
}

/** The largest magnitude IEEE half holds; a weight beyond it would become ±∞ in f16. */
const HALF_MAX = 65504;

/**
 * `f16` when every float weight fits an IEEE half (finite, |w| ≤ 65504), else `f32`: the site
 * then downloads half the bytes, and a model whose weights would overflow keeps them exact.
 */
export function siteDtype(weights: nn.StateDict): io.WeightDtype {
  for (const t of Object.values(weights)) {
    if (t.dtype !== 'float32') continue;
    for (const x of t.data) if (!(Math.abs(x) <= HALF_MAX)) return 'f32';
  }
  return 'f16';
}

/** The built page: dist/web beside dist/cli (this file is dist/cli/explore-site.js once built). */
export function pageDir(): string {
  return fileURLToPath(new URL('../web/', import.meta.url));
}

/** Every file of the built page, by its path inside the site ('/'-separated). */
function pageFiles(dir: string): RunFileOut[] {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new GlimpseError(`the web page is not built (${join(dir, 'index.html')} is missing): run npm run build in glimpse's folder`);
  }
  const out: RunFileOut[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push({ name: relative(dir, full).split('\\').join('/'), bytes: readFileSync(full) });
    }
  };
  walk(dir);
  return out;
}

/** index.html with the note that makes the page open on the run (inert JSON before </head>). */
export function withRunNote(html: string, note: SiteRunNote): string {
  // "<" escaped so no run name can close the script element.
  const json = JSON.stringify(note).replace(/</g, '\\u003c');
  const tag = `<script type="application/json" id="${SITE_RUN_NOTE_ID}">${json}</script>\n`;
  if (!html.includes('</head>')) throw new GlimpseError('the built index.html has no </head>: rebuild the page with npm run build');
  return html.replace('</head>', `${tag}</head>`);
}

/** Headers for hosts that read a `_headers` file (Netlify, Cloudflare Pages): cross-origin isolation, so the page's kernels use every core. */
const HEADERS_FILE = '/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n';

/** Options of {@link siteFiles}. */
export interface SiteOptions {
  /** Float format of the weights; default {@link siteDtype}'s choice. */
  dtype?: io.WeightDtype;
  /** Which checkpoint: best (default when the run has one) or last. */
  weights: 'best' | 'last';
  version: string;
}

/** The site's files and what went into them. */
export interface Site {
  files: RunFileOut[];
  dtype: io.WeightDtype;
  runBytes: number;
}

/**
 * The files of a site that opens on `trained`'s run: the page, `run/` (config, vocabularies,
 * best.safetensors in `dtype`, summary.json when the run has one) and `_headers`.
 *
 * @example const site = siteFiles(loadTrainedModel('runs/rev'), { weights: 'best', version: '0.1.0' });
 */
export function siteFiles(trained: { run: RunFolder; model: nn.Module }, options: SiteOptions): Site {
  const weights = trained.model.stateDict();
  const dtype = options.dtype ?? siteDtype(weights);
  const runFiles = derivedRunFiles(trained.run, weights, trained.run.path(train.RUN_FILES[options.weights]), {
    dtype, metadata: { exported_from: trained.run.dir, weights: options.weights, glimpse: options.version },
  });
  if (trained.run.has(train.RUN_FILES.summary)) {
    runFiles.push({ name: train.RUN_FILES.summary, bytes: readFileSync(trained.run.path(train.RUN_FILES.summary), 'utf8') });
  }
  const note: SiteRunNote = { folder: SITE_RUN_FOLDER, name: runNameOf(trained.run.dir), files: runFiles.map((f) => f.name) };
  const page = pageFiles(pageDir()).map((f) => (f.name === 'index.html' ? { name: f.name, bytes: withRunNote(Buffer.from(f.bytes).toString('utf8'), note) } : f));
  const files = [
    ...page,
    ...runFiles.map((f) => ({ name: `${SITE_RUN_FOLDER}/${f.name}`, bytes: f.bytes })),
    { name: '_headers', bytes: HEADERS_FILE },
  ];
  return { files, dtype, runBytes: runFiles.reduce((n, f) => n + Buffer.byteLength(f.bytes), 0) };
}

/** A run's display name: its folder's last part ("pretrained/reverse" → "reverse"). */
function runNameOf(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? 'run';
}
