/** Perplexity = exp(Σ NLL / number of predicted tokens), the reference's definition. */
import { check } from '../util/errors.js';

/**
 * Perplexity from a summed negative log-likelihood (natural log) and a token count.
 *
 * @example
 * perplexity(2 * Math.log(4), 2); // 4
 */
export function perplexity(sumNll: number, tokens: number): number {
  check(tokens > 0, () => `perplexity: need at least one token, got ${tokens}`);
  check(Number.isFinite(sumNll), () => `perplexity: summed NLL is ${sumNll}; expected a finite number`);
  return Math.exp(sumNll / tokens);
}

/**
 * Accumulates NLL and token counts over batches, e.g. a mean loss × its token count per batch.
 *
 * @example
 * const m = new PerplexityMeter();
 * m.add(loss * n, n);  // per batch
 * m.value;             // exp(Σ nll / Σ n)
 */
export class PerplexityMeter {
  sumNll = 0;
  tokens = 0;

  /** Adds a batch's summed NLL over `tokens` predicted tokens. */
  add(sumNll: number, tokens: number): void {
    check(Number.isFinite(sumNll) && tokens >= 0, () => `PerplexityMeter.add: got NLL ${sumNll} over ${tokens} tokens`);
    this.sumNll += sumNll;
    this.tokens += tokens;
  }

  /** Mean NLL per token. */
  get meanNll(): number {
    check(this.tokens > 0, 'PerplexityMeter: no tokens yet');
    return this.sumNll / this.tokens;
  }

  get value(): number {
    return perplexity(this.sumNll, this.tokens);
  }

  reset(): void {
    this.sumNll = 0;
    this.tokens = 0;
  }
}
