import { Binary } from 'mongodb';
import { ReadPages, stampOf } from './read-pages';

describe('ReadPages', () => {
  it('gives a page back only under the stamp it was kept with', () => {
    const pages = new ReadPages<string>(10);
    pages.set('acme', 0, 's1', ['a']);
    expect(pages.get('acme', 0, 's1')?.rows).toEqual(['a']);
    expect(pages.get('acme', 0, 's2')).toBeNull();
    expect(pages.get('acme', 0, undefined)).toBeNull();
    expect(pages.get('globex', 0, 's1')).toBeNull();
    expect([pages.has('acme', 0, 's1'), pages.has('acme', 0, 's2'), pages.has('acme', 0, undefined)]).toEqual(
      [true, false, false],
    );
    pages.set('acme', 0, 's2', ['b']);
    expect(pages.get('acme', 0, 's1')).toBeNull();
    expect(pages.has('acme', 0, 's2')).toBe(true);
  });

  it('keeps within its bound in rows, never dropping the page just kept', () => {
    const picks = [0.99, 0];
    const pages = new ReadPages<string>(4, () => picks.shift() ?? 0);
    pages.set('acme', 0, 's', ['a', 'b']);
    pages.set('acme', 1, 's', ['c', 'd']);
    pages.set('acme', 2, 's', ['e', 'f']); // over: one of the two before goes (0.99: the second)
    expect(pages.get('acme', 1, 's')).toBeNull();
    expect(pages.get('acme', 0, 's')?.rows).toEqual(['a', 'b']);
    expect(pages.get('acme', 2, 's')?.rows).toEqual(['e', 'f']);
    pages.set('acme', 3, 's', ['g', 'h']); // over: 0 picks the first slot
    expect(pages.get('acme', 0, 's')).toBeNull();
    expect(pages.get('acme', 2, 's')?.rows).toEqual(['e', 'f']);
    expect(pages.get('acme', 3, 's')?.rows).toEqual(['g', 'h']);
  });

  it('keeps most of a walk longer than its bound, where least-recently-used eviction keeps none', () => {
    const pages = new ReadPages<number>(100);
    const walk = () => {
      let hits = 0;
      for (let n = 0; n < 120; n++) {
        if (pages.get('acme', n, 's')) hits++;
        else pages.set('acme', n, 's', [n]);
      }
      return hits;
    };
    walk();
    const hits = [walk(), walk(), walk()];
    expect(Math.min(...hits)).toBeGreaterThan(50);
  });

  it('stamps the same bytes alike and other bytes otherwise', () => {
    const stamp = (text: string) => stampOf(new Binary(Buffer.from(text)));
    expect(stamp('[1,2]')).toBe(stamp('[1,2]'));
    expect(stamp('[1,2]')).not.toBe(stamp('[1,3]'));
  });
});
