import {
  jsonBytes,
  SessionErrorCode,
  SessionException,
  MAX_DOCUMENT_BYTES,
  type JsonObject,
  type ReportedSessionEvent,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { mergeShallow } from './merge';

/** Relays buffer, so the past is fine; this far into the future is a clock bug. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** SPEC section 9: what one session keeps at most. */
export const MAX_SESSION_PAGES = 1000;
export const MAX_SESSION_AGENTS = 100;

export type Decision = { outcome: 'accept' } | { outcome: 'duplicate' };

const ALLOWED_FROM: Record<
  Exclude<ReportedSessionEvent['type'], 'session.created'>,
  SessionSnapshot['state'][]
> = {
  'session.activated': ['pending'],
  'session.page-entered': ['pending', 'active'],
  'session.deactivated': ['pending', 'active'],
  'session.metadata-updated': ['pending', 'active', 'ended'],
};

/**
 * SPEC section 3: whether a reported fact is valid for the session's state. Throws a
 * SessionException for a fact that breaks a rule. Idempotency by event_id is the
 * caller's (it knows the history); a second deactivation is a duplicate by rule.
 */
export function decide(session: SessionSnapshot | null, event: ReportedSessionEvent, now: number): Decision {
  if (event.occurred_at > now + MAX_FUTURE_SKEW_MS) {
    throw new SessionException(
      SessionErrorCode.OccurredAtInFuture,
      `occurred_at ${new Date(event.occurred_at).toISOString()} is more than 5 minutes in the future`,
    );
  }
  if (event.type === 'session.created') {
    if (session) {
      throw new SessionException(
        SessionErrorCode.InvalidTransition,
        `session ${session.id} already exists and is ${session.state}`,
        [{ current_state: session.state }],
      );
    }
    assertDocumentSizes({ metadata: {}, custom_data: {} }, event.data);
    return { outcome: 'accept' };
  }
  if (!session) {
    throw new SessionException(SessionErrorCode.SessionNotFound, `session ${event.session_id} not found`);
  }
  if (event.expected_version !== undefined && event.expected_version !== session.version) {
    throw new SessionException(
      SessionErrorCode.VersionMismatch,
      `session is at version ${session.version}, not ${event.expected_version}`,
      [{ current_version: session.version }],
    );
  }
  if (event.type === 'session.deactivated' && session.state === 'ended') return { outcome: 'duplicate' };
  if (!ALLOWED_FROM[event.type].includes(session.state)) {
    throw new SessionException(SessionErrorCode.InvalidTransition, `session is ${session.state}`, [
      { current_state: session.state, event_type: event.type },
    ]);
  }
  if (event.type === 'session.metadata-updated') assertDocumentSizes(session, event.data);
  if (event.type === 'session.page-entered')
    assertBelowLimit('pages', session.pages.length, MAX_SESSION_PAGES);
  if (event.type === 'session.activated')
    assertBelowLimit('agents', session.agents.length, MAX_SESSION_AGENTS);
  return { outcome: 'accept' };
}

/**
 * A patch whose own non-null entries already reach 10 KB cannot fit whatever the session
 * holds (a merge keeps every non-null entry of the patch): it is refused before the session
 * is read, and before a megabyte of metadata travels between services.
 */
export function assertPatchCanFit(data: JsonObject): void {
  assertDocumentSizes({ metadata: {}, custom_data: {} }, data, true);
}

/** SPEC section 6: the merged document must stay under 10 KB, else nothing changes. */
function assertDocumentSizes(
  session: Pick<SessionSnapshot, 'metadata' | 'custom_data'>,
  patch: JsonObject,
  withoutSession = false,
): void {
  for (const field of ['metadata', 'custom_data'] as const) {
    const fieldPatch = patch[field];
    if (typeof fieldPatch !== 'object' || fieldPatch === null) continue;
    const merged = mergeShallow(session[field], fieldPatch as JsonObject);
    const what = withoutSession ? 'would be at least' : 'would be';
    if (jsonBytes(merged) >= MAX_DOCUMENT_BYTES) {
      throw new SessionException(
        SessionErrorCode.MetadataTooLarge,
        `${field} ${what} ${jsonBytes(merged)} bytes after the merge; it must stay under ${MAX_DOCUMENT_BYTES}`,
      );
    }
  }
}

function assertBelowLimit(field: 'pages' | 'agents', count: number, limit: number): void {
  if (count < limit) return;
  throw new SessionException(
    SessionErrorCode.SessionLimitReached,
    `the session has ${count} ${field}, the most it can keep`,
    [{ field, limit }],
  );
}
