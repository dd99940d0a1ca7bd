import { IndexEdit } from './index-edit';
import { MAX_PAGE_ROWS, rowsInRange, type IndexDirectory, type IndexPage } from './index-directory';
import { compareKeys } from './index-key';
import type { IndexShape } from './index-shape';

type State = 'pending' | 'active' | 'ended';
interface Row {
  at: number;
  id: string;
  state: State;
}
type Counts = Record<State, number>;

const row = (at: number, id: string, state: State = 'pending'): Row => ({ at, id, state });

function countsOf(rows: readonly Row[]): Counts {
  const counts: Counts = { pending: 0, active: 0, ended: 0 };
  for (const r of rows) counts[r.state]++;
  return counts;
}

const shape: IndexShape<Row, Counts> = {
  keyOf: (r) => [r.at, r.id],
  countsOf,
  sameCounts: (a, b) => a.pending === b.pending && a.active === b.active && a.ended === b.ended,
  storeCounts: (c) => ({ ...c }),
  loadCounts: (s) => ({ pending: s.pending, active: s.active, ended: s.ended }),
};

/** An in-memory store of one tenant's pages that applies writes as the repository does, optionally stopping half-way. */
class Store {
  directory: IndexDirectory<Counts> | null = null;
  pages = new Map<number, IndexPage<Row>>();

  async edit(
    change: (edit: IndexEdit<Row, Counts>) => Promise<void>,
    stopAfter?: 'newPages' | 'directory',
  ): Promise<void> {
    const edit = new IndexEdit(shape, this.directory, async (n) =>
      structuredClone(this.pages.get(n) ?? null),
    );
    await change(edit);
    const writes = edit.writes();
    for (const p of writes.newPages) this.pages.set(p.n, structuredClone(p));
    if (stopAfter === 'newPages') return;
    if (writes.directory) this.directory = structuredClone(writes.directory);
    if (stopAfter === 'directory') return;
    for (const p of writes.changedPages) this.pages.set(p.n, structuredClone(p));
  }

  /** Every row as a reader sees it, in ascending order. */
  listed(): Row[] {
    const directory = this.directory;
    if (!directory) return [];
    return directory.pages.flatMap((entry, i) => rowsInRange(shape, directory, i, this.pages.get(entry.n)!));
  }

  counted(): number {
    return (this.directory?.pages ?? []).reduce(
      (n, e) => n + e.counts.pending + e.counts.active + e.counts.ended,
      0,
    );
  }
}

const ascending = (rows: Row[]) =>
  rows.every((r, i) => i === 0 || compareKeys(shape.keyOf(rows[i - 1]), shape.keyOf(r)) < 0);

describe('IndexEdit', () => {
  it('keeps rows in key order across pages as rows arrive in order, late and out of order', async () => {
    const store = new Store();
    const ids: string[] = [];
    for (let i = 0; i < 3 * MAX_PAGE_ROWS; i++) {
      // mostly in order, every seventh one late by a lot, many sharing a millisecond
      const created = i % 7 === 0 ? Math.floor(i / 3) : 10_000 + Math.floor(i / 4);
      const id = `s${String(i).padStart(5, '0')}`;
      ids.push(id);
      await store.edit((e) => e.put(row(created, id)));
    }
    const listed = store.listed();
    expect(listed.map((r) => r.id).sort()).toEqual(ids.sort());
    expect(ascending(listed)).toBe(true);
    expect(store.directory!.pages.length).toBeGreaterThan(3);
    for (const page of store.pages.values()) expect(page.rows.length).toBeLessThanOrEqual(MAX_PAGE_ROWS);
    expect(store.counted()).toBe(ids.length);
  });

  it('updates a row in place and keeps the counters by state', async () => {
    const store = new Store();
    await store.edit(async (e) => {
      await e.put(row(1, 'a'));
      await e.put(row(2, 'b'));
    });
    await store.edit((e) => e.put(row(1, 'a', 'ended')));
    expect(store.listed().map((r) => [r.id, r.state])).toEqual([
      ['a', 'ended'],
      ['b', 'pending'],
    ]);
    expect(store.directory!.pages[0].counts).toEqual({ pending: 1, active: 0, ended: 1 });
  });

  it('changes nothing when an edit is made again', async () => {
    const store = new Store();
    await store.edit((e) => e.put(row(1, 'a')));
    const edit = new IndexEdit(shape, store.directory, async (n) => store.pages.get(n) ?? null);
    await edit.put(row(1, 'a'));
    expect(edit.writes()).toEqual({ newPages: [], newDirectory: false, directory: null, changedPages: [] });
  });

  it('removes rows and their counts', async () => {
    const store = new Store();
    await store.edit(async (e) => {
      for (let i = 0; i < 10; i++) await e.put(row(i, `s${i}`, 'ended'));
    });
    await store.edit((e) => e.remove([3, 's3']));
    expect(store.listed().map((r) => r.id)).not.toContain('s3');
    expect(countsOf(store.listed()).ended).toBe(9);
    expect(store.counted()).toBe(9);
  });

  it.each(['newPages', 'directory'] as const)(
    'loses no row when a split stops after writing %s, and the same edit again completes it',
    async (stopAfter) => {
      const store = new Store();
      await store.edit(async (e) => {
        for (let i = 0; i < MAX_PAGE_ROWS; i++) await e.put(row(2 * i, `s${i}`));
      });
      const late = row(501, 'late'); // lands in the middle of the full page: a split
      await store.edit((e) => e.put(late), stopAfter);
      if (stopAfter === 'directory') expect(store.listed()).toHaveLength(MAX_PAGE_ROWS + 1);
      else expect(store.listed()).toHaveLength(MAX_PAGE_ROWS);
      await store.edit((e) => e.put(late));
      expect(store.listed()).toHaveLength(MAX_PAGE_ROWS + 1);
      expect(ascending(store.listed())).toBe(true);
      expect(store.counted()).toBe(MAX_PAGE_ROWS + 1);
      await store.edit((e) => e.put(row(0, 's0', 'ended'))); // trims what the split left behind
      expect(store.listed()).toHaveLength(MAX_PAGE_ROWS + 1);
      expect(store.counted()).toBe(MAX_PAGE_ROWS + 1);
    },
  );
});
