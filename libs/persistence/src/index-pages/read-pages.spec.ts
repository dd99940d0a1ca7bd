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
    pages.set('acme', 0, 's2', ['b']);
    expect(pages.get('acme', 0, 's1')).toBeNull();
  });

  it('forgets the least recently used pages beyond its bound in rows', () => {
    const pages = new ReadPages<string>(4);
    pages.set('acme', 0, 's', ['a', 'b']);
    pages.set('acme', 1, 's', ['c', 'd']);
    pages.get('acme', 0, 's');
    pages.set('acme', 2, 's', ['e', 'f']);
    expect(pages.get('acme', 1, 's')).toBeNull();
    expect(pages.get('acme', 0, 's')?.rows).toEqual(['a', 'b']);
    expect(pages.get('acme', 2, 's')?.rows).toEqual(['e', 'f']);
  });

  it('stamps the same bytes alike and other bytes otherwise', () => {
    const stamp = (text: string) => stampOf(new Binary(Buffer.from(text)));
    expect(stamp('[1,2]')).toBe(stamp('[1,2]'));
    expect(stamp('[1,2]')).not.toBe(stamp('[1,3]'));
  });
});
