import { RequestErrorCode, type AppendEventResult, type ReportedSessionEvent } from '@cobrowse/contracts';
import type { LifecycleClient } from '../services/lifecycle.client';
import type { ReportedConnectionEvent } from './batch-item.parser';
import type { ConnectionEventPublisher } from './connection-event.publisher';
import { IngestBatchUseCase } from './ingest-batch.usecase';
import type { BeatOutcome, PresenceClient } from './presence.client';

const fact = (id: string, device: string, type = 'connection.heartbeat') => ({
  event_id: id,
  type,
  occurred_at: 1_700_000_000_000,
  data: { device_id: device, connection_id: 'tab-1' },
});

/** A tracker that answers each heartbeat from a table by event id (asked heartbeats are recorded). */
const trackerAnswering = (answers: Record<string, BeatOutcome>, asked: string[] = []) =>
  ({
    judge: async (_tenant: string, beats: Array<{ event_id: string }>) =>
      beats.map((b) => {
        asked.push(b.event_id);
        return answers[b.event_id] ?? 'log';
      }),
  }) as unknown as PresenceClient;

describe('IngestBatchUseCase', () => {
  it('does not try a device’s later facts once one could not be logged, and goes on with other devices', async () => {
    const published: string[] = [];
    const connections = {
      publish: async (_tenant: string, e: ReportedConnectionEvent) => {
        if (e.event_id === 'a2') throw new Error('no answer from the log');
        published.push(e.event_id);
        return 'accepted' as const;
      },
    } as unknown as ConnectionEventPublisher;
    const lifecycle = {
      append: async (_t: string, events: ReportedSessionEvent[]): Promise<AppendEventResult[]> =>
        events.map((e) => ({ event_id: e.event_id, status: 'accepted' })),
    } as unknown as LifecycleClient;
    const { results } = await new IngestBatchUseCase(lifecycle, connections, trackerAnswering({})).execute(
      'acme',
      [
        fact('a1', 'd1', 'connection.opened'),
        fact('a2', 'd1'),
        fact('b1', 'd2', 'connection.opened'),
        fact('a3', 'd1', 'connection.closed'),
        fact('b2', 'd2'),
      ],
    );
    expect(published).toEqual(['a1', 'b1', 'b2']);
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['a1', 'accepted', null],
      ['a2', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['b1', 'accepted', null],
      ['a3', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['b2', 'accepted', null],
    ]);
    expect(results[3].error?.message).toMatch(/not tried: an earlier fact of this device/);
  });

  it('logs only the heartbeats the tracker does not keep, and never drops one it could not ask about', async () => {
    const published: string[] = [];
    const connections = {
      publish: async (_tenant: string, e: ReportedConnectionEvent) => {
        published.push(e.event_id);
        return 'accepted' as const;
      },
    } as unknown as ConnectionEventPublisher;
    const asked: string[] = [];
    const tracker = trackerAnswering({ k1: 'seen', k2: 'duplicate', l1: 'log', u1: 'unavailable' }, asked);
    const { results } = await new IngestBatchUseCase({} as LifecycleClient, connections, tracker).execute(
      'acme',
      [
        fact('k1', 'd1'),
        fact('k2', 'd2'),
        fact('l1', 'd3'),
        fact('u1', 'd4'),
        fact('u2', 'd4', 'connection.closed'),
        fact('o1', 'd5', 'connection.opened'),
        fact('o2', 'd5'),
      ],
    );
    expect(asked).toEqual(['k1', 'k2', 'l1', 'u1']);
    expect(published).toEqual(['l1', 'o1', 'o2']);
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['k1', 'accepted', null],
      ['k2', 'duplicate', null],
      ['l1', 'accepted', null],
      ['u1', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['u2', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['o1', 'accepted', null],
      ['o2', 'accepted', null],
    ]);
  });
});
