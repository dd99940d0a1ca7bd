import { Logger } from '@nestjs/common';
import type { Leadership } from '@cobrowse/messaging';
import { LeaderBackfill } from './leader-backfill';

/** A leadership that leads in `term` until `lose()`. */
function leadership(term = 1) {
  let leading = true;
  return {
    leadership: { term, leadsIn: (t: number) => leading && t === term } as unknown as Leadership,
    lose: () => void (leading = false),
  };
}

class Job extends LeaderBackfill {
  runs = 0;
  constructor(
    marks: Set<string>,
    lead: Leadership,
    private readonly work: (leads: () => boolean) => Promise<Record<string, unknown> | null>,
  ) {
    super(
      'things',
      'things-done',
      { hasMark: async (m) => marks.has(m), setMark: async (m) => void marks.add(m) },
      lead,
    );
  }

  protected fill(leads: () => boolean) {
    this.runs++;
    return this.work(leads);
  }
}

describe('LeaderBackfill', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs once: the leader that finishes marks it done, later leaders skip it', async () => {
    const marks = new Set<string>();
    const first = new Job(marks, leadership().leadership, async () => ({ things: 3 }));
    await first.run(1);
    expect(marks.has('things-done')).toBe(true);
    const second = new Job(marks, leadership().leadership, async () => ({ things: 0 }));
    await second.run(1);
    expect(second.runs).toBe(0);
  });

  it('leaves the mark unset when leadership ends before the end, or the work fails', async () => {
    const marks = new Set<string>();
    const { leadership: lead, lose } = leadership();
    await new Job(marks, lead, async () => (lose(), { things: 1 })).run(1);
    await new Job(marks, leadership().leadership, async () => null).run(1);
    await new Job(marks, leadership().leadership, async () => {
      throw new Error('database gone');
    }).run(1);
    expect(marks.size).toBe(0);
  });

  it('tells the work whether it still leads in the term it began', async () => {
    const { leadership: lead, lose } = leadership(7);
    const seen: boolean[] = [];
    await new Job(new Set(), lead, async (leads) => {
      seen.push(leads());
      lose();
      seen.push(leads());
      return null;
    }).run(7);
    expect(seen).toEqual([true, false]);
  });
});
