/** How long to wait between attempts: doubling from `firstMs` up to `maxMs`. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
  /** Up to this fraction is taken off each wait at random, so callers that failed together spread out. */
  jitter?: number;
}

/** Every back-off of the services and their tooling, in one place. */
export const BACKOFF = {
  /** A dependency that is down (NATS, the database), or a message that failed: waited out. */
  dependency: { firstMs: 250, maxMs: 5_000 },
  /** A start-up step against JetStream or the database while they come up or elect leaders. */
  startup: { firstMs: 500, maxMs: 5_000 },
  /** An append the stream's leader never answered: a new leader is elected within seconds. */
  publish: { firstMs: 250, maxMs: 1_000 },
  /**
   * A lost optimistic-concurrency race: the winner has a warm cache and appends again at once,
   * so the loser waits a random while, growing with each loss.
   */
  conflict: { firstMs: 10, maxMs: 100, jitter: 1 },
  /** A local process that exited soon after it started, restarted by the supervisor. */
  restart: { firstMs: 1_000, maxMs: 30_000 },
} as const satisfies Record<string, Backoff>;

/** The wait before retry number `retry` (1 for the first retry). */
export function delayBefore(backoff: Backoff, retry: number, random: () => number = Math.random): number {
  const delay = Math.min(backoff.firstMs * 2 ** Math.max(0, retry - 1), backoff.maxMs);
  return backoff.jitter ? delay * (1 - backoff.jitter * random()) : delay;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  backoff: Backoff;
  /** Whether a failure of attempt `attempt` (1-based) is worth another; anything else is thrown. */
  retryIf: (error: unknown, attempt: number) => boolean;
  /** Told before each wait (to log it). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `step` until it succeeds, or fails in a way `retryIf` does not retry: that failure is thrown. */
export async function retry<T>(step: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (e) {
      if (!options.retryIf(e, attempt)) throw e;
      const delay = delayBefore(options.backoff, attempt);
      options.onRetry?.(e, attempt, delay);
      await (options.sleep ?? sleep)(delay);
    }
  }
}
