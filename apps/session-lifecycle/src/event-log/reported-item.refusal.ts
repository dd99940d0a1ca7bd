import {
  EVENT_ID_PATTERN,
  isTenantId,
  RequestErrorCode,
  RequestException,
  type ErrorBody,
} from '@cobrowse/contracts';

export const invalid = (message: string, details: unknown[] = []): ErrorBody =>
  new RequestException(RequestErrorCode.ValidationFailed, message, details).toBody();

/**
 * What any reported item must be before its kind is looked at (a session event, a connection
 * fact). The gateway validates first; the lifecycle does not take that on trust, since anything
 * on NATS could send it a request.
 */
export function itemRefusal(
  tenant: string,
  item: { event_id?: unknown; type?: unknown } | null,
  isType: (type: unknown) => boolean,
  kind: string,
): ErrorBody | null {
  if (!isTenantId(tenant)) return invalid('tenant is not valid');
  if (typeof item !== 'object' || item === null) return invalid(`${kind} must be an object`);
  if (typeof item.event_id !== 'string' || !EVENT_ID_PATTERN.test(item.event_id))
    return invalid('event_id is not valid');
  if (!isType(item.type)) return invalid(`type is not a ${kind} type`);
  return null;
}
