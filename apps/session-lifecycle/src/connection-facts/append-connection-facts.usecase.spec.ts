import { RequestErrorCode, type ReportedConnectionEvent } from '@cobrowse/contracts';
import { AppendConnectionFactsUseCase } from './append-connection-facts.usecase';
import type { ConnectionFactLog } from './connection-fact.log';

const fact = (id: string, device: string, type = 'connection.heartbeat'): ReportedConnectionEvent =>
  ({
    event_id: id,
    type,
    device_id: device,
    occurred_at: 1_700_000_000_000,
    data: { device_id: device, connection_id: 'tab-1' },
  }) as ReportedConnectionEvent;

/** A log that takes every fact (recorded in the order appended) but `failing`, which it cannot take now. */
function logFailing(failing: string, appended: string[]): ConnectionFactLog {
  return {
    append: async (_tenant: string, e: ReportedConnectionEvent) => {
      if (e.event_id === failing) throw new Error('no answer from the log');
      appended.push(e.event_id);
      return 'accepted' as const;
    },
  } as unknown as ConnectionFactLog;
}

describe('AppendConnectionFactsUseCase', () => {
  it('does not try a device’s later facts once one could not be logged, and goes on with other devices', async () => {
    const appended: string[] = [];
    const { results } = await new AppendConnectionFactsUseCase(logFailing('a2', appended)).execute({
      tenant: 'acme',
      facts: [
        fact('a1', 'd1', 'connection.opened'),
        fact('a2', 'd1'),
        fact('b1', 'd2', 'connection.opened'),
        fact('a3', 'd1', 'connection.closed'),
        fact('b2', 'd2'),
      ],
    });
    expect(appended.filter((id) => id.startsWith('a'))).toEqual(['a1']);
    expect(appended.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['a1', 'accepted', null],
      ['a2', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['b1', 'accepted', null],
      ['a3', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['b2', 'accepted', null],
    ]);
    expect(results[3].error?.message).toMatch(/not tried: an earlier fact of this device/);
  });

  it('refuses what the gateway should never have sent, and only that', async () => {
    const appended: string[] = [];
    const forged = { ...fact('f1', 'd1'), device_id: 'd2' };
    const { results } = await new AppendConnectionFactsUseCase(logFailing('', appended)).execute({
      tenant: 'acme',
      facts: [
        forged,
        fact('bad id', 'd3'),
        { ...fact('t1', 'd4'), type: 'session.created' } as never,
        fact('ok', 'd5'),
      ],
    });
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['f1', 'rejected', RequestErrorCode.ValidationFailed],
      ['bad id', 'rejected', RequestErrorCode.ValidationFailed],
      ['t1', 'rejected', RequestErrorCode.ValidationFailed],
      ['ok', 'accepted', null],
    ]);
    expect(appended).toEqual(['ok']);
  });
});
