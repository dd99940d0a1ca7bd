import type { BeatVerdict } from '@cobrowse/contracts';
import type { DeviceState } from '../devices/device-state';

/** Devices the leader keeps at hand to judge heartbeats: those seen recently, at most this many. */
const MAX_DEVICES = 50_000;
/** A logged change whose fact never arrives (its append failed, the relay gave up) stops mattering after this. */
const CHANGE_IN_FLIGHT_MS = 30_000;
/** Beats remembered per connection, to answer a retry as the original was answered. */
const OUTCOMES_PER_CONNECTION = 4;

const connectionKey = (documentId: string, connectionId: string) => `${documentId}\u0000${connectionId}`;

/**
 * What the tracker's leader knows of devices between facts: each device as it last wrote or
 * read it (the leader is the devices' one writer, so this is the document), the connections
 * with a logged change not yet applied, and the last beats of each connection with how they
 * were answered. Cleared whenever leadership changes.
 */
export class KnownDevices {
  private readonly devices = new Map<string, DeviceState | null>();
  private readonly inFlight = new Map<string, Map<string, number>>();
  private readonly outcomes = new Map<string, Array<{ eventId: string; verdict: BeatVerdict }>>();

  /** The device as last written or read; undefined when not at hand (read it), null when it does not exist. */
  get(documentId: string): DeviceState | null | undefined {
    const device = this.devices.get(documentId);
    if (device !== undefined) {
      this.devices.delete(documentId);
      this.devices.set(documentId, device);
    }
    return device;
  }

  set(documentId: string, device: DeviceState | null): void {
    this.devices.delete(documentId);
    this.devices.set(documentId, device);
    if (this.devices.size > MAX_DEVICES) this.devices.delete(this.devices.keys().next().value!);
  }

  forget(documentId: string): void {
    this.devices.delete(documentId);
  }

  /** A beat of this connection was sent to the log: beats after it are logged too until it is applied. */
  changeSent(documentId: string, connectionId: string, eventId: string, now: number): void {
    const key = connectionKey(documentId, connectionId);
    const sent = this.inFlight.get(key) ?? new Map<string, number>();
    sent.set(eventId, now + CHANGE_IN_FLIGHT_MS);
    this.inFlight.set(key, sent);
    if (this.inFlight.size > MAX_DEVICES) this.inFlight.delete(this.inFlight.keys().next().value!);
  }

  /** A connection fact was applied from the log. */
  applied(documentId: string, connectionId: string, eventId: string): void {
    const key = connectionKey(documentId, connectionId);
    const sent = this.inFlight.get(key);
    if (!sent) return;
    sent.delete(eventId);
    if (!sent.size) this.inFlight.delete(key);
  }

  changeInFlight(documentId: string, connectionId: string, now: number): boolean {
    const key = connectionKey(documentId, connectionId);
    const sent = this.inFlight.get(key);
    if (!sent) return false;
    for (const [eventId, until] of sent) if (until <= now) sent.delete(eventId);
    if (!sent.size) this.inFlight.delete(key);
    return sent.size > 0;
  }

  /** How a beat with this id was answered before, if it was recently. */
  recall(documentId: string, connectionId: string, eventId: string): BeatVerdict | undefined {
    return this.outcomes.get(connectionKey(documentId, connectionId))?.find((o) => o.eventId === eventId)
      ?.verdict;
  }

  remember(documentId: string, connectionId: string, eventId: string, verdict: BeatVerdict): void {
    const key = connectionKey(documentId, connectionId);
    const recent = this.outcomes.get(key) ?? [];
    recent.push({ eventId, verdict });
    if (recent.length > OUTCOMES_PER_CONNECTION) recent.shift();
    this.outcomes.delete(key);
    this.outcomes.set(key, recent);
    if (this.outcomes.size > MAX_DEVICES) this.outcomes.delete(this.outcomes.keys().next().value!);
  }

  clear(): void {
    this.devices.clear();
    this.inFlight.clear();
    this.outcomes.clear();
  }
}
