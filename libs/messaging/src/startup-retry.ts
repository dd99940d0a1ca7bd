import type { Logger } from '@nestjs/common';
import { BACKOFF, classifyFailure, retry, sleep as wait } from '@cobrowse/resilience';

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
    retryIf: (e) => classifyFailure(e) === 'transient',
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
