import {
  ErrorCode,
  jsonBytes,
  MAX_DOCUMENT_BYTES,
  type JsonObject,
  type ReportedSessionEvent,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { mergeShallow } from './merge';
import { SessionDomainException } from './session-domain.exception';

/** Relays buffer, so the past is fine; this far into the future is a clock bug. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

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
 * SessionDomainException for a fact that breaks a rule. Idempotency by event_id is the
 * caller's (it knows the history); a second deactivation is a duplicate by rule.
 */
export function decide(session: SessionSnapshot | null, event: ReportedSessionEvent, now: number): Decision {
  if (event.occurred_at > now + MAX_FUTURE_SKEW_MS) {
    throw new SessionDomainException(
      ErrorCode.OccurredAtInFuture,
      `occurred_at ${new Date(event.occurred_at).toISOString()} is more than 5 minutes in the future`,
    );
  }
  if (event.type === 'session.created') {
    if (session) {
      throw new SessionDomainException(
        ErrorCode.InvalidTransition,
        `session ${session.id} already exists and is ${session.state}`,
        [{ current_state: session.state }],
      );
    }
    assertDocumentSizes({ metadata: {}, custom_data: {} }, event.data);
    return { outcome: 'accept' };
  }
  if (!session) {
    throw new SessionDomainException(ErrorCode.SessionNotFound, `session ${event.session_id} not found`);
  }
  if (event.expected_version !== undefined && event.expected_version !== session.version) {
    throw new SessionDomainException(
      ErrorCode.VersionMismatch,
      `session is at version ${session.version}, not ${event.expected_version}`,
      [{ current_version: session.version }],
    );
  }
  if (event.type === 'session.deactivated' && session.state === 'ended') return { outcome: 'duplicate' };
  if (!ALLOWED_FROM[event.type].includes(session.state)) {
    throw new SessionDomainException(ErrorCode.InvalidTransition, `session is ${session.state}`, [
      { current_state: session.state, event_type: event.type },
    ]);
  }
  if (event.type === 'session.metadata-updated') assertDocumentSizes(session, event.data);
  return { outcome: 'accept' };
}

/** SPEC section 6: the merged document must stay under 10 KB, else nothing changes. */
function assertDocumentSizes(
  session: Pick<SessionSnapshot, 'metadata' | 'custom_data'>,
  patch: JsonObject,
): void {
  for (const field of ['metadata', 'custom_data'] as const) {
    const fieldPatch = patch[field];
    if (typeof fieldPatch !== 'object' || fieldPatch === null) continue;
    const merged = mergeShallow(session[field], fieldPatch as JsonObject);
    if (jsonBytes(merged) >= MAX_DOCUMENT_BYTES) {
      throw new SessionDomainException(
        ErrorCode.MetadataTooLarge,
        `${field} would be ${jsonBytes(merged)} bytes after the merge; it must stay under ${MAX_DOCUMENT_BYTES}`,
      );
    }
  }
}
