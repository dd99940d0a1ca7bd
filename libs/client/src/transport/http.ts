import { CobrowseError } from '../errors.js';
import { DEFAULT_RETRY, RetryAfterError, withRetry, type RetryPolicy } from '../retry.js';

export interface HttpOptions {
  /** The gateway's base URL, e.g. `https://cobrowse.example.com`. */
  url: string;
  apiKey: string;
  /** Per-attempt deadline; an attempt that gets no answer in time is a `TIMEOUT`. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  query?: URLSearchParams;
  body?: unknown;
  headers?: Record<string, string>;
  /** Whether repeating the request cannot change the outcome (reads, facts with an event_id). */
  idempotent: boolean;
  signal?: AbortSignal;
}

/** HTTP to the gateway: the key on every request, errors as CobrowseError, safe requests retried. */
export class HttpTransport {
  readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async json<T>(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ body: T; headers: Headers }> {
    const policy = options.idempotent ? this.retry : { ...this.retry, attempts: 1 };
    return withRetry(
      policy,
      async () => {
        const { text, headers } = await this.send(method, path, options, true);
        return { body: (text ? JSON.parse(text) : undefined) as T, headers };
      },
      options.signal,
    );
  }

  /** A response whose body the caller reads as a stream (CSV export, SSE); only its opening is retried. */
  async open(method: string, path: string, options: RequestOptions): Promise<Response> {
    const policy = options.idempotent ? this.retry : { ...this.retry, attempts: 1 };
    return withRetry(policy, () => this.send(method, path, options, false), options.signal);
  }

  url(path: string, query?: URLSearchParams): string {
    const search = query?.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  /** One attempt. With `read` the body is read within the deadline (JSON calls); else the open response is returned (streams). */
  private send(method: string, path: string, options: RequestOptions, read: true): Promise<JsonAnswer>;
  private send(method: string, path: string, options: RequestOptions, read: false): Promise<Response>;
  private async send(
    method: string,
    path: string,
    options: RequestOptions,
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
          authorization: `Bearer ${this.options.apiKey}`,
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
