import { Emitter } from '../emitter.js';
import { CobrowseError } from '../errors.js';
import { randomId } from '../ids.js';
import { sleep } from '../retry.js';
import type { HttpTransport } from '../transport/http.js';
import { SseConnection } from '../transport/sse.js';
import type {
  CustomData,
  EndReason,
  EventEnvelope,
  JsonObject,
  SessionEventType,
  SessionResource,
  SessionUpdate,
} from '../types.js';

export type SessionEventMap = {
  /** After each event of the session: the session as of that event (or later), and the event. */
  updated: (session: Session, event: EventEnvelope) => void;
  /** The session ended (`session.deactivated`). */
  ended: (session: Session, event: EventEnvelope) => void;
  /** A failure the live stream will not recover from (a revoked key, an erased session). */
  error: (error: unknown) => void;
} & { [type in SessionEventType]: (event: EventEnvelope) => void };

const LIVE_EVENTS = new Set(['updated', 'ended']);
/** How long an event waits for its `session-updated` before the session is read instead. */
const SNAPSHOT_WAIT_MS = 2_000;

// The resource's fields are the object's own properties, as in the vendors' SDKs (`session.state`).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Session extends SessionResource {}

/**
 * A session: its resource fields (as of `version`), the agent's actions on it, and live
 * events. The first `on(...)` opens the session's stream, which replays the session from its
 * first event and then follows it, reconnecting with `Last-Event-ID` so that each event is
 * handled exactly once however often the connection drops; `close()` (or removing the
 * last handler) ends it.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Session extends Emitter<SessionEventMap> {
  readonly #http: HttpTransport;
  #stream: SseConnection | null = null;
  #pending: EventEnvelope[] = [];
  #wake: (() => void) | null = null;
  #draining = false;
  /** Highest version each event was handled to: a replay after a reconnect is skipped. */
  #handledVersion = 0;
  /**
   * Highest version the read model has shown (a `session-updated`, a read): what `updated` and
   * `ended` wait for. An action's answer (`end`, `update`) is the write side's, ahead of it.
   */
  #readVersion: number;

  constructor(http: HttpTransport, resource: SessionResource) {
    super();
    this.#http = http;
    Object.assign(this, resource);
    this.#readVersion = resource.version;
  }

  /** The plain resource, without the methods. */
  toJSON(): SessionResource {
    return { ...this };
  }

  /** Reads the session again. */
  async refresh(): Promise<this> {
    const { body } = await this.#http.json<SessionResource>('GET', this.#path(), { idempotent: true });
    this.#adopt(body);
    this.#readVersion = Math.max(this.#readVersion, body.version);
    return this;
  }

  /** Shallow-merges custom data (null deletes a key); retried safely under one idempotency key. */
  async update(
    change: { custom_data: Record<string, string | number | boolean | null> },
    options: { ifMatch?: number } = {},
  ): Promise<this> {
    const { body } = await this.#patch<{ custom_data: CustomData; version: number }>(
      this.#path(),
      change,
      options,
    );
    Object.assign(this, { custom_data: body.custom_data, version: Math.max(this.version, body.version) });
    return this;
  }

  /** Shallow-merges metadata; with `ifMatch` the change applies only to that version (else 412 `VERSION_MISMATCH`). */
  async updateMetadata(patch: JsonObject, options: { ifMatch?: number } = {}): Promise<this> {
    const { body } = await this.#patch<{ metadata: JsonObject; version: number }>(
      `${this.#path()}/metadata`,
      patch,
      options,
    );
    Object.assign(this, { metadata: body.metadata, version: Math.max(this.version, body.version) });
    return this;
  }

  /** Ends the session (`session.deactivated`); ending an ended session is answered as a duplicate, not an error. */
  async end(options: { reason?: EndReason } = {}): Promise<this> {
    const { body } = await this.#http.json<SessionResource>('POST', `${this.#path()}/deactivate`, {
      body: { event_id: randomId(), reason: options.reason ?? 'agent' },
      idempotent: true,
    });
    this.#adopt(body);
    return this;
  }

  override on<E extends keyof SessionEventMap>(event: E, handler: SessionEventMap[E]): this {
    super.on(event, handler);
    if (event !== 'error') this.#follow();
    return this;
  }

  override off<E extends keyof SessionEventMap>(event: E, handler?: SessionEventMap[E]): this {
    super.off(event, handler);
    const live = [...LIVE_EVENTS, ...EVENT_TYPES].some((name) => this.listenerCount(name as E) > 0);
    if (!live) void this.close();
    return this;
  }

  /** Stops following the session. */
  async close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = null;
    await stream?.close();
  }

  #path(): string {
    return `/v1/sessions/${encodeURIComponent(this.id)}`;
  }

  #patch<T>(path: string, body: unknown, options: { ifMatch?: number }) {
    return this.#http.json<T>('PATCH', path, {
      body,
      headers: {
        'idempotency-key': randomId(),
        ...(options.ifMatch !== undefined ? { 'if-match': `"${options.ifMatch}"` } : {}),
      },
      idempotent: true,
    });
  }

  #adopt(resource: SessionResource): void {
    if (resource.version >= (this.version ?? 0)) Object.assign(this, resource);
  }

  #follow(): void {
    if (this.#stream) return;
    this.#stream = new SseConnection(this.#http, `${this.#path()}/stream`, new URLSearchParams(), {
      message: (message) => {
        const payload = JSON.parse(message.data);
        if (message.event === 'session-updated') {
          // A truncated snapshot lacks pages and metadata: never adopted, it only wakes the
          // event waiting for it, which then reads the session.
          const resource = payload as SessionUpdate;
          if (!resource.truncated) {
            this.#adopt(resource);
            this.#readVersion = Math.max(this.#readVersion, resource.version);
          }
          this.#wake?.();
          return;
        }
        const event = payload as EventEnvelope;
        if (event.version <= this.#handledVersion) return;
        this.#handledVersion = event.version;
        this.emit(event.type, event);
        this.#pending.push(event);
        void this.#drain();
      },
      fatal: (error) => this.emit('error', error),
    });
  }

  /** Emits `updated` (and `ended`) for each event in order, once the session has caught up with it. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let event = this.#pending.shift(); event; event = this.#pending.shift()) {
        await this.#reach(event.version);
        this.emit('updated', this, event);
        if (event.type === 'session.deactivated') this.emit('ended', this, event);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Waits for a `session-updated` of at least `version`, reading the session when none comes (one missed during a drop). */
  async #reach(version: number): Promise<void> {
    while (this.#readVersion < version && this.#stream) {
      const woken = new Promise<void>((resolve) => (this.#wake = resolve));
      await Promise.race([woken, sleep(SNAPSHOT_WAIT_MS)]);
      this.#wake = null;
      if (this.#readVersion >= version) return;
      await this.refresh().catch((error: unknown) => {
        // 404: the read model has not caught up yet; keep waiting. A refused key is for the user to know.
        if (error instanceof CobrowseError && (error.status === 401 || error.status === 403))
          this.emit('error', error);
      });
    }
  }
}

const EVENT_TYPES: SessionEventType[] = [
  'session.created',
  'session.activated',
  'session.page-entered',
  'session.deactivated',
  'session.metadata-updated',
];
