import { ErrorCode, type ErrorBody } from '@cobrowse/contracts';

/** Every error the gateway answers with: an HTTP status, a stable code and a message. */
export class ApiException extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = 'ApiException';
  }

  static fromBody(body: ErrorBody): ApiException {
    return new ApiException(body.statusCode, body.code, body.message, body.details);
  }

  toBody(): ErrorBody {
    return {
      statusCode: this.statusCode,
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}
