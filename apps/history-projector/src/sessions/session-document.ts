import type { Binary } from 'mongodb';
import type { JsonObject, SessionSnapshot } from '@cobrowse/contracts';
import { packJson, unpackJson } from '@cobrowse/persistence';

type Page = SessionSnapshot['pages'][number];

/** Pages kept in the session's own document; the rest go to chunk documents. */
export const INLINE_PAGES = 100;
export const PAGES_PER_CHUNK = 100;

/** The fields a session document keeps beside its packed snapshot. */
export const PLAIN_FIELDS = ['tenant', 'id', 'state', 'created_at', 'ended_recorded_at', 'version'] as const;

/**
 * A session in the projector's sessions collection: the snapshot (its first INLINE_PAGES
 * pages) packed in `snapshot_z` (JSON, deflated when large: packed-json.ts), beside copies of
 * the few fields a query or a compare-and-set reads (the retention sweep's state and recorded
 * end, the list position, the version). FerretDB v1 converts every nested field of a document
 * one by one, so a session read as fields cost about twice its packed form, and its write 2.5
 * times (docs/read-models.md); JSON keeps metadata and custom data exactly (keys with `$` or
 * `.`, NUL, any Unicode). A long session's later pages live in chunk documents of
 * PAGES_PER_CHUNK pages (`<document id>/<n>`, n from 1), so a page entered rewrites one
 * chunk and the session, whatever the session's length.
 */
export type SessionDocument = Pick<SessionSnapshot, (typeof PLAIN_FIELDS)[number]> & {
  _id: string;
  /** All pages, inline and in chunks. */
  page_count: number;
  snapshot_z: Binary;
};

/**
 * A session as earlier versions stored it: the snapshot's own fields, metadata as JSON text
 * (or, earlier still, an object), `page_count` absent before chunks (all pages inline).
 */
type EarlierSessionDocument = Omit<SessionSnapshot, 'metadata'> & {
  _id: string;
  metadata_json?: string;
  metadata?: JsonObject;
  page_count?: number;
};

/** A session document as any version stored it. */
export type StoredSessionDocument = SessionDocument | EarlierSessionDocument;

export interface PageChunkDocument {
  _id: string;
  pages: Page[];
}

export const SESSIONS_COLLECTION = 'sessions';

/** The collections of one generation of the read model (a rebuild fills a new one). */
export function readModelCollections(base: string) {
  return { sessions: base, pageChunks: `${base}_pages`, list: `${base}_list`, postings: `${base}_postings` };
}

export function sessionDocumentId(tenant: string, sessionId: string): string {
  return `${tenant}/${sessionId}`;
}

/** A session document id's tenant and session id (tenant ids have no `/`). */
export function splitDocumentId(documentId: string): [tenant: string, sessionId: string] {
  const slash = documentId.indexOf('/');
  return [documentId.slice(0, slash), documentId.slice(slash + 1)];
}

export const chunkDocumentId = (sessionDocument: string, n: number) => `${sessionDocument}/${n}`;

/** The chunk (from 1) holding page `index` (from 0), or 0 for an inline page. */
export const chunkOfPage = (index: number) =>
  index < INLINE_PAGES ? 0 : 1 + Math.floor((index - INLINE_PAGES) / PAGES_PER_CHUNK);

/** Ids of every chunk document a session with `pageCount` pages has. */
export function chunkIdsOf(documentId: string, pageCount: number): string[] {
  const chunks = pageCount > INLINE_PAGES ? chunkOfPage(pageCount - 1) : 0;
  return Array.from({ length: chunks }, (_, i) => chunkDocumentId(documentId, i + 1));
}

/** The session's document, and the chunks holding pages from `fromPage` on. */
export function toDocuments(
  snapshot: SessionSnapshot,
  fromPage: number,
): { session: SessionDocument; chunks: PageChunkDocument[] } {
  const { pages } = snapshot;
  const _id = sessionDocumentId(snapshot.tenant, snapshot.id);
  const chunks: PageChunkDocument[] = [];
  const first = chunkOfPage(Math.max(fromPage, INLINE_PAGES));
  for (let n = first; pages.length > INLINE_PAGES && n <= chunkOfPage(pages.length - 1); n++) {
    const start = INLINE_PAGES + (n - 1) * PAGES_PER_CHUNK;
    chunks.push({ _id: chunkDocumentId(_id, n), pages: pages.slice(start, start + PAGES_PER_CHUNK) });
  }
  const plain = Object.fromEntries(PLAIN_FIELDS.map((field) => [field, snapshot[field]]));
  return {
    session: {
      _id,
      ...(plain as Pick<SessionSnapshot, (typeof PLAIN_FIELDS)[number]>),
      page_count: pages.length,
      snapshot_z: packJson({ ...snapshot, pages: pages.slice(0, INLINE_PAGES) }),
    },
    chunks,
  };
}

/** How many of a stored session's pages are in chunk documents already (the rest are to be written). */
export function pagesStored(document: StoredSessionDocument): number {
  return document.page_count ?? Math.min((document as EarlierSessionDocument).pages.length, INLINE_PAGES);
}

/** The snapshot a stored document holds, with the pages of its chunks. */
export function toSnapshot(
  document: StoredSessionDocument,
  chunks: PageChunkDocument[] = [],
): SessionSnapshot {
  const later = chunks.flatMap((c) => c.pages);
  if ('snapshot_z' in document) {
    const snapshot = unpackJson<SessionSnapshot>(document.snapshot_z);
    return { ...snapshot, pages: [...snapshot.pages, ...later] };
  }
  const { _id: _ignored, metadata_json: metadataJson, metadata, page_count: _count, ...rest } = document;
  return {
    ...rest,
    pages: [...(document.pages ?? []), ...later],
    metadata: metadataJson !== undefined ? (JSON.parse(metadataJson) as JsonObject) : (metadata ?? {}),
  };
}
