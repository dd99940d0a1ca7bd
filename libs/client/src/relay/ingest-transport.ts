import type { NatsConnection } from 'nats';
import { CobrowseError } from '../errors.js';
import type { HttpTransport } from '../transport/http.js';
import type { BatchResult } from '../types.js';

/** The request subject relays send `POST /v1/events` bodies to over NATS (SPEC section 4). */
export const INGEST_SUBJECT = 'cobrowse.ingest';

export interface ReportedFact {
  event_id: string;
  type: string;
  session_id?: string;
  occurred_at: number;
  data: object;
}

/** One attempt at delivering a batch; throws a CobrowseError (retryable or not) when there is no usable answer. */
export type IngestTransport = (events: ReportedFact[]) => Promise<BatchResult[]>;

export function httpIngest(http: HttpTransport): IngestTransport {
  return async (events) => {
    const { body } = await http.json<{ results: BatchResult[] }>('POST', '/v1/events', {
      body: { events },
      idempotent: false,
    });
    return body.results;
  };
}

export function natsIngest(nc: NatsConnection, apiKey: string, timeoutMs: number): IngestTransport {
  // Loaded on first use, so HTTP-only users need no `nats` package at all.
  let natsHeaders: (() => { set(key: string, value: string): void }) | undefined;
  return async (events) => {
    natsHeaders ??= (await import('nats')).headers;
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${apiKey}`);
    let reply;
    try {
      reply = await nc.request(INGEST_SUBJECT, new TextEncoder().encode(JSON.stringify({ events })), {
        headers: h as never,
        timeout: timeoutMs,
      });
    } catch (error) {
      const message = (error as Error).message;
      const code = /timeout/i.test(message) ? 'TIMEOUT' : 'NETWORK_ERROR';
      throw new CobrowseError(0, code, `${INGEST_SUBJECT} did not answer: ${message}`);
    }
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as {
      results?: BatchResult[];
      statusCode?: number;
    };
    if (!Array.isArray(body.results)) throw CobrowseError.fromBody(body.statusCode ?? 500, body);
    return body.results;
  };
}
