/** The lessons page's side of its worker: requests answered in order, errors thrown. */
import type { BackendReport } from '../report.js';
import type { LessonReply, LessonRequest } from './protocol.js';

type Request = LessonRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
type Answer<T extends Request['type']> = Extract<LessonReply, { type: T }>;

export class LessonClient {
  private readonly worker = new Worker(new URL('./lessons.worker.ts', import.meta.url), { type: 'module', name: 'glimpse-lessons' });
  private nextId = 1;
  private readonly waiting = new Map<number, (r: LessonReply) => void>();
  private failed: string | null = null;

  constructor(onReady: (b: BackendReport) => void) {
    this.worker.addEventListener('message', (e: MessageEvent<LessonReply>) => {
      const r = e.data;
      if (r.type === 'ready') onReady(r.backend);
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
    this.worker.addEventListener('error', (e) => {
      this.failed = `the lessons worker failed to start (${e.message || 'see the browser console'})`;
      for (const [id, answer] of this.waiting) answer({ id, type: 'error', message: this.failed });
      this.waiting.clear();
    });
  }

  async ask<R extends Request>(request: R): Promise<Answer<R['type']>> {
    if (this.failed) throw new Error(this.failed);
    const id = this.nextId++;
    const reply = new Promise<LessonReply>((resolve) => this.waiting.set(id, resolve));
    this.worker.postMessage({ ...request, id });
    const r = await reply;
    if (r.type === 'error') throw new Error(r.message);
    return r as Answer<R['type']>;
  }
}
