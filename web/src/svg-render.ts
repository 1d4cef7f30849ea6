/**
 * The page's heatmaps rendered to SVG markup in a worker of their own (svg-render.worker.ts),
 * so that drawing never blocks the main thread; one worker for the whole page, started on the
 * first picture. Where a worker cannot start, the picture is rendered here instead.
 */
import { viz } from 'glimpse';

export interface SvgRenderRequest {
  id: number;
  input: viz.AttentionHeatmapInput;
}
export type SvgRenderReply = { id: number; markup: string } | { id: number; error: string };

let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, { ok: (markup: string) => void; fail: (e: Error) => void }>();

function start(): Worker | null {
  try {
    const w = new Worker(new URL('./svg-render.worker.ts', import.meta.url), { type: 'module', name: 'glimpse-svg' });
    w.addEventListener('message', (event: MessageEvent) => {
      const reply = event.data as SvgRenderReply;
      const wait = waiting.get(reply.id);
      if (!wait) return;
      waiting.delete(reply.id);
      if ('markup' in reply) wait.ok(reply.markup);
      else wait.fail(new Error(reply.error));
    });
    return w;
  } catch {
    return null;
  }
}

/** `viz.attentionHeatmapSvg(input)`, rendered in the page's drawing worker. */
export function attentionHeatmapSvg(input: viz.AttentionHeatmapInput): Promise<string> {
  if (worker === undefined) worker = start();
  if (!worker) return viz.attentionHeatmapSvg(input);
  const id = nextId++;
  const w = worker;
  return new Promise((ok, fail) => {
    waiting.set(id, { ok, fail });
    w.postMessage({ id, input } satisfies SvgRenderRequest);
  });
}
