import { HttpTransport, type HttpOptions } from '../transport/http.js';
import type { AuditQuery, AuditRecord, WhoAmI } from '../types.js';
import { DevicesApi } from './devices.js';
import { IssuersApi } from './issuers.js';
import { PageQuery } from './page-query.js';
import { RetentionApi } from './retention.js';
import { SessionsApi } from './sessions.js';
import { WebhooksApi } from './webhooks.js';

export type CobrowseClientOptions = HttpOptions & {
  /** How often `device.on('updated')` reads a device (ms). */
  devicePollMs?: number;
};

/**
 * The agent side: what contact-centre software and support tools read and do. Signs in with an
 * API key with scope `read` (`admin` to change sessions), or an agent's token from a trusted issuer.
 */
export class CobrowseClient {
  readonly sessions: SessionsApi;
  readonly devices: DevicesApi;
  readonly retention: RetentionApi;
  readonly webhooks: WebhooksApi;
  readonly issuers: IssuersApi;
  readonly #http: HttpTransport;

  constructor(options: CobrowseClientOptions) {
    const http = new HttpTransport(options);
    this.#http = http;
    this.sessions = new SessionsApi(http);
    this.devices = new DevicesApi(http, options.devicePollMs);
    this.retention = new RetentionApi(http);
    this.webhooks = new WebhooksApi(http);
    this.issuers = new IssuersApi(http);
  }

  /** Who the credentials are: the tenant, scopes, actor and, for a token, the agent and its policy. */
  async whoAmI(): Promise<WhoAmI> {
    return (await this.#http.json<WhoAmI>('GET', '/v1/auth/me', { idempotent: true })).body;
  }

  /**
   * The tenant's administrative actions, oldest first, and who took them (scope `admin`).
   * `await` it for one page, or `for await` over it for every record.
   */
  audit(query: AuditQuery = {}): PageQuery<AuditRecord, AuditRecord> {
    return new PageQuery(this.#http, '/v1/audit', query, (record: AuditRecord) => record);
  }
}
