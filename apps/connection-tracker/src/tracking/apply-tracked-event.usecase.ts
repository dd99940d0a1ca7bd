import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, ConnectionEnvelope } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { Leadership } from '@cobrowse/messaging';
import { applyConnection, applySession, deviceDocumentId, type DeviceState } from '../devices/device-state';
import { DeviceLocks } from '../devices/device-locks';
import { DevicesRepository } from '../devices/devices.repository';
import { KnownDevices } from '../presence/known-devices';
import { DeviceExpiryWatch } from '../retention/device-expiry.watch';
import { deadlineSetBy } from '../timeouts/connection-deadline';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { SessionDeadlinesRepository } from '../timeouts/session-deadlines.repository';

/**
 * Folds session events and connection facts into devices and session deadlines. Activity
 * counts on the service's clock (`recorded_at`), never the relay's `occurred_at`.
 *
 * A fact delivered again (a crash between write and ack, a handover) changes nothing: a
 * device records the log position it has applied up to and skips anything at or before it,
 * and deadlines are set from the fact's own recorded time (never added to), so setting one
 * twice sets the same deadline. A fact's deadline write and device write are not atomic, so
 * their order makes a half-applied fact complete on redelivery: see each case.
 */
@Injectable()
export class ApplyTrackedEventUseCase {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly deadlines: DeadlineSchedule,
    private readonly expiry: DeviceExpiryWatch,
    private readonly leadership: Leadership,
    private readonly known: KnownDevices,
    private readonly locks: DeviceLocks,
    private readonly config: AppConfig,
  ) {}

  /** One change to a device at a time, whether from the log or from a heartbeat kept out of it. */
  private locked<T>(tenant: string, deviceId: string, task: () => Promise<T>): Promise<T> {
    return this.locks.run(deviceDocumentId(tenant, deviceId), task);
  }

  private get timeoutMs(): number {
    return this.config.SESSION_INACTIVITY_TIMEOUT_MS;
  }

  /** `seq` is the event's position in the log. */
  async session(event: AnySessionEvent, seq: number): Promise<void> {
    const { tenant, session_id: sessionId } = event;
    if (event.type === 'session.created') {
      const deviceId = event.data.device_id;
      return this.locked(tenant, deviceId, () => this.created(event, deviceId, seq));
    }
    const deadline = await this.deadlines.lookup(tenant, sessionId);
    if (!deadline) return; // ended already, or created before this tracker existed
    return this.locked(tenant, deadline.device_id, () => this.followed(event, seq));
  }

  private async created(event: AnySessionEvent, deviceId: string, seq: number): Promise<void> {
    const { tenant, session_id: sessionId } = event;
    // The device last: its applied position marks the fact done, so a deadline is never set
    // again for a session that may have ended since, nor lost to a crash between the two.
    const device = await this.current(tenant, deviceId);
    if (device && alreadyApplied(device, seq)) return;
    await this.deadlines.save({
      _id: SessionDeadlinesRepository.id(tenant, sessionId),
      tenant,
      session_id: sessionId,
      device_id: deviceId,
      deadline_at: event.recorded_at + this.timeoutMs,
    });
    await this.updateDevice(tenant, deviceId, seq, (d) => applySession(d, deviceId, event), device);
  }

  /** A later event of a session this tracker follows (it has its deadline). */
  private async followed(event: AnySessionEvent, seq: number): Promise<void> {
    const { tenant, session_id: sessionId } = event;
    const deadline = await this.deadlines.lookup(tenant, sessionId);
    if (!deadline) return;
    if (event.type === 'session.deactivated') {
      // The deadline last: it is how the session's device is found, so a crash between the two
      // leaves it for the fact delivered again.
      await this.updateDevice(tenant, deadline.device_id, seq, (device) =>
        applySession(device, deadline.device_id, event),
      );
      await this.deadlines.remove(tenant, sessionId);
      return;
    }
    if (event.type === 'session.page-entered') {
      await this.updateDevice(tenant, deadline.device_id, seq, (device) =>
        applySession(device, deadline.device_id, event),
      );
    }
    await this.deadlines.save({
      ...deadline,
      deadline_at: Math.max(deadline.deadline_at, event.recorded_at + this.timeoutMs),
    });
  }

  /** `seq` is the fact's position in the log. */
  connection(event: ConnectionEnvelope, seq: number): Promise<void> {
    return this.locked(event.tenant, event.device_id, () => this.connectionLocked(event, seq));
  }

  private async connectionLocked(event: ConnectionEnvelope, seq: number): Promise<void> {
    const device = await this.updateDevice(event.tenant, event.device_id, seq, (d) =>
      applyConnection(d, event),
    );
    this.known.applied(
      deviceDocumentId(event.tenant, event.device_id),
      event.data.connection_id,
      event.event_id,
    );
    if (!device.current_session_id) return;
    const deadline = await this.deadlines.lookup(event.tenant, device.current_session_id);
    if (!deadline) return;
    const set = deadlineSetBy(event, this.timeoutMs);
    if (set === null) return;
    const deadlineAt = Math.max(deadline.deadline_at, set);
    if (deadlineAt !== deadline.deadline_at)
      await this.deadlines.save({ ...deadline, deadline_at: deadlineAt });
  }

  /**
   * The device as this leader last wrote or read it, else as stored. A copy that is out of date
   * (erased, or written late by a former leader) is caught by the compare-and-set of the write.
   */
  private async current(tenant: string, deviceId: string): Promise<DeviceState | null> {
    const known = this.known.get(deviceDocumentId(tenant, deviceId));
    return known !== undefined ? known : this.devices.findById(tenant, deviceId);
  }

  /**
   * Read, change, write; a device seen for the first time is inserted (batched with others).
   * A device that has already applied the log up to `seq` is returned as it is, unwritten. A
   * device that changed between the read and the write (an erasure, a write of a former leader
   * landing late) is read again and the fact applied to what is there now — except when what
   * is there is older than what this leader wrote this term: a former leader's late write took
   * it back (docs/operations.md), and the fact is applied to what this leader wrote instead,
   * so the facts in between (a session's end) are not lost.
   */
  private async updateDevice(
    tenant: string,
    deviceId: string,
    seq: number,
    change: (device: DeviceState | null) => DeviceState,
    /** The device as just read, when the caller has it (saves a read). */
    known?: DeviceState | null,
  ): Promise<DeviceState> {
    const documentId = deviceDocumentId(tenant, deviceId);
    /** The version the write expects to find stored. */
    let stored = known !== undefined ? known : await this.current(tenant, deviceId);
    /** What the fact is applied to. */
    let base = stored;
    for (;;) {
      if (base && alreadyApplied(base, seq) && base === stored) {
        this.known.set(documentId, base);
        return base;
      }
      const next: DeviceState =
        base && alreadyApplied(base, seq) ? base : { ...change(base), applied_seq: seq };
      // Checked again just before the write, however long the read took: on FerretDB this is
      // what keeps a former leader from writing over its successor (docs/operations.md).
      this.leadership.assertLeader();
      const written = stored
        ? await this.devices.replaceIfUnchanged(stored, next)
        : await this.devices.insert(next);
      if (written) {
        this.known.set(documentId, next);
        if (next.current_session_id === null) this.expiry.note(tenant, next.last_seen_at);
        return next;
      }
      stored = await this.devices.findById(tenant, deviceId);
      const ours = this.known.get(documentId);
      base = stored && ours && isBehind(stored, ours) ? ours : stored;
    }
  }
}

/** Whether `stored` has applied less of the log than `written` (what this leader wrote). */
function isBehind(stored: DeviceState, written: DeviceState): boolean {
  return (stored.applied_seq ?? -1) < (written.applied_seq ?? -1);
}

function alreadyApplied(device: DeviceState | null, seq: number): boolean {
  return device?.applied_seq !== undefined && device.applied_seq >= seq;
}
