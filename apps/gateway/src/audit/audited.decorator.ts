import { SetMetadata } from '@nestjs/common';
import type { AuditAction } from '@cobrowse/contracts';

export const AUDITED = 'cobrowse:audited';

export interface AuditedRoute {
  action: AuditAction;
  /** What the action was taken on, and what the record keeps of it (ids and settings, never personal data). */
  describe: (
    params: Record<string, string>,
    result: unknown,
  ) => { target: string; details?: Record<string, unknown> };
}

/** The route is an administrative action: once it succeeds, the audit records it with its actor. */
export const Audited = (action: AuditAction, describe: AuditedRoute['describe']) =>
  SetMetadata(AUDITED, { action, describe } satisfies AuditedRoute);
