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
import { leaseHolder, onScrape } from '@cobrowse/observability';
import { MongoService } from '@cobrowse/persistence';

/** How long a lease lasts without renewal: a dead holder's successor starts within it. */
export const LEASE_TTL_MS = 5_000;
/** The longest a step-down request keeps a leader away (a rebuild renews its request every second). */
export const MAX_HOLD_OFF_MS = 120_000;

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
          // A rebuild asks again every second while it needs the lease: a bounded hold-off
          // means a stray or hostile request can never stop the leader for long.
          const holdOff = Number(msg.string());
          const bounded = Number.isFinite(holdOff) ? Math.min(Math.max(holdOff, 0), MAX_HOLD_OFF_MS) : 0;
          void this.leadership.stepDown(bounded, 'a rebuild asked for the lease');
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
              nats,
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
            onScrape(() => leaseHolder.set({ lease: options.leaseKey }, leadership.isLeader ? 1 : 0));
            return leadership;
          },
        },
        LeadershipRunner,
      ],
      exports: [Leadership],
    };
  }
}
