import { TEST_KEYS, type TestKeyName } from './test-keys';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** HTTP as a relay or agent would speak it, with one of the test keys (or none). */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    readonly authorization?: string,
  ) {}

  as(key: TestKeyName): ApiClient {
    return new ApiClient(this.baseUrl, `Bearer ${TEST_KEYS[key]}`);
  }

  withAuthorization(header: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, header);
  }

  get<T = any>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.authorization ? { authorization: this.authorization } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

/** The ids of every session a `GET /v1/sessions?<query>` lists, page by page, by hand: what clients' paging must equal. */
export async function listedSessionIds(api: ApiClient, query: string): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const r: ApiResponse<{ data: Array<{ id: string }>; next_cursor: string | null }> = await api.get(
      `/v1/sessions?${query}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (r.status !== 200) throw new Error(`GET /v1/sessions?${query}: ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(...r.body.data.map((s) => s.id));
    cursor = r.body.next_cursor;
  }
  return ids;
}
