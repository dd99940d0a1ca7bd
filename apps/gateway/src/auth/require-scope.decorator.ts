import { SetMetadata } from '@nestjs/common';
import type { Scope } from '@cobrowse/contracts';

export const REQUIRED_SCOPE = 'cobrowse:required-scope';
export const PUBLIC_ROUTE = 'cobrowse:public';

/** The scope a key needs for this route (admin always qualifies). */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
/** No API key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export const WHOLE_TENANT = 'cobrowse:whole-tenant';
/**
 * The route acts on the whole tenant (its configuration, its audit, every session's events), so
 * a token whose policy shows part of the tenant may not use it: 403 POLICY_FORBIDS, saying `what`.
 */
export const WholeTenant = (what: string) => SetMetadata(WHOLE_TENANT, what);
