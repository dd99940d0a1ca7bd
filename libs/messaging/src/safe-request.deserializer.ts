import { Logger } from '@nestjs/common';
import type { IncomingEvent, IncomingRequest } from '@nestjs/microservices';
import { NatsRequestJSONDeserializer } from '@nestjs/microservices/deserializers';

/**
 * Nest's NATS deserializer throws on a request that is not JSON, and the throw escapes to the
 * process: one malformed message on a service subject killed the service. Such a message is
 * now dropped (handed on as an event nobody handles, so it gets no reply) and logged by kind.
 */
export class SafeRequestDeserializer extends NatsRequestJSONDeserializer {
  private readonly logger = new Logger(SafeRequestDeserializer.name);

  override deserialize(
    value: Uint8Array,
    options?: Record<string, unknown>,
  ): IncomingRequest | IncomingEvent {
    try {
      return super.deserialize(value, options);
    } catch {
      this.logger.warn({ msg: 'dropped a request that is not JSON', subject: options?.channel });
      return { pattern: String(options?.channel ?? ''), data: undefined };
    }
  }
}
