import type { Actor } from './identity';
import type { AgentInfo, CustomDataValue, DeviceInfo, EndReason, JsonObject } from './events';
import type { SessionState } from './session-resource';

/**
 * A session folded from its events: what both the lifecycle (to decide) and the
 * history projector (to answer queries) know about it. Times are epoch ms.
 */
export interface SessionSnapshot {
  tenant: string;
  id: string;
  token: string;
  state: SessionState;
  end_reason: EndReason | null;
  created_at: number;
  activated_at: number | null;
  ended_at: number | null;
  /** When the event log recorded the end; retention counts from here. */
  ended_recorded_at: number | null;
  updated_at: number;
  went_live: boolean;
  device_id: string;
  device: DeviceInfo;
  source: string | null;
  start_url: string | null;
  custom_data: Record<string, CustomDataValue>;
  metadata: JsonObject;
  tags: string[];
  agents: Array<AgentInfo & { joined_at: number }>;
  pages: Array<{ url: string; title: string | null; entered_at: number; connection_id: string | null }>;
  version: number;
  /** Who activated, ended and last edited metadata or custom data; absent on older read models. */
  activated_by?: Actor | null;
  ended_by?: Actor | null;
  metadata_updated_by?: Actor | null;
}
