import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  natsAccounts,
  type NatsAccountSpec,
  type NatsPermissions,
  type TenantLimits,
} from '@cobrowse/contracts';

/** One NATS user of the shipped configuration: who it is, its account, its secret and what it may do. */
export interface NatsIdentity {
  /** `services`, `relay-<tenant>` or `subscriber-<tenant>`: also the user name and the connection file's name. */
  name: string;
  account: string;
  password: string;
  permissions: NatsPermissions;
}

/** What nats.js `connect()` takes as is: servers and credentials. */
export interface NatsConnectionFile {
  servers: string[];
  user: string;
  pass: string;
  name: string;
}

/** The accounts of SPEC section 4 for these tenants, and a password for each of their users. */
export class NatsTenancy {
  readonly accounts: NatsAccountSpec[];
  readonly identities: NatsIdentity[];

  constructor(
    readonly tenants: string[],
    passwordOf: (name: string) => string,
    readonly limits?: TenantLimits,
  ) {
    this.accounts = natsAccounts(tenants, limits);
    this.identities = this.accounts.flatMap((a) =>
      a.users.map((u) => ({
        name: u.name,
        account: a.name,
        password: passwordOf(u.name),
        permissions: u.permissions,
      })),
    );
  }

  /** The same tenancy with one tenant more (its users get new passwords, the others keep theirs). */
  withTenant(tenant: string, passwordOf: (name: string) => string): NatsTenancy {
    const kept = (name: string) => this.identity(name)?.password ?? passwordOf(name);
    return new NatsTenancy([...new Set([...this.tenants, tenant])], kept, this.limits);
  }

  identity(name: string): NatsIdentity | undefined {
    return this.identities.find((i) => i.name === name);
  }

  /**
   * The `accounts` block of nats-server's configuration (JSON is valid there). Without a
   * `no_auth_user`, a connection without credentials is refused. With `passwordVariables`, each
   * password is an environment variable reference (for compose), `<NAME>_NATS_PASSWORD`.
   */
  config(options: { passwordVariables?: boolean } = {}): string {
    const accounts = this.accounts.map((account) => {
      const users = account.users.map((u) => {
        const password = options.passwordVariables
          ? `$${passwordVariable(u.name)}`
          : JSON.stringify(this.identity(u.name)!.password);
        return `      { user: ${JSON.stringify(u.name)}, password: ${password}, permissions: ${JSON.stringify(u.permissions)} }`;
      });
      const fields = [
        `    users: [\n${users.join(',\n')}\n    ]`,
        `    jetstream: ${JSON.stringify(account.jetstream)}`,
        `    limits: ${JSON.stringify(account.limits)}`,
        ...(account.exports.length ? [`    exports: ${JSON.stringify(account.exports)}`] : []),
        ...(account.imports.length ? [`    imports: ${JSON.stringify(account.imports)}`] : []),
      ];
      return `  ${JSON.stringify(account.name)}: {\n${fields.join('\n')}\n  }`;
    });
    return `accounts {\n${accounts.join('\n')}\n}\n`;
  }
}

export function passwordVariable(identity: string): string {
  return `${identity.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_NATS_PASSWORD`;
}

export function connectionFile(identity: NatsIdentity, url: string): NatsConnectionFile {
  return { servers: url.split(','), user: identity.name, pass: identity.password, name: identity.name };
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
