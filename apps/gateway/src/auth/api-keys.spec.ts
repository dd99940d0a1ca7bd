import { parseApiKeys } from './api-keys';
import { hasScope } from './principal';

const KEYS = JSON.stringify([
  { key: 'acme-ingest-key-0001', tenant: 'acme', scopes: ['ingest'] },
  { key: 'acme-admin-key-00001', tenant: 'acme', scopes: ['admin'] },
  { key: 'globex-read-key-0001', tenant: 'globex', scopes: ['read'] },
]);

describe('parseApiKeys', () => {
  const ring = parseApiKeys(KEYS);

  it('resolves a key to its tenant and scopes', () => {
    expect(ring.resolve('globex-read-key-0001')).toMatchObject({ tenant: 'globex' });
    expect([...ring.resolve('acme-ingest-key-0001')!.scopes]).toEqual(['ingest']);
  });

  it('returns null for an unknown key, including prefixes of a real one', () => {
    expect(ring.resolve('nope')).toBeNull();
    expect(ring.resolve('acme-ingest-key-000')).toBeNull();
  });

  it('gives a key id that is not the key', () => {
    const principal = ring.resolve('acme-admin-key-00001')!;
    expect(principal.actor).toEqual({ type: 'key', id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(KEYS).not.toContain((principal.actor as { id: string }).id);
  });

  it('lets admin stand in for read and ingest, and nothing else stand in for admin', () => {
    const admin = ring.resolve('acme-admin-key-00001')!;
    const ingest = ring.resolve('acme-ingest-key-0001')!;
    expect(hasScope(admin, 'read')).toBe(true);
    expect(hasScope(admin, 'ingest')).toBe(true);
    expect(hasScope(ingest, 'read')).toBe(false);
    expect(hasScope(ingest, 'admin')).toBe(false);
  });

  it.each([
    [undefined, /required/],
    ['not json', /valid JSON/],
    ['[]', /non-empty/],
    ['[{"key":"short","tenant":"acme","scopes":["read"]}]', /at least 16/],
    ['[{"key":"long-enough-key-000","tenant":"Acme","scopes":["read"]}]', /tenant/],
    ['[{"key":"long-enough-key-000","tenant":"acme","scopes":["write"]}]', /scopes/],
  ])('rejects %s', (json, message) => {
    expect(() => parseApiKeys(json)).toThrow(message);
  });
});
