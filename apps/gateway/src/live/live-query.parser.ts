import { SESSION_EVENT_TYPES } from '@cobrowse/contracts';
import { QueryParams, type RawQuery } from '../query/query-params';

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
  /** Resume after this log position (Last-Event-ID), or null for the endpoint's default start. */
  after: number | null;
}

const POSITION = /^\d{1,15}$/;

/** Reads `types`, `filter_<key>` (tenant stream only) and the resume position (`Last-Event-ID`, or `last_event_id` for clients that cannot set headers). */
export function parseLiveQuery(
  raw: RawQuery,
  lastEventIdHeader: string | undefined,
  { filters }: { filters: boolean },
): LiveQuery {
  const params = new QueryParams(raw);
  const names = params.oneOf('types', LIVE_EVENT_NAMES) ?? LIVE_EVENT_NAMES;
  const customData = (filters && params.customData()) || {};
  const position = lastEventIdHeader ?? params.single('last_event_id');
  let after: number | null = null;
  if (position !== undefined && position.trim() !== '') {
    if (POSITION.test(position.trim())) after = Number(position.trim());
    else params.problem('Last-Event-ID', 'must be a log position (a whole number)');
  }
  params.done();
  return { names: new Set(names), customData, after };
}
