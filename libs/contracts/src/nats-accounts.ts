import {
  relayPermissions,
  servicesPermissions,
  subscriberPermissions,
  type NatsPermissions,
} from './nats-permissions';
import {
  EVENTS_STREAM,
  INGEST_SUBJECT,
  LOG_API_PREFIX_IN_TENANT,
  TENANT_EVENTS_STREAM,
  tenantIngestSubject,
  tenantJetStreamApiPrefix,
  tenantSourceDeliverPrefix,
  tenantSubjects,
} from './subjects';

/** The services' NATS account: the log, the buckets and every internal subject are here alone. */
export const SERVICES_ACCOUNT = 'services';
export const tenantAccount = (tenant: string): string => `tenant-${tenant}`;
export const relaysAccount = (tenant: string): string => `relays-${tenant}`;

/** One user of an account (its password is the deployment's: see libs/local-runtime). */
export interface NatsUserSpec {
  /** `services`, `relay-<tenant>` or `subscriber-<tenant>`: also its connection file's name. */
  name: string;
  permissions: NatsPermissions;
}

/** An export or import, in the shape of the server configuration's `exports` / `imports` entries. */
export type NatsExport = { stream: string; accounts: string[] } | { service: string; accounts: string[] };
export type NatsImport =
  | { stream: { account: string; subject: string }; to?: string }
  | { service: { account: string; subject: string }; to?: string };

/** What one account may hold, so that no tenant can exhaust the server for the others (-1: no limit). */
export interface NatsAccountLimits {
  max_connections: number;
  max_subscriptions: number;
  max_leafnodes: number;
}
/** JetStream in an account: `enabled` (no limit of its own), `disabled`, or its limits. */
export type NatsAccountJetStream =
  'enabled' | 'disabled' | { max_file: number; max_mem: number; max_streams: number; max_consumers: number };

export interface NatsAccountSpec {
  name: string;
  users: NatsUserSpec[];
  exports: NatsExport[];
  imports: NatsImport[];
  limits: NatsAccountLimits;
  jetstream: NatsAccountJetStream;
}

/** Per-account limits of a tenant's accounts; `npm run nats-config` takes others. */
export interface TenantLimits {
  /** Connections of its subscribers (its relays have as many of their own). */
  connections: number;
  subscriptions: number;
  consumers: number;
  /** JetStream file storage of its sourced stream, such as `10G` (K, M, G, T: powers of 1024). */
  storage: string;
}
export const DEFAULT_TENANT_LIMITS: TenantLimits = {
  connections: 256,
  subscriptions: 10_000,
  consumers: 256,
  storage: '10G',
};

/** The JetStream API operations on its stream a tenant's account lets the services call. */
export const TENANT_STREAM_OPERATIONS = ['INFO', 'CREATE', 'UPDATE', 'PURGE'] as const;

/**
 * The accounts of SPEC section 4: the services', and for each tenant an account for its
 * subscribers (holding the stream that sources its events from the log) and one for its
 * relays (so a relay's reply, wherever it points it, lands where nothing else listens).
 * Every export names the one account it is for, and every tenant subject in it names that
 * tenant: no account can name another tenant's subjects, streams or consumers.
 */
export function natsAccounts(
  tenants: string[],
  limits: TenantLimits = DEFAULT_TENANT_LIMITS,
): NatsAccountSpec[] {
  // No leaf node connections: a tenant's identity cannot bridge its account anywhere.
  const tenantLimits = {
    max_connections: limits.connections,
    max_subscriptions: limits.subscriptions,
    max_leafnodes: 0,
  };
  const consumerCreate = (tenant: string) =>
    `$JS.API.CONSUMER.CREATE.${EVENTS_STREAM}.*.${tenantSubjects(tenant)}`;
  const services: NatsAccountSpec = {
    name: SERVICES_ACCOUNT,
    users: [{ name: 'services', permissions: servicesPermissions() }],
    exports: tenants.flatMap((t) => [
      { stream: tenantSubjects(t), accounts: [tenantAccount(t)] },
      { stream: `${tenantSourceDeliverPrefix(t)}.>`, accounts: [tenantAccount(t)] },
      { service: consumerCreate(t), accounts: [tenantAccount(t)] },
      { service: tenantIngestSubject(t), accounts: [relaysAccount(t)] },
    ]),
    imports: tenants.flatMap((t) =>
      TENANT_STREAM_OPERATIONS.map((op) => ({
        service: { account: tenantAccount(t), subject: `$JS.API.STREAM.${op}.${TENANT_EVENTS_STREAM}` },
        to: `${tenantJetStreamApiPrefix(t)}.STREAM.${op}.${TENANT_EVENTS_STREAM}`,
      })),
    ),
    limits: { max_connections: -1, max_subscriptions: -1, max_leafnodes: -1 },
    jetstream: 'enabled',
  };
  // Flow control of the source's consumer: its subject names only the log and the consumer.
  if (tenants.length)
    services.exports.push({ service: `$JS.FC.${EVENTS_STREAM}.>`, accounts: tenants.map(tenantAccount) });
  return [
    services,
    ...tenants.flatMap((t): NatsAccountSpec[] => [
      {
        name: tenantAccount(t),
        users: [{ name: `subscriber-${t}`, permissions: subscriberPermissions(t) }],
        exports: TENANT_STREAM_OPERATIONS.map((op) => ({
          service: `$JS.API.STREAM.${op}.${TENANT_EVENTS_STREAM}`,
          accounts: [SERVICES_ACCOUNT],
        })),
        imports: [
          { stream: { account: SERVICES_ACCOUNT, subject: tenantSubjects(t) } },
          { stream: { account: SERVICES_ACCOUNT, subject: `${tenantSourceDeliverPrefix(t)}.>` } },
          {
            service: { account: SERVICES_ACCOUNT, subject: consumerCreate(t) },
            to: `${LOG_API_PREFIX_IN_TENANT}.CONSUMER.CREATE.${EVENTS_STREAM}.*.${tenantSubjects(t)}`,
          },
          { service: { account: SERVICES_ACCOUNT, subject: `$JS.FC.${EVENTS_STREAM}.>` } },
        ],
        limits: tenantLimits,
        jetstream: {
          max_file: bytesOf(limits.storage),
          max_mem: 0,
          max_streams: 1,
          max_consumers: limits.consumers,
        },
      },
      {
        name: relaysAccount(t),
        users: [{ name: `relay-${t}`, permissions: relayPermissions() }],
        exports: [],
        imports: [
          { service: { account: SERVICES_ACCOUNT, subject: tenantIngestSubject(t) }, to: INGEST_SUBJECT },
        ],
        limits: tenantLimits,
        jetstream: 'disabled',
      },
    ]),
  ];
}

/** Bytes of a size such as `10G` (K, M, G, T: powers of 1024). */
export function bytesOf(size: string): number {
  const m = /^([1-9][0-9]*)([KMGT])$/.exec(size);
  if (!m) throw new Error(`not a size: ${size} (a number and K, M, G or T)`);
  return Number(m[1]) * 1024 ** ('KMGT'.indexOf(m[2]) + 1);
}
