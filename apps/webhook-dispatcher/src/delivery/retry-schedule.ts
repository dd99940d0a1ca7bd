/** Up to this much earlier or later than scheduled, so retries of many events do not arrive at once. */
const JITTER = 0.2;
/** A `Retry-After` is honoured up to a day. */
const RETRY_AFTER_CAP_MS = 24 * 3600 * 1000;

/**
 * When a failed delivery is tried again (SPEC section 11). `delaysMs[n]` is the wait before
 * attempt n + 1, the first being 0 (at once): with the default schedule, eight attempts over
 * about 27 hours. A `Retry-After` on a 429 or 503 is honoured when it asks for longer, up to a
 * day.
 */
export class RetrySchedule {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[]) {
    if (delaysMs.length === 0) throw new Error('a retry schedule needs at least one attempt');
    this.delaysMs = delaysMs;
  }

  static parse(text: string): RetrySchedule {
    return new RetrySchedule(text.split(',').map((d) => Number(d.trim())));
  }

  get attempts(): number {
    return this.delaysMs.length;
  }

  /** Milliseconds before the next attempt after `attemptsMade` failed ones; null when none is left. */
  nextDelay(
    attemptsMade: number,
    retryAfterSeconds: number | null,
    random: () => number = Math.random,
  ): number | null {
    if (attemptsMade >= this.delaysMs.length) return null;
    const scheduled = this.delaysMs[attemptsMade] * (1 - JITTER + 2 * JITTER * random());
    const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds * 1000, RETRY_AFTER_CAP_MS);
    return Math.round(Math.max(scheduled, asked));
  }
}
