import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authorizationConfig, connectionFile, natsIdentities, passwordVariable } from './nats-identities';

describe('NATS identities', () => {
  it('names the services, relays and one subscriber per tenant', () => {
    const identities = natsIdentities(['acme', 'globex'], (name) => `pw-${name}`);
    expect(identities.map((i) => [i.name, i.password, i.inboxPrefix])).toEqual([
      ['services', 'pw-services', undefined],
      ['relay', 'pw-relay', '_INBOX_relay'],
      ['subscriber-acme', 'pw-subscriber-acme', '_INBOX_sub_acme'],
      ['subscriber-globex', 'pw-subscriber-globex', '_INBOX_sub_globex'],
    ]);
  });

  it('writes connection files nats.js connect() takes as they are', () => {
    const [, relay] = natsIdentities([], () => 'secret');
    expect(connectionFile(relay, 'nats://a:1,nats://b:2')).toEqual({
      servers: ['nats://a:1', 'nats://b:2'],
      user: 'relay',
      pass: 'secret',
      name: 'relay',
      inboxPrefix: '_INBOX_relay',
    });
  });

  it('refers to passwords by environment variable for deployments', () => {
    const text = authorizationConfig(
      natsIdentities(['acme'], () => 'never-printed'),
      { passwordVariables: true },
    );
    expect(text).not.toContain('never-printed');
    expect(text).toContain(`password: $${passwordVariable('subscriber-acme')}`);
    expect(passwordVariable('subscriber-acme')).toBe('SUBSCRIBER_ACME_NATS_PASSWORD');
  });

  it('is what the compose file ships (regenerate with npm run nats-config)', () => {
    const shipped = readFileSync(join(__dirname, '../../../deploy/docker/nats-authorization.conf'), 'utf8');
    expect(shipped).toBe(
      authorizationConfig(
        natsIdentities([], () => ''),
        { passwordVariables: true },
      ),
    );
  });
});
