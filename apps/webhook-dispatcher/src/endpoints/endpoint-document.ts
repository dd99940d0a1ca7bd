import type { WebhookEndpointSettings, WebhookEndpointView } from '@cobrowse/contracts';

/** A signing secret; an old one stays valid until `expires_at` after a rotation (SPEC section 11). */
export interface EndpointSecret {
  secret: string;
  /** Epoch ms; null for the current secret. */
  expires_at: number | null;
}

export interface EndpointReplay {
  since: number;
  until: number;
  /** Where the log ended when the replay was asked for. */
  to: number;
}

/** An endpoint as stored: `_id = "<tenant>/<id>"`, written by `_id` alone. */
export interface EndpointDocument extends WebhookEndpointSettings {
  _id: string;
  tenant: string;
  id: string;
  /** Newest first: the current secret, then any still valid after a rotation. */
  secrets: EndpointSecret[];
  disabled_reason: string | null;
  failing_since: number | null;
  /** A replay under way: the events recorded in [since, until] up to log position `to`. */
  replay: EndpointReplay | null;
  created_at: number;
  updated_at: number;
}

export const endpointDocumentId = (tenant: string, id: string): string => `${tenant}/${id}`;

/** The secrets a delivery is signed with now. */
export function validSecrets(endpoint: Pick<EndpointDocument, 'secrets'>, now: number): string[] {
  return endpoint.secrets.filter((s) => s.expires_at === null || s.expires_at > now).map((s) => s.secret);
}

export function toEndpointView(d: EndpointDocument): WebhookEndpointView {
  return {
    id: d.id,
    url: d.url,
    description: d.description,
    event_types: d.event_types,
    filter: d.filter,
    enabled: d.enabled,
    rate_limit: d.rate_limit,
    include_session: d.include_session ?? false,
    disabled_reason: d.disabled_reason,
    failing_since: d.failing_since === null ? null : new Date(d.failing_since).toISOString(),
    replay: d.replay
      ? { since: new Date(d.replay.since).toISOString(), until: new Date(d.replay.until).toISOString() }
      : null,
    created_at: new Date(d.created_at).toISOString(),
    updated_at: new Date(d.updated_at).toISOString(),
  };
}
