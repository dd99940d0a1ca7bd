import { CobrowseError } from '../errors.js';
import { DEFAULT_RETRY, RetryAfterError, withRetry, type RetryPolicy } from '../retry.js';

/** How requests authenticate: a tenant's API key, or a token an agent got from the company's identity provider. */
export type Credentials =
  | { apiKey: string; token?: never; refreshToken?: never }
  | {
      /** A JWT of an issuer the tenant trusts. */
      token: string;
      /**
       * A new token when the service refuses the current one (401): called once however many
       * requests were refused together, and each of them is sent again once with its answer.
       */
      refreshToken?: () => Promise<string>;
      apiKey?: never;
    };

export type HttpOptions = Credentials & {
  /** The gateway's base URL, e.g. `https://cobrowse.example.com`. */
  url: string;
  /** Per-attempt deadline; an attempt that gets no answer in time is a `TIMEOUT`. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
};

export interface RequestOptions {
  query?: URLSearchParams;
  body?: unknown;
  headers?: Record<string, string>;
  /** Whether repeating the request cannot change the outcome (reads, facts with an event_id). */
  idempotent: boolean;
  signal?: AbortSignal;
}

/**
 * HTTP to the gateway: the key or token on every request, errors as CobrowseError, safe
 * requests retried, a refused token refreshed (when a refresher was given) and the request
 * sent again once.
 */
export class HttpTransport {
  readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  /** The API key or the current token. */
  private credential: string;
  private readonly refreshToken: (() => Promise<string>) | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(options: HttpOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    const credential = options.apiKey ?? options.token;
    if (typeof credential !== 'string') throw new TypeError('the client needs `apiKey` or `token`');
    this.credential = credential;
    // API keys are never refreshed.
    this.refreshToken = options.apiKey === undefined ? options.refreshToken : undefined;
  }

  async json<T>(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ body: T; headers: Headers }> {
    return this.request(options, async (credential) => {
      const { text, headers } = await this.send(method, path, options, credential, true);
      return { body: (text ? JSON.parse(text) : undefined) as T, headers };
    });
  }

  /** A response whose body the caller reads as a stream (CSV export, SSE); only its opening is retried. */
  async open(method: string, path: string, options: RequestOptions): Promise<Response> {
    return this.request(options, (credential) => this.send(method, path, options, credential, false));
  }

  url(path: string, query?: URLSearchParams): string {
    const search = query?.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  /**
   * One request: its attempts (retried as the policy allows), each sent with the current
   * credential. The first 401 to a refreshable token gets a new token and the attempt is sent
   * again with it; a later 401 is the request's answer.
   */
  private async request<R>(options: RequestOptions, attempt: (credential: string) => Promise<R>): Promise<R> {
    const policy = options.idempotent ? this.retry : { ...this.retry, attempts: 1 };
    let refreshed = false;
    return withRetry(
      policy,
      async () => {
        const credential = this.credential;
        try {
          return await attempt(credential);
        } catch (error) {
          const refresher = this.refreshToken;
          if (refreshed || !refresher || !(error instanceof CobrowseError) || error.status !== 401)
            throw error;
          refreshed = true;
          return attempt(await this.renewedToken(credential, refresher, error));
        }
      },
      options.signal,
    );
  }

  /**
   * The token to use instead of `refused`: the refresher's answer, one call shared by every
   * request refused meanwhile, or the current token when it was refreshed since `refused` was sent.
   */
  private async renewedToken(
    refused: string,
    refresher: () => Promise<string>,
    refusal: CobrowseError,
  ): Promise<string> {
    if (this.credential !== refused) return this.credential;
    if (!this.refreshing) {
      const refreshing = (async () => {
        const token = await refresher();
        if (typeof token !== 'string' || !token) throw new Error('refreshToken gave no token');
        return (this.credential = token);
      })();
      const done = () => (this.refreshing = undefined);
      refreshing.then(done, done);
      this.refreshing = refreshing;
    }
    try {
      return await this.refreshing;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `${refusal.message} (refreshing the token failed: ${reason})`;
      throw new CobrowseError(refusal.status, refusal.code, message, refusal.details);
    }
  }

  /** One attempt. With `read` the body is read within the deadline (JSON calls); else the open response is returned (streams). */
  private send(
    method: string,
    path: string,
    options: RequestOptions,
    credential: string,
    read: true,
  ): Promise<JsonAnswer>;
  private send(
    method: string,
    path: string,
    options: RequestOptions,
    credential: string,
    read: false,
  ): Promise<Response>;
  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    credential: string,
    read: boolean,
  ): Promise<Response | JsonAnswer> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // A stream's deadline covers its opening; a JSON call's covers reading the body too.
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let streaming = false;
    try {
      const response = await this.fetchImpl(this.url(path, options.query), {
        method,
        headers: {
          authorization: `Bearer ${credential}`,
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
      });
      if (!response.ok) throw await errorOf(response);
      if (read) return { text: await response.text(), headers: response.headers };
      // The caller's signal goes on cancelling the body it reads.
      streaming = true;
      return response;
    } catch (error) {
      if (error instanceof CobrowseError) throw error;
      if (controller.signal.aborted && !options.signal?.aborted)
        throw new CobrowseError(0, 'TIMEOUT', `no answer from ${method} ${path} within ${this.timeoutMs} ms`);
      if (options.signal?.aborted) throw new CobrowseError(0, 'ABORTED', `${method} ${path} was cancelled`);
      throw new CobrowseError(0, 'NETWORK_ERROR', `${method} ${path} failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      if (!streaming) options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

interface JsonAnswer {
  text: string;
  headers: Headers;
}

async function errorOf(response: Response): Promise<CobrowseError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { message: text.slice(0, 200) };
  }
  const error = CobrowseError.fromBody(response.status, body);
  const retryAfter = Number(response.headers.get('retry-after'));
  if (error.retryable && retryAfter > 0)
    return new RetryAfterError(error.status, error.code, error.message, error.details, retryAfter * 1000);
  return error;
}
