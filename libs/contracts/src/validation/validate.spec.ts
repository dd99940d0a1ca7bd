import { MetadataUpdatedDataDto, SessionCreatedDataDto } from './event-data.dto';
import { ConnectionClosedDataDto } from './connection-data.dto';
import { validatePlain } from './validate';

describe('validatePlain', () => {
  it('keeps declared properties only, converting nested DTOs', () => {
    const result = validatePlain(ConnectionClosedDataDto, {
      device_id: 'd',
      connection_id: 'c',
      expected_disconnect: { return_time_seconds: 5, junk: 1 },
      junk: { constructor: 1 },
    });
    expect(JSON.parse(JSON.stringify(result.value))).toEqual({
      device_id: 'd',
      connection_id: 'c',
      expected_disconnect: { return_time_seconds: 5 },
    });
  });

  it('takes metadata as any JSON: nested arrays, "$" and "." keys, constructor, NUL inside', () => {
    const metadata = { a: [[1, [2]], { $x: { 'y.z': 'é\u0000' } }], k: { constructor: 1, __proto__: 2 } };
    const result = validatePlain(MetadataUpdatedDataDto, { metadata });
    expect(result.issues).toEqual([]);
    expect(JSON.stringify((result.value as MetadataUpdatedDataDto).metadata)).toBe(JSON.stringify(metadata));
  });

  it('refuses metadata nesting more than 32 levels below the top, and top-level keys with NUL', () => {
    let nested: unknown = 1;
    for (let i = 0; i < 32; i++) nested = { n: nested };
    expect(validatePlain(MetadataUpdatedDataDto, { metadata: { top: nested } }).issues).toEqual([]);
    const deeper = validatePlain(MetadataUpdatedDataDto, { metadata: { top: { n: nested } } });
    expect(deeper.issues[0].message).toMatch(/deeper than 32/);
    expect(validatePlain(MetadataUpdatedDataDto, { metadata: { 'a\u0000': 1 } }).issues).toHaveLength(1);
  });

  it('validates 60,000 unknown keys quickly by never reading them', () => {
    const junk = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, { constructor: i }]));
    const result = validatePlain(SessionCreatedDataDto, { device_id: 'd', device: junk, ...junk });
    expect(result.issues).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.value))).toEqual({ device_id: 'd', device: {} });
  });
});
