import { CodedException, ErrorCode } from '@cobrowse/contracts';

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.OccurredAtInFuture]: 400,
  [ErrorCode.SessionNotFound]: 404,
  [ErrorCode.SessionNotEnded]: 404,
  [ErrorCode.DeviceNotFound]: 404,
  [ErrorCode.InvalidTransition]: 409,
  [ErrorCode.MetadataTooLarge]: 413,
  [ErrorCode.VersionMismatch]: 412,
  [ErrorCode.InvalidCursor]: 400,
  [ErrorCode.InvalidQuery]: 400,
  [ErrorCode.InvalidTagExpression]: 400,
};

/** A reported fact or query the session rules refuse; carries the client-facing code. */
export class SessionDomainException extends CodedException {
  constructor(
    override readonly code: ErrorCode,
    message: string,
    details?: unknown[],
  ) {
    super(code, message, details);
    this.name = 'SessionDomainException';
  }

  get statusCode(): number {
    return STATUS_BY_CODE[this.code] ?? 400;
  }
}
