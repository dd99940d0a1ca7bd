import type { JsMsg } from 'nats';
import { parseLogSubject } from '@cobrowse/contracts';

/**
 * Which facts must be applied one after another: everything that touches one device (its
 * document and its session's deadline). Connection facts name their device; a session
 * event names it on creation, and the mapping is remembered at dispatch time, in log
 * order, so the session's later events queue behind it on the same device.
 */
export class TrackingKeys {
  private readonly sessionDevices = new Map<string, string>();

  constructor(private readonly knownDevice: (tenant: string, sessionId: string) => string | undefined) {}

  keyOf(m: JsMsg): string {
    const subject = parseLogSubject(m.subject);
    if (!subject) return m.subject;
    const { tenant, kind, id } = subject;
    if (kind === 'device') return `${tenant}/device/${id}`;
    const session = `${tenant}/${id}`;
    let device = this.sessionDevices.get(session) ?? this.knownDevice(tenant, id);
    if (!device && m.subject.endsWith('.created')) device = this.deviceIdOf(m);
    if (!device) return `${tenant}/session/${id}`;
    this.sessionDevices.set(session, device);
    return `${tenant}/device/${device}`;
  }

  /** Ended sessions no longer need their mapping. */
  forget(tenant: string, sessionId: string): void {
    this.sessionDevices.delete(`${tenant}/${sessionId}`);
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
