import { parseBatchItem } from './batch-item.parser';

const SESSION = '6f1c1d8e-0a4b-4c5d-8e9f-0a1b2c3d4e5f';

describe('parseBatchItem', () => {
  it('accepts a valid item and keeps only known data fields', () => {
    const parsed = parseBatchItem('acme', {
      event_id: 'e1',
      type: 'session.page-entered',
      session_id: SESSION.toUpperCase(),
      occurred_at: '2024-01-02T03:04:05.000Z',
      data: { url: 'https://a.test/x', title: 'X', junk: 1 },
    });
    expect(parsed).toEqual({
      ok: true,
      kind: 'session',
      event: {
        event_id: 'e1',
        type: 'session.page-entered',
        session_id: SESSION,
        occurred_at: Date.parse('2024-01-02T03:04:05.000Z'),
        data: { url: 'https://a.test/x', title: 'X' },
      },
    });
  });

  it('generates an event id and, for a creation, a session id derived from the event id', () => {
    const a = parseBatchItem('acme', { type: 'session.created', data: { device_id: 'd' } }, 5);
    expect(a.ok && a.event.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.ok && a.event.occurred_at).toBe(5);
    const b1 = parseBatchItem('acme', { event_id: 'c', type: 'session.created', data: { device_id: 'd' } });
    const b2 = parseBatchItem('acme', { event_id: 'c', type: 'session.created', data: { device_id: 'd' } });
    expect(
      b1.ok &&
        b2.ok &&
        b1.kind === 'session' &&
        b2.kind === 'session' &&
        b1.event.session_id === b2.event.session_id,
    ).toBe(true);
  });

  it('collects every problem of an item with field details', () => {
    const parsed = parseBatchItem('acme', {
      event_id: 'has space',
      type: 'session.activated',
      session_id: 'nope',
      occurred_at: 'yesterday',
      data: { agent: {} },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('VALIDATION_FAILED');
    expect((parsed.error.details as Array<{ field: string }>).map((d) => d.field)).toEqual([
      'event_id',
      'occurred_at',
      'session_id',
      'data.agent.id',
    ]);
  });

  it.each([
    [null, 'VALIDATION_FAILED'],
    [{ type: 'session.exploded', session_id: SESSION, data: {} }, 'VALIDATION_FAILED'],
    [{ type: 'session.page-entered', session_id: SESSION, data: { url: 'javascript' } }, 'VALIDATION_FAILED'],
    [{ type: 'session.metadata-updated', session_id: SESSION, data: {} }, 'VALIDATION_FAILED'],
    [
      { type: 'session.metadata-updated', session_id: SESSION, data: { metadata: { 'a.b': 1 } } },
      'VALIDATION_FAILED',
    ],
    [{ type: 'session.deactivated', session_id: SESSION, data: { reason: 'bored' } }, 'VALIDATION_FAILED'],
  ])('rejects %j with %s', (item, code) => {
    const parsed = parseBatchItem('acme', item);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error.code).toBe(code);
  });

  it('takes connection facts keyed by device', () => {
    const parsed = parseBatchItem('acme', {
      event_id: 'c1',
      type: 'connection.closed',
      occurred_at: 9,
      data: {
        device_id: 'd',
        connection_id: 'tab-1',
        expected_disconnect: { return_time_seconds: 30 },
        junk: 1,
      },
    });
    expect(parsed).toEqual({
      ok: true,
      kind: 'connection',
      event: {
        event_id: 'c1',
        type: 'connection.closed',
        device_id: 'd',
        occurred_at: 9,
        data: { device_id: 'd', connection_id: 'tab-1', expected_disconnect: { return_time_seconds: 30 } },
      },
    });
    const bad = parseBatchItem('acme', {
      type: 'connection.opened',
      data: { device_id: 'a.b', connection_id: 'x', has_focus: 'yes' },
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && (bad.error.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual([
      'data.device_id',
      'data.has_focus',
    ]);
  });

  it('defaults the end reason to api', () => {
    const parsed = parseBatchItem('acme', { type: 'session.deactivated', session_id: SESSION, data: {} });
    expect(parsed.ok && parsed.event.data).toEqual({ reason: 'api' });
  });
});
