import type { AnySessionEvent, ConnectionEnvelope } from '@cobrowse/contracts';
import {
  applyConnection,
  applySession,
  isOnline,
  MAX_ACTIVE_CONNECTIONS,
  MAX_DISCONNECTED_CONNECTIONS,
  toDeviceResource,
  type DeviceState,
} from './device-state';

const fact = (
  type: ConnectionEnvelope['type'],
  at: number,
  data: Partial<ConnectionEnvelope['data']> = {},
): ConnectionEnvelope => ({
  event_id: `${type}-${at}`,
  type,
  tenant: 'acme',
  device_id: 'd1',
  occurred_at: at - 5,
  recorded_at: at,
  data: { device_id: 'd1', connection_id: 'tab', ...data },
});

describe('device state', () => {
  it('opens, updates and closes a connection', () => {
    let d = applyConnection(
      null,
      fact('connection.opened', 1_000, { current_url: 'https://a.test/', screen_width: 800 }),
    );
    expect(d.connections[0]).toMatchObject({
      status: 'active',
      current_url: 'https://a.test/',
      screen_width: 800,
      active_since: 995,
    });
    d = applyConnection(
      d,
      fact('connection.heartbeat', 2_000, { has_focus: true, current_url: 'https://a.test/b' }),
    );
    expect(d.connections[0]).toMatchObject({
      has_focus: true,
      last_focus_at: 1_995,
      last_seen_at: 2_000,
      screen_width: 800,
    });
    expect(d.last_url).toBe('https://a.test/b');
    d = applyConnection(
      d,
      fact('connection.closed', 3_000, { expected_disconnect: { return_time_seconds: 30, title: 'brb' } }),
    );
    expect(d.connections[0]).toMatchObject({
      status: 'disconnected',
      expected_disconnect: { return_time_seconds: 30, title: 'brb', message: null, ts: 3_000 },
    });
    expect(d.last_seen_at).toBe(3_000);
  });

  it('is idempotent: applying the same fact twice changes nothing more', () => {
    const once = applyConnection(null, fact('connection.opened', 1_000));
    expect(applyConnection(once, fact('connection.opened', 1_000))).toEqual(once);
  });

  it('is online while an active connection was seen within the timeout', () => {
    const d = applyConnection(null, fact('connection.opened', 1_000));
    expect(isOnline(d, 1_500, 1_000)).toBe(true);
    expect(isOnline(d, 2_001, 1_000)).toBe(false);
    expect(isOnline(applyConnection(d, fact('connection.closed', 1_100)), 1_200, 1_000)).toBe(false);
  });

  it('follows the current session from session events', () => {
    const created = {
      event_id: 'c',
      type: 'session.created',
      tenant: 'acme',
      session_id: 's1',
      occurred_at: 1,
      recorded_at: 10,
      version: 1,
      data: { device_id: 'd1', token: '1', device: { platform: 'web' }, custom_data: { fleet: 'red' } },
    } as AnySessionEvent;
    let d = applySession(null, 'd1', created);
    expect(toDeviceResource(d, 10, 1_000, 60)).toMatchObject({
      expires_at: new Date(10 + 60_000).toISOString(),
      is_in_session: true,
      current_session_id: 's1',
      device: { platform: 'web' },
      custom_data: { fleet: 'red' },
      is_online: false,
    });
    d = applySession(d, 'd1', {
      ...created,
      type: 'session.deactivated',
      version: 2,
      data: { reason: 'agent' },
    } as AnySessionEvent);
    expect(d.current_session_id).toBeNull();
  });

  it('keeps the 50 most recently disconnected connections and every active one', () => {
    let d: DeviceState | null = null;
    for (let i = 0; i < 80; i++) {
      d = applyConnection(d, fact('connection.opened', 1_000 + i, { connection_id: `tab-${i}` }));
      if (i < 70) d = applyConnection(d, fact('connection.closed', 2_000 + i, { connection_id: `tab-${i}` }));
    }
    const disconnected = d!.connections.filter((c) => c.status === 'disconnected');
    expect(disconnected).toHaveLength(MAX_DISCONNECTED_CONNECTIONS);
    expect(disconnected.map((c) => c.unique_connection_id)).toContain('tab-69');
    expect(disconnected.map((c) => c.unique_connection_id)).not.toContain('tab-19');
    expect(d!.connections.filter((c) => c.status === 'active')).toHaveLength(10);
  });

  it('keeps the later of connections closed in the same millisecond', () => {
    let d: DeviceState | null = null;
    for (let i = 0; i < 60; i++) {
      d = applyConnection(d, fact('connection.opened', 1_000, { connection_id: `tab-${i}` }));
      d = applyConnection(d, fact('connection.closed', 1_000, { connection_id: `tab-${i}` }));
    }
    const ids = d!.connections.map((c) => c.unique_connection_id);
    expect(ids).toHaveLength(50);
    expect(ids[0]).toBe('tab-10');
  });

  it('disconnects the least recently seen active connection beyond 100', () => {
    let d: DeviceState | null = null;
    for (let i = 0; i <= MAX_ACTIVE_CONNECTIONS; i++)
      d = applyConnection(d, fact('connection.opened', 1_000 + i, { connection_id: `tab-${i}` }));
    const active = d!.connections.filter((c) => c.status === 'active');
    expect(active).toHaveLength(MAX_ACTIVE_CONNECTIONS);
    expect(d!.connections.find((c) => c.unique_connection_id === 'tab-0')?.status).toBe('disconnected');
  });

  it('renders a time outside the Date range without throwing', () => {
    const d = applyConnection(null, { ...fact('connection.opened', 1_000), occurred_at: 2 ** 53 });
    expect(() => toDeviceResource(d, 2_000, 60_000, 3600)).not.toThrow();
  });
});
