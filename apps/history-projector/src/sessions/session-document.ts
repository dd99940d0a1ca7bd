import type { JsonObject, SessionSnapshot } from '@cobrowse/contracts';

type Page = SessionSnapshot['pages'][number];

/** Pages kept in the session's own document; the rest go to chunk documents. */
export const INLINE_PAGES = 100;
export const PAGES_PER_CHUNK = 100;

/**
 * A session in the projector's sessions collection: the snapshot keyed by tenant and id,
 * with metadata kept as its JSON text and its first INLINE_PAGES pages. Nobody filters on
 * metadata, and as text any JSON round-trips exactly on MongoDB and FerretDB alike: nested
 * arrays, keys with "$" or ".", NUL and any Unicode (JSON.stringify escapes what BSON or
 * SQLite could not hold). A long session's later pages live in chunk documents of
 * PAGES_PER_CHUNK pages (`<document id>/<n>`, n from 1), so a page entered rewrites one
 * chunk and the session, whatever the session's length.
 */
export type SessionDocument = Omit<SessionSnapshot, 'metadata'> & {
  _id: string;
  metadata_json: string;
  /** All pages, inline and in chunks; absent on documents written before chunks (all inline). */
  page_count?: number;
};

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
  const { metadata, pages, ...rest } = snapshot;
  const _id = sessionDocumentId(snapshot.tenant, snapshot.id);
  const chunks: PageChunkDocument[] = [];
  const first = chunkOfPage(Math.max(fromPage, INLINE_PAGES));
  for (let n = first; pages.length > INLINE_PAGES && n <= chunkOfPage(pages.length - 1); n++) {
    const start = INLINE_PAGES + (n - 1) * PAGES_PER_CHUNK;
    chunks.push({ _id: chunkDocumentId(_id, n), pages: pages.slice(start, start + PAGES_PER_CHUNK) });
  }
  return {
    session: {
      _id,
      ...rest,
      pages: pages.slice(0, INLINE_PAGES),
      page_count: pages.length,
      metadata_json: JSON.stringify(metadata),
    },
    chunks,
  };
}

/** How many of a stored session's pages are in chunk documents already (the rest are to be written). */
export function pagesStored(document: Pick<SessionDocument, 'pages' | 'page_count'>): number {
  return document.page_count ?? Math.min(document.pages.length, INLINE_PAGES);
}

/** Documents written before metadata was stored as text still have it as an object. */
export function toSnapshot(
  document: Partial<SessionDocument> & { metadata?: JsonObject },
  chunks: PageChunkDocument[] = [],
): SessionSnapshot {
  const { _id: _ignored, metadata_json: metadataJson, metadata, page_count: _count, ...rest } = document;
  return {
    ...(rest as Omit<SessionSnapshot, 'metadata'>),
    pages: [...(document.pages ?? []), ...chunks.flatMap((c) => c.pages)],
    metadata: metadataJson !== undefined ? (JSON.parse(metadataJson) as JsonObject) : (metadata ?? {}),
  };
}
