import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, NatsError, type JetStreamManager } from 'nats';
import { AppConfig } from '@cobrowse/config';
import { TENANT_EVENTS_STREAM, tenantJetStreamApiPrefix } from '@cobrowse/contracts';
import { ensureStream, eventLogOptions, tenantStreamConfig } from './log-streams';
import { NatsConnectionService } from './nats-connection.service';

/** A tenant without a NATS account yet is asked again after this (it may be added by a reload). */
const NO_ACCOUNT_RETRY_MS = 60_000;

/**
 * The streams in the tenants' NATS accounts that source each tenant's events from the log
 * (SPEC section 4). The services reach them through the JetStream API each tenant's account
 * exports to theirs; a tenant that has no account (not in the NATS configuration) has none.
 */
@Injectable()
export class TenantStreams {
  private readonly logger = new Logger(TenantStreams.name);
  /** Per tenant: its stream is there, or when to ask again. */
  private readonly ensured = new Map<string, Promise<void> | number>();

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Has the tenant's stream made (or brought up to date) once in this process, without waiting
   * for it: called on the path of every appended event, it costs a map lookup after the first.
   */
  ensureSoon(tenant: string): void {
    const state = this.ensured.get(tenant);
    if (state !== undefined && (typeof state !== 'number' || Date.now() < state)) return;
    const ensuring = this.ensure(tenant).catch((e: Error) => {
      this.ensured.set(tenant, Date.now() + NO_ACCOUNT_RETRY_MS);
      if (!isNoAccount(e))
        this.logger.warn({ msg: "could not make the tenant's stream", tenant, error: e.message });
    });
    this.ensured.set(tenant, ensuring);
  }

  async ensure(tenant: string): Promise<void> {
    await ensureStream(await this.manager(tenant), tenantStreamConfig(tenant, eventLogOptions(this.config)));
  }

  /** Removes the tenant's events on `filter` from its stream; 0 when it has none. */
  async purge(tenant: string, filter: string): Promise<number> {
    try {
      return (await (await this.manager(tenant)).streams.purge(TENANT_EVENTS_STREAM, { filter })).purged;
    } catch (e) {
      if (isNoAccount(e) || /not found/i.test((e as Error).message)) return 0;
      throw e;
    }
  }

  private manager(tenant: string): Promise<JetStreamManager> {
    return this.nats.nc.jetstreamManager({ apiPrefix: tenantJetStreamApiPrefix(tenant), checkAPI: false });
  }
}

/** Nothing answers a tenant's JetStream API: the tenant has no account in the NATS configuration. */
function isNoAccount(e: unknown): boolean {
  return e instanceof NatsError && e.code === ErrorCode.NoResponders;
}
