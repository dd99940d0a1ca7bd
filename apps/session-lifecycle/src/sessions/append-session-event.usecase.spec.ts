import { RequestErrorCode, type AnySessionEvent, type ReportedSessionEvent } from '@cobrowse/contracts';
import { evolve } from '@cobrowse/session-domain';
import { AppendConflictError } from '@cobrowse/messaging';
import type { SessionEventStore, SessionHistory } from '../event-log/session-event-store';
import { SessionHistoryCache } from '../event-log/session-history.cache';
import type { SessionTokenRegistry } from '../tokens/session-token-registry';
import { AppendSessionEventUseCase } from './append-session-event.usecase';

const S = '11111111-1111-4111-8111-111111111111';

/** The log as the store sees it: events by session, each with its stream sequence. */
class FakeLog {
  private seq = 0;
  readonly sessions = new Map<string, Array<{ seq: number; event: AnySessionEvent }>>();
  appends = 0;
  /** Appends to refuse as lost races, whatever their expected sequence. */
  refuseNext = 0;

  store(): SessionEventStore {
    return {
      read: async (tenant: string, id: string) => this.history(tenant, id),
      isCurrent: async (tenant: string, id: string, lastSeq: number) =>
        this.history(tenant, id).lastSeq === lastSeq,
      append: async (event: AnySessionEvent, expectedLastSeq: number) => {
        const key = `${event.tenant}/${event.session_id}`;
        const stored = this.sessions.get(key) ?? [];
        if (this.refuseNext > 0 || (stored.at(-1)?.seq ?? 0) !== expectedLastSeq) {
          this.refuseNext = Math.max(0, this.refuseNext - 1);
          throw new AppendConflictError();
        }
        this.appends++;
        stored.push({ seq: ++this.seq, event });
        this.sessions.set(key, stored);
        return { seq: this.seq, duplicate: false };
      },
    } as unknown as SessionEventStore;
  }

  /** What an erasure does to the log. */
  purge(tenant: string, id: string): void {
    this.sessions.delete(`${tenant}/${id}`);
  }

  private history(tenant: string, id: string): SessionHistory {
    const history: SessionHistory = { snapshot: null, eventVersions: new Map(), lastSeq: 0 };
    for (const { seq, event } of this.sessions.get(`${tenant}/${id}`) ?? []) {
      history.snapshot = evolve(history.snapshot, event);
      history.eventVersions.set(event.event_id, event.version);
      history.lastSeq = seq;
    }
    return history;
  }
}

const tokens = {
  reserve: async () => 'tok-1',
  release: async () => undefined,
} as unknown as SessionTokenRegistry;

/** A session-lifecycle replica: its own cache, the shared log. */
const replica = (log: FakeLog) =>
  new AppendSessionEventUseCase(log.store(), new SessionHistoryCache(), tokens);

const reported = (event_id: string, type: string, data: Record<string, unknown> = {}): ReportedSessionEvent =>
  ({ event_id, type, session_id: S, occurred_at: 1_700_000_000_000, data }) as ReportedSessionEvent;
const created = reported('e-created', 'session.created', { device_id: 'd1' });
const page = (n: number) => reported(`e-page-${n}`, 'session.page-entered', { url: `https://a.test/${n}` });

describe('AppendSessionEventUseCase', () => {
  it('decides again on a fresh read after losing a race to another replica, and both events are kept in order', async () => {
    const log = new FakeLog();
    const [a, b] = [replica(log), replica(log)];
    expect(await a.execute('acme', created)).toMatchObject({ status: 'accepted', version: 1 });
    // a has the session cached at version 1; b appends version 2 behind its back.
    expect(await b.execute('acme', page(1))).toMatchObject({ status: 'accepted', version: 2 });
    expect(await a.execute('acme', page(2))).toMatchObject({ status: 'accepted', version: 3 });
    expect(log.sessions.get(`acme/${S}`)!.map((e) => e.event.event_id)).toEqual([
      'e-created',
      'e-page-1',
      'e-page-2',
    ]);
  });

  it('answers a retried event as a duplicate with its version, and appends nothing', async () => {
    const log = new FakeLog();
    const [a, b] = [replica(log), replica(log)];
    await a.execute('acme', created);
    await a.execute('acme', page(1));
    for (const r of [a, b])
      expect(await r.execute('acme', page(1))).toMatchObject({ status: 'duplicate', version: 2 });
    expect(log.appends).toBe(2);
  });

  it('never answers from a cached session the log no longer has (erased through another replica)', async () => {
    const log = new FakeLog();
    const a = replica(log);
    await a.execute('acme', created);
    await a.execute('acme', page(1));
    log.purge('acme', S);
    const retried = await a.execute('acme', page(1));
    expect(retried).toMatchObject({ status: 'rejected', error: { code: 'SESSION_NOT_FOUND' } });
    expect(retried.session).toBeUndefined();
  });

  it('refuses only on a fresh read: a cached view that says no is read again', async () => {
    const log = new FakeLog();
    const [a, b] = [replica(log), replica(log)];
    // a caches "no such session" nowhere (it never caches an absence), and b creates it.
    expect(await a.execute('acme', page(1))).toMatchObject({ status: 'rejected' });
    await b.execute('acme', created);
    expect(await a.execute('acme', page(1))).toMatchObject({ status: 'accepted', version: 2 });
  });

  it('gives up after ten lost races in a row with a refusal to retry later', async () => {
    const log = new FakeLog();
    const a = replica(log);
    await a.execute('acme', created);
    log.refuseNext = 10;
    const busy = await a.execute('acme', page(1));
    expect(busy).toMatchObject({
      status: 'rejected',
      error: { code: RequestErrorCode.ServiceUnavailable, message: 'session is busy; retry' },
    });
    expect(log.appends).toBe(1);
  });
});
