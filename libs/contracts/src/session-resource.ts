import type { Actor } from './identity';
import type { AgentInfo, CustomDataValue, DeviceInfo, EndReason, JsonObject } from './events';

export type SessionState = 'pending' | 'active' | 'ended';

/** The session resource of SPEC section 5. */
export interface SessionResource {
  id: string;
  token: string;
  state: SessionState;
  end_reason: EndReason | null;
  created_at: string;
  activated_at: string | null;
  ended_at: string | null;
  updated_at: string;
  expires_at: string | null;
  length_seconds: number;
  formatted_length: string;
  went_live: boolean;
  device_id: string;
  device: DeviceInfo;
  source: string | null;
  start_url: string | null;
  custom_data: Record<string, CustomDataValue>;
  metadata: JsonObject;
  tags: string[];
  agents: Array<AgentInfo & { joined_at: string }>;
  pages: Array<{ url: string; title: string | null; entered_at: string; duration_seconds: number }>;
  version: number;
  activated_by: Actor | null;
  ended_by: Actor | null;
  metadata_updated_by: Actor | null;
}

/** Genesys Co-browse history shape (camelCase, epoch ms, whole seconds). */
export interface GenesysSessionHistory {
  id: string;
  sessionToken: string;
  creationTime: number;
  activationTime: number | null;
  deactivationTime: number | null;
  pages: Array<{ url: string; enteredTimestamp: number; duration: number }>;
}
