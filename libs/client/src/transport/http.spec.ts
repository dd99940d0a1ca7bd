import { CobrowseError } from '../errors';
import { HttpTransport, type HttpOptions } from './http';
import { SseConnection } from './sse';

/** A fetch that answers 401 to every token but `valid`, and records the credential of each call. */
function fakeGateway(valid: string) {
  const sent: string[] = [];
  const fetch = jest.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const credential = String((init?.headers as Record<string, string>).authorization).replace('Bearer ', '');
    sent.push(credential);
    if (credential !== valid)
      return Response.json(
        { statusCode: 401, code: 'TOKEN_EXPIRED', message: 'token expired' },
        { status: 401 },
      );
    return Response.json({ ok: true });
  });
  return { sent, fetch: fetch as unknown as typeof globalThis.fetch };
}

const transport = (options: Omit<HttpOptions, 'url'>) =>
  new HttpTransport({ url: 'http://gateway.test', retry: { attempts: 1 }, ...options } as HttpOptions);

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the HTTP transport, signing in', () => {
  it('sends the API key as a bearer credential, as before', async () => {
    const gateway = fakeGateway('key-1');
    const { body } = await transport({ apiKey: 'key-1', fetch: gateway.fetch }).json('GET', '/v1/sessions', {
      idempotent: true,
    });
    expect(body).toEqual({ ok: true });
    expect(gateway.sent).toEqual(['key-1']);
  });

  it('refreshes a refused token once and sends the request again with the new one', async () => {
    const gateway = fakeGateway('fresh');
    const refreshToken = jest.fn(async () => 'fresh');
    const http = transport({ token: 'stale', refreshToken, fetch: gateway.fetch });
    // Not idempotent: a request the service refused for its token was not carried out, so it is sent again all the same.
    const { body } = await http.json('POST', '/v1/webhooks/endpoints', { body: {}, idempotent: false });
    expect(body).toEqual({ ok: true });
    expect(gateway.sent).toEqual(['stale', 'fresh']);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    // The next request starts with the new token.
    await http.json('GET', '/v1/sessions', { idempotent: true });
    expect(gateway.sent).toEqual(['stale', 'fresh', 'fresh']);
  });

  it('answers a second 401 as the error, without refreshing again', async () => {
    const gateway = fakeGateway('never');
    const refreshToken = jest.fn(async () => 'also-refused');
    const http = transport({ token: 'stale', refreshToken, fetch: gateway.fetch });
    const error = await http.json('GET', '/v1/sessions', { idempotent: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CobrowseError);
    expect(error).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(gateway.sent).toEqual(['stale', 'also-refused']);
    expect(refreshToken).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh between requests refused together', async () => {
    const gateway = fakeGateway('fresh');
    const token = deferred<string>();
    const refreshToken = jest.fn(() => token.promise);
    const http = transport({ token: 'stale', refreshToken, fetch: gateway.fetch });
    const requests = [1, 2, 3].map((i) => http.json('GET', `/v1/sessions/${i}`, { idempotent: true }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    token.resolve('fresh');
    await expect(Promise.all(requests)).resolves.toHaveLength(3);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(gateway.sent.sort()).toEqual(['fresh', 'fresh', 'fresh', 'stale', 'stale', 'stale']);
  });

  it('sends a request refused with a token replaced since with the new one, refreshing no more', async () => {
    const gateway = fakeGateway('fresh');
    const refreshToken = jest.fn(async () => 'fresh');
    // The first request's 401 arrives only after the second request has refreshed the token.
    const held = deferred<void>();
    let calls = 0;
    const fetch = (async (url: string, init?: RequestInit) => {
      const call = ++calls;
      const response = await gateway.fetch(url, init);
      if (call === 1) await held.promise;
      return response;
    }) as typeof globalThis.fetch;
    const http = transport({ token: 'stale', refreshToken, fetch });
    const first = http.json('GET', '/v1/sessions/1', { idempotent: true });
    await http.json('GET', '/v1/sessions/2', { idempotent: true });
    held.resolve();
    await first;
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(gateway.sent).toEqual(['stale', 'stale', 'fresh', 'fresh']);
  });

  it('never calls a refresher for an API key, nor refreshes a token without one', async () => {
    const gateway = fakeGateway('valid');
    const refreshToken = jest.fn(async () => 'valid');
    // A JavaScript caller can pass both; the key wins and is never refreshed.
    const keyed = transport({ apiKey: 'revoked', refreshToken, fetch: gateway.fetch } as never);
    await expect(keyed.json('GET', '/v1/sessions', { idempotent: true })).rejects.toMatchObject({
      status: 401,
    });
    const bare = transport({ token: 'stale', fetch: gateway.fetch });
    await expect(bare.json('GET', '/v1/sessions', { idempotent: true })).rejects.toMatchObject({
      status: 401,
    });
    expect(refreshToken).not.toHaveBeenCalled();
    expect(gateway.sent).toEqual(['revoked', 'stale']);
  });

  it('reports a failed refresh as the 401, with why the refresh failed', async () => {
    const gateway = fakeGateway('fresh');
    const refreshToken = jest.fn(async (): Promise<string> => {
      throw new Error('identity provider unreachable');
    });
    const http = transport({ token: 'stale', refreshToken, fetch: gateway.fetch });
    const error = await http.json('GET', '/v1/sessions', { idempotent: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    expect((error as Error).message).toContain('identity provider unreachable');
    // The next refused request tries again.
    refreshToken.mockResolvedValueOnce('fresh');
    await expect(http.json('GET', '/v1/sessions', { idempotent: true })).resolves.toBeDefined();
    expect(refreshToken).toHaveBeenCalledTimes(2);
  });

  it('reconnects a live stream with the refreshed token', async () => {
    const sent: string[] = [];
    const expired = new Set<string>();
    const fetch = (async (_url: string, init?: RequestInit) => {
      const credential = (init?.headers as Record<string, string>).authorization.replace('Bearer ', '');
      sent.push(credential);
      if (expired.has(credential))
        return Response.json({ code: 'TOKEN_EXPIRED', message: 'token expired' }, { status: 401 });
      // One event, then the connection drops as the token expires.
      expired.add(credential);
      return new Response(`id: ${sent.length}\nevent: page-entered\ndata: {}\n\n`);
    }) as typeof globalThis.fetch;
    const refreshToken = jest.fn(async () => 'second');
    const http = transport({ token: 'first', refreshToken, fetch });
    const ids: Array<string | undefined> = [];
    const errors: CobrowseError[] = [];
    const twoMessages = deferred<void>();
    const stream = new SseConnection(http, '/v1/stream', new URLSearchParams(), {
      message: (message) => {
        ids.push(message.id);
        if (ids.length === 2) twoMessages.resolve();
      },
      fatal: (error) => errors.push(error),
    });
    await twoMessages.promise;
    await stream.close();
    // The reconnection's 401 got a new token; the stream went on from where it was.
    expect(sent.slice(0, 3)).toEqual(['first', 'first', 'second']);
    expect(ids).toEqual(['1', '3']);
    expect(stream.position).toBe('3');
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([]);
  });
});
