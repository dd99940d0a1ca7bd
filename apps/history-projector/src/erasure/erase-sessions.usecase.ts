import { Injectable, Logger } from '@nestjs/common';
import type { EraseSessionsRequest } from '@cobrowse/contracts';
import { SessionsRepository } from '../sessions/sessions.repository';

/** Removes erased sessions from the read model (the log was purged first, so nothing rebuilds them). */
@Injectable()
export class EraseSessionsUseCase {
  private readonly logger = new Logger(EraseSessionsUseCase.name);

  constructor(private readonly sessions: SessionsRepository) {}

  async execute({ tenant, session_ids: ids }: EraseSessionsRequest): Promise<{ deleted: number }> {
    const deleted = await this.sessions.deleteByIds(tenant, ids);
    this.logger.log({ msg: 'erased sessions from the read model', tenant, sessions: ids.length, deleted });
    return { deleted };
  }
}
