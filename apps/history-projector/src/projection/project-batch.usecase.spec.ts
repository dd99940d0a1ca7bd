import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { PoisonMessageError } from '@cobrowse/resilience';
import { evolve } from '@cobrowse/session-domain';
import type { ListChange, RowChange, SessionListWriter } from '../session-list/session-list.writer';
import type { SessionsRepository, SessionWrite, StoredSession } from '../sessions/sessions.repository';
import type { EventLog } from '@cobrowse/messaging';
import { ProjectBatchUseCase } from './project-batch.usecase';

const event = (sessionId: string, version: number, type: string, data: object = {}): AnySessionEvent =>
  ({
    event_id: `${sessionId}-${version}`,
    type,
    tenant: 'acme',
    session_id: sessionId,
    occurred_at: 1_000 + version,
    recorded_at: 1_000 + version,
    version,
    data,
  }) as AnySessionEvent;

const created = (id: string) => event(id, 1, 'session.created', { device_id: 'd', token: '123456789' });
const page = (id: string, version: number) =>
  event(id, version, 'session.page-entered', { url: `https://x/${version}` });

/**
 * The read model as plain maps, writes counted; a session id in `refuse` is refused by the
 * database, and the first `refusePosts` postings writes fail.
 */
function fakes(log: AnySessionEvent[] = [], refuse = new Set<string>(), refusePosts = 0) {
  const stored = new Map<string, SessionSnapshot>();
  const writes: SessionWrite[][] = [];
  const rows: ListChange[] = [];
  const posts: RowChange[][] = [];
  const sessions = {
    findWritten: () => undefined,
    findStored: async (_t: string, id: string): Promise<StoredSession | null> => {
      const s = stored.get(id);
      return s ? { snapshot: structuredClone(s), version: s.version, pagesStored: s.pages.length } : null;
    },
    write: async (batch: SessionWrite[]) => {
      writes.push(batch);
      const failed = new Map<string, unknown>();
      for (const w of batch) {
        if (refuse.has(w.snapshot.id)) failed.set(`acme/${w.snapshot.id}`, new Error('refused'));
        else if (!w.stored && stored.has(w.snapshot.id))
          failed.set(`acme/${w.snapshot.id}`, Object.assign(new Error('E11000'), { code: 11000 }));
        else stored.set(w.snapshot.id, structuredClone(w.snapshot));
      }
      return failed;
    },
  } as unknown as SessionsRepository;
  const list = {
    post: async (_t: string, changes: RowChange[]) => {
      if (refusePosts-- > 0) throw new Error('postings refused');
      posts.push(changes);
    },
    apply: async (_t: string, change: ListChange) => void rows.push(change),
  } as unknown as SessionListWriter;
  const reader = {
    sessionHistory: async (_t: string, id: string) =>
      log.filter((e) => e.session_id === id).map((event, i) => ({ seq: i + 1, event })),
  } as unknown as EventLog;
  return { useCase: new ProjectBatchUseCase(sessions, list, reader), stored, writes, rows, posts };
}

describe('ProjectBatchUseCase', () => {
  it("folds a session's events of a batch into one write, and one bulk write for the batch", async () => {
    const { useCase, stored, writes } = fakes();
    const { outcomes, changed } = await useCase.execute([
      [created('s1'), page('s1', 2), page('s1', 3)],
      [created('s2')],
    ]);
    expect(outcomes).toEqual([{ applied: 3 }, { applied: 1 }]);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(2);
    expect(stored.get('s1')).toMatchObject({
      version: 3,
      pages: [{ url: 'https://x/2' }, { url: 'https://x/3' }],
    });
    // One snapshot per applied event, in order: what subscribers of session-updated get.
    expect(changed.map((s) => [s.id, s.version])).toEqual([
      ['s1', 1],
      ['s1', 2],
      ['s1', 3],
      ['s2', 1],
    ]);
  });

  it('acks what is already applied without writing it again, and sets its list row again', async () => {
    const { useCase, writes, rows } = fakes();
    await useCase.execute([[created('s1'), page('s1', 2)], [created('s2')]]);
    const again = await useCase.execute([[page('s1', 2)]]);
    expect(again.outcomes).toEqual([{ applied: 1 }]);
    expect(again.changed).toEqual([]);
    expect(writes[1]).toEqual([]);
    expect(rows[1].put?.map((r) => r.id)).toEqual(['s1']);
  });

  it('takes a created session to be new without a read, and folds it from what is stored when it was not', async () => {
    const { useCase, stored, writes } = fakes();
    await useCase.execute([[created('s1'), page('s1', 2)]]);
    // Delivered again after a crash, with an event the first delivery did not have.
    const again = await useCase.execute([[created('s1'), page('s1', 2), page('s1', 3)], [created('s2')]]);
    expect(again.outcomes).toEqual([{ applied: 3 }, { applied: 1 }]);
    expect(
      writes.slice(1).map((batch) => batch.map((w) => [w.snapshot.id, w.stored?.version ?? null])),
    ).toEqual([
      [
        ['s1', null],
        ['s2', null],
      ],
      [['s1', 2]],
    ]);
    expect(stored.get('s1')?.version).toBe(3);
    expect(again.changed.map((s) => [s.id, s.version])).toEqual([
      ['s1', 3],
      ['s2', 1],
    ]);
  });

  it('posts a session delivered again under every term it has: its postings may have failed after it was stored', async () => {
    const { useCase, stored, posts } = fakes([], new Set(), 1);
    const activated = event('s1', 2, 'session.activated', { agent: { id: 'a1' } });
    // Written beside its postings, which were refused: the batch fails, nothing is acked.
    await expect(useCase.execute([[created('s1')]])).rejects.toThrow('postings refused');
    expect(stored.get('s1')?.version).toBe(1);

    // Delivered again with the next event: its terms of version 1 are posted too, not only the agent's.
    await useCase.execute([[created('s1'), activated]]);
    expect(posts.at(-1)).toEqual([
      { row: expect.objectContaining({ id: 's1', agent_ids: ['a1'] }), was: null },
    ]);

    // A session not delivered again is posted with what it was: only what changed is edited.
    await useCase.execute([[page('s1', 3)]]);
    expect(posts.at(-1)).toEqual([
      { row: expect.objectContaining({ id: 's1' }), was: expect.objectContaining({ id: 's1' }) },
    ]);
  });

  it('reads missing earlier versions from the log', async () => {
    const log = [created('s1'), page('s1', 2), page('s1', 3)];
    const { useCase, stored } = fakes(log);
    const { outcomes } = await useCase.execute([[page('s1', 3)]]);
    expect(outcomes).toEqual([{ applied: 1 }]);
    expect(stored.get('s1')?.version).toBe(3);
  });

  it('fails an event whose predecessor is nowhere as poison, after applying what came before it', async () => {
    const { useCase, stored } = fakes();
    const { outcomes } = await useCase.execute([[created('s1'), page('s1', 3)]]);
    expect(outcomes[0].applied).toBe(1);
    expect(outcomes[0].failure).toBeInstanceOf(PoisonMessageError);
    expect(stored.get('s1')?.version).toBe(1);
  });

  it('parks a message that is no event without holding back the events before it', async () => {
    const { useCase } = fakes();
    const { outcomes } = await useCase.execute([[created('s1'), new PoisonMessageError('not JSON')]]);
    expect(outcomes[0]).toEqual({ applied: 1, failure: expect.any(PoisonMessageError) });
  });

  it('fails only the session the database refused; the others of the batch are written and listed', async () => {
    const { useCase, stored, rows } = fakes([], new Set(['bad']));
    const { outcomes } = await useCase.execute([[created('bad')], [created('good')]]);
    expect(outcomes[0]).toEqual({ applied: 0, failure: expect.any(Error) });
    expect(outcomes[1]).toEqual({ applied: 1 });
    expect(stored.has('good')).toBe(true);
    expect(rows.flatMap((c) => c.put ?? []).map((r) => r.id)).toEqual(['good']);
  });

  it('folds with the same evolve the lifecycle uses', async () => {
    const { useCase, stored } = fakes();
    const events = [created('s1'), page('s1', 2)];
    await useCase.execute([events]);
    expect(stored.get('s1')).toEqual(evolve(evolve(null, events[0]), events[1]));
  });
});
