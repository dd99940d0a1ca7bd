import type { JsonObject, SessionSnapshot } from '@cobrowse/contracts';

/**
 * A session in the projector's `sessions` collection: the snapshot keyed by tenant and id,
 * with metadata kept as its JSON text. Nobody filters on metadata, and as text any JSON
 * round-trips exactly on MongoDB and FerretDB alike: nested arrays, keys with "$" or ".",
 * NUL and any Unicode (JSON.stringify escapes what BSON or SQLite could not hold).
 */
export type SessionDocument = Omit<SessionSnapshot, 'metadata'> & { _id: string; metadata_json: string };

/** A session without its metadata: what exports read. */
export type SessionRow = Omit<SessionSnapshot, 'metadata'>;

export const SESSIONS_COLLECTION = 'sessions';

export function sessionDocumentId(tenant: string, sessionId: string): string {
  return `${tenant}/${sessionId}`;
}

export function toDocument(snapshot: SessionSnapshot): SessionDocument {
  const { metadata, ...rest } = snapshot;
  return {
    _id: sessionDocumentId(snapshot.tenant, snapshot.id),
    ...rest,
    metadata_json: JSON.stringify(metadata),
  };
}

/** Documents written before metadata was stored as text still have it as an object. */
export function toSnapshot(document: Partial<SessionDocument> & { metadata?: JsonObject }): SessionSnapshot {
  const { _id: _ignored, metadata_json: metadataJson, metadata, ...rest } = document;
  return {
    ...(rest as Omit<SessionSnapshot, 'metadata'>),
    metadata: metadataJson !== undefined ? (JSON.parse(metadataJson) as JsonObject) : (metadata ?? {}),
  };
}
