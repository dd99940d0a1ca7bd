import type { AccessPolicy, Actor, AgentRole, Scope } from '@cobrowse/contracts';

/** Who a request comes from: an API key, or an agent signed in with a trusted issuer's token. */
export interface Principal {
  tenant: string;
  scopes: ReadonlySet<Scope>;
  /** What events and audit records say caused them (never the key itself). */
  actor: Actor;
  /** A token's policy: only sessions and devices inside it exist for this principal. */
  policy?: AccessPolicy;
  /** The signed-in agent, from the token's claims. */
  agent?: { sub: string; name: string | null; email: string | null; role: AgentRole };
}

/** admin covers everything read covers; each endpoint names the scopes that let a caller in. */
export function hasScope(principal: Principal, required: Scope): boolean {
  return principal.scopes.has(required) || principal.scopes.has('admin');
}

/** One line naming the actor, for records that keep a string (erasures). */
export function actorLabel(actor: Actor): string {
  return actor.type === 'key' ? actor.id : `agent:${actor.sub}`;
}
