import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectionFile, NatsTenancy, passwordVariable } from './nats-identities';

describe('NATS tenancy', () => {
  it("puts the services in their account, and each tenant's subscribers and relays in accounts of their own", () => {
    const tenancy = new NatsTenancy(['acme', 'globex'], (name) => `pw-${name}`);
    expect(tenancy.identities.map((i) => [i.name, i.account, i.password])).toEqual([
      ['services', 'services', 'pw-services'],
      ['subscriber-acme', 'tenant-acme', 'pw-subscriber-acme'],
      ['relay-acme', 'relays-acme', 'pw-relay-acme'],
      ['subscriber-globex', 'tenant-globex', 'pw-subscriber-globex'],
      ['relay-globex', 'relays-globex', 'pw-relay-globex'],
    ]);
  });

  it("names in a tenant's accounts no subject of another tenant", () => {
    const tenancy = new NatsTenancy(['acme', 'globex'], () => 'pw');
    for (const account of tenancy.accounts.filter((a) => a.name !== 'services')) {
      const text = JSON.stringify(account);
      const own = account.name.replace(/^(tenant|relays)-/, '');
      const other = own === 'acme' ? 'globex' : 'acme';
      expect(text).not.toContain(other);
    }
  });

  it('exports each tenant subject of the services to that tenant alone', () => {
    const [services] = new NatsTenancy(['acme', 'globex'], () => 'pw').accounts;
    for (const e of services.exports) {
      const subject = 'stream' in e ? e.stream : e.service;
      const tenant = /(?:cobrowse|deliver)\.(acme|globex)\b|ingest\.(acme|globex)$/.exec(subject);
      if (tenant) expect(e.accounts.every((a) => a.endsWith(`-${tenant[1] ?? tenant[2]}`))).toBe(true);
    }
  });

  it('keeps the passwords of the tenants it had when one is added', () => {
    const before = new NatsTenancy(['acme'], (name) => `first-${name}`);
    const after = before.withTenant('initech', (name) => `new-${name}`);
    expect(after.identity('subscriber-acme')?.password).toBe('first-subscriber-acme');
    expect(after.identity('relay-initech')?.password).toBe('new-relay-initech');
  });

  it('writes connection files nats.js connect() takes as they are', () => {
    const relay = new NatsTenancy(['acme'], () => 'secret').identity('relay-acme')!;
    expect(connectionFile(relay, 'nats://a:1,nats://b:2')).toEqual({
      servers: ['nats://a:1', 'nats://b:2'],
      user: 'relay-acme',
      pass: 'secret',
      name: 'relay-acme',
    });
  });

  it('refers to passwords by environment variable for deployments', () => {
    const text = new NatsTenancy(['acme'], () => 'never-printed').config({ passwordVariables: true });
    expect(text).not.toContain('never-printed');
    expect(text).toContain(`password: $${passwordVariable('subscriber-acme')}`);
    expect(passwordVariable('relay-acme')).toBe('RELAY_ACME_NATS_PASSWORD');
  });

  it('is what the compose file ships (regenerate with npm run nats-config)', () => {
    const shipped = readFileSync(join(__dirname, '../../../deploy/docker/nats-accounts.conf'), 'utf8');
    const tenants = [...shipped.matchAll(/user: "subscriber-([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(shipped).toBe(new NatsTenancy(tenants, () => '').config({ passwordVariables: true }));
  });
});
