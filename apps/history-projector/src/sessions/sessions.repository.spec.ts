import type { SessionSnapshot } from '@cobrowse/contracts';
import type { MongoService } from '@cobrowse/persistence';
import { memoryCollection } from '@cobrowse/testing';
import { evolve } from '@cobrowse/session-domain';
import type { ReadModelLocator } from './read-model-locator';
import { SessionsRepository } from './sessions.repository';

const created = (id: string) =>
  evolve(null, {
    event_id: `${id}-1`,
    type: 'session.created',
    tenant: 'acme',
    session_id: id,
    occurred_at: 1_000,
    recorded_at: 1_000,
    version: 1,
    data: { device_id: 'd', token: '123456789' },
  } as never);

/** The repository over collections in memory (as FerretDB: no compare-and-set), and the `_id`s it read. */
function repository() {
  const { collection, documents, read } = memoryCollection();
  const mongo = {
    db: { collection: () => collection },
    isFerretDb: async () => true,
  } as unknown as MongoService;
  const locator = { sessionsCollection: () => 'sessions' } as ReadModelLocator;
  return { sessions: new SessionsRepository(mongo, locator), documents, read };
}

const written = (snapshot: SessionSnapshot) => [{ snapshot, stored: null }];

describe('SessionsRepository, what the writer keeps at hand', () => {
  it('folds onto what it wrote without reading it, and reads again once told to forget', async () => {
    const { sessions, read } = repository();
    await sessions.write(written(created('s1')));
    expect((await sessions.findStored('acme', 's1'))?.version).toBe(1);
    expect(read).toEqual([]);
    sessions.forgetWritten();
    expect((await sessions.findStored('acme', 's1'))?.version).toBe(1);
    expect(read).toEqual(['acme/s1']);
  });

  it('forgets a session it deleted, and one an erasure elsewhere deleted', async () => {
    const { sessions, documents } = repository();
    await sessions.write([...written(created('s1')), ...written(created('s2'))]);
    await sessions.delete('acme', ['s1']);
    expect(await sessions.findStored('acme', 's1')).toBeNull();
    documents.delete('acme/s2'); // another replica's erasure
    sessions.forgetSessions('acme', ['s2']);
    expect(await sessions.findStored('acme', 's2')).toBeNull();
  });

  it('keeps nothing of a write that failed', async () => {
    const { sessions, read } = repository();
    await sessions.write(written(created('s1')));
    // Written again as new: the insert is refused as a duplicate.
    const failed = await sessions.write(written({ ...created('s1'), version: 2 }));
    expect(failed.has('acme/s1')).toBe(true);
    expect((await sessions.findStored('acme', 's1'))?.version).toBe(1);
    expect(read).toContain('acme/s1');
  });
});
