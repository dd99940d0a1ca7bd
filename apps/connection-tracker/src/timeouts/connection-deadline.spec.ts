import type { ConnectionEnvelope } from '@cobrowse/contracts';
import { deadlineSetBy } from './connection-deadline';

const fact = (type: ConnectionEnvelope['type'], data: Record<string, unknown> = {}): ConnectionEnvelope =>
  ({
    type,
    tenant: 'acme',
    device_id: 'd',
    recorded_at: 1_000_000,
    data: { device_id: 'd', connection_id: 'c', ...data },
  }) as unknown as ConnectionEnvelope;

describe('deadlineSetBy', () => {
  it('restarts the timeout from the fact’s own recorded time on activity', () => {
    expect(deadlineSetBy(fact('connection.opened'), 300_000)).toBe(1_300_000);
    expect(deadlineSetBy(fact('connection.heartbeat'), 300_000)).toBe(1_300_000);
  });

  it('extends it by the announced return time on an expected disconnect', () => {
    const closed = fact('connection.closed', { expected_disconnect: { return_time_seconds: 30 } });
    expect(deadlineSetBy(closed, 300_000)).toBe(1_330_000);
    // Applied twice, the same deadline: set, never added.
    expect(deadlineSetBy(closed, 300_000)).toBe(deadlineSetBy(closed, 300_000));
  });

  it('sets nothing on a plain close: closing is not activity', () => {
    expect(deadlineSetBy(fact('connection.closed'), 300_000)).toBeNull();
    expect(deadlineSetBy(fact('connection.closed', { expected_disconnect: {} }), 300_000)).toBeNull();
  });
});
