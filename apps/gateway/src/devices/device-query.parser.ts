import type { DeviceQuery } from '@cobrowse/contracts';
import { QueryParams, type RawQuery } from '../query/query-params';

/** `GET /v1/devices` query parameters: filter_<key>, online, seen_after, seen_before, limit, cursor. */
export function parseDeviceQuery(raw: RawQuery): { query: DeviceQuery; limit: number; cursor?: string } {
  const params = new QueryParams(raw);
  const query: DeviceQuery = {};
  const customData = params.customData();
  if (customData) query.custom_data = customData;
  const online = params.flag('online');
  if (online !== undefined) query.online = online;
  for (const name of ['seen_after', 'seen_before'] as const) {
    const ms = params.time(name);
    if (ms !== undefined) query[name] = ms;
  }
  const limit = params.limit();
  const cursor = params.cursor();
  params.done();
  return { query, limit, ...(cursor !== undefined ? { cursor } : {}) };
}
