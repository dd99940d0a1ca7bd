import { customDataText } from './custom-data-filter';

/**
 * Who caused an event or an administrative action (SPEC sections 3 and 12): an API key, by its
 * fingerprint (never the key), or an agent signed in with a token of a trusted issuer.
 */
export type Actor = { type: 'key'; id: string } | { type: 'agent'; sub: string; name: string | null };

/**
 * What a token's `policy` claim lets its agent see: sessions and devices whose custom data has,
 * for every key, one of the values — compared as `filter_<key>` compares (custom-data-filter.ts).
 */
export interface AccessPolicy {
  custom_data: Record<string, string[]>;
}

/** Whether custom data is inside a policy; no policy lets everything in. */
export function policyAllows(policy: AccessPolicy | undefined, data: Record<string, unknown>): boolean {
  if (!policy) return true;
  for (const [key, values] of Object.entries(policy.custom_data)) {
    if (!Object.hasOwn(data, key)) return false;
    const text = customDataText(data[key]);
    if (text === null || !values.includes(text)) return false;
  }
  return true;
}

export const POLICY_LIMITS = { keys: 32, valuesPerKey: 100, length: 256 } as const;

/**
 * The `policy` claim → an AccessPolicy, or a reason it is not one. Values may be one string or
 * a list; numbers and booleans read as their text, as in `filter_<key>`.
 */
export function parsePolicyClaim(claim: unknown): AccessPolicy | string {
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) return 'policy must be an object';
  const customData = (claim as Record<string, unknown>).custom_data;
  if (typeof customData !== 'object' || customData === null || Array.isArray(customData))
    return 'policy.custom_data must be an object';
  const entries = Object.entries(customData as Record<string, unknown>);
  if (entries.length > POLICY_LIMITS.keys)
    return `policy.custom_data has more than ${POLICY_LIMITS.keys} keys`;
  const policy: AccessPolicy = { custom_data: {} };
  for (const [key, raw] of entries) {
    const list = Array.isArray(raw) ? raw : [raw];
    if (key.length === 0 || key.length > POLICY_LIMITS.length) return 'policy.custom_data has an invalid key';
    if (list.length === 0 || list.length > POLICY_LIMITS.valuesPerKey)
      return `policy.custom_data.${key} must have 1..${POLICY_LIMITS.valuesPerKey} values`;
    const values = list.map(customDataText);
    if (values.some((v) => v === null || v.length > POLICY_LIMITS.length))
      return `policy.custom_data.${key} values must be strings, numbers or booleans`;
    policy.custom_data[key] = values as string[];
  }
  return policy;
}

/** The roles a token may claim and the scopes each maps to (SPEC section 2). */
export const AGENT_ROLES = ['agent', 'administrator'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

/** `GET /v1/auth/me`: who the credentials are, for clients that show it (the dashboard). */
export interface WhoAmI {
  tenant: string;
  scopes: Array<'ingest' | 'read' | 'admin'>;
  actor: Actor;
  agent: { sub: string; name: string | null; email: string | null; role: AgentRole } | null;
  policy: AccessPolicy | null;
}

/** A tenant's trusted token issuer, as `PUT /v1/auth/issuers/{name}` takes it. */
export interface TrustedIssuerInput {
  issuer: string;
  audience: string;
  jwks?: { keys: Array<Record<string, unknown>> };
  jwks_url?: string;
}

export interface TrustedIssuer extends TrustedIssuerInput {
  name: string;
  tenant: string;
  created_at: string;
  updated_at: string;
}

export const ISSUER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const ISSUER_LIMITS = { perTenant: 20, keys: 20, text: 1024 } as const;
/** The algorithms a token may be signed with; never `none`, never a shared secret. */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** An administrative action the audit keeps (SPEC section 12). */
export interface AuditRecord {
  id: string;
  at: string;
  tenant: string;
  actor: Actor;
  action: AuditAction;
  target: string;
  details?: Record<string, unknown>;
}

export type AuditAction =
  | 'retention.updated'
  | 'device.erased'
  | 'issuer.saved'
  | 'issuer.deleted'
  | 'webhook.created'
  | 'webhook.updated'
  | 'webhook.deleted'
  | 'webhook.secret-rotated'
  | 'webhook.replayed';
