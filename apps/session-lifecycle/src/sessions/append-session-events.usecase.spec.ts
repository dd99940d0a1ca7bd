import { RequestErrorCode, type AppendEventResult, type ReportedSessionEvent } from '@cobrowse/contracts';
import type { AppendSessionEventUseCase } from './append-session-event.usecase';
import { AppendSessionEventsUseCase } from './append-session-events.usecase';

const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';

const event = (id: string, session: string, type: string, data: Record<string, unknown> = {}) =>
  ({ event_id: id, session_id: session, type, occurred_at: 1_700_000_000_000, data }) as ReportedSessionEvent;

/** Appends everything, except the events named, which the log cannot take now. */
function batchWith(unavailable: string[]) {
  const tried: string[] = [];
  const appendOne = {
    execute: async (_tenant: string, e: ReportedSessionEvent): Promise<AppendEventResult> => {
      tried.push(e.event_id);
      if (unavailable.includes(e.event_id)) throw new Error('no answer from the log');
      return { event_id: e.event_id, status: 'accepted', version: 1 };
    },
  } as unknown as AppendSessionEventUseCase;
  return { useCase: new AppendSessionEventsUseCase(appendOne), tried };
}

describe('AppendSessionEventsUseCase', () => {
  it('does not try a session’s later events once one could not be logged, and goes on with other sessions', async () => {
    const { useCase, tried } = batchWith(['a2']);
    const { results } = await useCase.execute({
      tenant: 'acme',
      events: [
        event('a1', S1, 'session.created', { device_id: 'd1' }),
        event('b1', S2, 'session.created', { device_id: 'd2' }),
        event('a2', S1, 'session.activated', { agent: { id: 'x' } }),
        event('a3', S1, 'session.page-entered', { url: 'https://a.test/' }),
        event('a4', S1, 'session.page-entered', { url: 42 }),
        event('b2', S2, 'session.activated', { agent: { id: 'y' } }),
      ],
    });
    expect(tried.sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['a1', 'accepted', null],
      ['b1', 'accepted', null],
      ['a2', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['a3', 'rejected', RequestErrorCode.ServiceUnavailable],
      // An invalid event is refused for what it is, whether or not it could be tried.
      ['a4', 'rejected', RequestErrorCode.ValidationFailed],
      ['b2', 'accepted', null],
    ]);
    expect(results[3].error?.message).toMatch(/not tried: an earlier event of this session/);
  });
});
