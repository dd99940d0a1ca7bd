import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { JsonObject, SessionSnapshot } from '@cobrowse/contracts';
import { answeredError } from '../ingest/report-session-event.usecase';
import { LifecycleClient } from '../services/lifecycle.client';

export interface UpdateSessionDataCommand {
  tenant: string;
  sessionId: string;
  patch: { metadata?: JsonObject; custom_data?: JsonObject };
  expectedVersion?: number;
  /** From the Idempotency-Key header, so a retried PATCH applies once. */
  eventId?: string;
}

/** PATCH of metadata or custom data: a session.metadata-updated event decided by the lifecycle. */
@Injectable()
export class UpdateSessionDataUseCase {
  constructor(private readonly lifecycle: LifecycleClient) {}

  async execute(command: UpdateSessionDataCommand): Promise<SessionSnapshot> {
    const [result] = await this.lifecycle.append(
      command.tenant,
      [
        {
          event_id: command.eventId ?? randomUUID(),
          type: 'session.metadata-updated',
          session_id: command.sessionId,
          occurred_at: Date.now(),
          data: command.patch,
          ...(command.expectedVersion !== undefined ? { expected_version: command.expectedVersion } : {}),
        },
      ],
      { includeSession: true },
    );
    if (result.status === 'rejected' || !result.session) throw answeredError(result);
    return result.session;
  }
}
