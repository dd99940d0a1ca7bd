import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, ConnectionEnvelope } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { applyConnection, applySession, type DeviceState } from '../devices/device-state';
import { DevicesRepository } from '../devices/devices.repository';
import { DeviceExpiryWatch } from '../retention/device-expiry.watch';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { SessionDeadlinesRepository } from '../timeouts/session-deadlines.repository';

/**
 * Folds session events and connection facts into devices and session deadlines. Activity
 * counts on the service's clock (`recorded_at`), never the relay's `occurred_at`.
 */
@Injectable()
export class ApplyTrackedEventUseCase {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly deadlines: DeadlineSchedule,
    private readonly expiry: DeviceExpiryWatch,
    private readonly config: AppConfig,
  ) {}

  private get timeoutMs(): number {
    return this.config.SESSION_INACTIVITY_TIMEOUT_MS;
  }

  async session(event: AnySessionEvent): Promise<void> {
    const { tenant, session_id: sessionId } = event;
    if (event.type === 'session.created') {
      const deviceId = event.data.device_id;
      await this.updateDevice(tenant, deviceId, (device) => applySession(device, deviceId, event));
      await this.deadlines.save({
        _id: SessionDeadlinesRepository.id(tenant, sessionId),
        tenant,
        session_id: sessionId,
        device_id: deviceId,
        deadline_at: event.recorded_at + this.timeoutMs,
      });
      return;
    }
    const deadline = this.deadlines.find(tenant, sessionId);
    if (!deadline) return; // ended already, or created before this tracker existed
    if (event.type === 'session.deactivated') {
      await this.updateDevice(tenant, deadline.device_id, (device) =>
        applySession(device, deadline.device_id, event),
      );
      await this.deadlines.remove(tenant, sessionId);
      return;
    }
    if (event.type === 'session.page-entered') {
      await this.updateDevice(tenant, deadline.device_id, (device) =>
        applySession(device, deadline.device_id, event),
      );
    }
    await this.deadlines.save({
      ...deadline,
      deadline_at: Math.max(deadline.deadline_at, event.recorded_at + this.timeoutMs),
    });
  }

  async connection(event: ConnectionEnvelope): Promise<void> {
    const device = await this.updateDevice(event.tenant, event.device_id, (d) => applyConnection(d, event));
    if (!device.current_session_id) return;
    const deadline = this.deadlines.find(event.tenant, device.current_session_id);
    if (!deadline) return;
    let deadlineAt = deadline.deadline_at;
    if (event.type === 'connection.closed') {
      deadlineAt += (event.data.expected_disconnect?.return_time_seconds ?? 0) * 1000;
    } else {
      deadlineAt = Math.max(deadlineAt, event.recorded_at + this.timeoutMs);
    }
    if (deadlineAt !== deadline.deadline_at)
      await this.deadlines.save({ ...deadline, deadline_at: deadlineAt });
  }

  /** Read, change, write; a device seen for the first time is inserted (batched with others). */
  private async updateDevice(
    tenant: string,
    deviceId: string,
    change: (device: DeviceState | null) => DeviceState,
  ): Promise<DeviceState> {
    const existing = await this.devices.findById(tenant, deviceId);
    let next = change(existing);
    if (existing) await this.devices.save(next);
    else if (!(await this.devices.insert(next))) {
      next = change(await this.devices.findById(tenant, deviceId));
      await this.devices.save(next);
    }
    if (next.current_session_id === null) this.expiry.note(tenant, next.last_seen_at);
    return next;
  }
}
