/**
 * Every code a client can see in an error body, one enum per domain, and the one map that
 * gives each its HTTP status. Nothing else picks a status.
 */

/** The request itself: its shape, size, credentials; and the platform's own failures. */
export enum RequestErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  InvalidJson = 'INVALID_JSON',
  BodyTooDeep = 'BODY_TOO_DEEP',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  UriTooLong = 'URI_TOO_LONG',
  MalformedRequest = 'MALFORMED_REQUEST',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  InternalError = 'INTERNAL_ERROR',
}

/** Reported facts and the session aggregate. */
export enum SessionErrorCode {
  SessionNotFound = 'SESSION_NOT_FOUND',
  SessionNotEnded = 'SESSION_NOT_ENDED',
  InvalidTransition = 'INVALID_TRANSITION',
  OccurredAtInFuture = 'OCCURRED_AT_IN_FUTURE',
  MetadataTooLarge = 'METADATA_TOO_LARGE',
  VersionMismatch = 'VERSION_MISMATCH',
  SessionLimitReached = 'SESSION_LIMIT_REACHED',
}

export enum DeviceErrorCode {
  DeviceNotFound = 'DEVICE_NOT_FOUND',
}

/** Query parameters of lists, counts, exports and live streams. */
export enum QueryErrorCode {
  InvalidQuery = 'INVALID_QUERY',
  InvalidCursor = 'INVALID_CURSOR',
  InvalidTagExpression = 'INVALID_TAG_EXPRESSION',
}

export enum ExportErrorCode {
  ExportNotFound = 'EXPORT_NOT_FOUND',
}

export enum RetentionErrorCode {
  InvalidRetentionPolicy = 'INVALID_RETENTION_POLICY',
}

/** Webhook endpoints (SPEC section 11). */
export enum WebhookErrorCode {
  InvalidWebhookEndpoint = 'INVALID_WEBHOOK_ENDPOINT',
  WebhookUrlNotAllowed = 'WEBHOOK_URL_NOT_ALLOWED',
  WebhookEndpointNotFound = 'WEBHOOK_ENDPOINT_NOT_FOUND',
  WebhookEndpointLimitReached = 'WEBHOOK_ENDPOINT_LIMIT_REACHED',
  WebhookEndpointDisabled = 'WEBHOOK_ENDPOINT_DISABLED',
}

/** Agent identity: tokens and trusted issuers (SPEC section 12). */
export enum AuthErrorCode {
  InvalidToken = 'INVALID_TOKEN',
  TokenExpired = 'TOKEN_EXPIRED',
  TokenNotYetValid = 'TOKEN_NOT_YET_VALID',
  TokenLifetimeTooLong = 'TOKEN_LIFETIME_TOO_LONG',
  UntrustedIssuer = 'UNTRUSTED_ISSUER',
  AudienceMismatch = 'TOKEN_AUDIENCE_MISMATCH',
  AlgorithmNotAllowed = 'TOKEN_ALGORITHM_NOT_ALLOWED',
  UnknownSigningKey = 'UNKNOWN_SIGNING_KEY',
  InvalidSignature = 'INVALID_TOKEN_SIGNATURE',
  InvalidIssuer = 'INVALID_ISSUER',
  IssuerNotFound = 'ISSUER_NOT_FOUND',
  IssuerAlreadyTrusted = 'ISSUER_ALREADY_TRUSTED',
  IssuerLimitReached = 'ISSUER_LIMIT_REACHED',
  PolicyForbids = 'POLICY_FORBIDS',
}

export type ErrorCode =
  | RequestErrorCode
  | SessionErrorCode
  | DeviceErrorCode
  | QueryErrorCode
  | ExportErrorCode
  | RetentionErrorCode
  | WebhookErrorCode
  | AuthErrorCode;

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [RequestErrorCode.ValidationFailed]: 400,
  [RequestErrorCode.InvalidJson]: 400,
  [RequestErrorCode.BodyTooDeep]: 400,
  [RequestErrorCode.PayloadTooLarge]: 413,
  [RequestErrorCode.UnsupportedMediaType]: 415,
  [RequestErrorCode.HeadersTooLarge]: 431,
  [RequestErrorCode.UriTooLong]: 414,
  [RequestErrorCode.MalformedRequest]: 400,
  [RequestErrorCode.Unauthorized]: 401,
  [RequestErrorCode.Forbidden]: 403,
  [RequestErrorCode.NotFound]: 404,
  [RequestErrorCode.MethodNotAllowed]: 405,
  [RequestErrorCode.ServiceUnavailable]: 503,
  [RequestErrorCode.InternalError]: 500,
  [SessionErrorCode.SessionNotFound]: 404,
  [SessionErrorCode.SessionNotEnded]: 404,
  [SessionErrorCode.InvalidTransition]: 409,
  [SessionErrorCode.OccurredAtInFuture]: 400,
  [SessionErrorCode.MetadataTooLarge]: 413,
  [SessionErrorCode.VersionMismatch]: 412,
  [SessionErrorCode.SessionLimitReached]: 409,
  [DeviceErrorCode.DeviceNotFound]: 404,
  [QueryErrorCode.InvalidQuery]: 400,
  [QueryErrorCode.InvalidCursor]: 400,
  [QueryErrorCode.InvalidTagExpression]: 400,
  [ExportErrorCode.ExportNotFound]: 404,
  [RetentionErrorCode.InvalidRetentionPolicy]: 400,
  [WebhookErrorCode.InvalidWebhookEndpoint]: 400,
  [WebhookErrorCode.WebhookUrlNotAllowed]: 400,
  [WebhookErrorCode.WebhookEndpointNotFound]: 404,
  [WebhookErrorCode.WebhookEndpointLimitReached]: 409,
  [WebhookErrorCode.WebhookEndpointDisabled]: 409,
  [AuthErrorCode.InvalidToken]: 401,
  [AuthErrorCode.TokenExpired]: 401,
  [AuthErrorCode.TokenNotYetValid]: 401,
  [AuthErrorCode.TokenLifetimeTooLong]: 401,
  [AuthErrorCode.UntrustedIssuer]: 401,
  [AuthErrorCode.AudienceMismatch]: 401,
  [AuthErrorCode.AlgorithmNotAllowed]: 401,
  [AuthErrorCode.UnknownSigningKey]: 401,
  [AuthErrorCode.InvalidSignature]: 401,
  [AuthErrorCode.InvalidIssuer]: 400,
  [AuthErrorCode.IssuerNotFound]: 404,
  [AuthErrorCode.IssuerAlreadyTrusted]: 409,
  [AuthErrorCode.IssuerLimitReached]: 409,
  [AuthErrorCode.PolicyForbids]: 403,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(HTTP_STATUS_BY_CODE, value);
}
