import { Injectable } from '@nestjs/common';
import { deviceEventSubject, EVENTS_STREAM, type ConnectionEnvelope } from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';
import type { ReportedConnectionEvent } from './batch-item.parser';

/**
 * Connection facts have no state machine to decide on, so the gateway appends them to the
 * log itself, stamped with its clock. Applying them is idempotent (state-setting), and the
 * log's duplicate window answers quick retries as duplicates.
 */
@Injectable()
export class ConnectionEventPublisher {
  constructor(private readonly nats: NatsConnectionService) {}

  async publish(tenant: string, event: ReportedConnectionEvent): Promise<'accepted' | 'duplicate'> {
    const envelope: ConnectionEnvelope = {
      event_id: event.event_id,
      type: event.type,
      tenant,
      device_id: event.device_id,
      occurred_at: event.occurred_at,
      recorded_at: Date.now(),
      data: event.data as unknown as ConnectionEnvelope['data'],
    };
    const ack = await this.nats.js.publish(
      deviceEventSubject(tenant, event.device_id, event.type),
      JSON.stringify(envelope),
      {
        msgID: `${tenant}/device/${event.device_id}/${event.event_id}`,
        expect: { streamName: EVENTS_STREAM },
        timeout: 10_000,
      },
    );
    return ack.duplicate ? 'duplicate' : 'accepted';
  }
}
