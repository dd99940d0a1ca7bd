import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { INTERNAL_SUBJECTS } from '@cobrowse/contracts';
import { LeaderRequests, Leadership, NatsConnectionService } from '@cobrowse/messaging';
import type { ListKey } from '../session-list/list-row';
import { SessionListWriter } from '../session-list/session-list.writer';
import { SessionsRepository } from '../sessions/sessions.repository';

interface RemovalRequest {
  tenant: string;
  keys: ListKey[];
}

/** Keys per request: ~100 bytes each, far below a NATS message. */
const KEYS_PER_REQUEST = 2_000;

/**
 * Removes erased sessions' rows through the projector's leader, whichever replica the
 * erasure reached: the leader is the list's one writer, so a removal can never race a
 * batch writing the same page; and it forgets the sessions as it last wrote them.
 */
@Injectable()
export class LeaderListRemoval implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly requests: LeaderRequests<RemovalRequest>;

  constructor(
    nats: NatsConnectionService,
    leadership: Leadership,
    list: SessionListWriter,
    sessions: SessionsRepository,
  ) {
    this.requests = new LeaderRequests(
      () => nats.nc,
      leadership,
      INTERNAL_SUBJECTS.projectorListRemove,
      ({ tenant, keys }) => {
        // The replica the erasure reached deleted the sessions: the leader must not write them back.
        sessions.forgetSessions(
          tenant,
          keys.map(([, id]) => id),
        );
        return list.apply(tenant, { remove: keys });
      },
      new Logger(LeaderListRemoval.name),
    );
  }

  onApplicationBootstrap(): void {
    this.requests.listen();
  }

  onApplicationShutdown(): void {
    this.requests.close();
  }

  async remove(tenant: string, keys: ListKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST)
      await this.requests.ask({ tenant, keys: keys.slice(i, i + KEYS_PER_REQUEST) });
  }
}
