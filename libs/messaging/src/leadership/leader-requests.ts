import type { Logger } from '@nestjs/common';
import type { NatsConnection, Subscription } from 'nats';
import type { Leadership } from './leadership';

const LEADER_TIMEOUT_MS = 10_000;

/**
 * A change only a service's leader may make (it alone writes what the change touches, so the
 * change can never race its own writes), asked for by whichever replica a request reached:
 * made here when this replica leads, else sent on `subject`, where every replica listens and
 * only the leader makes it and answers. No answer within the timeout is an error for the caller.
 */
export class LeaderRequests<T> {
  private subscription?: Subscription;

  constructor(
    private readonly nc: () => NatsConnection,
    private readonly leadership: Leadership,
    private readonly subject: string,
    private readonly make: (request: T) => Promise<void>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  listen(): void {
    this.subscription = this.nc().subscribe(this.subject, {
      callback: (_e, msg) => {
        if (!this.leadership.isLeader) return;
        void (async () => {
          try {
            await this.make(JSON.parse(msg.string()) as T);
            msg.respond('{}');
          } catch (e) {
            this.logger.warn({
              msg: `could not make a change asked of the leader on ${this.subject}`,
              error: (e as Error).name,
            });
          }
        })();
      },
    });
  }

  close(): void {
    this.subscription?.unsubscribe();
  }

  async ask(request: T): Promise<void> {
    if (this.leadership.isLeader) await this.make(request);
    else await this.nc().request(this.subject, JSON.stringify(request), { timeout: LEADER_TIMEOUT_MS });
  }
}
