import { Controller, Optional, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RPC, type ServiceHealth, type ServiceName } from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';

/** Answers the gateway's health probe with this service's NATS and MongoDB reachability. */
export function healthControllerFor(service: ServiceName): Type<unknown> {
  @Controller()
  class HealthController {
    constructor(
      private readonly nats: NatsConnectionService,
      @Optional() private readonly mongo?: MongoService,
    ) {}

    @MessagePattern(RPC.health(service))
    async health(): Promise<ServiceHealth> {
      const [nats, mongodb] = await Promise.all([
        this.nats.health(),
        this.mongo ? this.mongo.health() : Promise.resolve({ status: 'not-used' as const }),
      ]);
      const up = nats.status === 'up' && mongodb.status !== 'down';
      return { service, status: up ? 'up' : 'down', dependencies: { nats, mongodb } };
    }
  }
  return HealthController;
}
