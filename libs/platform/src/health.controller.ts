import { Controller, Inject, Optional, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RPC, type ConsumerLag, type ServiceHealth, type ServiceName } from '@cobrowse/contracts';
import { DeadLetters, NatsConnectionService } from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';

/** A service's durable consumers, reported with its health so lag is visible at GET /health. */
export const HEALTH_CONSUMERS = Symbol('HEALTH_CONSUMERS');
export type HealthConsumers = Array<{ stream: string; consumer: string }>;
/** Counters a service adds to its health answer (retention sweeps, erasures). */
export const HEALTH_DETAILS = Symbol('HEALTH_DETAILS');
export interface HealthDetails {
  details(): Record<string, number | string | null>;
}

/** Answers the gateway's health probe with this service's NATS and MongoDB reachability. */
export function healthControllerFor(service: ServiceName): Type<unknown> {
  @Controller()
  class HealthController {
    constructor(
      private readonly nats: NatsConnectionService,
      @Optional() private readonly mongo?: MongoService,
      @Optional() @Inject(HEALTH_CONSUMERS) private readonly consumers?: HealthConsumers,
      @Optional() @Inject(HEALTH_DETAILS) private readonly extra?: HealthDetails[],
    ) {}

    @MessagePattern(RPC.health(service))
    async health(): Promise<ServiceHealth> {
      const [nats, mongodb] = await Promise.all([
        this.nats.health(),
        this.mongo ? this.mongo.health() : Promise.resolve({ status: 'not-used' as const }),
      ]);
      const up = nats.status === 'up' && mongodb.status !== 'down';
      const health: ServiceHealth = { service, status: up ? 'up' : 'down', dependencies: { nats, mongodb } };
      if (this.consumers?.length && nats.status === 'up') health.consumers = await this.lag(this.consumers);
      if (this.extra?.length) health.details = Object.assign({}, ...this.extra.map((d) => d.details()));
      return health;
    }

    private async lag(consumers: HealthConsumers): Promise<ConsumerLag[]> {
      const jsm = this.nats.jsm;
      const result: ConsumerLag[] = [];
      for (const { stream, consumer } of consumers) {
        try {
          const info = await jsm.consumers.info(stream, consumer);
          const streamInfo = await jsm.streams.info(stream);
          result.push({
            stream,
            consumer,
            pending: info.num_pending,
            ack_pending: info.num_ack_pending,
            ack_floor: info.ack_floor.stream_seq,
            last_seq: streamInfo.state.last_seq,
            parked: await DeadLetters.count(jsm, consumer),
          });
        } catch {
          /* not created yet */
        }
      }
      return result;
    }
  }
  return HealthController;
}
