import { collectPage } from './paging';

async function* rows(sizes: number[]) {
  for (const size of sizes) yield size;
}

describe('collectPage', () => {
  it('stops at the limit and says more remain', async () => {
    expect(await collectPage(rows([1, 1, 1]), { limit: 2, sizeOf: (n) => n })).toEqual({
      page: [1, 1],
      more: true,
    });
    expect(await collectPage(rows([1, 1]), { limit: 2, sizeOf: (n) => n })).toEqual({
      page: [1, 1],
      more: false,
    });
  });

  it('ends a page early at the byte budget, but always takes the first row', async () => {
    expect(await collectPage(rows([60, 60, 1]), { limit: 10, maxBytes: 100, sizeOf: (n) => n })).toEqual({
      page: [60],
      more: true,
    });
    expect(await collectPage(rows([500]), { limit: 10, maxBytes: 100, sizeOf: (n) => n })).toEqual({
      page: [500],
      more: false,
    });
  });
});
