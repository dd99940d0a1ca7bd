import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SESSION_TOKENS_BUCKET } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { NatsConnectionService, openKvBucket, type KvBucket } from '@cobrowse/messaging';
import { generateSessionToken } from '@cobrowse/session-domain';

/** A reservation whose session never got created is reclaimed after this long. */
const ORPHAN_AFTER_MS = 60_000;
const MAX_DRAWS = 50;

export type HolderState = 'open' | 'ended' | 'missing';

/**
 * Keeps session tokens unique among a tenant's non-ended sessions with a JetStream KV
 * bucket: `kv.create` is atomic across replicas; a token is released when its session
 * ends and can be reclaimed from a holder that has ended or never came to be.
 */
@Injectable()
export class SessionTokenRegistry implements OnModuleInit {
  private readonly logger = new Logger(SessionTokenRegistry.name);
  private kv?: KvBucket;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await openKvBucket(this.nats, SESSION_TOKENS_BUCKET, {
      replicas: this.config.EVENTS_STREAM_REPLICAS,
    });
  }

  async reserve(
    tenant: string,
    sessionId: string,
    holderState: (holderSessionId: string) => Promise<HolderState>,
  ): Promise<string> {
    const kv = this.bucket();
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const token = generateSessionToken();
      const key = `${tenant}.${token}`;
      if ((await kv.create(key, sessionId)) !== null) return token;
      const entry = await kv.get(key);
      if (!entry) continue;
      if (entry.value === sessionId) return token;
      const state = entry.value !== null ? await holderState(entry.value) : 'ended';
      const orphaned = state === 'missing' && Date.now() - entry.writtenAt > ORPHAN_AFTER_MS;
      if ((state === 'ended' || orphaned) && (await kv.update(key, sessionId, entry.revision)) !== null)
        return token;
    }
    throw new Error('could not draw a free session token');
  }

  /** Best effort: a token left behind is reclaimed on a later draw. */
  async release(tenant: string, token: string, sessionId: string): Promise<void> {
    const kv = this.bucket();
    const key = `${tenant}.${token}`;
    try {
      const entry = await kv.get(key);
      if (entry?.value === sessionId) await kv.delete(key, entry.revision);
    } catch (e) {
      this.logger.warn({
        msg: 'token release failed; it will be reclaimed later',
        error: (e as Error).message,
      });
    }
  }

  private bucket(): KvBucket {
    if (!this.kv) throw new Error('token registry not initialised');
    return this.kv;
  }
}
