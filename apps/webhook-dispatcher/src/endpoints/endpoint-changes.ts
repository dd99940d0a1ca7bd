import { Injectable } from '@nestjs/common';
import { INTERNAL_SUBJECTS, type WebhookEndpointRequest } from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';

/** Tells the dispatcher's leader an endpoint changed, so its deliveries follow at once. */
@Injectable()
export class EndpointChanges {
  constructor(private readonly nats: NatsConnectionService) {}

  announce(change: WebhookEndpointRequest): void {
    this.nats.nc.publish(INTERNAL_SUBJECTS.webhookEndpointChanged, JSON.stringify(change));
  }
}
