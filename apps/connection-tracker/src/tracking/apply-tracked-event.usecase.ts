import { Injectable } from '@nestjs/common';
import {
  isConnectionEventType,
  isSessionEventType,
  type AnySessionEvent,
  type ConnectionEnvelope,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { Leadership, type GroupOutcome } from '@cobrowse/messaging';
import { deviceDocumentId, type DeviceState } from '../devices/device-state';
import { DeviceListWriter } from '../device-list/device-list.writer';
import { DeviceLocks } from '../devices/device-locks';
import { DevicesRepository } from '../devices/devices.repository';
import { KnownDevices } from '../presence/known-devices';
import { DeviceExpiryWatch } from '../retention/device-expiry.watch';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { foldDeviceFacts, type TrackedFact } from './device-fold';

/** One device's facts of a batch. */
interface DeviceRun {
  tenant: string;
  deviceId: string;
  facts: TrackedFact[];
}

/**
 * Folds session events and connection facts into devices and session deadlines: the facts
 * of one key of a batch (one device, or one session whose device was not known when it was
 * keyed), each device's folded in memory and written once (device-fold.ts). Activity counts
 * on the service's clock (`recorded_at`), never the relay's `occurred_at`.
 *
 * A fact delivered again (a crash between the writes and the ack, a handover) changes
 * nothing: a device records the log position it has applied up to and skips anything at or
 * before it, and deadlines are set from the facts' own recorded times. The writes are not
 * atomic, so their order makes a half-applied batch complete on redelivery: new and moved
 * deadlines first (a device that shows a session is never without its deadline), then the
 * device (its applied position marks the facts done), then the deadlines of ended sessions
 * (the deadline is how an ended session's device is found).
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
    private readonly list: DeviceListWriter,
    private readonly config: AppConfig,
  ) {}

  private get timeoutMs(): number {
    return this.config.SESSION_INACTIVITY_TIMEOUT_MS;
  }

  /**
   * A batch: each key's facts (in log order; `seq` is each fact's position in the log), keys in
   * parallel, then the devices list once for every device of the batch. A key whose facts
   * failed is reported so; when the list refuses the batch, each key's rows are put on their
   * own, so a row the list cannot take fails its own key only.
   */
  async execute(keys: TrackedFact[][]): Promise<GroupOutcome[]> {
    const devices: DeviceState[][] = keys.map(() => []);
    const outcomes = await Promise.all(
      keys.map(async (facts, i): Promise<GroupOutcome> => {
        try {
          devices[i] = await this.applyKey(facts);
          return { applied: facts.length };
        } catch (failure) {
          return { applied: 0, failure };
        }
      }),
    );
    // After the devices, and for every device of the batch whether it changed or not: a batch
    // delivered again after a crash between the two writes completes the list.
    try {
      await this.list.put(devices.flat());
      return outcomes;
    } catch {
      return Promise.all(
        outcomes.map(async (outcome, i): Promise<GroupOutcome> => {
          if (outcome.failure !== undefined) return outcome;
          try {
            await this.list.put(devices[i]);
            return outcome;
          } catch (failure) {
            return { applied: 0, failure };
          }
        }),
      );
    }
  }

  /** One key's facts: the devices they touch, each written once. */
  private async applyKey(facts: TrackedFact[]): Promise<DeviceState[]> {
    const applied: DeviceState[] = [];
    for (const run of await this.byDevice(facts)) {
      // One change to a device at a time, whether from the log or from a heartbeat kept out of it.
      const device = await this.locks.run(deviceDocumentId(run.tenant, run.deviceId), () =>
        this.applyToDevice(run),
      );
      if (device) applied.push(device);
    }
    return applied;
  }

  /**
   * The facts by the device they touch: a connection fact and a creation name it, a
   * session's later events find it by the session's deadline. An event of a session with no
   * deadline (ended already, or created before this tracker existed) touches nothing.
   */
  private async byDevice(facts: TrackedFact[]): Promise<DeviceRun[]> {
    const runs = new Map<string, DeviceRun>();
    const sessionDevices = new Map<string, string>();
    for (const fact of facts) {
      const { event } = fact;
      let deviceId: string | undefined;
      if (isConnectionEventType(event.type)) deviceId = (event as ConnectionEnvelope).device_id;
      else if (isSessionEventType(event.type)) {
        const { tenant, session_id: sessionId, type, data } = event as AnySessionEvent;
        const session = `${tenant}/${sessionId}`;
        deviceId =
          type === 'session.created'
            ? (data as { device_id: string }).device_id
            : (sessionDevices.get(session) ?? (await this.deadlines.lookup(tenant, sessionId))?.device_id);
        if (deviceId) sessionDevices.set(session, deviceId);
      }
      if (!deviceId) continue;
      const documentId = deviceDocumentId(event.tenant, deviceId);
      const run = runs.get(documentId) ?? { tenant: event.tenant, deviceId, facts: [] };
      run.facts.push(fact);
      runs.set(documentId, run);
    }
    return [...runs.values()];
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
   * Fold, write the deadlines, write the device over the version it was folded onto, remove
   * the ended sessions' deadlines. A device the write finds changed (erased; on MongoDB also
   * written by a former leader landing late) is read again and the facts folded onto what is
   * there now — except when what is there is older than what this leader wrote this
   * term: a former leader's late write took it back (docs/operations.md), and the facts are
   * folded onto what this leader wrote instead, so the facts in between (a session's end) are
   * not lost.
   */
  private async applyToDevice({ tenant, deviceId, facts }: DeviceRun): Promise<DeviceState | null> {
    const documentId = deviceDocumentId(tenant, deviceId);
    /** The version the write expects to find stored. */
    let stored = await this.current(tenant, deviceId);
    /** What the facts are folded onto. */
    let base = stored;
    for (;;) {
      const fold = await foldDeviceFacts(
        base,
        deviceId,
        facts,
        (t, s) => this.deadlines.lookup(t, s),
        this.timeoutMs,
      );
      for (const deadline of fold.deadlineSaves) await this.deadlines.save(deadline);
      // Nothing new to apply, unless the stored device is behind what this leader wrote: then the repair.
      const next = fold.changed ? fold.device : base !== stored ? base : null;
      if (next) {
        // Checked again just before the write, however long the reads took: on FerretDB this
        // is what keeps a former leader from writing over its successor (docs/operations.md).
        this.leadership.assertLeader();
        const written = stored
          ? await this.devices.replaceIfUnchanged(stored, next)
          : await this.devices.insert(next);
        if (!written) {
          stored = await this.devices.findById(tenant, deviceId);
          const ours = this.known.get(documentId);
          base = stored && ours && isBehind(stored, ours) ? ours : stored;
          continue;
        }
        this.known.set(documentId, next);
        if (next.current_session_id === null) this.expiry.note(tenant, next.last_seen_at);
      } else if (stored) this.known.set(documentId, stored);
      // Logged beats of these connections are no longer in flight (applied now or before).
      for (const { event } of facts)
        if (isConnectionEventType(event.type)) {
          const c = event as ConnectionEnvelope;
          this.known.applied(documentId, c.data.connection_id, c.event_id);
        }
      for (const ended of fold.deadlineRemovals) await this.deadlines.remove(ended.tenant, ended.sessionId);
      return next ?? stored;
    }
  }
}

/** Whether `stored` has applied less of the log than `ours` (what this leader wrote). */
function isBehind(stored: DeviceState, ours: DeviceState): boolean {
  return (stored.applied_seq ?? -1) < (ours.applied_seq ?? -1);
}
