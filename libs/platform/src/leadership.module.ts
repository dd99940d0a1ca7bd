import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Subscription } from 'nats';
import { AppConfig } from '@cobrowse/config';
import { LeaderLease, Leadership, NatsConnectionService } from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';

/** How long a lease lasts without renewal: a dead holder's successor starts within it. */
export const LEASE_TTL_MS = 5_000;

export interface LeadershipModuleOptions {
  /** The lease key: replicas competing for it write the same read model. */
  leaseKey: string;
  /** Where a rebuild asks the leader to step down (payload: how long to stay away, ms). */
  stepDownSubject?: string;
}

const OPTIONS = Symbol('LEADERSHIP_OPTIONS');

/** Starts the app's Leadership after every consumer has subscribed to it, and ends it last. */
@Injectable()
class LeadershipRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private stepDown?: Subscription;

  constructor(
    private readonly leadership: Leadership,
    private readonly nats: NatsConnectionService,
    @Inject(OPTIONS) private readonly options: LeadershipModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.stepDownSubject)
      this.stepDown = this.nats.nc.subscribe(this.options.stepDownSubject, {
        callback: (_err, msg) => {
          const holdOff = Number(msg.string());
          void this.leadership.stepDown(
            Number.isFinite(holdOff) ? holdOff : 10_000,
            'a rebuild asked for the lease',
          );
        },
      });
    await this.leadership.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stepDown?.unsubscribe();
    await this.leadership.stop();
  }
}

/**
 * One Leadership per stateful app (projector, tracker), injected wherever singleton work is
 * done: the log consumer, the sweepers. Its lease is renewed only while the database answers
 * and every watched consumer makes progress.
 */
@Module({})
export class LeadershipModule {
  static forRoot(options: LeadershipModuleOptions): DynamicModule {
    return {
      module: LeadershipModule,
      global: true,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: Leadership,
          inject: [NatsConnectionService, MongoService, AppConfig],
          useFactory: (nats: NatsConnectionService, mongo: MongoService, config: AppConfig) => {
            const lease = new LeaderLease(
              nats.js,
              options.leaseKey,
              randomUUID(),
              LEASE_TTL_MS,
              config.EVENTS_STREAM_REPLICAS,
            );
            const leadership = new Leadership(lease, {
              name: options.leaseKey,
              stallLimitMs: config.LEADERSHIP_STALL_MS,
              logger: new Logger(`Leadership`),
            });
            leadership.watch(mongo.roundTrips);
            return leadership;
          },
        },
        LeadershipRunner,
      ],
      exports: [Leadership],
    };
  }
}
