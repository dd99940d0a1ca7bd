import { ErrorCode, isErrorBody, type ErrorBody } from '@cobrowse/contracts';

/** Converts whatever a handler threw into the error body that travels back to the caller. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error && typeof error === 'object' && 'toBody' in error && typeof error.toBody === 'function') {
    return (error as { toBody(): ErrorBody }).toBody();
  }
  if (isErrorBody(error)) return error;
  return { statusCode: 500, code: ErrorCode.InternalError, message: 'internal error' };
}
