import { NatsRecordSerializer } from '@nestjs/microservices/serializers/nats-record.serializer';
import { RequestErrorCode, RequestException } from '@cobrowse/contracts';

/** NATS's default max_payload; the services never rely on a server that carries more. */
export const NATS_MAX_MESSAGE_BYTES = 1024 * 1024;

type Packet = { id?: string; response?: unknown; err?: unknown; isDisposed?: boolean };

/**
 * The last line of defence behind ReplyChunksInterceptor: a reply that would still be over
 * what NATS carries becomes an error reply instead of an exception that ends the process.
 */
export class BoundedReplySerializer extends NatsRecordSerializer {
  override serialize(packet: Packet): { data: Uint8Array; headers?: unknown } {
    const out = super.serialize(packet as never) as { data: Uint8Array; headers?: unknown };
    if (out.data.length <= NATS_MAX_MESSAGE_BYTES - 4096) return out;
    const err = new RequestException(
      RequestErrorCode.InternalError,
      'the reply was too large to send',
    ).toBody();
    return super.serialize({ id: packet.id, err, isDisposed: true } as never) as typeof out;
  }
}
