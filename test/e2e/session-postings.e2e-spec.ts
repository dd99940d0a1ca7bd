import { MongoClient } from 'mongodb';
import { storedPageRows } from '@cobrowse/persistence';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';

/**
 * Filters naming a rare device, agent or custom data value read that term's postings
 * (docs/read-models.md): on the real database, through every change a session goes through,
 * and after an upgrade from a store without postings.
 */
describe('session list postings', () => {
  let system: TestSystem;
  let ingest: ApiClient;
  let reader: ApiClient;
  let admin: ApiClient;
  let mongo: MongoClient;
  const rare: string[] = [];

  const ids = async (query: string) => {
    const r = await reader.get(`/v1/sessions?${query}`);
    expect(r.status).toBe(200);
    return (r.body.data as Array<{ id: string }>).map((s) => s.id).sort();
  };
  const count = async (query: string) => (await reader.get(`/v1/sessions/count?${query}`)).body.count;
  /** The sessions in the tenant's postings of one term, read from the database, not through the API. */
  const posted = async (term: unknown[]) => {
    // Its pages, or its directory when that keeps its one page.
    const documents = await mongo
      .db()
      .collection('sessions_postings')
      .find({ tenant: `acme|${JSON.stringify(term)}` })
      .toArray();
    return documents
      .map((document) => storedPageRows<[number, string]>(document))
      .flat()
      .map(([, id]) => id)
      .sort();
  };
  const directory = () =>
    mongo
      .db()
      .collection('sessions_list')
      .findOne({ _id: 'acme:directory' as never });

  beforeAll(async () => {
    system = await TestSystem.start();
    const api = new ApiClient(system.gatewayUrl);
    ingest = api.as('ingest');
    reader = api.as('read');
    admin = api.as('admin');
    mongo = await MongoClient.connect(system.mongo.url);
    // Enough other sessions that two are rare: postings are read when a term has under 1/25 of them.
    for (let i = 0; i < 60; i++)
      expect(
        (await ingest.post('/v1/sessions', { device_id: 'crowd', custom_data: { customer: 'many' } })).status,
      ).toBe(201);
    for (let i = 0; i < 2; i++) {
      const r = await ingest.post('/v1/sessions', {
        device_id: 'rare-device',
        custom_data: { customer: 'rare' },
      });
      expect(r.status).toBe(201);
      rare.push(r.body.id);
    }
    rare.sort();
    expect(
      (await ingest.post(`/v1/sessions/${rare[0]}/activate`, { agent: { id: 'rare-agent' } })).status,
    ).toBe(200);
    await eventually(async () => expect(await count('state=active')).toBe(1));
    await eventually(async () => expect(await count('')).toBe(62));
  });

  afterAll(async () => {
    await mongo?.close();
    await system?.stop();
  });

  it('lists and counts a rare device, agent and customer from their postings', async () => {
    expect(await posted(['d', 'rare-device'])).toEqual(rare);
    expect(await posted(['c', 'customer', 'rare'])).toEqual(rare);
    expect(await posted(['a', 'rare-agent'])).toEqual([rare[0]]);
    expect(await ids('device_id=rare-device')).toEqual(rare);
    expect(await ids('filter_customer=rare')).toEqual(rare);
    expect(await ids('agent_id=rare-agent')).toEqual([rare[0]]);
    expect(await ids('device_id=rare-device&state=pending')).toEqual([rare[1]]);
    expect(await count('device_id=rare-device&filter_customer=rare')).toBe(2);
    expect(await count('device_id=rare-device&filter_customer=many')).toBe(0);
    expect(await count('device_id=nobody')).toBe(0);
  });

  it('moves a session between the postings of the custom data it changes to', async () => {
    const r = await admin.request('PATCH', `/v1/sessions/${rare[1]}`, { custom_data: { customer: 'moved' } });
    expect(r.status).toBe(200);
    await eventually(async () => expect(await ids('filter_customer=moved')).toEqual([rare[1]]));
    expect(await ids('filter_customer=rare')).toEqual([rare[0]]);
    expect(await posted(['c', 'customer', 'rare'])).toEqual([rare[0]]);
    expect(await posted(['c', 'customer', 'moved'])).toEqual([rare[1]]);
  });

  it('posts the sessions of a list written before postings, once, after an upgrade', async () => {
    await system.kill('history-projector');
    // What a store written before postings holds: the list, no postings, no `since`, no mark.
    await mongo.db().collection('sessions_postings').drop();
    await mongo
      .db()
      .collection('sessions_list')
      .deleteOne({ _id: 'postings-backfilled' as never });
    await mongo
      .db()
      .collection('sessions_list')
      .updateOne({ _id: 'acme:directory' as never }, { $unset: { since: '' } });
    expect((await directory())?.since).toBeUndefined();
    await system.restart('history-projector');
    await eventually(async () => expect((await directory())?.since).toBe(2));
    expect(await posted(['d', 'rare-device'])).toEqual(rare);
    expect((await posted(['d', 'crowd'])).length).toBe(60);
    expect(await ids('device_id=rare-device')).toEqual(rare);
    expect(await ids('filter_customer=moved')).toEqual([rare[1]]);
  });
});
