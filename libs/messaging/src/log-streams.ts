import {
  DEAD_LETTER_STREAM,
  DEAD_LETTER_WILDCARD,
  DEVICE_EVENTS_WILDCARD,
  EVENTS_STREAM,
  LOG_API_PREFIX_IN_TENANT,
  SESSION_EVENTS_WILDCARD,
  TENANT_EVENTS_STREAM,
  tenantSourceDeliverPrefix,
  tenantSubjects,
} from '@cobrowse/contracts';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import { Logger } from '@nestjs/common';
import { retryWhileUnavailable } from './startup-retry';

const logger = new Logger('EventLog');

export interface EventLogOptions {
  replicas: number;
  /** JetStream's duplicate window. Lasting idempotency comes from the session's history; this only covers two replicas racing on one retry. */
  duplicateWindowMs: number;
  /** The log's own age limit (0 = none); retention TTLs are capped below it (docs/data-lifecycle.md). */
  maxAgeDays: number;
}

export function eventLogOptions(config: {
  EVENTS_STREAM_REPLICAS: number;
  EVENTS_DUPLICATE_WINDOW_MS: number;
  EVENTS_MAX_AGE_DAYS: number;
}): EventLogOptions {
  return {
    replicas: config.EVENTS_STREAM_REPLICAS,
    duplicateWindowMs: config.EVENTS_DUPLICATE_WINDOW_MS,
    maxAgeDays: config.EVENTS_MAX_AGE_DAYS,
  };
}

const ms = (n: number) => n * 1_000_000;

export function eventStreamConfig({
  replicas,
  duplicateWindowMs,
  maxAgeDays,
}: EventLogOptions): Partial<StreamConfig> {
  return {
    name: EVENTS_STREAM,
    description:
      'Co-browse event log: cobrowse.<tenant>.session.<session_id>.<event> and cobrowse.<tenant>.device.<device_id>.<fact>',
    subjects: [SESSION_EVENTS_WILDCARD, DEVICE_EVENTS_WILDCARD],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: ms(maxAgeDays * 24 * 3600 * 1000),
    max_msgs: -1,
    max_bytes: -1,
    max_msg_size: 1024 * 1024,
    duplicate_window: ms(duplicateWindowMs),
    allow_direct: true,
    num_replicas: replicas,
  };
}

/**
 * The stream in a tenant's account that sources its events from the log (through the imports
 * of SPEC section 4's accounts): kept as long as the log, with no subjects of its own.
 */
export function tenantStreamConfig(
  tenant: string,
  { replicas, maxAgeDays }: EventLogOptions,
): Partial<StreamConfig> {
  return {
    name: TENANT_EVENTS_STREAM,
    description: `The event log's ${tenant}.> subjects: cobrowse.${tenant}.session.<session_id>.<event> and cobrowse.${tenant}.device.<device_id>.<fact>`,
    // No subjects of its own (none set: the server then takes none, as it reports them).
    sources: [
      {
        name: EVENTS_STREAM,
        filter_subject: tenantSubjects(tenant),
        external: { api: LOG_API_PREFIX_IN_TENANT, deliver: tenantSourceDeliverPrefix(tenant) },
      },
    ],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: ms(maxAgeDays * 24 * 3600 * 1000),
    allow_direct: true,
    deny_delete: true,
    num_replicas: replicas,
  };
}

export function deadLetterStreamConfig({
  replicas,
  duplicateWindowMs,
}: EventLogOptions): Partial<StreamConfig> {
  return {
    name: DEAD_LETTER_STREAM,
    description: 'Events a consumer could not apply, with the reason in Cobrowse-Dead-Letter-Reason',
    allow_direct: true,
    subjects: [DEAD_LETTER_WILDCARD],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: ms(30 * 24 * 3600 * 1000),
    duplicate_window: ms(duplicateWindowMs),
    num_replicas: replicas,
  };
}

export function ensureEventStream(jsm: JetStreamManager, options: EventLogOptions): Promise<void> {
  return retryWhileUnavailable('event stream', () => ensureStream(jsm, eventStreamConfig(options)), logger);
}

export function ensureDeadLetterStream(jsm: JetStreamManager, options: EventLogOptions): Promise<void> {
  return retryWhileUnavailable(
    'dead-letter stream',
    () => ensureStream(jsm, deadLetterStreamConfig(options)),
    logger,
  );
}

/** Creates the stream, or brings an existing one to this configuration. Safe to run from every replica. */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  const name = config.name!;
  try {
    const { config: current } = await jsm.streams.info(name);
    // Only a real change is sent: a no-op update replayed on a restarting clustered node
    // (nats-server 2.11) drops its pending stream assignment, and the node never rejoins.
    if (differs(current, config)) await jsm.streams.update(name, config);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add(config);
    } catch (addError) {
      if (!/already in use/i.test(String((addError as Error).message))) throw addError;
    }
  }
}

/** Whether any setting we ask for differs from the current one (settings we do not set are left alone). */
export function differs(current: object, wanted: object): boolean {
  const have = current as Record<string, unknown>;
  return Object.entries(wanted).some(([key, value]) => canonical(have[key]) !== canonical(value));
}

function canonical(value: unknown): string {
  return JSON.stringify(Array.isArray(value) ? [...value].sort() : (value ?? null));
}

function isNotFound(e: unknown): boolean {
  return /not found/i.test(String((e as Error)?.message));
}
