import type { Command } from 'commander';
import { GlimpseError, data } from '../../index.js';
import { download, importFrom } from '../../node.js';
import { runAction } from '../errors.js';
import { Progress } from '../progress.js';

interface GetFlags {
  dir?: string;
  from?: string;
}

export function registerData(program: Command): void {
  const group = program.command('data').description('Get the corpora the examples train on.');
  const names = Object.keys(data.DATASETS);
  group
    .command('get')
    .description(`Download a corpus (${names.join(', ')}) into the cache, verify its checksums and print where it is.`)
    .argument('<name>', `dataset: ${names.join(' or ')}`)
    .option('--dir <dir>', 'cache folder (default: $GLIMPSE_DATA_DIR or ~/.cache/glimpse/data)')
    .option('--from <path>', 'import local copies from this folder instead of downloading (checksums still verified)')
    .action(async (name: string, flags: GetFlags, cmd: Command) => {
      await runAction('data get', cmd.optsWithGlobals().verbose, async () => {
        if (!names.includes(name)) throw new GlimpseError(`unknown dataset "${name}": expected one of ${names.join(', ')}`);
        const options = flags.dir ? { dir: flags.dir } : {};
        let location;
        if (flags.from) location = importFrom(name, flags.from, options);
        else {
          // One bar per file, restarted as each file begins.
          let progress: Progress | null = null;
          let current = -1;
          location = await download(name, {
            ...options,
            onProgress: (p) => {
              if (p.fileIndex !== current) {
                progress?.stop();
                current = p.fileIndex;
                progress = new Progress(`${name} ${p.fileIndex + 1}/${p.fileCount} ${p.file}`);
                progress.start(p.total ?? 0);
              }
              if (p.total) progress!.update(Math.min(p.received, p.total));
            },
          });
          (progress as Progress | null)?.stop();
        }
        process.stdout.write(`${name}: ${location.dir}\n`);
        for (const f of Object.keys(location.files)) process.stdout.write(`  ${f}\n`);
      });
    });
}
