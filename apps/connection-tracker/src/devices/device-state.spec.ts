import type { AnySessionEvent, ConnectionEnvelope } from '@cobrowse/contracts';
import { applyConnection, applySession, isOnline, toDeviceResource } from './device-state';

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
});
