import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { AuthErrorCode, HTTP_STATUS_BY_CODE, RequestErrorCode, type ErrorCode } from '@cobrowse/contracts';
import { ErrorResponseDto } from './schemas';

/** What any authenticated route may answer, whatever it does. */
const ALWAYS: ErrorCode[] = [
  RequestErrorCode.Unauthorized,
  // An agent's token may be refused on any route (SPEC section 12).
  AuthErrorCode.InvalidToken,
  AuthErrorCode.TokenExpired,
  AuthErrorCode.TokenNotYetValid,
  AuthErrorCode.TokenLifetimeTooLong,
  AuthErrorCode.UntrustedIssuer,
  AuthErrorCode.AudienceMismatch,
  AuthErrorCode.AlgorithmNotAllowed,
  AuthErrorCode.UnknownSigningKey,
  AuthErrorCode.InvalidSignature,
  RequestErrorCode.Forbidden,
  RequestErrorCode.MalformedRequest,
  RequestErrorCode.HeadersTooLarge,
  RequestErrorCode.ServiceUnavailable,
  RequestErrorCode.InternalError,
];

/** What a route with a JSON body may answer before its own rules run (SPEC section 9). */
export const BODY_ERRORS: ErrorCode[] = [
  RequestErrorCode.ValidationFailed,
  RequestErrorCode.InvalidJson,
  RequestErrorCode.BodyTooDeep,
  RequestErrorCode.PayloadTooLarge,
  RequestErrorCode.UnsupportedMediaType,
];

/** The error codes a route can answer, in the OpenAPI document, one response per status. */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of [...codes, ...ALWAYS]) {
    const status = HTTP_STATUS_BY_CODE[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  return applyDecorators(
    ...[...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, set]) =>
        ApiResponse({ status, type: ErrorResponseDto, description: `code: ${[...set].join(', ')}` }),
      ),
  );
}
