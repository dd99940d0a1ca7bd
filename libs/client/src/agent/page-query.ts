import type { HttpTransport } from '../transport/http.js';
import { toQuery } from '../query.js';

/** One page of a list: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  /** The next page, or null after the last. */
  next(): Promise<Page<T> | null>;
}

/**
 * A list request: `await` it for its first page, or `for await` over it for every matching
 * item, following cursors (the service's paging never skips or repeats an item, even while
 * new ones are added).
 */
export class PageQuery<T, Raw = unknown> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  constructor(
    private readonly http: HttpTransport,
    private readonly path: string,
    private readonly params: object,
    private readonly wrap: (raw: Raw) => T,
  ) {}

  then<A = Page<T>, B = never>(
    onfulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.page(undefined).then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let page: Page<T> | null = await this.page(undefined); page; page = await page.next()) {
      yield* page.data;
    }
  }

  private async page(cursor: string | undefined): Promise<Page<T>> {
    const params = cursor === undefined ? this.params : { ...this.params, cursor };
    const { body } = await this.http.json<{ data: Raw[]; next_cursor: string | null }>('GET', this.path, {
      query: toQuery(params),
      idempotent: true,
    });
    const nextCursor = body.next_cursor ?? null;
    return {
      data: body.data.map(this.wrap),
      nextCursor,
      next: () => (nextCursor === null ? Promise.resolve(null) : this.page(nextCursor)),
    };
  }
}
