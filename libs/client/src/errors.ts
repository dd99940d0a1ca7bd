/** The error body every 4xx/5xx of the service carries. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown[];
}

/**
 * Every failure the client reports: `status` is the HTTP status (0 when no answer came),
 * `code` the service's error code (`NETWORK_ERROR` or `TIMEOUT` when there was no answer).
 */
export class CobrowseError extends Error {
  override readonly name = 'CobrowseError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }

  static fromBody(status: number, body: unknown): CobrowseError {
    const b = (body ?? {}) as Partial<ErrorBody>;
    return new CobrowseError(
      status,
      typeof b.code === 'string' ? b.code : `HTTP_${status}`,
      typeof b.message === 'string' ? b.message : `the service answered ${status}`,
      Array.isArray(b.details) ? b.details : [],
    );
  }

  /** Whether the same request may succeed later: no answer, 429, 5xx. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
