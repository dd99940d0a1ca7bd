import { parseBlock } from './transport/sse';
import { backoffDelay } from './retry';
import { toQuery } from './query';
import { CobrowseError } from './errors';

describe('the client, pure parts', () => {
  it('parses server-sent event blocks: fields, multi-line data, comments', () => {
    expect(parseBlock('event: page-entered\nid: 42\ndata: {"a":1}')).toEqual({
      event: 'page-entered',
      id: '42',
      data: '{"a":1}',
    });
    expect(parseBlock('data: one\ndata: two')).toEqual({ event: 'message', id: undefined, data: 'one\ntwo' });
    expect(parseBlock(': keep-alive')).toBeNull();
    expect(parseBlock('event: session-updated\r\ndata:{}')).toEqual({
      event: 'session-updated',
      id: undefined,
      data: '{}',
    });
  });

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(399);
    expect(backoffDelay(policy, 8, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 8, () => 0)).toBe(0);
  });

  it('writes filters as query parameters', () => {
    const query = toQuery({
      state: ['active', 'ended'],
      filter_team: 'blue',
      created_after: new Date(Date.UTC(2026, 0, 2)),
      online: false,
      token: undefined,
    });
    expect(query.toString()).toBe(
      'state=active%2Cended&filter_team=blue&created_after=2026-01-02T00%3A00%3A00.000Z&online=false',
    );
  });

  it('reads error bodies, and knows which failures are worth retrying', () => {
    const error = CobrowseError.fromBody(409, {
      code: 'INVALID_TRANSITION',
      message: 'session is ended',
      details: [1],
    });
    expect(error).toMatchObject({
      status: 409,
      code: 'INVALID_TRANSITION',
      message: 'session is ended',
      details: [1],
    });
    expect(error.retryable).toBe(false);
    expect(CobrowseError.fromBody(503, undefined)).toMatchObject({ code: 'HTTP_503', retryable: true });
    expect(new CobrowseError(0, 'NETWORK_ERROR', 'down').retryable).toBe(true);
  });
});
