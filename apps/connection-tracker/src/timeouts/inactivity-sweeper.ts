import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, RPC, type AppendEventsReply, type AppendEventsRequest } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { RpcClient } from '@cobrowse/messaging';
import { ConnectionTrackingConsumer } from '../tracking/connection-tracking.consumer';
import { DeadlineSchedule } from './deadline-schedule';

const RETRY_MS = 10_000;

/**
 * Ends sessions whose deadline passed, with reason `timeout`, through session-lifecycle.
 * Only the lease holder sweeps, and the end's event id is derived from the session, so a
 * handover or a retry can never end a session twice.
 */
@Injectable()
export class InactivitySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InactivitySweeper.name);
  private readonly requested = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly deadlines: DeadlineSchedule,
    private readonly tracking: ConnectionTrackingConsumer,
    private readonly rpc: RpcClient,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(100, Math.min(1_000, Math.floor(this.config.SESSION_INACTIVITY_TIMEOUT_MS / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.sweeping || !this.tracking.holding) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      for (const deadline of this.deadlines.due(now)) {
        const last = this.requested.get(deadline._id);
        if (last !== undefined && now - last < RETRY_MS) continue;
        this.requested.set(deadline._id, now);
        const request: AppendEventsRequest = {
          tenant: deadline.tenant,
          events: [
            {
              event_id: `inactivity-timeout-${deadline.session_id}`,
              type: 'session.deactivated',
              session_id: deadline.session_id,
              occurred_at: now,
              data: { reason: 'timeout' },
            },
          ],
        };
        const [result] = (await this.rpc.send<AppendEventsReply>(RPC.lifecycleAppend, request)).results;
        if (result.status === 'accepted') {
          this.logger.log({ msg: 'ended an inactive session', session_id: deadline.session_id });
        } else if (result.status === 'duplicate' || result.error?.code !== ErrorCode.ServiceUnavailable) {
          // Already ended (or gone): nothing will come back to clear the deadline, so clear it here.
          await this.deadlines.remove(deadline.tenant, deadline.session_id);
        }
      }
      for (const [id, at] of this.requested) if (now - at > RETRY_MS * 6) this.requested.delete(id);
    } catch (e) {
      this.logger.warn({ msg: 'inactivity sweep failed', error: (e as Error).message });
    } finally {
      this.sweeping = false;
    }
  }
}
