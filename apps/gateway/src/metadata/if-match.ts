import { RequestErrorCode, RequestException } from '@cobrowse/contracts';

/** `If-Match: 5`, `"5"` or `W/"5"` → 5; absent → undefined; anything else is a 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?(?:"(\d{1,15})"|(\d{1,15}))\s*$/.exec(header);
  if (!match) {
    throw new RequestException(
      RequestErrorCode.ValidationFailed,
      'If-Match must be a session version, e.g. "7"',
      [{ field: 'If-Match', message: 'must be a session version' }],
    );
  }
  return Number(match[1] ?? match[2]);
}
