import type { Logger } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { BACKOFF, classifyFailure, delayBefore, sleep, waitsOut } from '@cobrowse/resilience';

export interface SettleOptions {
  /** Refusals (not outages: classifyFailure) after which the message is parked. */
  maxAttempts: number;
  /** False once this replica stopped consuming (lost its lease, shutting down). */
  active: () => boolean;
  park: (reason: string, attempts: number) => Promise<void>;
  logger: Pick<Logger, 'warn' | 'error'>;
  context: Record<string, unknown>;
}

/**
 * Applies one message until it is settled: acked once applied; parked after `maxAttempts`
 * refusals or at once when it is poison; retried without counting while a dependency is
 * down. The caller holds the message's key, so the same key's later messages wait behind it:
 * facts are applied in order or not at all. A replica that stops consuming hands the message
 * back (nak) to whoever consumes next.
 */
export async function settleMessage(
  m: JsMsg,
  apply: () => Promise<void>,
  options: SettleOptions,
): Promise<void> {
  let refusals = 0;
  for (let retry = 1; ; retry++) {
    // Fenced: a replica that stopped leading writes nothing more, prefetched messages included.
    if (!options.active()) {
      m.nak();
      return;
    }
    let failure: unknown;
    try {
      await apply();
      m.ack();
      return;
    } catch (e) {
      failure = e;
    }
    const reason = (failure as Error)?.message ?? String(failure);
    const kind = classifyFailure(failure);
    const poison = kind === 'poison';
    const outage = waitsOut(kind);
    if (poison || (!outage && ++refusals >= options.maxAttempts)) {
      try {
        await options.park(reason, poison ? refusals + 1 : refusals);
        options.logger.error({
          msg: 'parked an event',
          ...options.context,
          attempts: refusals,
          // Our own reasons for poison are safe to log; a database's text may quote the document.
          ...(poison ? { reason } : describeFailure(failure)),
        });
        return;
      } catch (e) {
        options.logger.warn({
          msg: 'could not park; will retry',
          ...options.context,
          error: (e as Error).message,
        });
      }
    } else {
      options.logger.warn({
        msg: 'apply failed; will retry',
        ...options.context,
        ...describeFailure(failure),
      });
    }
    m.working();
    await sleep(delayBefore(BACKOFF.dependency, retry));
  }
}

/** What a log line may say of a failure: its kind, never its text (a database error can quote the document). */
export function describeFailure(error: unknown): { error: string; code?: unknown } {
  const e = error as { name?: string; code?: unknown };
  return { error: e?.name ?? typeof error, ...(e?.code !== undefined ? { code: e.code } : {}) };
}
