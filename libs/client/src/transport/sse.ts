import { CobrowseError } from '../errors.js';
import { backoffDelay, sleep, type RetryPolicy } from '../retry.js';
import type { HttpTransport } from './http.js';

export interface SseMessage {
  event: string;
  /** The log position for events; absent on `session-updated` (it does not move the resume point). */
  id?: string;
  data: string;
}

export interface SseHandlers {
  message(message: SseMessage): void | Promise<void>;
  /** A failure the stream will not recover from by itself (a 4xx: bad key or token, unknown session). */
  fatal(error: CobrowseError): void;
  /** Each (re)connection, with the position it resumed from. */
  open?(lastEventId: string | undefined): void;
}

const RECONNECT: RetryPolicy = { attempts: Infinity, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * A server-sent event stream read over fetch (so it can send the API key or token, which
 * EventSource cannot), reconnecting with `Last-Event-ID` after any drop: the service then sends
 * everything after that position before live events, so nothing is missed or repeated. Each
 * connection sends the current credential: a token refreshed since, or on the connection's own 401.
 * Messages are handled one at a time, in order; the resume position moves only once a
 * message's handler has finished.
 */
export class SseConnection {
  private readonly stopped = new AbortController();
  private lastEventId: string | undefined;
  private done: Promise<void>;

  constructor(
    private readonly http: HttpTransport,
    private readonly path: string,
    private readonly query: URLSearchParams,
    private readonly handlers: SseHandlers,
    lastEventId?: string,
  ) {
    this.lastEventId = lastEventId;
    this.done = this.run();
  }

  /** The position a new connection would resume from. */
  get position(): string | undefined {
    return this.lastEventId;
  }

  async close(): Promise<void> {
    this.stopped.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped.signal.aborted;) {
      try {
        const response = await this.http.open('GET', this.path, {
          query: this.query,
          headers: {
            accept: 'text/event-stream',
            ...(this.lastEventId ? { 'last-event-id': this.lastEventId } : {}),
          },
          idempotent: false,
          signal: this.stopped.signal,
        });
        this.handlers.open?.(this.lastEventId);
        failures = 0;
        await this.read(response);
      } catch (error) {
        if (this.stopped.signal.aborted) return;
        if (error instanceof CobrowseError && !error.retryable) {
          this.handlers.fatal(error);
          return;
        }
        failures++;
      }
      if (!this.stopped.signal.aborted)
        await sleep(backoffDelay(RECONNECT, Math.max(failures, 1)), this.stopped.signal);
    }
  }

  private async read(response: Response): Promise<void> {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const onStop = () => void reader.cancel().catch(() => undefined);
    this.stopped.signal.addEventListener('abort', onStop, { once: true });
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = messageEnd(buffer)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^(\r\n|\r|\n){2}/, '');
          const message = parseBlock(block);
          if (!message) continue;
          await this.handlers.message(message);
          if (message.id !== undefined) this.lastEventId = message.id;
        }
      }
    } finally {
      this.stopped.signal.removeEventListener('abort', onStop);
    }
  }
}

/** Where the first complete message of `buffer` ends (before its blank line), or -1. */
function messageEnd(buffer: string): number {
  const match = /(\r\n|\r|\n)(\r\n|\r|\n)/.exec(buffer);
  return match ? match.index : -1;
}

/** One message of the text/event-stream format; null for a comment or keep-alive. */
export function parseBlock(block: string): SseMessage | null {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, id, data: data.join('\n') } : null;
}
