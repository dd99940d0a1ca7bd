import { Injectable, Logger } from '@nestjs/common';
import { INTERNAL_SUBJECTS, type EraseSessionsReply, type EraseSessionsRequest } from '@cobrowse/contracts';
import { announceErasedSessions, NatsConnectionService } from '@cobrowse/messaging';
import { LeaderListRemoval } from './leader-list-removal';
import { SessionsRepository } from '../sessions/sessions.repository';

/**
 * Removes erased sessions from the read model: their documents, page chunks, list rows and
 * counts (the log was purged first, so nothing rebuilds them), and tells a rebuild under way
 * to remove them from the generation it builds.
 */
@Injectable()
export class EraseSessionsUseCase {
  private readonly logger = new Logger(EraseSessionsUseCase.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly list: LeaderListRemoval,
    private readonly nats: NatsConnectionService,
  ) {}

  async execute(request: EraseSessionsRequest): Promise<EraseSessionsReply> {
    const { tenant, session_ids: ids } = request;
    await announceErasedSessions(this.nats.nc, INTERNAL_SUBJECTS.projectorSessionsErased, request);
    const removed = await this.sessions.delete(tenant, ids);
    await this.list.remove(
      tenant,
      removed.map((s) => [s.created_at, s.id] as const),
    );
    this.logger.log({
      msg: 'erased sessions from the read model',
      tenant,
      sessions: ids.length,
      deleted: removed.length,
    });
    return { deleted: removed.length };
  }
}
