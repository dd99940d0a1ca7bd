import type { JsMsg } from 'nats';
import { parseLogSubject } from '@cobrowse/contracts';

/** The device of an open session, at once when known in memory, else after a database lookup. */
export type SessionDeviceLookup = (
  tenant: string,
  sessionId: string,
) => string | undefined | Promise<string | undefined>;

/**
 * Which facts must be applied one after another: everything that touches one device (its
 * document and its session's deadline). Connection facts name their device; a session
 * event names it on creation, and the mapping is remembered at dispatch time, in log
 * order, so the session's later events queue behind it on the same device. A session this
 * replica has not seen created (a handover) is looked up before its event is dispatched:
 * keyed by the session alone, it could overtake its device's facts, and a device skips a
 * fact older than one it has applied.
 */
export class TrackingKeys {
  private readonly sessionDevices = new Map<string, string>();
  /** Sessions seen ending: their later events (metadata after the end) need no lookup. */
  private readonly endedSessions = new Set<string>();

  constructor(private readonly knownDevice: SessionDeviceLookup) {}

  keyOf(m: JsMsg): string | Promise<string> {
    const subject = parseLogSubject(m.subject);
    if (!subject) return m.subject;
    const { tenant, kind, id } = subject;
    if (kind === 'device') return deviceKey(tenant, id);
    const session = `${tenant}/${id}`;
    const keyFor = (device: string | undefined): string => {
      if (!device) return `${tenant}/session/${id}`;
      this.sessionDevices.set(session, device);
      return deviceKey(tenant, device);
    };
    const device =
      this.sessionDevices.get(session) ?? (m.subject.endsWith('.created') ? this.deviceIdOf(m) : undefined);
    if (device) return keyFor(device);
    if (this.endedSessions.has(session)) return keyFor(undefined);
    const known = this.knownDevice(tenant, id);
    return typeof known === 'object' ? known.then(keyFor) : keyFor(known);
  }

  /** An ended session no longer needs its mapping: nothing after its end touches the device. */
  forget(tenant: string, sessionId: string): void {
    const session = `${tenant}/${sessionId}`;
    this.sessionDevices.delete(session);
    this.endedSessions.add(session);
    if (this.endedSessions.size > MAX_ENDED_REMEMBERED)
      this.endedSessions.delete(this.endedSessions.values().next().value!);
  }

  private deviceIdOf(m: JsMsg): string | undefined {
    try {
      const deviceId = (
        JSON.parse(Buffer.from(m.data).toString('utf8')) as { data?: { device_id?: unknown } }
      ).data?.device_id;
      return typeof deviceId === 'string' ? deviceId : undefined;
    } catch {
      return undefined;
    }
  }
}

const MAX_ENDED_REMEMBERED = 10_000;

const deviceKey = (tenant: string, deviceId: string) => `${tenant}/device/${deviceId}`;
