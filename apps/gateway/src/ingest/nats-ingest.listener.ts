import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from 'nats';
import {
  RequestErrorCode,
  RequestException,
  isPlainObject,
  isRequesterInbox,
  MAX_BODY_BYTES,
  parseTenantIngestSubject,
  TENANT_INGEST_WILDCARD,
  type ErrorBody,
} from '@cobrowse/contracts';
import { NATS_MAX_MESSAGE_BYTES, NatsConnectionService } from '@cobrowse/messaging';
import { AuthGuard } from '../auth/auth.guard';
import { hasScope } from '../auth/principal';
import { toHttpErrorBody } from '../errors/http-errors.filter';
import { assertBodyDepth } from '../errors/request-bounds';
import { MAX_BATCH_EVENTS } from './dto/ingest-batch.dto';
import { IngestBatchUseCase } from './ingest-batch.usecase';

/**
 * Relays that speak NATS send the POST /v1/events body to `cobrowse.ingest` with an
 * `Authorization: Bearer <key>` header; the reply is the JSON the HTTP endpoint answers. A
 * tenant's relays account imports it as `cobrowse.ingest.<tenant>` here, so the tenant comes
 * from the server, and the key must be one of that tenant's.
 */
@Injectable()
export class NatsIngestListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsIngestListener.name);
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly guard: AuthGuard,
    private readonly ingestBatch: IngestBatchUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.nc.subscribe(TENANT_INGEST_WILDCARD, {
      queue: 'gateway',
      callback: (_err, msg) => void this.handle(msg),
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async handle(msg: Msg): Promise<void> {
    // An answer goes only where the server routes it back to the requester, never to a subject
    // a request names (that would publish there with the services' rights).
    if (!msg.reply || !isRequesterInbox(msg.reply)) return;
    let reply: unknown;
    try {
      reply = await this.process(msg);
    } catch (e) {
      reply = toHttpErrorBody(e, this.logger);
    }
    let text = JSON.stringify(reply);
    if (Buffer.byteLength(text) > (this.nats.nc.info?.max_payload ?? NATS_MAX_MESSAGE_BYTES)) {
      // Results are bounded (no echo of input, few details), so this is a bug, not a client's doing.
      this.logger.error({ msg: 'ingest reply over the NATS payload limit', bytes: Buffer.byteLength(text) });
      text = JSON.stringify(
        new RequestException(RequestErrorCode.InternalError, 'the reply was too large to send').toBody(),
      );
    }
    msg.respond(text);
  }

  private async process(msg: Msg): Promise<unknown> {
    const principal = await this.guard.authenticate(msg.headers?.get('Authorization') || undefined);
    // Another tenant's key is as unknown here as a made-up one.
    if (principal.tenant !== parseTenantIngestSubject(msg.subject)) {
      throw new RequestException(RequestErrorCode.Unauthorized, 'unknown API key');
    }
    if (!hasScope(principal, 'ingest')) {
      throw new RequestException(RequestErrorCode.Forbidden, 'these credentials lack the "ingest" scope');
    }
    const body = this.parse(msg.data);
    return this.ingestBatch.execute(principal, body.events);
  }

  private parse(data: Uint8Array): { events: unknown[] } {
    if (data.length > MAX_BODY_BYTES) {
      throw new RequestException(RequestErrorCode.PayloadTooLarge, 'request body is over 1 MB');
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      throw new RequestException(RequestErrorCode.InvalidJson, 'request body is not valid JSON');
    }
    assertBodyDepth(body);
    const events = isPlainObject(body) ? body.events : undefined;
    if (!Array.isArray(events) || events.length < 1 || events.length > MAX_BATCH_EVENTS) {
      const issue: ErrorBody['details'] = [
        { field: 'events', message: `must be an array of 1..${MAX_BATCH_EVENTS} events` },
      ];
      throw new RequestException(
        RequestErrorCode.ValidationFailed,
        `events: must be an array of 1..${MAX_BATCH_EVENTS} events`,
        issue,
      );
    }
    return { events };
  }
}
