import { CobrowseError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included; `Infinity` retries until a definite answer. */
  attempts: number;
  /** First pause; each next one doubles, up to `maxDelayMs`, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Full-jitter exponential backoff: a random pause in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Runs `call` until it succeeds, fails for good, or the attempts run out. Only retryable
 * failures (no answer, 429, 5xx) are tried again; a `Retry-After` the service sent sets the
 * pause when it is longer than the backoff.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  call: (attempt: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const retryable = error instanceof CobrowseError && error.retryable;
      if (!retryable || attempt >= policy.attempts || signal?.aborted) throw error;
      const hinted = error instanceof RetryAfterError ? error.retryAfterMs : 0;
      await sleep(Math.max(hinted, backoffDelay(policy, attempt)), signal);
    }
  }
}

/** A retryable answer that said when to come back. */
export class RetryAfterError extends CobrowseError {
  constructor(
    status: number,
    code: string,
    message: string,
    details: unknown[],
    readonly retryAfterMs: number,
  ) {
    super(status, code, message, details);
  }
}
