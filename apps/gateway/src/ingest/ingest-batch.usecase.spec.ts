import type { Principal } from '../auth/principal';
import {
  RequestErrorCode,
  type AppendEventResult,
  type ReportedConnectionEvent,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import type { LifecycleClient } from '../services/lifecycle.client';
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

/** A lifecycle that logs every fact handed to it (recorded in order), or fails the whole request. */
const lifecycleLogging = (logged: string[], fails = false) =>
  ({
    append: async (_t: string, events: ReportedSessionEvent[]): Promise<AppendEventResult[]> =>
      events.map((e) => ({ event_id: e.event_id, status: 'accepted' })),
    appendConnectionFacts: async (
      _t: string,
      facts: ReportedConnectionEvent[],
    ): Promise<AppendEventResult[]> => {
      if (fails) throw new Error('no responders');
      logged.push(...facts.map((f) => f.event_id));
      return facts.map((f) => ({ event_id: f.event_id, status: 'accepted' }));
    },
  }) as unknown as LifecycleClient;

const ACME: Principal = { tenant: 'acme', scopes: new Set(['ingest']), actor: { type: 'key', id: 'k' } };

describe('IngestBatchUseCase', () => {
  it('hands the lifecycle only the heartbeats the tracker does not keep, and never drops one it could not ask about', async () => {
    const logged: string[] = [];
    const asked: string[] = [];
    const tracker = trackerAnswering({ k1: 'seen', k2: 'duplicate', l1: 'log', u1: 'unavailable' }, asked);
    const { results } = await new IngestBatchUseCase(lifecycleLogging(logged), tracker).execute(ACME, [
      fact('k1', 'd1'),
      fact('k2', 'd2'),
      fact('l1', 'd3'),
      fact('u1', 'd4'),
      fact('u2', 'd4', 'connection.closed'),
      fact('o1', 'd5', 'connection.opened'),
      fact('o2', 'd5'),
    ]);
    expect(asked).toEqual(['k1', 'k2', 'l1', 'u1']);
    expect(logged).toEqual(['l1', 'o1', 'o2']);
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['k1', 'accepted', null],
      ['k2', 'duplicate', null],
      ['l1', 'accepted', null],
      ['u1', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['u2', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['o1', 'accepted', null],
      ['o2', 'accepted', null],
    ]);
    expect(results[4].error?.message).toMatch(/not tried: an earlier fact of this device/);
  });

  it('answers every fact it could not hand over as one to retry', async () => {
    const { results } = await new IngestBatchUseCase(
      lifecycleLogging([], true),
      trackerAnswering({}),
    ).execute(ACME, [fact('o1', 'd1', 'connection.opened'), fact('c1', 'd1', 'connection.closed')]);
    expect(results.map((r) => [r.event_id, r.status, r.error?.code ?? null])).toEqual([
      ['o1', 'rejected', RequestErrorCode.ServiceUnavailable],
      ['c1', 'rejected', RequestErrorCode.ServiceUnavailable],
    ]);
  });
});
