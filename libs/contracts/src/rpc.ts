import type { ErrorBody } from './errors';
import type { ReportedSessionEvent } from './events';
import type { SessionSnapshot } from './session-snapshot';

export type AppendStatus = 'accepted' | 'duplicate' | 'rejected';

export interface AppendEventsRequest {
  tenant: string;
  events: ReportedSessionEvent[];
}

export interface AppendEventResult {
  event_id: string;
  status: AppendStatus;
  version?: number;
  /** The session as the lifecycle decided it, for accepted and duplicate events. */
  session?: SessionSnapshot;
  error?: ErrorBody;
}

export interface AppendEventsReply {
  results: AppendEventResult[];
}

export interface GetSessionRequest {
  tenant: string;
  session_id: string;
}

export interface DependencyHealth {
  status: 'up' | 'down' | 'not-used';
  error?: string;
}

export interface ServiceHealth {
  service: string;
  status: 'up' | 'down';
  dependencies: { nats: DependencyHealth; mongodb: DependencyHealth };
}
