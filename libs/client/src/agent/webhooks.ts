import type { HttpTransport } from '../transport/http.js';
import type {
  WebhookAttempt,
  WebhookEndpoint,
  WebhookEndpointSettings,
  WebhookEndpointWithSecret,
} from '../types.js';

const ENDPOINTS = '/v1/webhooks/endpoints';
const at = (id: string) => `${ENDPOINTS}/${encodeURIComponent(id)}`;

/** The tenant's webhook endpoints (scope `admin`; docs/webhooks.md). */
export class WebhooksApi {
  constructor(private readonly http: HttpTransport) {}

  /** Creates an endpoint; its `secret` is in this answer only. Not retried (a retry would make a second one). */
  async create(settings: WebhookEndpointSettings): Promise<WebhookEndpointWithSecret> {
    return (
      await this.http.json<WebhookEndpointWithSecret>('POST', ENDPOINTS, {
        body: settings,
        idempotent: false,
      })
    ).body;
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (await this.http.json<{ data: WebhookEndpoint[] }>('GET', ENDPOINTS, { idempotent: true })).body
      .data;
  }

  async get(id: string): Promise<WebhookEndpoint> {
    return (await this.http.json<WebhookEndpoint>('GET', at(id), { idempotent: true })).body;
  }

  async update(id: string, settings: Partial<WebhookEndpointSettings>): Promise<WebhookEndpoint> {
    return (await this.http.json<WebhookEndpoint>('PATCH', at(id), { body: settings, idempotent: true }))
      .body;
  }

  async delete(id: string): Promise<void> {
    await this.http.json('DELETE', at(id), { idempotent: true });
  }

  /** A new secret (in this answer only); the old one signs too for 24 hours. */
  async rotateSecret(id: string): Promise<WebhookEndpointWithSecret> {
    return (
      await this.http.json<WebhookEndpointWithSecret>('POST', `${at(id)}/rotate-secret`, {
        idempotent: false,
      })
    ).body;
  }

  /** Sends one `webhook.test` delivery; its `webhook-id`. */
  async test(id: string): Promise<string> {
    return (await this.http.json<{ webhook_id: string }>('POST', `${at(id)}/test`, { idempotent: false }))
      .body.webhook_id;
  }

  /** Sends again the events recorded in [since, until] (until: now), with their original webhook-ids. */
  async replay(id: string, range: { since: Date | number; until?: Date | number }): Promise<void> {
    const ms = (t: Date | number) => (t instanceof Date ? t.getTime() : t);
    const body = { since: ms(range.since), ...(range.until !== undefined ? { until: ms(range.until) } : {}) };
    await this.http.json('POST', `${at(id)}/replay`, { body, idempotent: true });
  }

  /** Delivery attempts, newest first, following the cursors (the last 1,000 are kept). */
  async *attempts(id: string, options: { limit?: number } = {}): AsyncGenerator<WebhookAttempt> {
    let cursor: string | null = '';
    while (cursor !== null) {
      const query = new URLSearchParams({ limit: String(options.limit ?? 100) });
      if (cursor) query.set('cursor', cursor);
      const page: { data: WebhookAttempt[]; next_cursor: string | null } = (
        await this.http.json<{ data: WebhookAttempt[]; next_cursor: string | null }>(
          'GET',
          `${at(id)}/attempts?${query.toString()}`,
          { idempotent: true },
        )
      ).body;
      yield* page.data;
      cursor = page.next_cursor;
    }
  }
}
