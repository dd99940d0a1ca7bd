import { Injectable } from '@nestjs/common';
import { webhookLogFilters } from '@cobrowse/contracts';
import { EventLog } from '@cobrowse/messaging';
import type { EndpointDocument } from './endpoint-document';

/**
 * Each enabled endpoint's own durable consumer of the log (`webhook-<endpoint id>`), filtered
 * to its tenant and event types: its position is where the endpoint's deliveries are, so a
 * dead endpoint holds back nobody else's. Made when the endpoint is created or enabled (events
 * from then on are delivered), dropped when it is disabled or deleted.
 */
@Injectable()
export class EndpointSubscriptions {
  /** A message in hand is reported in progress well within this (endpoint-delivery.ts); a replica that dies leaves its messages to the next leader after it. */
  static readonly ACK_WAIT_MS = 10_000;
  /** Messages of one endpoint delivered and not yet acked, at most: a dead endpoint holds this many. */
  static readonly MAX_HELD = 1_000;

  static nameOf(endpoint: Pick<EndpointDocument, 'id'>): string {
    return `webhook-${endpoint.id}`;
  }

  /** The consumer of an endpoint's replay, made for it and dropped when it is done. */
  static replayNameOf(endpoint: Pick<EndpointDocument, 'id'>): string {
    return `webhook-${endpoint.id}-replay`;
  }

  constructor(private readonly log: EventLog) {}

  async ensure(endpoint: EndpointDocument): Promise<string> {
    const name = EndpointSubscriptions.nameOf(endpoint);
    await this.log.ensureSubscriber(name, webhookLogFilters(endpoint.tenant, endpoint.event_types), {
      ackWaitMs: EndpointSubscriptions.ACK_WAIT_MS,
      maxAckPending: EndpointSubscriptions.MAX_HELD,
    });
    return name;
  }

  async drop(endpoint: Pick<EndpointDocument, 'id'>): Promise<void> {
    await this.log.dropSubscriber(EndpointSubscriptions.nameOf(endpoint));
    await this.dropReplay(endpoint);
  }

  /** A replay's consumer, reading the endpoint's events from those recorded at `since` (a replay before it is dropped). */
  async startReplay(endpoint: EndpointDocument, since: number): Promise<void> {
    await this.dropReplay(endpoint);
    await this.log.ensureSubscriber(
      EndpointSubscriptions.replayNameOf(endpoint),
      webhookLogFilters(endpoint.tenant, endpoint.event_types),
      { ackWaitMs: EndpointSubscriptions.ACK_WAIT_MS, maxAckPending: EndpointSubscriptions.MAX_HELD, since },
    );
  }

  async dropReplay(endpoint: Pick<EndpointDocument, 'id'>): Promise<void> {
    await this.log.dropSubscriber(EndpointSubscriptions.replayNameOf(endpoint));
  }
}
