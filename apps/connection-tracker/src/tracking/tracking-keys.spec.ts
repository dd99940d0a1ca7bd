import type { JsMsg } from 'nats';
import { TrackingKeys } from './tracking-keys';

const msg = (subject: string, data: unknown = {}) =>
  ({ subject, data: Buffer.from(JSON.stringify(data)) }) as unknown as JsMsg;

describe('TrackingKeys', () => {
  it('queues a session behind its device from its creation on', () => {
    const keys = new TrackingKeys(() => undefined);
    expect(keys.keyOf(msg('cobrowse.acme.device.d1.connection-opened'))).toBe('acme/device/d1');
    expect(keys.keyOf(msg('cobrowse.acme.session.s1.created', { data: { device_id: 'd1' } }))).toBe(
      'acme/device/d1',
    );
    expect(keys.keyOf(msg('cobrowse.acme.session.s1.page-entered'))).toBe('acme/device/d1');
  });

  it('uses what the schedule knows for sessions created before, and the session itself otherwise', () => {
    const keys = new TrackingKeys((tenant, session) => (session === 'old' ? 'd9' : undefined));
    expect(keys.keyOf(msg('cobrowse.acme.session.old.activated'))).toBe('acme/device/d9');
    expect(keys.keyOf(msg('cobrowse.acme.session.gone.metadata-updated'))).toBe('acme/session/gone');
  });

  it('waits for a lookup of a session it has not seen created, and remembers the answer', async () => {
    const lookups: string[] = [];
    const keys = new TrackingKeys(async (_tenant, session) => {
      lookups.push(session);
      return session === 'late' ? 'd7' : undefined;
    });
    expect(await keys.keyOf(msg('cobrowse.acme.session.late.deactivated'))).toBe('acme/device/d7');
    expect(keys.keyOf(msg('cobrowse.acme.session.late.metadata-updated'))).toBe('acme/device/d7');
    expect(await keys.keyOf(msg('cobrowse.acme.session.none.activated'))).toBe('acme/session/none');
    expect(lookups).toEqual(['late', 'none']);
  });

  it('forgets ended sessions, and looks nothing up for what follows their end', () => {
    const lookups: string[] = [];
    const keys = new TrackingKeys(async (_tenant, session) => void lookups.push(session));
    keys.keyOf(msg('cobrowse.acme.session.s1.created', { data: { device_id: 'd1' } }));
    keys.forget('acme', 's1');
    expect(keys.keyOf(msg('cobrowse.acme.session.s1.metadata-updated'))).toBe('acme/session/s1');
    expect(lookups).toEqual([]);
  });
});
