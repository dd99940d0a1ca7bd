import { Binary } from 'mongodb';
import type { SessionSnapshot } from '@cobrowse/contracts';
import { INLINE_PAGES, PAGES_PER_CHUNK, pagesStored, toDocuments, toSnapshot } from './session-document';

const page = (n: number) => ({
  url: `https://shop.example/p/${n}`,
  title: `Page ${n}`,
  entered_at: 1_000 + n,
  connection_id: 'c1',
});

const session = (pages: number): SessionSnapshot => ({
  tenant: 'acme',
  id: 's1',
  token: '123456',
  state: 'ended',
  end_reason: 'agent',
  created_at: 1_000,
  activated_at: 1_500,
  ended_at: 9_000,
  ended_recorded_at: 9_001,
  updated_at: 9_000,
  went_live: true,
  device_id: 'd1',
  device: { platform: 'web' },
  source: 'relay',
  start_url: null,
  custom_data: { plan: 'gold', visits: 3 },
  metadata: { $set: { 'a.b': ['\u0000', { nested: null }] }, émoji: '🙂' },
  tags: ['vip'],
  agents: [{ id: 'a1', name: 'Ann', joined_at: 1_500 }],
  pages: Array.from({ length: pages }, (_, n) => page(n)),
  version: 7,
});

describe('session documents', () => {
  it('pack the snapshot beside the fields queries and the compare-and-set read, and give it back exactly', async () => {
    const snapshot = session(3);
    const { session: document, chunks } = toDocuments(snapshot, 0);
    expect(chunks).toEqual([]);
    expect(document).toEqual({
      _id: 'acme/s1',
      tenant: 'acme',
      id: 's1',
      state: 'ended',
      created_at: 1_000,
      ended_recorded_at: 9_001,
      version: 7,
      page_count: 3,
      snapshot_z: expect.any(Binary),
    });
    expect(toSnapshot(document)).toEqual(snapshot);
    expect(pagesStored(document)).toBe(3);
  });

  it('keep the first pages inline and the rest in chunks, writing only the chunks from a page on', async () => {
    const snapshot = session(INLINE_PAGES + PAGES_PER_CHUNK + 5);
    const all = toDocuments(snapshot, 0);
    expect(all.chunks.map((c) => [c._id, c.pages.length])).toEqual([
      ['acme/s1/1', PAGES_PER_CHUNK],
      ['acme/s1/2', 5],
    ]);
    expect(toSnapshot(all.session, all.chunks)).toEqual(snapshot);
    const later = toDocuments(snapshot, INLINE_PAGES + PAGES_PER_CHUNK + 1);
    expect(later.chunks.map((c) => c._id)).toEqual(['acme/s1/2']);
  });

  it('read what earlier versions stored: the fields themselves, metadata as text or as an object', async () => {
    const { metadata, pages, ...rest } = session(2);
    const asText = { _id: 'acme/s1', ...rest, pages, page_count: 2, metadata_json: JSON.stringify(metadata) };
    expect(toSnapshot(asText)).toEqual(session(2));
    const asObject = { _id: 'acme/s1', ...rest, pages, metadata };
    expect(toSnapshot(asObject)).toEqual(session(2));
    expect(pagesStored(asObject)).toBe(2);
  });
});
