import { Injectable, Logger } from '@nestjs/common';
import type { EraseSessionsRequest } from '@cobrowse/contracts';
import { LeaderListRemoval } from './leader-list-removal';
import { SessionsRepository } from '../sessions/sessions.repository';

/**
 * Removes erased sessions from the read model: their documents, page chunks, list rows and
 * counts (the log was purged first, so nothing rebuilds them).
 */
@Injectable()
export class EraseSessionsUseCase {
  private readonly logger = new Logger(EraseSessionsUseCase.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly list: LeaderListRemoval,
  ) {}

  async execute({ tenant, session_ids: ids }: EraseSessionsRequest): Promise<{ deleted: number }> {
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
