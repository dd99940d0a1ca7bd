import type { NatsConnection } from 'nats';
import { CobrowseError } from '../errors.js';
import { randomId } from '../ids.js';
import { backoffDelay, sleep, type RetryPolicy } from '../retry.js';
import { HttpTransport } from '../transport/http.js';
import type {
  BatchResult,
  ConnectionClosedData,
  ConnectionHeartbeatData,
  ConnectionOpenedData,
  MetadataUpdatedData,
  PageEnteredData,
  SessionActivatedData,
  SessionCreatedData,
  SessionDeactivatedData,
} from '../types.js';
import { httpIngest, natsIngest, type IngestTransport, type ReportedFact } from './ingest-transport.js';

export interface RelayClientOptions {
  apiKey: string;
  /** The gateway's base URL: facts go as `POST /v1/events`. */
  url?: string;
  /** A connected NATS client: facts go as requests to `cobrowse.ingest` instead. */
  nats?: NatsConnection;
  /** Facts per request, at most 500 (the service's limit). */
  maxBatch?: number;
  /** How long a fact may wait for others to share its request (ms). */
  lingerMs?: number;
  /** Facts held at most; a fact reported beyond it waits for room (back-pressure). */
  maxBuffered?: number;
  /** Pauses between attempts; by default it tries until a definite answer. */
  retry?: Partial<RetryPolicy>;
  /** Deadline of one attempt (ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** When a fact happened and which id it keeps across retries; both are set for you when left out. */
export interface FactOptions {
  event_id?: string;
  occurred_at?: number | Date;
}

/** The answer to one fact: accepted, a duplicate of one already recorded, or rejected with its error. */
export type FactResult = BatchResult;

const MAX_BATCH = 500;
/** A request stays well inside NATS's 1 MB message limit and the gateway's body limit. */
const MAX_REQUEST_BYTES = 512 * 1024;
const RELAY_RETRY: RetryPolicy = { attempts: Infinity, baseDelayMs: 100, maxDelayMs: 5_000 };

interface Queued {
  fact: ReportedFact;
  bytes: number;
  resolve(result: FactResult): void;
  reject(error: unknown): void;
}

/**
 * The relay side: reports what happened on devices. Each fact gets its `event_id` once, when it
 * is reported, and keeps it through every retry, so the service records it exactly once
 * however many attempts it takes. Facts are batched (up to 500, after a short linger), sent in
 * the order they were reported, one request at a time, and retried with jittered exponential
 * backoff on network errors, timeouts, 429 and 5xx until the service answers each one.
 */
export class RelayClient {
  private readonly send: IngestTransport;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxBuffered: number;
  private readonly retry: RetryPolicy;
  private readonly queue: Queued[] = [];
  private readonly roomWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending = false;
  private closed = false;
  private readonly stopping = new AbortController();

  constructor(options: RelayClientOptions) {
    const timeoutMs = options.timeoutMs ?? 15_000;
    if (options.nats) this.send = natsIngest(options.nats, options.apiKey, timeoutMs);
    else if (options.url)
      this.send = httpIngest(
        new HttpTransport({
          url: options.url,
          apiKey: options.apiKey,
          timeoutMs,
          fetch: options.fetch,
          retry: { attempts: 1 },
        }),
      );
    else throw new TypeError('RelayClient needs `url` (HTTP) or `nats` (a NATS connection)');
    this.maxBatch = Math.min(Math.max(1, options.maxBatch ?? MAX_BATCH), MAX_BATCH);
    this.lingerMs = options.lingerMs ?? 20;
    this.maxBuffered = Math.max(1, options.maxBuffered ?? 10_000);
    this.retry = { ...RELAY_RETRY, ...options.retry };
  }

  /** A new session; its id is yours when you pass `session_id`, else made here (so later facts can name it at once). */
  async sessionCreated(
    data: SessionCreatedData & FactOptions & { session_id?: string },
  ): Promise<FactResult & { session_id: string }> {
    const { session_id = randomId(), event_id, occurred_at, ...rest } = data;
    const result = await this.report('session.created', session_id, rest, { event_id, occurred_at });
    return { ...result, session_id };
  }

  activated(sessionId: string, data: SessionActivatedData, options: FactOptions = {}): Promise<FactResult> {
    return this.report('session.activated', sessionId, data, options);
  }

  pageEntered(sessionId: string, data: PageEnteredData, options: FactOptions = {}): Promise<FactResult> {
    return this.report('session.page-entered', sessionId, data, options);
  }

  deactivated(
    sessionId: string,
    data: SessionDeactivatedData = {},
    options: FactOptions = {},
  ): Promise<FactResult> {
    return this.report('session.deactivated', sessionId, data, options);
  }

  metadataUpdated(
    sessionId: string,
    data: MetadataUpdatedData,
    options: FactOptions = {},
  ): Promise<FactResult> {
    return this.report('session.metadata-updated', sessionId, data, options);
  }

  connectionOpened(data: ConnectionOpenedData, options: FactOptions = {}): Promise<FactResult> {
    return this.report('connection.opened', undefined, data, options);
  }

  heartbeat(data: ConnectionHeartbeatData, options: FactOptions = {}): Promise<FactResult> {
    return this.report('connection.heartbeat', undefined, data, options);
  }

  connectionClosed(data: ConnectionClosedData, options: FactOptions = {}): Promise<FactResult> {
    return this.report('connection.closed', undefined, data, options);
  }

  /** Facts reported and not yet answered. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Sends what is buffered now and resolves once every fact reported so far has its answer. */
  async flush(): Promise<void> {
    this.schedule(0);
    while (this.pending > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new facts, delivers the buffered ones, then stops. With `timeoutMs`, facts still unanswered by then are rejected. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closed = true;
    const flushed = this.flush();
    if (options.timeoutMs === undefined) return flushed;
    const timer = setTimeout(() => this.stopping.abort(), options.timeoutMs);
    try {
      await flushed;
    } finally {
      clearTimeout(timer);
    }
  }

  private async report(
    type: string,
    sessionId: string | undefined,
    data: object,
    options: FactOptions,
  ): Promise<FactResult> {
    if (this.closed) throw new CobrowseError(0, 'CLIENT_CLOSED', 'the relay client is closed');
    const occurred = options.occurred_at ?? Date.now();
    const fact: ReportedFact = {
      event_id: options.event_id ?? randomId(),
      type,
      ...(sessionId !== undefined ? { session_id: sessionId } : {}),
      occurred_at: occurred instanceof Date ? occurred.getTime() : occurred,
      data,
    };
    while (this.queue.length + this.inFlight >= this.maxBuffered)
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    return new Promise<FactResult>((resolve, reject) => {
      this.queue.push({ fact, bytes: byteLength(JSON.stringify(fact)) + 1, resolve, reject });
      this.schedule(this.queue.length >= this.maxBatch ? 0 : this.lingerMs);
    });
  }

  private schedule(delayMs: number): void {
    if (this.sending) return;
    if (this.timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, delayMs);
  }

  /** One batch at a time, in report order: a session's facts reach the service in the order they happened. */
  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length) {
        const batch = this.takeBatch();
        this.inFlight += batch.length;
        try {
          await this.deliver(batch);
        } finally {
          this.inFlight -= batch.length;
          this.roomWaiters.splice(0, batch.length).forEach((wake) => wake());
        }
      }
    } finally {
      this.sending = false;
      if (this.pending === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  private takeBatch(): Queued[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.maxBatch) {
      const next = this.queue[count].bytes;
      if (count > 0 && bytes + next > MAX_REQUEST_BYTES) break;
      bytes += next;
      count++;
    }
    return this.queue.splice(0, count);
  }

  /** Until every fact of the batch has a definite answer; those the service asks to retry go again. */
  private async deliver(batch: Queued[]): Promise<void> {
    let remaining = batch;
    for (let attempt = 1; remaining.length; attempt++) {
      let results: BatchResult[];
      try {
        results = await this.send(remaining.map((q) => q.fact));
      } catch (error) {
        const retryable = error instanceof CobrowseError && error.retryable;
        if (!retryable || attempt >= this.retry.attempts || this.stopping.signal.aborted) {
          remaining.forEach((q) => q.reject(error));
          return;
        }
        await sleep(backoffDelay(this.retry, attempt), this.stopping.signal);
        continue;
      }
      const again: Queued[] = [];
      remaining.forEach((q, i) => {
        const result = results[i] ?? noResult(q.fact.event_id);
        const giveUp = attempt >= this.retry.attempts || this.stopping.signal.aborted;
        if (result.status === 'rejected' && result.error?.code === SERVICE_UNAVAILABLE && !giveUp)
          again.push(q);
        else q.resolve(result);
      });
      remaining = again;
      if (remaining.length) await sleep(backoffDelay(this.retry, attempt), this.stopping.signal);
    }
  }
}

/** A per-fact refusal that means "not now" rather than "never": the log was briefly unavailable. */
const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

function noResult(eventId: string): FactResult {
  return {
    event_id: eventId,
    status: 'rejected',
    error: { code: 'NO_RESULT', message: 'the service returned no result for this fact' },
  };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
