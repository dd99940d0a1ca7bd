import type {
  GenesysSessionHistory,
  RetentionPolicy,
  SessionResource,
  SessionSnapshot,
} from '@cobrowse/contracts';
import { formatLength, lengthSeconds, pageDurations } from './durations';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The session resource of SPEC section 5, as of `now`. */
export function toSessionResource(
  session: SessionSnapshot,
  now: number,
  expiresAt: number | null = null,
): SessionResource {
  const length = lengthSeconds(session, now);
  const durations = pageDurations(session, now);
  return {
    id: session.id,
    token: session.token,
    state: session.state,
    end_reason: session.end_reason,
    created_at: iso(session.created_at),
    activated_at: isoOrNull(session.activated_at),
    ended_at: isoOrNull(session.ended_at),
    updated_at: iso(session.updated_at),
    expires_at: isoOrNull(expiresAt),
    length_seconds: length,
    formatted_length: formatLength(length),
    went_live: session.went_live,
    device_id: session.device_id,
    device: session.device,
    source: session.source,
    start_url: session.start_url,
    custom_data: session.custom_data,
    metadata: session.metadata,
    tags: session.tags,
    agents: session.agents.map((a) => ({ ...a, joined_at: iso(a.joined_at) })),
    pages: session.pages.map((p, i) => ({
      url: p.url,
      title: p.title,
      entered_at: iso(p.entered_at),
      duration_seconds: durations[i],
    })),
    version: session.version,
    activated_by: session.activated_by ?? null,
    ended_by: session.ended_by ?? null,
    metadata_updated_by: session.metadata_updated_by ?? null,
  };
}

/** Genesys Co-browse history shape; only meaningful once the session has ended. */
export function toGenesysHistory(session: SessionSnapshot): GenesysSessionHistory {
  const end = session.ended_at ?? session.updated_at;
  const durations = pageDurations(session, end);
  return {
    id: session.id,
    sessionToken: session.token,
    creationTime: session.created_at,
    activationTime: session.activated_at,
    deactivationTime: session.ended_at,
    pages: session.pages.map((p, i) => ({
      url: p.url,
      enteredTimestamp: p.entered_at,
      duration: durations[i],
    })),
  };
}

/** When an ended session expires: its recorded end plus the tenant's TTL; open sessions never do. */
export function sessionExpiresAt(
  endedRecordedAt: number | null,
  policy: Pick<RetentionPolicy, 'ended_session_ttl_seconds'>,
): number | null {
  return endedRecordedAt === null ? null : endedRecordedAt + policy.ended_session_ttl_seconds * 1000;
}
