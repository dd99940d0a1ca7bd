import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RequestErrorCode, RPC, type AppendEventsReply, type AppendEventsRequest } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { EventLog, Leadership, RpcClient } from '@cobrowse/messaging';
import { TRACKER_CONSUMER } from '../tracking/connection-tracking.consumer';
import { AppliedWatermark } from './applied-watermark';
import { DeadlineSchedule } from './deadline-schedule';
import type { SessionDeadline } from './session-deadlines.repository';

const RETRY_MS = 10_000;
/**
 * When the leader merges the stored deadlines into memory again (DeadlineSchedule.refresh, a
 * read of every open session's deadline): a minute into its term, then twice as long after
 * each, up to an hour. What it catches, a former leader's write landing after this one
 * loaded, comes right after a takeover; the read costs more with every open session.
 */
const FIRST_REFRESH_MS = 60_000;
const MAX_REFRESH_MS = 3_600_000;

/**
 * Ends sessions whose deadline passed, with reason `timeout`, through session-lifecycle.
 * Only the tracker's leader sweeps, and the end's event id is derived from the session, so a
 * handover or a retry can never end a session twice. A deadline is acted on only once the
 * tracker has applied what the log held when it fell due (AppliedWatermark): a consumer that
 * is behind or stuck never has sessions timed out on a stale view.
 */
@Injectable()
export class InactivitySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InactivitySweeper.name);
  private readonly requested = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private refreshing = { term: -1, at: 0, every: FIRST_REFRESH_MS };
  private readonly watermark = new AppliedWatermark();
  /**
   * Deadlines of sessions the lifecycle says have ended already (or are gone), with where the
   * log ended after it said so. The end is in the log, and the tracker finds the session's
   * device by its deadline when it applies the end: the deadline is removed here only once
   * the tracker has applied that far (applying the end removes it anyway; what is left is a
   * deadline a former leader wrote late).
   */
  private readonly ending = new Map<string, { deadline: SessionDeadline; logEnd?: number }>();

  constructor(
    private readonly deadlines: DeadlineSchedule,
    private readonly leadership: Leadership,
    private readonly rpc: RpcClient,
    private readonly log: EventLog,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(100, Math.min(1_000, Math.floor(this.config.SESSION_INACTIVITY_TIMEOUT_MS / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async refreshWhenDue(now: number): Promise<void> {
    const { term } = this.leadership;
    if (this.refreshing.term !== term) this.refreshing = { term, at: now, every: FIRST_REFRESH_MS };
    if (now - this.refreshing.at < this.refreshing.every) return;
    const added = await this.deadlines.refresh();
    this.refreshing.at = now;
    this.refreshing.every = Math.min(MAX_REFRESH_MS, this.refreshing.every * 2);
    if (added > 0) this.logger.warn({ msg: 'found deadlines missing from memory', added });
  }

  /** Records where the log ends now, and answers how far the tracker has applied it. */
  private async sampleLog(now: number): Promise<{ logEnd: number; applied: number }> {
    const progress = await this.log.progressOf(TRACKER_CONSUMER);
    this.watermark.record(now, progress.logEnd);
    return progress;
  }

  /** Removes the deadlines of ended sessions whose end the tracker has applied (see `ending`). */
  private async clearEnded(logEnd: number, applied: number): Promise<void> {
    for (const [id, entry] of this.ending) {
      if (entry.logEnd === undefined)
        entry.logEnd = logEnd; // sampled after the answer
      else if (applied >= entry.logEnd) {
        await this.deadlines.remove(entry.deadline.tenant, entry.deadline.session_id);
        this.ending.delete(id);
      }
    }
  }

  async sweep(): Promise<void> {
    if (this.sweeping || !this.leadership.isLeader) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      await this.refreshWhenDue(now);
      const { logEnd, applied } = await this.sampleLog(now);
      await this.clearEnded(logEnd, applied);
      for (const deadline of this.deadlines.due(now)) {
        if (this.ending.has(deadline._id)) continue;
        // Activity logged before the deadline may not be applied yet: wait for the consumer.
        if (!this.watermark.covers(deadline.deadline_at, applied)) continue;
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
        } else if (
          result.status === 'duplicate' ||
          result.error?.code !== RequestErrorCode.ServiceUnavailable
        ) {
          // Already ended (or gone): cleared once the tracker has applied the end.
          this.ending.set(deadline._id, { deadline });
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
