import type { SessionSnapshot } from '@cobrowse/contracts';

/** A session in the projector's `sessions` collection: the snapshot, keyed by tenant and id. */
export type SessionDocument = SessionSnapshot & { _id: string };

export const SESSIONS_COLLECTION = 'sessions';

export function sessionDocumentId(tenant: string, sessionId: string): string {
  return `${tenant}/${sessionId}`;
}

export function toDocument(snapshot: SessionSnapshot): SessionDocument {
  return { _id: sessionDocumentId(snapshot.tenant, snapshot.id), ...snapshot };
}

export function toSnapshot(document: SessionDocument): SessionSnapshot {
  const { _id: _ignored, ...snapshot } = document;
  return snapshot;
}
