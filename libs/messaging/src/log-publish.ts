import type { JetStreamClient, JetStreamPublishOptions, PubAck } from 'nats';
import { BACKOFF, classifyFailure, retry } from '@cobrowse/resilience';

const ATTEMPT_TIMEOUT_MS = 2_000;
const ATTEMPTS = 4;

/**
 * Publishes one entry to the log, retrying a publish that got no answer: when the node leading
 * the stream dies, the request sent to it is never answered, and a new leader is elected within
 * a few seconds. Short attempts find that leader long before a caller's deadline (10 s). The
 * message id makes a retry of an entry that was stored after all a duplicate, never a second
 * copy; refusals (a lost optimistic-concurrency race) are thrown at once.
 */
export function publishToLog(
  js: JetStreamClient,
  subject: string,
  data: string,
  options: Partial<JetStreamPublishOptions> & { msgID: string },
): Promise<PubAck> {
  return retry(() => js.publish(subject, data, { ...options, timeout: ATTEMPT_TIMEOUT_MS }), {
    backoff: BACKOFF.publish,
    retryIf: (e, attempt) => attempt < ATTEMPTS && classifyFailure(e) === 'transient',
  });
}
