import { HTTP_STATUS_BY_CODE, isErrorCode } from './error-codes';

/** The shape an error travels in between services and out to clients (SPEC section 5). */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: unknown[];
}

/** Messages never carry unbounded input back: long values are cut. */
export const MAX_MESSAGE_LENGTH = 300;
/** At most this many details per error, so a reply stays small whatever was sent. */
export const MAX_DETAILS = 20;

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.statusCode === 'number' && typeof v.code === 'string' && typeof v.message === 'string';
}

/** A value quoted in a message: JSON, and at most `max` characters of it. */
export function quote(value: unknown, max = 40): string {
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value.slice(0, max + 1)) : String(JSON.stringify(value));
  } catch {
    text = typeof value;
  }
  return text.length > max + 2 ? `${text.slice(0, max)}…` : text;
}

/**
 * The body as it may leave a service: a known code always gets its status from the one map,
 * the message and details are bounded, details is always a list.
 */
export function boundedErrorBody(
  body: Pick<ErrorBody, 'statusCode' | 'code' | 'message'> & {
    details?: unknown[];
  },
): ErrorBody {
  const message =
    body.message.length > MAX_MESSAGE_LENGTH ? `${body.message.slice(0, MAX_MESSAGE_LENGTH)}…` : body.message;
  return {
    statusCode: isErrorCode(body.code) ? HTTP_STATUS_BY_CODE[body.code] : body.statusCode,
    code: body.code,
    message,
    details: Array.isArray(body.details) ? body.details.slice(0, MAX_DETAILS) : [],
  };
}
