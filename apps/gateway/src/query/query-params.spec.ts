import { QueryParams } from './query-params';

function refusal(raw: Record<string, unknown>, read: (p: QueryParams) => void = () => undefined) {
  try {
    const params = new QueryParams(raw);
    read(params);
    params.done();
  } catch (e) {
    return e as { code: string; statusCode: number; details: Array<{ field: string }> };
  }
  throw new Error('expected a refusal');
}

describe('QueryParams', () => {
  it.each([{ 'a\u0000b': '1' }, { filter_a: 'x\u001fy' }, { state: ['ok', 'no\u007f'] }])(
    'refuses control characters in names and values: %j',
    (raw) => {
      const e = refusal(raw);
      expect(e.statusCode).toBe(400);
      expect(e.code).toBe('INVALID_QUERY');
    },
  );

  it('refuses parameters nobody read, naming them', () => {
    const e = refusal({ colour: 'blue' });
    expect(e.code).toBe('INVALID_QUERY');
    expect(e.details).toEqual([expect.objectContaining({ field: 'colour' })]);
  });

  it('reads strict time bounds', () => {
    const e = refusal({ created_after: '2024-02-30' }, (p) => p.time('created_after'));
    expect(e.details[0].field).toBe('created_after');
    const params = new QueryParams({ created_after: '2024-02-29' });
    expect(params.time('created_after')).toBe(Date.UTC(2024, 1, 29));
  });

  it('answers a bad tag expression with its position, and a deep one without overflowing', () => {
    const e = refusal({ tags: '('.repeat(5000) }, (p) => p.tags()) as unknown as {
      code: string;
      details: Array<{ position: number }>;
    };
    expect(e.code).toBe('INVALID_TAG_EXPRESSION');
    expect(refusal({ tags: '('.repeat(33) + 'a' + ')'.repeat(33) }, (p) => p.tags()).code).toBe(
      'INVALID_TAG_EXPRESSION',
    );
    expect(refusal({ tags: 'a,'.repeat(600) + 'a' }, (p) => p.tags()).code).toBe('INVALID_TAG_EXPRESSION');
  });
});
