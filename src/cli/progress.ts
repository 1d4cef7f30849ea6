import { MultiBar, type SingleBar } from 'cli-progress';

/** What a step reports to the progress display. */
export interface ProgressFields {
  [name: string]: string | number;
}

/**
 * Progress of long work: a live bar (cli-progress) with ETA on a terminal, and a plain line
 * every few seconds elsewhere (logs, CI), so long work always shows it is moving. `log`
 * prints a line above the bar without breaking it.
 */
export class Progress {
  private multi: MultiBar | null = null;
  private bar: SingleBar | null = null;
  private lastLine = 0;
  private started = 0;
  private total = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly lineEveryMs = 5000,
  ) {}

  start(total: number, fields: ProgressFields = {}): void {
    this.started = Date.now();
    this.total = total;
    if (this.stream.isTTY) {
      this.multi = new MultiBar({
        format: `${this.label} |{bar}| {value}/{total} {fields} ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        stream: this.stream,
        etaBuffer: 50,
        fps: 5,
      });
      this.bar = this.multi.create(total, 0, { fields: format(fields) });
    }
  }

  update(value: number, fields: ProgressFields = {}): void {
    if (this.bar) {
      this.bar.update(value, { fields: format(fields) });
      return;
    }
    const now = Date.now();
    if (value > 0 && (now - this.lastLine >= this.lineEveryMs || value === this.total)) {
      this.lastLine = now;
      const elapsed = (now - this.started) / 1000;
      const eta = value > 0 ? (elapsed / value) * (this.total - value) : 0;
      const label = this.label ? `${this.label} ` : '';
      this.stream.write(`${label}${value}/${this.total} ${format(fields)} | elapsed ${elapsed.toFixed(0)}s ETA ${eta.toFixed(0)}s\n`);
    }
  }

  /** A line of text above the bar (or just a line without one). */
  log(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.multi?.stop();
    this.multi = null;
    this.bar = null;
  }
}

function format(fields: ProgressFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : v}`)
    .join(' | ');
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(2);
  return v.toFixed(4);
}
