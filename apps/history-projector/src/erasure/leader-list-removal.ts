import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from 'nats';
import { INTERNAL_SUBJECTS } from '@cobrowse/contracts';
import { Leadership, NatsConnectionService } from '@cobrowse/messaging';
import type { ListKey } from '../session-list/list-row';
import { SessionListWriter } from '../session-list/session-list.writer';

interface RemovalRequest {
  tenant: string;
  keys: ListKey[];
}

/** Keys per request: ~100 bytes each, far below a NATS message. */
const KEYS_PER_REQUEST = 2_000;
const LEADER_TIMEOUT_MS = 10_000;

/**
 * Removes erased sessions' rows through the projector's leader, whichever replica the
 * erasure reached: the leader is the list's one writer, so a removal can never race a
 * batch writing the same page. Every replica listens; only the leader answers.
 */
@Injectable()
export class LeaderListRemoval implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaderListRemoval.name);
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly leadership: Leadership,
    private readonly list: SessionListWriter,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.nc.subscribe(INTERNAL_SUBJECTS.projectorListRemove, {
      callback: (_e, msg) => void this.answer(msg),
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  async remove(tenant: string, keys: ListKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST) {
      const part = keys.slice(i, i + KEYS_PER_REQUEST);
      if (this.leadership.isLeader) await this.list.apply(tenant, { remove: part });
      else
        await this.nats.nc.request(
          INTERNAL_SUBJECTS.projectorListRemove,
          JSON.stringify({ tenant, keys: part }),
          {
            timeout: LEADER_TIMEOUT_MS,
          },
        );
    }
  }

  private async answer(msg: Msg): Promise<void> {
    if (!this.leadership.isLeader) return;
    try {
      const request = JSON.parse(msg.string()) as RemovalRequest;
      await this.list.apply(request.tenant, { remove: request.keys });
      msg.respond('{}');
    } catch (e) {
      this.logger.warn({ msg: 'could not remove erased sessions from the list', error: (e as Error).name });
    }
  }
}
