import { randomUUID } from 'node:crypto';

/**
 * What device SDK relays really send: devices that come back for several sessions over time,
 * each session opened on a new connection (tab or app start), activated by one of 50 agents,
 * a few pages (some sessions hundreds), heartbeats (most change nothing, some carry a new URL),
 * metadata and custom data edits (PATCH from agents' tools, and from relays in batches), ends
 * for every reason, and closed connections. Every id is chosen here, so the bench knows what
 * the read models must end up showing.
 */

/** A deterministic generator, so two runs send the same mix. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const AGENT_COUNT = 50;
export const PLANS = ['basic', 'basic', 'basic', 'basic', 'gold'] as const;
export const REGIONS = ['eu', 'us', 'apac'] as const;
const PLATFORMS = ['web', 'ios', 'android'] as const;
const TAG_SETS: string[][] = [
  ['support'],
  ['support', 'premium'],
  ['sales'],
  ['sales', 'premium'],
  ['support', 'vip'],
  [],
];
const REASONS = ['agent', 'agent', 'agent', 'device', 'device', 'api'] as const;

export interface MixEvent {
  item: Record<string, unknown>;
  type: string;
  sessionId?: string;
  deviceId: string;
  /** For `session.page-entered`: how many pages the session has with this one. */
  page?: number;
}

export interface MixPatch {
  sessionId: string;
  path: string;
  body: Record<string, unknown>;
}

export type Step = { kind: 'event'; event: MixEvent } | { kind: 'patch'; patch: MixPatch };

let eventCounter = 0;
const runId = randomUUID().slice(0, 8);
const eventId = () => `${runId}-${(eventCounter++).toString(36)}`;

/** Pages of a session: most a few, a fifth dozens, one in a hundred hundreds. */
function pageCount(r: () => number): number {
  const x = r();
  if (x < 0.01) return 100 + Math.floor(r() * 201);
  if (x < 0.2) return 10 + Math.floor(r() * 21);
  return 1 + Math.floor(r() * 5);
}

export interface DeviceProfile {
  deviceId: string;
  index: number;
  platform: string;
  region: string;
  plan: string;
  customerId: string;
}

export function deviceProfile(prefix: string, index: number): DeviceProfile {
  return {
    deviceId: `${prefix}${index}`,
    index,
    platform: PLATFORMS[index % 3],
    region: REGIONS[Math.floor(index / 3) % 3],
    plan: PLANS[index % 5],
    customerId: `C-${prefix}${100000 + index}`,
  };
}

export const agentId = (n: number) => `agent-${n % AGENT_COUNT}`;

/**
 * One device's facts over `sessions` sessions, one after another. Every session but the last
 * ends; the last ends with probability `endLast`. `maxPages` caps every session's pages (the
 * rest of the mix stays the same).
 */
export function* deviceSteps(
  profile: DeviceProfile,
  sessions: number,
  seed: number,
  endLast = 0.55,
  maxPages = Number.POSITIVE_INFINITY,
): Generator<Step> {
  const r = rng(seed);
  const { deviceId } = profile;
  for (let s = 0; s < sessions; s++) {
    const sessionId = randomUUID();
    const connectionId = `conn-${sessionId.slice(0, 13)}`;
    const startUrl = `https://shop.example/${profile.region}/products/${Math.floor(r() * 1000)}`;
    const ev = (type: string, data: Record<string, unknown>, extra: Partial<MixEvent> = {}): Step => ({
      kind: 'event',
      event: {
        type,
        deviceId,
        ...(type.startsWith('session.') ? { sessionId } : {}),
        ...extra,
        item: {
          event_id: eventId(),
          type,
          ...(type.startsWith('session.') ? { session_id: sessionId } : {}),
          data,
        },
      },
    });
    const beat = (url?: string) =>
      ev('connection.heartbeat', {
        device_id: deviceId,
        connection_id: connectionId,
        ...(url ? { current_url: url } : {}),
      });
    yield ev('connection.opened', {
      device_id: deviceId,
      connection_id: connectionId,
      current_url: startUrl,
      has_focus: true,
      screen_width: profile.platform === 'web' ? 1920 : 390,
      screen_height: profile.platform === 'web' ? 1080 : 844,
    });
    yield ev('session.created', {
      device_id: deviceId,
      device: {
        device_locale: profile.region === 'us' ? 'en-US' : 'en-GB',
        os_version: profile.platform === 'web' ? 'Windows 11' : '17.4',
        app_id: 'com.example.shop',
        app_name: 'Example Shop',
        app_version: '5.12.0',
        sdk_version: '3.2.1',
        platform: profile.platform,
      },
      custom_data: {
        customer_id: profile.customerId,
        plan: profile.plan,
        region: profile.region,
        visit: s + 1,
      },
      metadata: { queue: r() < 0.5 ? 'billing' : 'orders', priority: 1 + Math.floor(r() * 3) },
      tags: TAG_SETS[Math.floor(r() * TAG_SETS.length)],
      source: 'relay',
      start_url: startUrl,
    });
    const pages = Math.min(pageCount(r), maxPages);
    const activated = r() < 0.85;
    const activateAfter = activated ? Math.floor(r() * Math.min(2, pages)) : -1;
    const agent = Math.floor(r() * AGENT_COUNT);
    for (let p = 0; p < pages; p++) {
      if (p === activateAfter)
        yield ev('session.activated', {
          agent: { id: agentId(agent), name: `Agent ${agent}`, email: `agent${agent}@support.example` },
        });
      const url = `https://shop.example/${profile.region}/p/${p}-${Math.floor(r() * 500)}`;
      yield ev(
        'session.page-entered',
        { url, title: `Page ${p}`, connection_id: connectionId },
        { page: p + 1 },
      );
      // A heartbeat after most pages: usually nothing new, now and then the URL it moved to.
      if (r() < 0.35) yield beat(r() < 0.15 ? `${url}#section-${p}` : undefined);
      if (p === 0 && r() < 0.1) yield { kind: 'patch', patch: metadataPatch(sessionId, r) };
      if (p === 0 && r() < 0.05) yield { kind: 'patch', patch: customDataPatch(sessionId, r) };
      if (p === 1 && r() < 0.05)
        yield ev('session.metadata-updated', { metadata: { relay_note: `n${Math.floor(r() * 100)}` } });
    }
    yield beat();
    const last = s === sessions - 1;
    if (!last || r() < endLast) {
      yield ev('session.deactivated', { reason: REASONS[Math.floor(r() * REASONS.length)] });
      yield ev('connection.closed', {
        device_id: deviceId,
        connection_id: connectionId,
        ...(r() < 0.1
          ? { expected_disconnect: { return_time_seconds: 60, message: 'back soon', title: 'Away' } }
          : {}),
      });
      // Wrap-up notes after the end.
      if (r() < 0.03) yield { kind: 'patch', patch: metadataPatch(sessionId, r) };
    }
  }
}

function metadataPatch(sessionId: string, r: () => number): MixPatch {
  return {
    sessionId,
    path: `/v1/sessions/${sessionId}/metadata`,
    body: { outcome: r() < 0.7 ? 'resolved' : 'escalated', notes: `case ${Math.floor(r() * 1e6)}` },
  };
}

function customDataPatch(sessionId: string, r: () => number): MixPatch {
  return {
    sessionId,
    path: `/v1/sessions/${sessionId}`,
    body: { custom_data: { stage: r() < 0.5 ? 'checkout' : 'browse' } },
  };
}

/**
 * A relay: owns some devices and sends their facts in order, one request at a time, each
 * batch taking a few facts from each of up to `window` devices active at once.
 */
export class Lane {
  private readonly active: Array<Iterator<Step>> = [];
  private turn = 0;
  private exhausted = false;
  private retry: MixEvent[] = [];

  constructor(
    private readonly devices: Iterator<Iterator<Step>>,
    private readonly window = 100,
    private readonly perDevice = 4,
  ) {}

  get done(): boolean {
    return this.exhausted && this.active.length === 0 && this.retry.length === 0;
  }

  /** Facts the service could not take just now: sent again first, in their order, with their event ids. */
  requeue(events: MixEvent[]): void {
    this.retry.push(...events);
  }

  /** The next request's events, and the PATCHes to send once it is answered (their sessions are in it or before). */
  next(size: number): { events: MixEvent[]; patches: MixPatch[] } {
    const events: MixEvent[] = this.retry.splice(0, size);
    const patches: MixPatch[] = [];
    const blocked = new Set<Iterator<Step>>();
    while (events.length < size) {
      while (!this.exhausted && this.active.length < this.window) {
        const d = this.devices.next();
        if (d.done) this.exhausted = true;
        else this.active.push(d.value);
      }
      const open = this.active.filter((d) => !blocked.has(d));
      if (!open.length) break;
      for (let k = 0; k < open.length && events.length < size; k++) {
        const device = open[(this.turn + k) % open.length];
        for (let taken = 0; taken < this.perDevice && events.length < size; taken++) {
          const step = device.next();
          if (step.done) {
            this.active.splice(this.active.indexOf(device), 1);
            blocked.add(device);
            break;
          }
          if (step.value.kind === 'patch') {
            patches.push(step.value.patch);
            blocked.add(device);
            break;
          }
          events.push(step.value.event);
        }
      }
      this.turn++;
    }
    return { events, patches };
  }
}

/**
 * `sessions` sessions over `devices` devices (ids `<prefix><n>`), dealt to `lanes` relays:
 * device n has ⌊sessions/devices⌋ of them, or one more.
 */
export function population(
  prefix: string,
  devices: number,
  sessions: number,
  lanes: number,
  seed: number,
  options: { endLast?: number; maxPages?: number } = {},
): Lane[] {
  const base = Math.floor(sessions / devices);
  const extra = sessions % devices;
  return Array.from({ length: lanes }, (_, lane) => {
    function* source(): Generator<Iterator<Step>> {
      for (let d = lane; d < devices; d += lanes) {
        const count = base + (d < extra ? 1 : 0);
        if (count > 0)
          yield deviceSteps(
            deviceProfile(prefix, d),
            count,
            seed * 7919 + d,
            options.endLast,
            options.maxPages,
          );
      }
    }
    return new Lane(source());
  });
}

/**
 * Devices that keep coming (ids `<prefix><n>`), two sessions each, for a steady load of any
 * length. `window` devices are active per relay at once: with small batches, few devices, so
 * each one's session moves on by a few facts per batch rather than one fact per device per
 * round of the whole window.
 */
export function endlessPopulation(prefix: string, lanes: number, seed: number, window: number): Lane[] {
  return Array.from({ length: lanes }, (_, lane) => {
    function* source(): Generator<Iterator<Step>> {
      for (let d = lane; ; d += lanes) yield deviceSteps(deviceProfile(prefix, d), 2, seed * 7919 + d, 1);
    }
    return new Lane(source(), Math.max(1, window));
  });
}
