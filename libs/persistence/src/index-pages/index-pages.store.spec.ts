import { Binary, type Document } from 'mongodb';
import { memoryCollection } from '@cobrowse/testing';
import { IndexPagesStore, storedPageRows } from './index-pages.store';
import type { IndexShape } from './index-shape';

interface Row {
  at: number;
  id: string;
  note?: string;
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
  it('stores rows and directory entries as one deflated JSON field each, addressed by _id', async () => {
    const { collection, documents } = memoryCollection();
    const store = new IndexPagesStore(shape, () => collection);
    await store.edit('acme', { put: [1, 2, 3].map((i) => ({ at: i, id: `r${i}` })) });
    expect(await listed(store, 'acme')).toEqual(['r3', 'r2', 'r1']);
    expect(documents.get('acme:0')?.rows_z).toBeInstanceOf(Binary);
    expect(documents.get('acme:0')?.rows).toBeUndefined();
    expect(storedPageRows(documents.get('acme:0')!)).toEqual([1, 2, 3].map((i) => ({ at: i, id: `r${i}` })));
    expect(documents.get('acme:directory')?.pages_z).toBeInstanceOf(Binary);
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

  it('reads pages the previous version stored as JSON strings, and packs them at their next change', async () => {
    const documents = new Map<string, Document>([
      [
        'acme:directory',
        { _id: 'acme:directory', tenant: 'acme', next_n: 1, pages_json: '[{"n":0,"c":1,"id":"r1","t":2}]' },
      ],
      [
        'acme:0',
        { _id: 'acme:0', tenant: 'acme', n: 0, rows_json: '[{"at":1,"id":"r1"},{"at":2,"id":"r2"}]' },
      ],
    ]);
    const { collection } = memoryCollection(documents);
    const store = new IndexPagesStore(shape, () => collection);
    expect(await listed(store, 'acme')).toEqual(['r2', 'r1']);
    await store.edit('acme', { put: [{ at: 3, id: 'r3' }] });
    expect(await listed(store, 'acme')).toEqual(['r3', 'r2', 'r1']);
    expect(documents.get('acme:0')?.rows_z).toBeInstanceOf(Binary);
    expect((await store.directory('acme'))?.pages[0].counts).toEqual({ rows: 3 });
  });

  it('edits several key spaces in one go, each as `edit` would', async () => {
    const { collection } = memoryCollection();
    const store = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection);
    await store.editMany([
      ['a', { put: [1, 2, 3].map((i) => ({ at: i, id: `a${i}` })) }],
      ['b', { put: [{ at: 1, id: 'b1' }] }],
    ]);
    await store.editMany([
      ['a', { remove: [[2, 'a2']] }],
      ['b', { put: [{ at: 0, id: 'b0' }] }],
    ]);
    expect(await listed(store, 'a')).toEqual(['a3', 'a1']);
    expect(await listed(store, 'b')).toEqual(['b1', 'b0']);
    expect((await store.directory('a'))?.pages.length).toBe(2);
  });

  it('walks a page of rows at a time, newest first, from a key on', async () => {
    const { collection } = memoryCollection();
    const store = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection);
    await store.edit('acme', { put: [1, 2, 3, 4, 5].map((i) => ({ at: i, id: `r${i}` })) });
    const directory = (await store.directory('acme'))!;
    const runs: string[][] = [];
    for await (const rows of store.pagesOfRows('acme', directory, { before: [5, 'r5'] }))
      runs.push(rows.map((r) => r.id));
    expect(runs.flat()).toEqual(['r4', 'r3', 'r2', 'r1']);
    expect(runs.length).toBe(directory.pages.length);
  });

  it('finds stored rows by key', async () => {
    const { collection } = memoryCollection();
    const store = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection);
    await store.edit('acme', { put: [1, 2, 3, 4, 5].map((i) => ({ at: i, id: `r${i}` })) });
    const found = await store.rowsAt('acme', [
      [4, 'r4'],
      [1, 'r1'],
      [9, 'r9'],
      [2, 'x'],
    ]);
    expect(found.map((r) => r.id).sort()).toEqual(['r1', 'r4']);
  });

  it('keeps the version a directory began at through every later write', async () => {
    const { collection } = memoryCollection();
    await new IndexPagesStore(shape, () => collection).edit('old', { put: [{ at: 1, id: 'r1' }] });
    const store = new IndexPagesStore({ ...shape, version: 2 }, () => collection);
    await store.edit('old', { put: [{ at: 2, id: 'r2' }] });
    await store.edit('new', { put: [{ at: 1, id: 'r1' }] });
    await store.edit('new', { put: [{ at: 2, id: 'r2' }] });
    expect((await store.directory('old'))?.since).toBeUndefined();
    expect((await store.directory('new'))?.since).toBe(2);
  });

  it('inserts what is new, and replaces what an interrupted write left in its place', async () => {
    const documents = new Map<string, Document>([
      // A new page written before a crash, the directory that would point to it never written.
      ['acme:0', { _id: 'acme:0', tenant: 'acme', n: 0, rows_json: '[{"at":9,"id":"orphan"}]' }],
    ]);
    const { collection } = memoryCollection(documents);
    const store = new IndexPagesStore(shape, () => collection);
    await store.edit('acme', { put: [1, 2].map((i) => ({ at: i, id: `r${i}` })) });
    expect(await listed(store, 'acme')).toEqual(['r2', 'r1']);
    await store.edit('acme', { put: [{ at: 3, id: 'r3' }] });
    expect(await listed(store, 'acme')).toEqual(['r3', 'r2', 'r1']);
  });

  it('closes a key space that grows past what its owner keeps: no pages, and later edits change nothing', async () => {
    const { collection, documents } = memoryCollection();
    const store = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection);
    const closeWhen = (d: { pages: Array<{ counts: { rows: number } }> }) =>
      d.pages.reduce((n, p) => n + p.counts.rows, 0) > 3;
    await store.editMany([['common', { put: [1, 2, 3].map((i) => ({ at: i, id: `r${i}` })) }]], {
      closeWhen,
    });
    expect([...documents.keys()].filter((id) => id.startsWith('common:'))).toEqual([
      'common:0',
      'common:1',
      'common:directory',
    ]);
    await store.editMany(
      [
        ['common', { put: [{ at: 4, id: 'r4' }] }],
        ['rare', { put: [{ at: 4, id: 'r4' }] }],
      ],
      { closeWhen },
    );
    expect((await store.directory('common'))?.closed).toBe(true);
    expect([...documents.keys()].filter((id) => id.startsWith('common:'))).toEqual(['common:directory']);
    expect(await listed(store, 'rare')).toEqual(['r4']);
    await store.editMany([['common', { put: [{ at: 5, id: 'r5' }], remove: [[1, 'r1']] }]], { closeWhen });
    expect(await store.directory('common')).toMatchObject({ closed: true, pages: [] });
    expect(await listed(store, 'common')).toEqual([]);
  });

  describe('with one page kept in the directory (inlineSinglePage)', () => {
    const inlineShape = { ...shape, maxRows: 2, inlineSinglePage: true };
    const ids = (documents: Map<string, Document>) => [...documents.keys()].sort();

    it('stores an index of one page as one document, and gives pages their own once it splits', async () => {
      const { collection, documents } = memoryCollection();
      const store = new IndexPagesStore(inlineShape, () => collection);
      await store.edit('acme', { put: [1, 2].map((i) => ({ at: i, id: `r${i}` })) });
      expect(ids(documents)).toEqual(['acme:directory']);
      expect(await listed(store, 'acme')).toEqual(['r2', 'r1']);
      expect(await store.rowsAt('acme', [[1, 'r1']])).toEqual([{ at: 1, id: 'r1' }]);
      await store.edit('acme', { put: [{ at: 3, id: 'r3' }] });
      expect(ids(documents)).toEqual(['acme:0', 'acme:1', 'acme:directory']);
      expect(documents.get('acme:directory')?.rows_z).toBeUndefined();
      expect(await listed(store, 'acme')).toEqual(['r3', 'r2', 'r1']);
    });

    it('moves the one page of an earlier layout into the directory at its next change', async () => {
      const { collection, documents } = memoryCollection();
      await new IndexPagesStore(shape, () => collection).edit('acme', { put: [{ at: 1, id: 'r1' }] });
      expect(ids(documents)).toEqual(['acme:0', 'acme:directory']);
      const store = new IndexPagesStore(inlineShape, () => collection);
      expect(await listed(store, 'acme')).toEqual(['r1']);
      await store.edit('acme', { put: [{ at: 2, id: 'r2' }] });
      expect(ids(documents)).toEqual(['acme:directory']);
      expect(await listed(store, 'acme')).toEqual(['r2', 'r1']);
    });

    it('keeps every row reachable when the split stops before the directory is written', async () => {
      const { collection, documents } = memoryCollection();
      const store = new IndexPagesStore(inlineShape, () => collection);
      await store.edit('acme', { put: [1, 2].map((i) => ({ at: i, id: `r${i}` })) });
      const writes: string[] = [];
      const failing = {
        ...collection,
        bulkWrite: async (operations: Parameters<typeof collection.bulkWrite>[0]) => {
          const first = operations[0] as { insertOne?: { document: { _id: string } } };
          if (!first.insertOne?.document._id.endsWith(':0') && !first.insertOne?.document._id.endsWith(':1'))
            throw new Error('database gone');
          writes.push(...operations.map((o) => JSON.stringify(Object.keys(o))));
          return collection.bulkWrite(operations);
        },
      } as typeof collection;
      await expect(
        new IndexPagesStore(inlineShape, () => failing).edit('acme', { put: [{ at: 3, id: 'r3' }] }),
      ).rejects.toThrow('database gone');
      expect(writes.length).toBeGreaterThan(0); // the pages went first
      expect(await listed(store, 'acme')).toEqual(['r2', 'r1']);
      await store.edit('acme', { put: [{ at: 3, id: 'r3' }] });
      expect(await listed(store, 'acme')).toEqual(['r3', 'r2', 'r1']);
      expect(ids(documents)).toEqual(['acme:0', 'acme:1', 'acme:directory']);
    });
  });

  describe('remembering its writes (rememberWrites)', () => {
    it('edits a space it wrote without reading it, until told to forget', async () => {
      const { collection, read } = memoryCollection();
      const store = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection, { rememberWrites: 100 });
      await store.edit('acme', { put: [1, 2, 3].map((i) => ({ at: i, id: `r${i}` })) });
      read.length = 0;
      await store.edit('acme', { put: [{ at: 4, id: 'r4' }], remove: [[3, 'r3']] });
      expect(read).toEqual([]);
      expect(await listed(store, 'acme')).toEqual(['r4', 'r2', 'r1']);
      store.forgetWrites();
      read.length = 0;
      await store.edit('acme', { put: [{ at: 5, id: 'r5' }] });
      expect(read).toContain('acme:directory');
      expect(await listed(store, 'acme')).toEqual(['r5', 'r4', 'r2', 'r1']);
    });

    it('reads a space again after a write of it failed', async () => {
      const { collection, read } = memoryCollection();
      let fail = false;
      const flaky = {
        ...collection,
        bulkWrite: (operations: Parameters<typeof collection.bulkWrite>[0]) =>
          fail ? Promise.reject(new Error('database gone')) : collection.bulkWrite(operations),
      } as typeof collection;
      const store = new IndexPagesStore(shape, () => flaky, { rememberWrites: 100 });
      await store.edit('acme', { put: [{ at: 1, id: 'r1' }] });
      fail = true;
      await expect(store.edit('acme', { put: [{ at: 2, id: 'r2' }] })).rejects.toThrow('database gone');
      fail = false;
      read.length = 0;
      await store.edit('acme', { put: [{ at: 3, id: 'r3' }] });
      expect(read).toContain('acme:directory');
      expect(await listed(store, 'acme')).toEqual(['r3', 'r1']);
    });

    it('keeps a closed space at hand: later edits read nothing', async () => {
      const { collection, read } = memoryCollection();
      const store = new IndexPagesStore(shape, () => collection, { rememberWrites: 100 });
      const closeWhen = (d: { pages: Array<{ counts: { rows: number } }> }) =>
        d.pages.reduce((n, p) => n + p.counts.rows, 0) > 1;
      await store.editMany([['common', { put: [1, 2].map((i) => ({ at: i, id: `r${i}` })) }]], { closeWhen });
      read.length = 0;
      await store.editMany([['common', { put: [{ at: 3, id: 'r3' }] }]], { closeWhen });
      expect(read).toEqual([]);
      expect((await store.directory('common'))?.closed).toBe(true);
    });
  });

  describe('keeping pages it read (cacheReads)', () => {
    const rows = (...notes: string[]) => notes.map((note, i) => ({ at: i, id: `r${i}`, note }));
    async function notes(store: IndexPagesStore<Row, { rows: number }>): Promise<string[]> {
      const directory = await store.directory('acme');
      const found: string[] = [];
      if (directory) for await (const row of store.rows('acme', directory)) found.push(row.note ?? '');
      return found;
    }

    it('reads a page once while the directory names the same rows, and again once they change', async () => {
      const { collection, read } = memoryCollection();
      const writer = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection);
      const reader = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection, { cacheReads: 100 });
      await writer.edit('acme', { put: rows('a', 'b', 'c') });
      expect(await notes(reader)).toEqual(['c', 'b', 'a']);
      read.length = 0;
      expect(await notes(reader)).toEqual(['c', 'b', 'a']);
      expect(read).toEqual(['acme:directory']);
      // Same counters, other rows: the directory is written with the page's new stamp.
      await writer.edit('acme', { put: [{ at: 0, id: 'r0', note: 'A' }] });
      read.length = 0;
      expect(await notes(reader)).toEqual(['c', 'b', 'A']);
      expect(read).toEqual(['acme:directory', 'acme:0']);
    });

    it('keeps what it wrote at hand for its reads', async () => {
      const { collection, read } = memoryCollection();
      const store = new IndexPagesStore({ ...shape, maxRows: 2 }, () => collection, { cacheReads: 100 });
      await store.edit('acme', { put: rows('a', 'b', 'c') });
      read.length = 0;
      expect(await notes(store)).toEqual(['c', 'b', 'a']);
      expect(read).toEqual(['acme:directory']);
    });

    it('keeps a page under the stamp of what it read, not the one a directory written ahead of it names', async () => {
      const { collection } = memoryCollection();
      let failPages = false;
      const failing = {
        ...collection,
        bulkWrite: (operations: Parameters<typeof collection.bulkWrite>[0]) => {
          const pagesOnly = operations.every((o) => !JSON.stringify(o).includes('directory'));
          return failPages && pagesOnly
            ? Promise.reject(new Error('database gone'))
            : collection.bulkWrite(operations);
        },
      } as typeof collection;
      const reader = new IndexPagesStore(shape, () => collection, { cacheReads: 100 });
      await new IndexPagesStore(shape, () => collection).edit('acme', { put: rows('a', 'b') });
      failPages = true;
      // The directory gets the new stamp; the page keeps its rows.
      await expect(
        new IndexPagesStore(shape, () => failing).edit('acme', { put: [{ at: 0, id: 'r0', note: 'A' }] }),
      ).rejects.toThrow('database gone');
      expect(await notes(reader)).toEqual(['b', 'a']);
      await new IndexPagesStore(shape, () => collection).edit('acme', {
        put: [{ at: 0, id: 'r0', note: 'A' }],
      });
      expect(await notes(reader)).toEqual(['b', 'A']);
    });
  });
});
