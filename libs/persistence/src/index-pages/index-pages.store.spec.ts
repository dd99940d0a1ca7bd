import type { Document } from 'mongodb';
import { memoryCollection } from '@cobrowse/testing';
import { IndexPagesStore } from './index-pages.store';
import type { IndexShape } from './index-shape';

interface Row {
  at: number;
  id: string;
}

const shape: IndexShape<Row, { rows: number }> = {
  keyOf: (r) => [r.at, r.id],
  countsOf: (rows) => ({ rows: rows.length }),
  sameCounts: (a, b) => a.rows === b.rows,
  storeCounts: (c) => ({ t: c.rows }),
  loadCounts: (s) => ({ rows: s.t }),
};

async function listed(store: IndexPagesStore<Row, { rows: number }>, tenant: string): Promise<string[]> {
  const directory = await store.directory(tenant);
  const ids: string[] = [];
  if (directory) for await (const row of store.rows(tenant, directory)) ids.push(row.id);
  return ids;
}

describe('IndexPagesStore', () => {
  it('stores rows and directory entries as one JSON string each, addressed by _id', async () => {
    const { collection, documents } = memoryCollection();
    const store = new IndexPagesStore(shape, () => collection);
    await store.edit('acme', { put: [1, 2, 3].map((i) => ({ at: i, id: `r${i}` })) });
    expect(await listed(store, 'acme')).toEqual(['r3', 'r2', 'r1']);
    expect(typeof documents.get('acme:0')?.rows_json).toBe('string');
    expect(documents.get('acme:0')?.rows).toBeUndefined();
    expect(typeof documents.get('acme:directory')?.pages_json).toBe('string');
    expect((await store.directory('acme'))?.pages[0].counts).toEqual({ rows: 3 });
  });

  it('reads and edits pages an earlier version stored as arrays', async () => {
    const documents = new Map<string, Document>([
      [
        'acme:directory',
        { _id: 'acme:directory', tenant: 'acme', next_n: 1, pages: [{ n: 0, c: 1, id: 'r1', t: 2 }] },
      ],
      [
        'acme:0',
        {
          _id: 'acme:0',
          tenant: 'acme',
          n: 0,
          rows: [
            { at: 1, id: 'r1' },
            { at: 2, id: 'r2' },
          ],
        },
      ],
    ]);
    const { collection } = memoryCollection(documents);
    const store = new IndexPagesStore(shape, () => collection);
    expect(await listed(store, 'acme')).toEqual(['r2', 'r1']);
    expect((await store.directory('acme'))?.pages[0].counts).toEqual({ rows: 2 });
    await store.edit('acme', { put: [{ at: 3, id: 'r3' }], remove: [[1, 'r1']] });
    expect(await listed(store, 'acme')).toEqual(['r3', 'r2']);
    expect((await store.directory('acme'))?.pages[0].counts).toEqual({ rows: 2 });
  });
});
