import { parseEnvelope, parseSessionEvent } from './logged-event';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const created = {
  event_id: 'e1',
  type: 'session.created',
  tenant: 'acme',
  session_id: 's1',
  occurred_at: 1,
  recorded_at: 2,
  version: 1,
  data: { device_id: 'd1' },
};
const opened = {
  event_id: 'e2',
  type: 'connection.opened',
  tenant: 'acme',
  device_id: 'd1',
  occurred_at: 1,
  recorded_at: 2,
  data: { device_id: 'd1', connection_id: 'c1' },
};

describe('parseEnvelope', () => {
  it('reads session events and connection facts', () => {
    expect(parseEnvelope(bytes(created))).toEqual({ event: created });
    expect(parseEnvelope(bytes(opened))).toEqual({ event: opened });
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['an array', [], 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['an unknown type', { ...created, type: 'session.exploded' }, 'unknown type session.exploded'],
    ['no tenant', { ...created, tenant: undefined }, 'missing tenant or event_id'],
    ['no event id', { ...opened, event_id: 7 }, 'missing tenant or event_id'],
    ['no recorded_at', { ...created, recorded_at: '2' }, 'bad timestamps'],
    ['no data', { ...opened, data: null }, 'missing data'],
    ['a session event without its session', { ...created, session_id: undefined }, 'missing session_id'],
    ['a version below 1', { ...created, version: 0 }, 'bad version'],
    ['a fractional version', { ...created, version: 1.5 }, 'bad version'],
    ['a fact without its device', { ...opened, device_id: undefined }, 'missing device_id'],
  ])('says why %s is not an envelope', (_name, value, reason) => {
    expect(parseEnvelope(bytes(value))).toEqual({ reason });
  });
});

describe('parseSessionEvent', () => {
  it('takes session events only', () => {
    expect(parseSessionEvent(bytes(created))).toEqual({ event: created });
    expect(parseSessionEvent(bytes(opened))).toEqual({ reason: 'not a session event (connection.opened)' });
  });
});
