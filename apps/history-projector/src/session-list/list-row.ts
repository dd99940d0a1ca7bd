import type { CustomDataValue, DeviceInfo, SessionSnapshot, SessionState } from '@cobrowse/contracts';
import type { IndexKey } from '@cobrowse/persistence';

/**
 * A session as the list and the CSV export need it: the fields every list filter reads, its
 * list position, and the export's columns (device details, the first agent) — no pages or
 * metadata. Rows live in index pages, so an export reads no session documents.
 */
export interface ListRow {
  id: string;
  created_at: number;
  state: SessionState;
  activated_at: number | null;
  ended_at: number | null;
  device_id: string;
  agent_ids: string[];
  token: string;
  tags: string[];
  custom_data: Record<string, CustomDataValue>;
  device: DeviceInfo;
  first_agent: { name: string | null; email: string | null } | null;
}

/** A position in list order: sessions are listed by (created_at, id), newest first. */
export type ListKey = IndexKey;

/** What of a session its row is made of: all a filter needs to check it, without its pages or metadata. */
export const LISTED_FIELDS = [
  'id',
  'created_at',
  'state',
  'activated_at',
  'ended_at',
  'device_id',
  'agents',
  'token',
  'tags',
  'custom_data',
  'device',
] as const satisfies ReadonlyArray<keyof SessionSnapshot>;

export type ListedSession = Pick<SessionSnapshot, (typeof LISTED_FIELDS)[number]>;

export function rowOf(session: ListedSession): ListRow {
  return {
    id: session.id,
    created_at: session.created_at,
    state: session.state,
    activated_at: session.activated_at,
    ended_at: session.ended_at,
    device_id: session.device_id,
    agent_ids: session.agents.map((a) => a.id),
    token: session.token,
    tags: session.tags,
    custom_data: session.custom_data,
    device: session.device,
    first_agent: session.agents[0]
      ? { name: session.agents[0].name ?? null, email: session.agents[0].email ?? null }
      : null,
  };
}

export const keyOfRow = (row: Pick<ListRow, 'created_at' | 'id'>): ListKey => [row.created_at, row.id];
