/** Requests to an explore worker (each run the page holds has its own), answered in order. */
import type { BackendReport } from './backend.js';
import type { ExploreReply, ExploreRequest } from './protocol.js';

type Request = ExploreRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class ExploreClient {
  private readonly worker = new Worker(new URL('./explore.worker.ts', import.meta.url), { type: 'module', name: 'glimpse-explore' });
  private nextId = 1;
  private readonly waiting = new Map<number, (r: ExploreReply) => void>();
  /** Why the worker cannot answer, once it failed. */
  private failed: string | null = null;

  constructor(onReady: (b: BackendReport) => void = () => {}) {
    this.worker.addEventListener('message', (e: MessageEvent<ExploreReply>) => {
      const r = e.data;
      if (r.type === 'ready') onReady(r.backend);
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
    // A worker that cannot start answers nothing: fail what waits, and what comes later.
    this.worker.addEventListener('error', (e) => {
      this.failed = `the model worker failed to start (${e.message || 'see the browser console'})`;
      for (const [id, answer] of this.waiting) answer({ id, type: 'error', message: this.failed });
      this.waiting.clear();
    });
  }

  async ask(request: Request, transfer: Transferable[] = []): Promise<ExploreReply> {
    if (this.failed) throw new Error(this.failed);
    const id = this.nextId++;
    const reply = new Promise<ExploreReply>((resolve) => this.waiting.set(id, resolve));
    this.worker.postMessage({ ...request, id }, transfer);
    const r = await reply;
    if (r.type === 'error') throw new Error(r.message);
    return r;
  }
}
