import { Injectable, Logger } from '@nestjs/common';
import {
  RequestErrorCode,
  RequestException,
  SessionException,
  type AnySessionEvent,
  type AppendEventResult,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { decide, evolve } from '@cobrowse/session-domain';
import { SessionEventStore, type SessionHistory } from '../event-log/session-event-store';
import { SessionHistoryCache, sessionKey } from '../event-log/session-history.cache';
import { AppendConflictError, KeyedMutex } from '@cobrowse/messaging';
import { SessionTokenRegistry } from '../tokens/session-token-registry';
import { BACKOFF, delayBefore, sleep } from '@cobrowse/resilience';
import { countAppendOutcome } from './append-outcome.metrics';

const MAX_ATTEMPTS = 10;

/**
 * Decides one reported fact against the session's history and appends it to the log.
 * Idempotent by event_id for as long as the log keeps the session; safe with any number
 * of replicas (the log's per-session expected sequence lets only one writer win, the
 * other re-reads and decides again).
 */
@Injectable()
export class AppendSessionEventUseCase {
  private readonly logger = new Logger(AppendSessionEventUseCase.name);
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly store: SessionEventStore,
    private readonly cache: SessionHistoryCache,
    private readonly tokens: SessionTokenRegistry,
  ) {}

  async execute(tenant: string, reported: ReportedSessionEvent): Promise<AppendEventResult> {
    const key = sessionKey(tenant, reported.session_id);
    const result = await this.mutex.run(key, () => this.attempt(tenant, reported, key));
    countAppendOutcome(reported.type, result);
    return result;
  }

  private async attempt(
    tenant: string,
    reported: ReportedSessionEvent,
    key: string,
  ): Promise<AppendEventResult> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // A creation names a new session id almost always, so its first attempt skips reading the
      // log: the append expects the session to have no events, and if it has some after all the
      // log refuses, and the next attempt reads and decides (duplicate, or id in use).
      const cached = this.cache.get(key);
      const history =
        cached ??
        (attempt === 1 && reported.type === 'session.created'
          ? { snapshot: null, eventVersions: new Map<string, number>(), lastSeq: 0 }
          : await this.read(tenant, reported.session_id, key));
      let duplicateOf = history.eventVersions.get(reported.event_id);
      try {
        if (
          duplicateOf === undefined &&
          decide(history.snapshot, reported, Date.now()).outcome === 'duplicate'
        )
          duplicateOf = history.snapshot!.version;
      } catch (e) {
        if (!(e instanceof SessionException)) throw e;
        // A refusal is only ever decided on a fresh read: another replica may have created,
        // changed or erased the session since this one cached it.
        if (cached) {
          this.cache.delete(key);
          continue;
        }
        return { event_id: reported.event_id, status: 'rejected', error: e.toBody() };
      }
      if (duplicateOf !== undefined) {
        // Nor is a duplicate answered from a cache the log no longer backs: the session it
        // would hand back may have been erased through another replica.
        if (cached && !(await this.store.isCurrent(tenant, reported.session_id, cached.lastSeq))) {
          this.cache.delete(key);
          continue;
        }
        return this.duplicate(reported, history, duplicateOf);
      }

      const event = await this.toEnvelope(tenant, reported, history);
      try {
        const ack = await this.store.append(event, history.lastSeq);
        if (ack.duplicate) {
          this.cache.delete(key);
          continue;
        }
        const snapshot = evolve(history.snapshot, event);
        const eventVersions = new Map(history.eventVersions).set(event.event_id, event.version);
        this.cache.set(key, { snapshot, eventVersions, lastSeq: ack.seq });
        if (event.type === 'session.deactivated')
          await this.tokens.release(tenant, snapshot.token, snapshot.id);
        return { event_id: event.event_id, status: 'accepted', version: event.version, session: snapshot };
      } catch (e) {
        this.cache.delete(key);
        if (event.type === 'session.created') await this.releaseUnusedToken(tenant, event, key);
        if (!(e instanceof AppendConflictError)) throw e;
        this.logger.debug({ msg: 'concurrent append, deciding again', attempt });
        // Without the pause the replica that won (its cache warm, its next append needs no read)
        // would win every time on a busy session until this one gave up.
        await sleep(delayBefore(BACKOFF.conflict, attempt));
      }
    }
    return {
      event_id: reported.event_id,
      status: 'rejected',
      error: new RequestException(RequestErrorCode.ServiceUnavailable, 'session is busy; retry').toBody(),
    };
  }

  /** The session as the log has it now; cached only when it exists (never a "no such session"). */
  private async read(tenant: string, sessionId: string, key: string): Promise<SessionHistory> {
    const history = await this.store.read(tenant, sessionId);
    if (history.snapshot) this.cache.set(key, history);
    return history;
  }

  private async toEnvelope(
    tenant: string,
    reported: ReportedSessionEvent,
    history: SessionHistory,
  ): Promise<AnySessionEvent> {
    let data = reported.data;
    if (reported.type === 'session.created') {
      const token = await this.tokens.reserve(tenant, reported.session_id, (holder) =>
        this.holderState(tenant, holder),
      );
      data = { ...data, token };
    }
    return {
      event_id: reported.event_id,
      type: reported.type,
      tenant,
      session_id: reported.session_id,
      occurred_at: reported.occurred_at,
      recorded_at: Date.now(),
      version: (history.snapshot?.version ?? 0) + 1,
      ...(reported.actor ? { actor: reported.actor } : {}),
      data,
    } as AnySessionEvent;
  }

  private async holderState(tenant: string, sessionId: string) {
    const { snapshot } = await this.store.read(tenant, sessionId);
    if (!snapshot) return 'missing' as const;
    return snapshot.state === 'ended' ? ('ended' as const) : ('open' as const);
  }

  /** A creation that lost its append keeps no token unless the session it names now holds it. */
  private async releaseUnusedToken(tenant: string, event: AnySessionEvent, key: string): Promise<void> {
    if (event.type !== 'session.created') return;
    const current = await this.read(tenant, event.session_id, key).catch(() => null);
    if (current?.snapshot?.token !== event.data.token) {
      await this.tokens.release(tenant, event.data.token, event.session_id);
    }
  }

  private duplicate(
    reported: ReportedSessionEvent,
    history: SessionHistory,
    version: number,
  ): AppendEventResult {
    return {
      event_id: reported.event_id,
      status: 'duplicate',
      version,
      session: history.snapshot ?? undefined,
    };
  }
}
