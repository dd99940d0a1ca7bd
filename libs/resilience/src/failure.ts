import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { NatsError } from 'nats';
import { RequestErrorCode, RequestException } from '@cobrowse/contracts';

/**
 * What a failure says about trying again:
 * - `transient`: no answer in time, or a cluster still electing its leaders: a short retry does;
 * - `outage`: NATS, the event log, the database or this replica's lease cannot be reached or
 *   used right now: waited out, never counted against the work;
 * - `refusal`: the dependency answered no: a few more tries at most, then give up (park);
 * - `poison`: it can never succeed: give up at once.
 */
export type FailureKind = 'transient' | 'outage' | 'refusal' | 'poison';

/** Whether a kind of failure is waited out rather than counted. */
export const waitsOut = (kind: FailureKind): boolean => kind === 'transient' || kind === 'outage';

/** A message that can never be applied (not an event, or one that cannot follow its predecessor): parked at once. */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/** Something this process needs is not there right now (it no longer leads, say): an outage. */
export class UnavailableError extends Error {}

/** MongoDB codes that say "try again" rather than "never": shutdown, failover, interruption. */
const DATABASE_RETRY_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** The one classifier of failures: every retry loop and every consumer of the log decides by it. */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PoisonMessageError) return 'poison';
  if (noAnswerYet(error)) return 'transient';
  if (
    error instanceof UnavailableError ||
    // Any other NATS failure: a consumer waits for NATS rather than parking good events.
    error instanceof NatsError ||
    databaseUnreachable(error) ||
    // The event log could not be read (EventLogUnavailableError), a service did not answer.
    (error instanceof RequestException && error.code === RequestErrorCode.ServiceUnavailable)
  )
    return 'outage';
  return 'refusal';
}

/**
 * No answer in time, no responders, or a JetStream cluster still electing its leaders
 * ("temporarily unavailable", "no suitable peers").
 */
function noAnswerYet(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e?.code === 'TIMEOUT' ||
    e?.code === '503' ||
    /timeout|timed out|no responders|temporarily unavailable|no suitable peers|not current/i.test(
      String(e?.message ?? ''),
    )
  );
}

/** The database cannot be reached right now, as opposed to having refused this write. */
function databaseUnreachable(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError
  )
    return true;
  const e = error as { code?: unknown; hasErrorLabel?: (label: string) => boolean };
  if (typeof e?.code === 'number' && DATABASE_RETRY_CODES.has(e.code)) return true;
  return e?.hasErrorLabel?.('RetryableWriteError') === true;
}
