/**
 * The packages that turn pictures into PNG files in Node — resvg (a prebuilt native
 * rasteriser), fontkit and the DejaVu font files — are optional dependencies: a plain
 * `npm install` installs them, but a web page's bundle never needs them and an install with
 * `--omit=optional` leaves them out. They are loaded on first use, and asking for a PNG without
 * them is one clear line naming what is missing.
 */
import { createRequire } from 'node:module';
import type * as ResvgJs from '@resvg/resvg-js';
import type * as Fontkit from 'fontkit';
import { GlimpseError } from '../util/errors.js';

const require = createRequire(import.meta.url);

/** The optional packages PNG output needs. */
export const PNG_PACKAGES = ['@resvg/resvg-js', 'fontkit', 'dejavu-fonts-ttf'] as const;

/** What drawing a PNG uses from them. */
export interface PngSupport {
  Resvg: typeof ResvgJs.Resvg;
  fontkit: typeof Fontkit;
  /** Paths of the regular and bold DejaVu Sans files. */
  fonts: { regular: string; bold: string };
}

let loaded: PngSupport | null = null;

/** The PNG packages, loaded once; a GlimpseError listing every missing one and how to install them. */
export function pngSupport(): PngSupport {
  if (loaded) return loaded;
  const missing: string[] = [];
  const attempt = <T>(name: string, load: () => T): T | null => {
    try {
      return load();
    } catch {
      missing.push(name);
      return null;
    }
  };
  const resvg = attempt('@resvg/resvg-js', () => require('@resvg/resvg-js') as typeof ResvgJs);
  const fontkit = attempt('fontkit', () => require('fontkit') as typeof Fontkit);
  const fonts = attempt('dejavu-fonts-ttf', () => ({
    regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  }));
  if (!resvg || !fontkit || !fonts) {
    const which = missing.length === 1 ? `the optional package ${missing[0]}, which is` : `the optional packages ${missing.join(', ')}, which are`;
    throw new GlimpseError(`writing PNG pictures needs ${which} not installed (npm install ${PNG_PACKAGES.join(' ')}; a plain npm install adds them unless optional dependencies are omitted)`);
  }
  loaded = { Resvg: resvg.Resvg, fontkit, fonts };
  return loaded;
}
