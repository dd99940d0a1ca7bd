/** API keys every e2e system is started with: tenant acme with each scope, and a second tenant. */
export const TEST_KEYS = {
  ingest: 'acme-ingest-key-0000000001',
  read: 'acme-read-key-00000000000001',
  admin: 'acme-admin-key-0000000000001',
  otherTenantAdmin: 'globex-admin-key-00000000001',
} as const;

export type TestKeyName = keyof typeof TEST_KEYS;

/** The tenants of the test keys; each has a NATS subscriber identity in every e2e system. */
export const TEST_TENANTS = ['acme', 'globex'] as const;

export const TEST_API_KEYS_JSON = JSON.stringify([
  { key: TEST_KEYS.ingest, tenant: 'acme', scopes: ['ingest'] },
  { key: TEST_KEYS.read, tenant: 'acme', scopes: ['read'] },
  { key: TEST_KEYS.admin, tenant: 'acme', scopes: ['admin'] },
  { key: TEST_KEYS.otherTenantAdmin, tenant: 'globex', scopes: ['admin'] },
]);
