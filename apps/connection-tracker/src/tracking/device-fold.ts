import { isConnectionEventType, type AnySessionEvent, type ConnectionEnvelope } from '@cobrowse/contracts';
import { applyConnection, applySession, type DeviceState } from '../devices/device-state';
import { deadlineSetBy } from '../timeouts/connection-deadline';
import { SessionDeadlinesRepository, type SessionDeadline } from '../timeouts/session-deadlines.repository';

/** A logged fact and its position in the log. */
export interface TrackedFact {
  event: AnySessionEvent | ConnectionEnvelope;
  seq: number;
}

/** An open session's deadline, from memory or the database (DeadlineSchedule.lookup). */
export type DeadlineLookup = (tenant: string, sessionId: string) => Promise<SessionDeadline | undefined>;

/** What a run of one device's facts comes to: written by the caller in this order. */
export interface DeviceFold {
  /** Deadlines to store before the device: a new session's, and ones moved later. */
  deadlineSaves: SessionDeadline[];
  /** The device after the facts; `changed` false when every fact was applied before. */
  device: DeviceState | null;
  changed: boolean;
  /** Deadlines to remove after the device: sessions that ended. */
  deadlineRemovals: Array<{ tenant: string; sessionId: string }>;
}

const isConnection = (e: TrackedFact['event']): e is ConnectionEnvelope => isConnectionEventType(e.type);

/**
 * Folds one device's facts, in log order, onto the device as stored: the same result as
 * applying them one by one, with one device write and each deadline written once. A device
 * skips a fact at or before the log position it has applied (`applied_seq`); the deadlines a
 * fact sets or removes are still set or removed (a redelivery after a crash between the
 * writes completes them), except a creation's, which a device that applied the creation
 * must not get back (the session may have ended since).
 *
 * Deadlines are set from the fact's own recorded time and only ever moved later, so a fact
 * folded twice sets the same deadline.
 */
export async function foldDeviceFacts(
  base: DeviceState | null,
  deviceId: string,
  facts: TrackedFact[],
  lookup: DeadlineLookup,
  timeoutMs: number,
): Promise<DeviceFold> {
  let device = base;
  let changed = false;
  /** The batch's view of deadlines: what it set (or removed: null) over what is stored. */
  const deadlines = new Map<string, SessionDeadline | null>();
  const ended = new Map<string, { tenant: string; sessionId: string }>();
  const find = async (tenant: string, sessionId: string): Promise<SessionDeadline | undefined> => {
    const id = SessionDeadlinesRepository.id(tenant, sessionId);
    const set = deadlines.get(id);
    if (set !== undefined) return set ?? undefined;
    return lookup(tenant, sessionId);
  };
  const moveLater = (deadline: SessionDeadline, at: number) => {
    if (at > deadline.deadline_at) deadlines.set(deadline._id, { ...deadline, deadline_at: at });
  };
  const apply = (seq: number, change: (d: DeviceState | null) => DeviceState): boolean => {
    if (device?.applied_seq !== undefined && device.applied_seq >= seq) return false;
    device = { ...change(device), applied_seq: seq };
    changed = true;
    return true;
  };
  for (const { event, seq } of facts) {
    if (isConnection(event)) {
      apply(seq, (d) => applyConnection(d, event));
      const sessionId = device?.current_session_id;
      const set = deadlineSetBy(event, timeoutMs);
      if (!sessionId || set === null) continue;
      const deadline = await find(event.tenant, sessionId);
      if (deadline) moveLater(deadline, set);
      continue;
    }
    const { tenant, session_id: sessionId } = event;
    if (event.type === 'session.created') {
      if (apply(seq, (d) => applySession(d, deviceId, event)))
        deadlines.set(SessionDeadlinesRepository.id(tenant, sessionId), {
          _id: SessionDeadlinesRepository.id(tenant, sessionId),
          tenant,
          session_id: sessionId,
          device_id: deviceId,
          deadline_at: event.recorded_at + timeoutMs,
        });
      continue;
    }
    const deadline = await find(tenant, sessionId);
    if (!deadline) continue; // ended already, or created before this tracker existed
    if (event.type === 'session.deactivated') {
      apply(seq, (d) => applySession(d, deviceId, event));
      deadlines.set(deadline._id, null);
      ended.set(deadline._id, { tenant, sessionId });
      continue;
    }
    if (event.type === 'session.page-entered') apply(seq, (d) => applySession(d, deviceId, event));
    moveLater(deadline, event.recorded_at + timeoutMs);
  }

  const deadlineSaves = [...deadlines.values()].filter((d): d is SessionDeadline => d !== null);
  const deadlineRemovals = [...ended].filter(([id]) => deadlines.get(id) === null).map(([, s]) => s);
  return { deadlineSaves, device, changed, deadlineRemovals };
}
