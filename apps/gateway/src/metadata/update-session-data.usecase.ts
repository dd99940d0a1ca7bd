import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { JsonObject, SessionSnapshot } from '@cobrowse/contracts';
import { answeredError } from '../ingest/report-session-event.usecase';
import { LifecycleClient } from '../services/lifecycle.client';
import type { Principal } from '../auth/principal';
import { SessionAccess } from '../auth/session-access';

export interface UpdateSessionDataCommand {
  /** Who asks: the event's actor, and under a policy only sessions inside it. */
  principal: Principal;
  sessionId: string;
  patch: { metadata?: JsonObject; custom_data?: JsonObject };
  expectedVersion?: number;
  /** From the Idempotency-Key header, so a retried PATCH applies once. */
  eventId?: string;
}

/** PATCH of metadata or custom data: a session.metadata-updated event decided by the lifecycle. */
@Injectable()
export class UpdateSessionDataUseCase {
  constructor(
    private readonly lifecycle: LifecycleClient,
    private readonly access: SessionAccess,
  ) {}

  async execute(command: UpdateSessionDataCommand): Promise<SessionSnapshot> {
    const { principal } = command;
    await this.access.check(principal, command.sessionId);
    const [result] = await this.lifecycle.append(
      principal.tenant,
      [
        {
          event_id: command.eventId ?? randomUUID(),
          type: 'session.metadata-updated',
          session_id: command.sessionId,
          occurred_at: Date.now(),
          data: command.patch,
          actor: principal.actor,
          ...(command.expectedVersion !== undefined ? { expected_version: command.expectedVersion } : {}),
        },
      ],
      { includeSession: true },
    );
    if (result.status === 'rejected' || !result.session) throw answeredError(result);
    return result.session;
  }
}
