import type { CustomDataValue, SessionSnapshot, SessionState } from '@cobrowse/contracts';

/**
 * A session as the list needs it: the fields every list filter reads and its list position,
 * nothing else (no pages, metadata or device details). Rows live in index pages.
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
}

/** A position in list order: sessions are listed by (created_at, id), newest first. */
export type ListKey = readonly [createdAt: number, id: string];

export function rowOf(session: SessionSnapshot): ListRow {
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
  };
}

export const keyOfRow = (row: Pick<ListRow, 'created_at' | 'id'>): ListKey => [row.created_at, row.id];

/** Ascending list order: older first, then by id. */
export function compareKeys(a: ListKey, b: ListKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

export function sameRow(a: ListRow | undefined, b: ListRow): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
