import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { mergeShallow } from './merge';

/**
 * Folds one accepted event into the session. Pure: the lifecycle uses it to know the
 * current state, the history projector to build the read model, so both agree.
 */
export function evolve(session: SessionSnapshot | null, event: AnySessionEvent): SessionSnapshot {
  if (event.type === 'session.created') {
    const d = event.data;
    return {
      tenant: event.tenant,
      id: event.session_id,
      token: d.token,
      state: 'pending',
      end_reason: null,
      created_at: event.occurred_at,
      activated_at: null,
      ended_at: null,
      ended_recorded_at: null,
      updated_at: event.occurred_at,
      went_live: false,
      device_id: d.device_id,
      device: d.device ?? {},
      source: d.source ?? null,
      start_url: d.start_url ?? null,
      custom_data: d.custom_data ?? {},
      metadata: d.metadata ?? {},
      tags: d.tags ?? [],
      agents: [],
      pages: [],
      version: event.version,
    };
  }
  if (!session) {
    throw new Error(`event ${event.type} v${event.version} has no session.created before it`);
  }
  const next: SessionSnapshot = {
    ...session,
    version: event.version,
    updated_at: Math.max(session.updated_at, event.occurred_at),
  };
  switch (event.type) {
    case 'session.activated':
      next.state = 'active';
      next.went_live = true;
      next.activated_at = event.occurred_at;
      next.agents = [...session.agents, { ...event.data.agent, joined_at: event.occurred_at }];
      next.activated_by = event.actor ?? null;
      break;
    case 'session.page-entered':
      next.pages = [
        ...session.pages,
        {
          url: event.data.url,
          title: event.data.title ?? null,
          entered_at: event.occurred_at,
          connection_id: event.data.connection_id ?? null,
        },
      ];
      break;
    case 'session.deactivated':
      next.state = 'ended';
      next.end_reason = event.data.reason;
      next.ended_at = event.occurred_at;
      next.ended_recorded_at = event.recorded_at;
      next.ended_by = event.actor ?? null;
      break;
    case 'session.metadata-updated':
      next.metadata_updated_by = event.actor ?? null;
      if (event.data.metadata) next.metadata = mergeShallow(session.metadata, event.data.metadata);
      if (event.data.custom_data) {
        next.custom_data = mergeShallow(
          session.custom_data,
          event.data.custom_data,
        ) as SessionSnapshot['custom_data'];
      }
      break;
  }
  return next;
}
