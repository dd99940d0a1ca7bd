import {
  DEAD_LETTER_STREAM,
  DEAD_LETTER_WILDCARD,
  EVENTS_STREAM,
  SESSION_EVENTS_WILDCARD,
} from '@cobrowse/contracts';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';

/** Kept beyond any relay's retry horizon is the job of the log itself; this only bounds concurrent retries. */
export const DUPLICATE_WINDOW_NS = 2 * 60 * 1_000_000_000;

export function eventStreamConfig(replicas: number): Partial<StreamConfig> {
  return {
    name: EVENTS_STREAM,
    description: 'Co-browse session event log: cobrowse.<tenant>.session.<session_id>.<event>',
    subjects: [SESSION_EVENTS_WILDCARD],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msg_size: 1024 * 1024,
    duplicate_window: DUPLICATE_WINDOW_NS,
    allow_direct: true,
    num_replicas: replicas,
  };
}

export function deadLetterStreamConfig(replicas: number): Partial<StreamConfig> {
  return {
    name: DEAD_LETTER_STREAM,
    description: 'Events a consumer could not apply, with the reason in Cobrowse-Dead-Letter-Reason',
    subjects: [DEAD_LETTER_WILDCARD],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 30 * 24 * 3600 * 1_000_000_000,
    duplicate_window: DUPLICATE_WINDOW_NS,
    num_replicas: replicas,
  };
}

export function ensureEventStream(jsm: JetStreamManager, replicas = 1): Promise<void> {
  return ensureStream(jsm, eventStreamConfig(replicas));
}

export function ensureDeadLetterStream(jsm: JetStreamManager, replicas = 1): Promise<void> {
  return ensureStream(jsm, deadLetterStreamConfig(replicas));
}

/** Creates the stream, or brings an existing one to this configuration. Safe to run from every replica. */
async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  const name = config.name!;
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add(config);
    } catch (addError) {
      if (!/already in use/i.test(String((addError as Error).message))) throw addError;
    }
  }
}

function isNotFound(e: unknown): boolean {
  return /not found/i.test(String((e as Error)?.message));
}
