/**
 * A bounded queue of pending work, decoded one batch at a time. The model's decoding is
 * synchronous, so the queue runs one batch, then yields to the event loop (which reads the
 * requests that arrived meanwhile) before the next one: concurrent callers' greedy requests
 * pile up while a batch decodes and go into the next batch together.
 */

/** Thrown by {@link BatchQueue.push} when the queue is full (the server answers 503). */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/** How jobs are sized, grouped and run. */
export interface BatchRule<J, R> {
  /** Jobs with the same non-null key may run together; null: this job runs alone. */
  key(job: J): string | null;
  /** The job's share of a batch (its number of texts). */
  size(job: J): number;
  /** Runs jobs together: one result per job, in order. */
  run(jobs: J[]): R[];
}

interface Pending<J, R> {
  job: J;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class BatchQueue<J, R> {
  private readonly waiting: Pending<J, R>[] = [];
  private active = 0;
  private running = false;

  /**
   * @param capacity most jobs accepted at once, waiting or running
   * @param batch most texts (job sizes) in one batch; a single larger job still runs alone
   * @param waitMs how long a batch waits for more jobs before it runs (0: only those already read)
   */
  constructor(private readonly rule: BatchRule<J, R>, readonly capacity: number, readonly batch: number, readonly waitMs = 0) {}

  /** Jobs accepted and not yet answered (waiting or running). */
  get pending(): number {
    return this.active;
  }

  /** Queues a job; its result comes when its batch has run. Throws QueueFullError when full. */
  push(job: J): Promise<R> {
    if (this.active >= this.capacity) throw new QueueFullError(`the server is busy: ${this.active} request(s) pending, at most ${this.capacity}; try again later`);
    this.active++;
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.waiting.length === 0) return;
    this.running = true;
    // After the I/O callbacks, so requests that arrived meanwhile join this batch. After a long
    // batch, Node reads the connections that came in during it over a few loop turns: a short
    // wait lets them join the next batch instead of each running alone.
    if (this.waitMs > 0) setTimeout(() => this.runNext(), this.waitMs);
    else setImmediate(() => this.runNext());
  }

  /** The first waiting job and, when it may be batched, the later ones with its key. */
  private take(): Pending<J, R>[] {
    const first = this.waiting.shift()!;
    const key = this.rule.key(first.job);
    const out = [first];
    if (key === null) return out;
    let size = this.rule.size(first.job);
    for (let i = 0; i < this.waiting.length;) {
      const p = this.waiting[i]!;
      const n = this.rule.size(p.job);
      if (this.rule.key(p.job) === key && size + n <= this.batch) {
        out.push(p);
        size += n;
        this.waiting.splice(i, 1);
      } else i++;
    }
    return out;
  }

  private runNext(): void {
    const batch = this.take();
    try {
      const results = this.rule.run(batch.map((p) => p.job));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      // A failing batch of several runs again one job at a time, so a bad job fails alone.
      if (batch.length === 1) batch[0]!.reject(e);
      else {
        for (const p of batch) {
          try {
            p.resolve(this.rule.run([p.job])[0]!);
          } catch (e1) {
            p.reject(e1);
          }
        }
      }
    } finally {
      this.active -= batch.length;
      this.running = false;
      this.schedule();
    }
  }
}
