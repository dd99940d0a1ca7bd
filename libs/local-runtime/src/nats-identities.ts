import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RELAY_INBOX_PREFIX,
  relayPermissions,
  servicesPermissions,
  subscriberInboxPrefix,
  subscriberPermissions,
  type NatsPermissions,
} from '@cobrowse/contracts';

/** One NATS user of the shipped authorization: who it is, its secret and what it may do. */
export interface NatsIdentity {
  /** `services`, `relay` or `subscriber-<tenant>`: also the user name and the connection file's name. */
  name: string;
  password: string;
  permissions: NatsPermissions;
  /** The reply inbox prefix the identity must use (its permissions allow only that one). */
  inboxPrefix?: string;
}

/** What nats.js `connect()` takes as is: servers and credentials (and the inbox the identity may use). */
export interface NatsConnectionFile {
  servers: string[];
  user: string;
  pass: string;
  name: string;
  inboxPrefix?: string;
}

/** The identities SPEC section 4 names: the services, relays, and a subscriber per tenant. */
export function natsIdentities(tenants: string[], passwordOf: (name: string) => string): NatsIdentity[] {
  const identity = (name: string, permissions: NatsPermissions, inboxPrefix?: string): NatsIdentity => ({
    name,
    password: passwordOf(name),
    permissions,
    ...(inboxPrefix ? { inboxPrefix } : {}),
  });
  return [
    identity('services', servicesPermissions()),
    identity('relay', relayPermissions(), RELAY_INBOX_PREFIX),
    ...tenants.map((t) => identity(`subscriber-${t}`, subscriberPermissions(t), subscriberInboxPrefix(t))),
  ];
}

/**
 * The `authorization` block of nats-server's configuration (JSON is valid there). Without a
 * `no_auth_user`, a connection without credentials is refused. With `passwordVariables`, each
 * password is an environment variable reference (for compose), `<NAME>_NATS_PASSWORD`.
 */
export function authorizationConfig(
  identities: NatsIdentity[],
  options: { passwordVariables?: boolean } = {},
): string {
  const users = identities.map((i) => {
    const password = options.passwordVariables ? `$${passwordVariable(i.name)}` : JSON.stringify(i.password);
    return `    { user: ${JSON.stringify(i.name)}, password: ${password}, permissions: ${JSON.stringify(i.permissions)} }`;
  });
  return `authorization {\n  users: [\n${users.join(',\n')}\n  ]\n}\n`;
}

export function passwordVariable(identity: string): string {
  return `${identity.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_NATS_PASSWORD`;
}

export function connectionFile(identity: NatsIdentity, url: string): NatsConnectionFile {
  return {
    servers: url.split(','),
    user: identity.name,
    pass: identity.password,
    name: identity.name,
    ...(identity.inboxPrefix ? { inboxPrefix: identity.inboxPrefix } : {}),
  };
}

/** Writes `<name>.json` for every identity into `dir` (mode 600: they hold secrets). */
export function writeConnectionFiles(dir: string, identities: NatsIdentity[], url: string): string[] {
  mkdirSync(dir, { recursive: true });
  return identities.map((identity) => {
    const file = join(dir, `${identity.name}.json`);
    writeFileSync(file, JSON.stringify(connectionFile(identity, url), null, 2) + '\n', { mode: 0o600 });
    return file;
  });
}

/** A password per identity, kept in `dir/<name>.json` from an earlier start, or a new random one. */
export function keptPasswords(dir: string): (name: string) => string {
  return (name) => {
    const file = join(dir, `${name}.json`);
    if (existsSync(file)) {
      try {
        const pass = (JSON.parse(readFileSync(file, 'utf8')) as { pass?: unknown }).pass;
        if (typeof pass === 'string' && pass) return pass;
      } catch {
        /* rewritten below */
      }
    }
    return randomBytes(18).toString('base64url');
  };
}
