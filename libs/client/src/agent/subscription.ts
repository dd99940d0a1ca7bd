import type { CobrowseError } from '../errors.js';
import type { HttpTransport } from '../transport/http.js';
import { SseConnection } from '../transport/sse.js';
import { toQuery } from '../query.js';
import type { EventEnvelope, SessionEventType, SessionUpdate } from '../types.js';

export interface SubscribeOptions {
  /** Event types to receive (all when absent), with or without the `session.` prefix. */
  types?: Array<SessionEventType | string>;
  /** Resume after this log position (a previous subscription's `position`). */
  after?: string;
  /** Also receive each session as the projector has it after an event. */
  withSessions?: boolean;
  onSession?: (session: SessionUpdate) => void;
  onError?: (error: CobrowseError) => void;
  [customDataFilter: `filter_${string}`]: string | number | boolean | undefined;
}

/** The tenant's session events as they happen; `position` is where a later subscription can resume. */
export class TenantSubscription {
  readonly #stream: SseConnection;

  constructor(
    http: HttpTransport,
    options: SubscribeOptions,
    handler: (event: EventEnvelope) => void | Promise<void>,
  ) {
    const { types, after, withSessions, onSession, onError, ...filters } = options;
    const names = types?.map((t) => t.replace(/^session\./, ''));
    if (names && withSessions) names.push('session-updated');
    const query = toQuery({ ...filters, types: names });
    this.#stream = new SseConnection(
      http,
      '/v1/stream',
      query,
      {
        message: async (message) => {
          if (message.event === 'session-updated') onSession?.(JSON.parse(message.data) as SessionUpdate);
          else await handler(JSON.parse(message.data) as EventEnvelope);
        },
        fatal: (error) => onError?.(error),
      },
      after,
    );
  }

  get position(): string | undefined {
    return this.#stream.position;
  }

  close(): Promise<void> {
    return this.#stream.close();
  }
}
