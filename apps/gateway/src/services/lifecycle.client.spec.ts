import { RequestErrorCode } from '@cobrowse/contracts';
import type { RpcClient } from '@cobrowse/messaging';
import { LifecycleClient, splitBySize } from './lifecycle.client';

describe('splitBySize', () => {
  it('keeps order and puts every item in exactly one run within the size', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(i * 10) }));
    const parts = splitBySize(items, 2_000);
    expect(parts.flat()).toEqual(items);
    for (const part of parts.filter((p) => p.length > 1))
      expect(JSON.stringify(part).length).toBeLessThanOrEqual(2_000 + part.length);
  });

  it('gives an item larger than the size a run of its own', () => {
    expect(splitBySize(['a'.repeat(100), 'b'], 10)).toEqual([['a'.repeat(100)], ['b']]);
  });
});

describe('LifecycleClient', () => {
  it('keeps a device’s facts in order across requests: after one could not be logged, its later ones are not sent', async () => {
    const sent: string[][] = [];
    const rpc = {
      send: async (_subject: string, request: { facts: Array<{ event_id: string }> }) => {
        sent.push(request.facts.map((f) => f.event_id));
        return {
          results: request.facts.map((f) =>
            f.event_id === 'a1'
              ? {
                  event_id: f.event_id,
                  status: 'rejected',
                  error: { code: RequestErrorCode.ServiceUnavailable },
                }
              : { event_id: f.event_id, status: 'accepted' },
          ),
        };
      },
    } as unknown as RpcClient;
    // Each fact is ~300 KB of JSON: two to a request at most.
    const big = 'x'.repeat(300_000);
    const fact = (id: string, device: string) =>
      ({
        event_id: id,
        type: 'connection.heartbeat',
        device_id: device,
        occurred_at: 1,
        data: { big },
      }) as never;
    const results = await new LifecycleClient(rpc).appendConnectionFacts('acme', [
      fact('a1', 'd1'),
      fact('b1', 'd2'),
      fact('a2', 'd1'),
      fact('b2', 'd2'),
    ]);
    expect(sent.flat()).toEqual(['a1', 'b1', 'b2']);
    expect(results.map((r) => [r.event_id, r.status])).toEqual([
      ['a1', 'rejected'],
      ['b1', 'accepted'],
      ['a2', 'rejected'],
      ['b2', 'accepted'],
    ]);
    expect(results[2].error?.message).toMatch(/not tried: an earlier fact of this device/);
  });
});
