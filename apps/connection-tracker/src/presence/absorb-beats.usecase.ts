import { Injectable, Logger } from '@nestjs/common';
import type { BeatVerdict, HeartbeatReport } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { Leadership } from '@cobrowse/messaging';
import { deviceDocumentId, type DeviceState } from '../devices/device-state';
import { DeviceLocks } from '../devices/device-locks';
import { DevicesRepository } from '../devices/devices.repository';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { beatVerdict } from './beat-verdict';
import { KnownDevices } from './known-devices';
import { Presence } from './presence';

/**
 * The leader's answer to a batch of heartbeats, in order: `seen` for a beat that changes
 * nothing but "seen now" (kept in presence; its session's deadline moves on, stored before the
 * answer whenever it passes what the database holds), `log` for one that changes state or
 * that cannot be judged now (the gateway logs it: the log is always the safe way). Either
 * way the beat of an active connection counts as seen in presence.
 */
/** Well within the gateway's wait (3 s), so it hears an answer for every beat. */
const ANSWER_WITHIN_MS = 1_000;

@Injectable()
export class AbsorbBeatsUseCase {
  private readonly logger = new Logger(AbsorbBeatsUseCase.name);

  constructor(
    private readonly devices: DevicesRepository,
    private readonly known: KnownDevices,
    private readonly presence: Presence,
    private readonly deadlines: DeadlineSchedule,
    private readonly locks: DeviceLocks,
    private readonly leadership: Leadership,
    private readonly config: AppConfig,
  ) {}

  /**
   * Devices in parallel, each device's beats in order. A beat not judged within the budget (its
   * device busy with a fact the database is slow to take, a read that hangs) goes to the log:
   * the gateway gets its answer in time whatever the database does.
   */
  async execute(tenant: string, beats: HeartbeatReport[]): Promise<BeatVerdict[]> {
    const receivedAt = Date.now();
    const answerBy = receivedAt + ANSWER_WITHIN_MS;
    const verdicts: BeatVerdict[] = new Array(beats.length);
    const byDevice = new Map<string, number[]>();
    beats.forEach((beat, i) => {
      const documentId = deviceDocumentId(tenant, beat.device_id);
      byDevice.set(documentId, [...(byDevice.get(documentId) ?? []), i]);
    });
    await Promise.all(
      [...byDevice].map(async ([documentId, positions]) => {
        for (const i of positions)
          verdicts[i] = await this.judgeInTime(
            tenant,
            documentId,
            beats[i],
            receivedAt,
            answerBy - Date.now(),
          );
      }),
    );
    return verdicts;
  }

  private async judgeInTime(
    tenant: string,
    documentId: string,
    beat: HeartbeatReport,
    receivedAt: number,
    withinMs: number,
  ): Promise<BeatVerdict> {
    if (withinMs <= 0) return 'log';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<BeatVerdict>((resolve) => {
      timer = setTimeout(() => resolve('log'), withinMs);
    });
    const judged = this.locks
      .run(documentId, () => this.judge(tenant, documentId, beat, receivedAt))
      .catch((e: Error) => {
        this.logger.warn({ msg: 'could not judge a heartbeat; it goes to the log', error: e.name });
        return 'log' as const;
      });
    try {
      return await Promise.race([judged, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A beat of an active connection is seen when it arrives, whatever the verdict: a logged one
   * shows in the document only once the consumer applies it, which may be a while (a backlog,
   * a takeover waiting for its predecessor's messages), and the device is beating meanwhile.
   */
  private async judge(
    tenant: string,
    documentId: string,
    beat: HeartbeatReport,
    now: number,
  ): Promise<BeatVerdict> {
    if (!this.leadership.isLeader) return 'log';
    const { connection_id: connectionId, event_id: eventId } = beat;
    const before = this.known.recall(documentId, connectionId, eventId);
    if (before) return before === 'log' ? 'log' : 'duplicate';
    const device = await this.deviceOf(documentId, tenant, beat.device_id);
    const verdict = beatVerdict(device, beat, this.known.changeInFlight(documentId, connectionId, now));
    if (verdict === 'log') this.known.changeSent(documentId, connectionId, eventId, now);
    else await this.extendDeadline(tenant, device!, now);
    if (device && hasActiveConnection(device, connectionId))
      this.presence.see(tenant, beat.device_id, connectionId, now, beat.has_focus ? beat.occurred_at : null);
    this.known.remember(documentId, connectionId, eventId, verdict);
    return verdict;
  }

  private async deviceOf(documentId: string, tenant: string, deviceId: string): Promise<DeviceState | null> {
    const known = this.known.get(documentId);
    if (known !== undefined) return known;
    const device = await this.devices.findById(tenant, deviceId);
    this.known.set(documentId, device);
    return device;
  }

  /** As a logged heartbeat would (ApplyTrackedEventUseCase.connection): activity restarts the timeout. */
  private async extendDeadline(tenant: string, device: DeviceState, now: number): Promise<void> {
    if (!device.current_session_id) return;
    const deadline = await this.deadlines.lookup(tenant, device.current_session_id);
    if (!deadline) return;
    const deadlineAt = now + this.config.SESSION_INACTIVITY_TIMEOUT_MS;
    if (deadlineAt > deadline.deadline_at)
      await this.deadlines.save({ ...deadline, deadline_at: deadlineAt });
  }
}

const hasActiveConnection = (device: DeviceState, connectionId: string) =>
  device.connections.some((c) => c.unique_connection_id === connectionId && c.status === 'active');
