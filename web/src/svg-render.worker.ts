/**
 * Draws heatmaps off the page's main thread: compiling the Vega-Lite chart, building its Vega
 * view and rendering it to SVG takes tens to hundreds of milliseconds, which on the main thread
 * would freeze the page every time training redraws its live heatmap.
 */
import { viz } from 'glimpse';
import type { SvgRenderReply, SvgRenderRequest } from './svg-render.js';
import { workerScope } from './worker-scope.js';

workerScope.addEventListener('message', (event: MessageEvent) => {
  const { id, input } = event.data as SvgRenderRequest;
  viz.attentionHeatmapSvg(input).then(
    (markup) => workerScope.postMessage({ id, markup } satisfies SvgRenderReply),
    (e: Error) => workerScope.postMessage({ id, error: e.message } satisfies SvgRenderReply),
  );
});
