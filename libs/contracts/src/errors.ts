/** Error codes clients see in `{"statusCode", "code", "message", "details"}` bodies. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  SessionNotFound = 'SESSION_NOT_FOUND',
  SessionNotEnded = 'SESSION_NOT_ENDED',
  DeviceNotFound = 'DEVICE_NOT_FOUND',
  InvalidTransition = 'INVALID_TRANSITION',
  OccurredAtInFuture = 'OCCURRED_AT_IN_FUTURE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  MetadataTooLarge = 'METADATA_TOO_LARGE',
  UnsupportedEventType = 'UNSUPPORTED_EVENT_TYPE',
  InvalidTagExpression = 'INVALID_TAG_EXPRESSION',
  InvalidCursor = 'INVALID_CURSOR',
  InvalidQuery = 'INVALID_QUERY',
  VersionMismatch = 'VERSION_MISMATCH',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Conflict = 'CONFLICT',
  InternalError = 'INTERNAL_ERROR',
}

/** The shape an error travels in between services and out to clients. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown[];
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.statusCode === 'number' && typeof v.code === 'string' && typeof v.message === 'string';
}

/** An error that knows its HTTP status and client-facing code (one subclass per domain). */
export abstract class CodedException extends Error {
  abstract readonly statusCode: number;

  protected constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
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
