import { uuidV5 } from './uuid-v5';

describe('uuidV5', () => {
  it('matches the RFC 4122 DNS-namespace example for python.org', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('is stable for the same name and differs for another', () => {
    const ns = '0b9f5b52-3c1e-4b5e-9d3f-6a4f8f2d9c11';
    expect(uuidV5('acme/e1', ns)).toBe(uuidV5('acme/e1', ns));
    expect(uuidV5('acme/e1', ns)).not.toBe(uuidV5('globex/e1', ns));
  });
});
