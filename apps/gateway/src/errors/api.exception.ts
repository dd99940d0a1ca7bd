import { CodedException, ErrorCode, type ErrorBody } from '@cobrowse/contracts';

/** Every error the gateway answers with: an HTTP status, a stable code and a message. */
export class ApiException extends CodedException {
  constructor(
    readonly statusCode: number,
    code: ErrorCode | string,
    message: string,
    details?: unknown[],
  ) {
    super(code, message, details);
    this.name = 'ApiException';
  }

  static fromBody(body: ErrorBody): ApiException {
    return new ApiException(body.statusCode, body.code, body.message, body.details);
  }
}
