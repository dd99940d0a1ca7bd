import type { SessionSnapshot } from '@cobrowse/contracts';
import { WrittenSessions } from './written-sessions';

const stored = (id: string, pages: number) => ({
  snapshot: { id, pages: Array.from({ length: pages }, () => ({})) } as unknown as SessionSnapshot,
  version: 1,
  pagesStored: pages,
});

describe('WrittenSessions', () => {
  it('keeps what was written, and forgets on request', () => {
    const written = new WrittenSessions();
    written.set('a', stored('a', 1));
    written.set('b', stored('b', 1));
    written.forget('a');
    expect(written.get('a')).toBeUndefined();
    expect(written.get('b')?.snapshot.id).toBe('b');
    written.clear();
    expect(written.get('b')).toBeUndefined();
  });

  it('lets the least recently written go first once the pages held pass the bound', () => {
    const written = new WrittenSessions();
    written.set('old', stored('old', 100_000));
    written.set('newer', stored('newer', 50_000));
    written.set('old', stored('old', 100_000)); // written again: now the newest
    written.set('long', stored('long', 60_000));
    expect(written.get('newer')).toBeUndefined();
    expect(written.get('old')).toBeDefined();
    expect(written.get('long')).toBeDefined();
  });
});
