import type { ConnectionEnvelope, HeartbeatReport } from '@cobrowse/contracts';
import { applyConnection, isOnline, type DeviceState } from '../devices/device-state';
import { beatVerdict } from './beat-verdict';
import { KnownDevices } from './known-devices';
import { Presence, presenceShardId, type PresenceShard } from './presence';
import { withPresence } from './presence-overlay';

const TIMEOUT = 1_000;

const opened = (at: number, data: Partial<ConnectionEnvelope['data']> = {}): DeviceState =>
  applyConnection(null, {
    event_id: `o-${at}`,
    type: 'connection.opened',
    tenant: 'acme',
    device_id: 'd1',
    occurred_at: at,
    recorded_at: at,
    data: { device_id: 'd1', connection_id: 'tab', current_url: 'https://a.test/', has_focus: true, ...data },
  });

const beat = (fields: Partial<HeartbeatReport> = {}): HeartbeatReport => ({
  event_id: 'b1',
  device_id: 'd1',
  connection_id: 'tab',
  occurred_at: 5_000,
  ...fields,
});

describe('beatVerdict', () => {
  const device = opened(1_000);

  it('keeps a beat that changes nothing but "seen now"', () => {
    expect(beatVerdict(device, beat(), false)).toBe('seen');
    expect(beatVerdict(device, beat({ current_url: 'https://a.test/', has_focus: true }), false)).toBe(
      'seen',
    );
  });

  it('logs a new URL, a focus change, an unknown or closed connection, an unknown device', () => {
    expect(beatVerdict(device, beat({ current_url: 'https://a.test/b' }), false)).toBe('log');
    expect(beatVerdict(device, beat({ has_focus: false }), false)).toBe('log');
    expect(beatVerdict(device, beat({ connection_id: 'other' }), false)).toBe('log');
    expect(beatVerdict(null, beat(), false)).toBe('log');
    const closed = applyConnection(device, {
      event_id: 'c',
      type: 'connection.closed',
      tenant: 'acme',
      device_id: 'd1',
      occurred_at: 2_000,
      recorded_at: 2_000,
      data: { device_id: 'd1', connection_id: 'tab' },
    });
    expect(beatVerdict(closed, beat(), false)).toBe('log');
  });

  it('takes a null URL as a value: it changes a URL, and repeats none', () => {
    expect(beatVerdict(device, beat({ current_url: null }), false)).toBe('log');
    expect(beatVerdict(opened(1_000, { current_url: undefined }), beat({ current_url: null }), false)).toBe(
      'seen',
    );
  });

  it('logs while a change of the connection is on its way through the log', () => {
    expect(beatVerdict(device, beat(), true)).toBe('log');
  });

  it('sends the retry of the last logged fact of the connection to the log, which knows it', () => {
    expect(beatVerdict(device, beat({ event_id: 'o-1000' }), false)).toBe('log');
  });
});

describe('withPresence', () => {
  const device = opened(1_000, { has_focus: true });

  it('shows a connection seen and focused at the later of the log and presence', () => {
    const shown = withPresence(device, [{ connection_id: 'tab', seen_at: 4_000, focus_at: 3_900 }], null);
    expect(shown.last_seen_at).toBe(4_000);
    expect(shown.connections[0]).toMatchObject({ last_seen_at: 4_000, last_focus_at: 3_900 });
    expect(isOnline(shown, 4_000 + TIMEOUT, TIMEOUT)).toBe(true);
    expect(isOnline(shown, 4_001 + TIMEOUT, TIMEOUT)).toBe(false);
    expect(
      withPresence(device, [{ connection_id: 'tab', seen_at: 500, focus_at: null }], null).last_seen_at,
    ).toBe(1_000);
  });

  it('with a grace, keeps online until the takeover plus a timeout, without moving last_seen_at', () => {
    const shown = withPresence(device, [], { from: 900, until: 6_000 });
    expect(shown.last_seen_at).toBe(1_000);
    expect(isOnline(shown, 6_000 + TIMEOUT, TIMEOUT)).toBe(true);
    expect(isOnline(withPresence(device, [], { from: 1_001, until: 6_000 }), 6_000, TIMEOUT)).toBe(false);
  });
});

describe('Presence', () => {
  it('writes only the shards that changed, each with all its rows', () => {
    const presence = new Presence();
    presence.see('acme', 'd1', 'tab', 1_000, null);
    presence.see('acme', 'd1', 'tab', 2_000, 1_990);
    const [shard] = presence.takeDirtyShards(3_000);
    expect(shard).toEqual({
      _id: presenceShardId('acme', 'd1'),
      tenant: 'acme',
      flushed_at: 3_000,
      entries: [{ device_id: 'd1', connection_id: 'tab', seen_at: 2_000, focus_at: 1_990 }],
    });
    expect(presence.takeDirtyShards(4_000)).toEqual([]);
    presence.forget('acme/d1');
    expect(presence.takeDirtyShards(5_000)).toEqual([{ ...shard, flushed_at: 5_000, entries: [] }]);
  });

  it('never moves a connection back in time', () => {
    const presence = new Presence();
    presence.see('acme', 'd1', 'tab', 2_000, 1_990);
    presence.see('acme', 'd1', 'tab', 1_000, null);
    expect(presence.of('acme', 'd1')).toEqual([{ connection_id: 'tab', seen_at: 2_000, focus_at: 1_990 }]);
  });

  it('takes over what was stored, with a grace from a timeout before the last store until now', () => {
    const stored = new Presence();
    stored.see('acme', 'd1', 'tab', 2_000, null);
    const next = new Presence();
    next.load(stored.takeDirtyShards(2_500), 2_500, 9_000, TIMEOUT);
    expect(next.of('acme', 'd1')).toEqual([{ connection_id: 'tab', seen_at: 2_000, focus_at: null }]);
    expect(next.grace(9_500)).toEqual({ from: 1_500, until: 9_000 });
    expect(next.grace(9_000 + TIMEOUT)).toBeNull();
    expect(next.takeDirtyShards(9_000)).toEqual([]);
  });

  it('takes over only the rows it can read (a row of another layout is left to the grace)', () => {
    const next = new Presence();
    const shard = {
      _id: presenceShardId('acme', 'd1'),
      tenant: 'acme',
      flushed_at: 2_500,
      entries: [
        ['d2', 'tab', 2_000, null],
        { device_id: 'd1', connection_id: 'tab', seen_at: 2_000, focus_at: null },
        { device_id: 'd3', connection_id: 'tab', seen_at: '2000', focus_at: null },
      ],
    } as unknown as PresenceShard;
    next.load([shard], 2_500, 9_000, TIMEOUT);
    expect(next.of('acme', 'd1')).toEqual([{ connection_id: 'tab', seen_at: 2_000, focus_at: null }]);
    expect(next.of('acme', 'd2')).toEqual([]);
    expect(next.of('acme', 'd3')).toEqual([]);
  });

  it('finds devices gone quiet, and those whose document has not had their presence for long', () => {
    const presence = new Presence();
    presence.see('acme', 'quiet', 'tab', 1_000, null);
    presence.see('acme', 'busy', 'tab', 1_000, null);
    presence.see('acme', 'busy', 'tab', 9_000, null);
    expect(presence.toFold(5_000, 500)).toEqual([{ documentId: 'acme/quiet', quiet: true }]);
    expect(presence.toFold(5_000, 2_000)).toEqual([
      { documentId: 'acme/quiet', quiet: true },
      { documentId: 'acme/busy', quiet: false },
    ]);
    presence.folded('acme/busy', 9_000);
    expect(presence.toFold(0, 2_000)).toEqual([{ documentId: 'acme/quiet', quiet: false }]);
  });
});

describe('KnownDevices', () => {
  it('remembers a logged change until the log applies it, or for 30 s', () => {
    const known = new KnownDevices();
    known.changeSent('acme/d1', 'tab', 'b1', 1_000);
    expect(known.changeInFlight('acme/d1', 'tab', 2_000)).toBe(true);
    expect(known.changeInFlight('acme/d1', 'other', 2_000)).toBe(false);
    known.applied('acme/d1', 'tab', 'b1');
    expect(known.changeInFlight('acme/d1', 'tab', 2_000)).toBe(false);
    known.changeSent('acme/d1', 'tab', 'b2', 1_000);
    expect(known.changeInFlight('acme/d1', 'tab', 31_000)).toBe(false);
  });

  it('answers a retried beat as it answered the original, for the last few beats of a connection', () => {
    const known = new KnownDevices();
    for (let i = 0; i < 5; i++) known.remember('acme/d1', 'tab', `b${i}`, i === 4 ? 'log' : 'seen');
    expect(known.recall('acme/d1', 'tab', 'b0')).toBeUndefined();
    expect(known.recall('acme/d1', 'tab', 'b1')).toBe('seen');
    expect(known.recall('acme/d1', 'tab', 'b4')).toBe('log');
  });
});
