/**
 * Replies between services may be larger than one NATS message (1 MB by default): a session
 * with a thousand long pages, a page of large sessions. A reply whose JSON is over
 * REPLY_CHUNK_BYTES travels as several messages, each a base64 piece, and is put together
 * again by the caller. Small replies travel as they are.
 */
export const REPLY_CHUNK_BYTES = 384 * 1024;

export interface ReplyChunk {
  cobrowse_reply_chunk: number;
  of: number;
  data: string;
}

export function isReplyChunk(value: unknown): value is ReplyChunk {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ReplyChunk).cobrowse_reply_chunk === 'number' &&
    typeof (value as ReplyChunk).data === 'string'
  );
}

/** The messages one reply travels as. */
export function toReplyChunks(value: unknown, chunkBytes = REPLY_CHUNK_BYTES): unknown[] {
  if (value === undefined) return [value];
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  if (bytes.length <= chunkBytes) return [value];
  const of = Math.ceil(bytes.length / chunkBytes);
  return Array.from({ length: of }, (_, i) => ({
    cobrowse_reply_chunk: i,
    of,
    data: bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes).toString('base64'),
  }));
}

/** The reply the received messages make up; throws when pieces are missing. */
export function fromReplyChunks(messages: unknown[]): unknown {
  if (messages.length === 1 && !isReplyChunk(messages[0])) return messages[0];
  const chunks = messages
    .filter(isReplyChunk)
    .sort((a, b) => a.cobrowse_reply_chunk - b.cobrowse_reply_chunk);
  if (!chunks.length || chunks.length !== chunks[0].of || chunks.some((c, i) => c.cobrowse_reply_chunk !== i))
    throw new Error(`an incomplete reply arrived (${chunks.length} of ${chunks[0]?.of ?? '?'} pieces)`);
  return JSON.parse(Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'base64'))).toString('utf8'));
}
