import type { HttpTransport } from '../transport/http.js';
import { toQuery } from '../query.js';
import type { EventEnvelope, GenesysHistory, Paging, SessionFilters, SessionResource } from '../types.js';
import { PageQuery } from './page-query.js';
import { Session } from './session.js';
import { TenantSubscription, type SubscribeOptions } from './subscription.js';

/** The tenant's sessions: list and page, count, read, export, follow. */
export class SessionsApi {
  constructor(private readonly http: HttpTransport) {}

  /** Newest first. `await` it for one page, or `for await` over it for every matching session. */
  list(filters: SessionFilters & Paging = {}): PageQuery<Session, SessionResource> {
    return new PageQuery(
      this.http,
      '/v1/sessions',
      filters,
      (raw: SessionResource) => new Session(this.http, raw),
    );
  }

  async count(filters: SessionFilters = {}): Promise<number> {
    const { body } = await this.http.json<{ count: number }>('GET', '/v1/sessions/count', {
      query: toQuery(filters),
      idempotent: true,
    });
    return body.count;
  }

  async get(id: string): Promise<Session> {
    const { body } = await this.http.json<SessionResource>('GET', `/v1/sessions/${encodeURIComponent(id)}`, {
      idempotent: true,
    });
    return new Session(this.http, body);
  }

  /** The Genesys Co-browse history of an ended session (404 `SESSION_NOT_ENDED` before it ends). */
  async history(id: string): Promise<GenesysHistory> {
    const { body } = await this.http.json<GenesysHistory>(
      'GET',
      `/history/sessions/${encodeURIComponent(id)}`,
      {
        idempotent: true,
      },
    );
    return body;
  }

  /** The session's events so far, in log order. */
  async events(id: string): Promise<EventEnvelope[]> {
    const { body } = await this.http.json<{ data: EventEnvelope[] }>(
      'GET',
      `/v1/sessions/${encodeURIComponent(id)}/events`,
      { idempotent: true },
    );
    return body.data;
  }

  /** The CSV export of the matching sessions, streamed (UTF-8 bytes). */
  async exportCsv(
    filters: SessionFilters = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const response = await this.http.open('GET', '/v1/sessions/export.csv', {
      query: toQuery(filters),
      idempotent: true,
      signal: options.signal,
    });
    return response.body ?? new ReadableStream({ start: (c) => c.close() });
  }

  /** Every session event of the tenant from now on (or after `options.after`), resumed across drops. */
  subscribe(
    options: SubscribeOptions,
    handler: (event: EventEnvelope) => void | Promise<void>,
  ): TenantSubscription {
    return new TenantSubscription(this.http, options, handler);
  }
}
