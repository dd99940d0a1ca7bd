import { HttpTransport, type HttpOptions } from '../transport/http.js';
import { DevicesApi } from './devices.js';
import { RetentionApi } from './retention.js';
import { SessionsApi } from './sessions.js';
import { WebhooksApi } from './webhooks.js';

export interface CobrowseClientOptions extends HttpOptions {
  /** How often `device.on('updated')` reads a device (ms). */
  devicePollMs?: number;
}

/** The agent side: what contact-centre software and support tools read and do. Needs a key with scope `read` (`admin` to change sessions). */
export class CobrowseClient {
  readonly sessions: SessionsApi;
  readonly devices: DevicesApi;
  readonly retention: RetentionApi;
  readonly webhooks: WebhooksApi;

  constructor(options: CobrowseClientOptions) {
    const http = new HttpTransport(options);
    this.sessions = new SessionsApi(http);
    this.devices = new DevicesApi(http, options.devicePollMs);
    this.retention = new RetentionApi(http);
    this.webhooks = new WebhooksApi(http);
  }
}
