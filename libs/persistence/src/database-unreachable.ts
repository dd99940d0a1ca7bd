import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/** MongoDB codes that say "try again" rather than "never": shutdown, failover, interruption. */
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * Whether a failure says the database cannot be reached right now (wait for it) rather than
 * that it refused this write (which no retry will change).
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError
  )
    return true;
  const e = error as { code?: unknown; hasErrorLabel?: (label: string) => boolean };
  if (typeof e?.code === 'number' && TRANSIENT_CODES.has(e.code)) return true;
  return e?.hasErrorLabel?.('RetryableWriteError') === true;
}
