import { Logger } from '@nestjs/common';
import type { ConsumerMessages, NatsConnection, Subscription } from 'nats';
import {
  matchesCustomData,
  parseSessionEvent,
  policyAllows,
  type AccessPolicy,
  type AnySessionEvent,
  type JsonObject,
  type SessionResource,
} from '@cobrowse/contracts';
import type { EventLog } from '@cobrowse/messaging';
import type { LiveQuery } from './live-query.parser';
import { SessionCustomData } from './session-custom-data';
import type { SseSink } from './sse-sink';

export interface LiveFeedSource {
  /** Where the read models' snapshots are announced. */
  nc: NatsConnection;
  log: EventLog;
}

export interface LiveFeedScope {
  tenant: string;
  /** Subject filters of the events to send (already narrowed by `types`). */
  eventSubjects: string[];
  /** Subject of the snapshots to send, or none when `types` leaves them out. */
  snapshotSubject: string | null;
  query: LiveQuery;
  keepAliveMs: number;
  /** Where the stream starts without a resume position: a log position, or the end of the log when absent. */
  startWithoutResume?: number;
  /** The signed-in agent's policy: events and snapshots of sessions outside it are never sent. */
  policy?: AccessPolicy;
}

/**
 * One SSE client: events from an ordered JetStream consumer starting right after the client's
 * last position (so a resume has no gap and no duplicate), read-model snapshots from core NATS,
 * and a keep-alive comment. `close` removes all three; nothing outlives the connection.
 */
export class LiveFeed {
  private readonly logger = new Logger(LiveFeed.name);
  private messages?: ConsumerMessages;
  private deleteConsumer?: () => Promise<unknown>;
  private snapshots?: Subscription;
  private keepAlive?: NodeJS.Timeout;
  private closed = false;
  private readonly customData: SessionCustomData | null;

  constructor(
    private readonly source: LiveFeedSource,
    private readonly sink: SseSink,
    private readonly scope: LiveFeedScope,
  ) {
    this.customData =
      Object.keys(scope.query.customData).length || scope.policy
        ? new SessionCustomData(source.log, scope.tenant)
        : null;
  }

  /** Whether a session with this custom data is one this stream shows: its filters and its policy. */
  private shows(data: JsonObject): boolean {
    return matchesCustomData(data, this.scope.query.customData) && policyAllows(this.scope.policy, data);
  }

  async start(): Promise<void> {
    const startAt =
      this.scope.query.after !== null
        ? this.scope.query.after + 1
        : (this.scope.startWithoutResume ?? (await this.source.log.end()) + 1);
    if (this.closed) return; // the client left already: set nothing up
    if (this.scope.snapshotSubject) {
      this.snapshots = this.source.nc.subscribe(this.scope.snapshotSubject, {
        callback: (_err, msg) =>
          void this.onSnapshot(msg.string()).catch((e: Error) =>
            this.logger.warn({ msg: 'dropped a session-updated message', error: e.name }),
          ),
      });
    }
    if (this.scope.eventSubjects.length) {
      const { messages, stop } = await this.source.log.follow(this.scope.eventSubjects, startAt);
      this.deleteConsumer = stop;
      this.messages = messages;
      if (this.closed) return this.close(); // the client left while the consumer was being created
      void this.pump(this.messages);
    }
    if (this.closed) return this.close();
    this.keepAlive = setInterval(() => void this.sink.comment('keep-alive'), this.scope.keepAliveMs);
    await this.sink.comment(`streaming from log position ${startAt}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.keepAlive);
    this.snapshots?.unsubscribe();
    this.snapshots = undefined;
    const messages = this.messages;
    this.messages = undefined;
    try {
      if (messages) await messages.close();
    } catch {
      /* already closed */
    }
    const deleteConsumer = this.deleteConsumer;
    this.deleteConsumer = undefined;
    await deleteConsumer?.().catch(() => undefined);
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        if (this.closed) break;
        const event = loggedEvent(m.string());
        if (!event) continue; // not an event (poison in the log is parked by the consumers, never streamed)
        if (this.customData && !this.shows(await this.customData.after(event, m.seq))) continue;
        const name = event.type.slice('session.'.length);
        // Followed for their custom data only (eventSubjects): not a type the client asked for.
        if (!this.scope.query.names.has(name as never)) continue;
        await this.sink.send(name, m.string(), m.seq);
      }
    } catch (e) {
      if (!this.closed) this.logger.warn({ msg: 'live feed stopped', error: (e as Error).message });
    }
  }

  private async onSnapshot(text: string): Promise<void> {
    if (this.closed || !this.sink.hasRoom) return; // a later snapshot supersedes a skipped one
    const session = snapshotOf(text);
    if (!session) return; // not a session resource: nothing a client could use
    if (this.customData) {
      const data = (session.custom_data ?? {}) as JsonObject;
      this.customData.learn(session.id, data);
      if (!this.shows(data)) return;
    }
    await this.sink.send('session-updated', text);
  }
}

function loggedEvent(text: string): AnySessionEvent | null {
  const parsed = parseSessionEvent(text);
  return 'event' in parsed ? parsed.event : null;
}

function snapshotOf(text: string): SessionResource | null {
  try {
    const session = JSON.parse(text) as SessionResource;
    return session && typeof session === 'object' && typeof session.id === 'string' ? session : null;
  } catch {
    return null;
  }
}
