import type { Logger } from '@nestjs/common';
import { BACKOFF, retry, sleep as wait } from '@cobrowse/resilience';

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
export function retryWhileUnavailable<T>(
  what: string,
  step: () => Promise<T>,
  logger?: Pick<Logger, 'warn'>,
  sleep: (ms: number) => Promise<void> = wait,
): Promise<T> {
  return retry(step, {
    backoff: BACKOFF.startup,
    retryIf: isTransientJetStreamError,
    onRetry: (e, attempt) =>
      logger?.warn({
        msg: 'JetStream not ready; retrying',
        step: what,
        attempt,
        error: (e as Error).message,
      }),
    sleep,
  });
}
