import type { Logger } from '@nestjs/common';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/**
 * Whether a JetStream API failure is the kind a starting service should wait out: no answer in
 * time, no responders, or a cluster still electing its leaders (JetStream says "temporarily
 * unavailable" or "no suitable peers" then).
 */
export function isTransientJetStreamError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e?.code === 'TIMEOUT' ||
    e?.code === '503' ||
    /timeout|timed out|no responders|temporarily unavailable|no suitable peers|not current/i.test(
      String(e?.message ?? ''),
    )
  );
}

/**
 * Runs a start-up step against JetStream (create a stream, a consumer, a bucket) until it
 * succeeds, waiting out transient failures with back-off; anything else is thrown at once.
 * A replica started while the cluster elects a leader waits instead of exiting.
 */
export async function retryWhileUnavailable<T>(
  what: string,
  step: () => Promise<T>,
  logger?: Pick<Logger, 'warn'>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await step();
    } catch (e) {
      if (!isTransientJetStreamError(e)) throw e;
      logger?.warn({
        msg: 'JetStream not ready; retrying',
        step: what,
        attempt,
        error: (e as Error).message,
      });
      await sleep(delay);
    }
  }
}
