/** A list page is at most `limit` items and at most this much JSON (SPEC section 9). */
export const MAX_PAGE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

/**
 * Collects a page from rows in list order: up to `limit` rows and `maxBytes` of JSON (the
 * first row always, so a page is never empty while rows remain). `more` says whether a row
 * was left for the next page.
 */
export async function collectPage<T>(
  rows: AsyncIterable<T>,
  options: { limit: number; maxBytes?: number; sizeOf: (row: T) => number },
): Promise<{ page: T[]; more: boolean }> {
  const maxBytes = options.maxBytes ?? MAX_PAGE_BYTES;
  const page: T[] = [];
  let bytes = 2;
  for await (const row of rows) {
    const size = options.sizeOf(row) + 1;
    if (page.length >= options.limit || (page.length > 0 && bytes + size > maxBytes))
      return { page, more: true };
    page.push(row);
    bytes += size;
  }
  return { page, more: false };
}
