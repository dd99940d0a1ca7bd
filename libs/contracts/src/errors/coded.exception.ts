import { boundedErrorBody, type ErrorBody } from './error-body';
import {
  DeviceErrorCode,
  ExportErrorCode,
  HTTP_STATUS_BY_CODE,
  QueryErrorCode,
  RequestErrorCode,
  RetentionErrorCode,
  SessionErrorCode,
  WebhookErrorCode,
  AuthErrorCode,
  type ErrorCode,
} from './error-codes';

/** An error with a client-facing code; its HTTP status comes from HTTP_STATUS_BY_CODE. */
export abstract class CodedException<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }

  get statusCode(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  toBody(): ErrorBody {
    return boundedErrorBody({
      statusCode: this.statusCode,
      code: this.code,
      message: this.message,
      details: this.details,
    });
  }
}

export class RequestException extends CodedException<RequestErrorCode> {}
export class SessionException extends CodedException<SessionErrorCode> {}
export class DeviceException extends CodedException<DeviceErrorCode> {}
export class QueryException extends CodedException<QueryErrorCode> {}
export class ExportException extends CodedException<ExportErrorCode> {}
export class RetentionException extends CodedException<RetentionErrorCode> {}
export class WebhookException extends CodedException<WebhookErrorCode> {}
export class AuthException extends CodedException<AuthErrorCode> {}

/**
 * An error body answered elsewhere (another service, a batch item) and thrown on as it came;
 * its status still comes from the one map when its code is known.
 */
export class ErrorReply extends Error {
  readonly body: ErrorBody;

  constructor(body: Pick<ErrorBody, 'statusCode' | 'code' | 'message'> & { details?: unknown[] }) {
    super(body.message);
    this.name = 'ErrorReply';
    this.body = boundedErrorBody(body);
  }

  toBody(): ErrorBody {
    return this.body;
  }
}

/** Anything thrown, as the body that may leave a service; unknown errors are INTERNAL_ERROR. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof CodedException || error instanceof ErrorReply) return error.toBody();
  return new RequestException(RequestErrorCode.InternalError, 'internal error').toBody();
}
