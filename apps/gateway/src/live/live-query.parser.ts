import { ErrorCode, SESSION_EVENT_TYPES } from '@cobrowse/contracts';
import { ApiException } from '../errors/api.exception';

/** SSE event names: the session event types without their prefix, and the read-model snapshot. */
export const LIVE_EVENT_NAMES = [
  ...SESSION_EVENT_TYPES.map((type) => type.slice('session.'.length)),
  'session-updated',
] as const;

export interface LiveQuery {
  /** Event names to send; every one when the client names none. */
  names: Set<string>;
  /** custom_data equality, compared as strings. */
  customData: Record<string, string>;
  /** Resume after this log position (Last-Event-ID), or only what happens from now on. */
  after: number | null;
}

const POSITION = /^\d{1,15}$/;

/** Reads `types`, `filter_<key>` and the resume position (`Last-Event-ID`, or `last_event_id` for clients that cannot set headers). */
export function parseLiveQuery(
  raw: Record<string, unknown>,
  lastEventIdHeader: string | undefined,
  { filters }: { filters: boolean },
): LiveQuery {
  const names = new Set<string>();
  for (const item of [raw.types]
    .flat()
    .filter((v) => v !== undefined)
    .flatMap((v) => String(v).split(','))) {
    const name = item.trim();
    if (!name) continue;
    if (!(LIVE_EVENT_NAMES as readonly string[]).includes(name))
      throw invalid(`types: ${name.slice(0, 40)} is not one of ${LIVE_EVENT_NAMES.join(', ')}`);
    names.add(name);
  }
  const customData: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith('filter_')) continue;
    if (!filters) throw invalid(`${key.slice(0, 60)} is only available on GET /v1/stream`);
    const field = key.slice('filter_'.length);
    if (!field || field.includes('.') || field.startsWith('$'))
      throw invalid(`${key.slice(0, 60)} does not name a custom data key`);
    if (Array.isArray(value)) throw invalid(`${key.slice(0, 60)} may be given once`);
    customData[field] = String(value);
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'types' && key !== 'last_event_id' && !key.startsWith('filter_'))
      throw invalid(`unknown query parameter ${key.slice(0, 60)}`);
  }
  const position = lastEventIdHeader ?? (raw.last_event_id as string | undefined);
  let after: number | null = null;
  if (position !== undefined && String(position).trim() !== '') {
    const text = String(position).trim();
    if (!POSITION.test(text)) throw invalid('Last-Event-ID must be a log position (a whole number)');
    after = Number(text);
  }
  return { names: names.size ? names : new Set(LIVE_EVENT_NAMES), customData, after };
}

function invalid(message: string): ApiException {
  return new ApiException(400, ErrorCode.InvalidQuery, message);
}
