import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from 'nats';
import { ErrorCode, INGEST_SUBJECT, isPlainObject, type ErrorBody } from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { hasScope } from '../auth/api-keys';
import { ApiException } from '../errors/api.exception';
import { toHttpErrorBody } from '../errors/http-errors.filter';
import { MAX_BATCH_EVENTS } from './dto/ingest-batch.dto';
import { IngestBatchUseCase } from './ingest-batch.usecase';

/**
 * Relays that speak NATS send the POST /v1/events body to `cobrowse.ingest` with an
 * `Authorization: Bearer <key>` header; the reply is the JSON the HTTP endpoint answers.
 */
@Injectable()
export class NatsIngestListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsIngestListener.name);
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly guard: ApiKeyGuard,
    private readonly ingestBatch: IngestBatchUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.nc.subscribe(INGEST_SUBJECT, {
      queue: 'gateway',
      callback: (_err, msg) => void this.handle(msg),
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async handle(msg: Msg): Promise<void> {
    if (!msg.reply) return;
    let reply: unknown;
    try {
      reply = await this.process(msg);
    } catch (e) {
      reply = toHttpErrorBody(e, this.logger);
    }
    msg.respond(JSON.stringify(reply));
  }

  private async process(msg: Msg): Promise<unknown> {
    const principal = this.guard.authenticate(msg.headers?.get('Authorization') || undefined);
    if (!hasScope(principal, 'ingest')) {
      throw new ApiException(403, ErrorCode.Forbidden, 'this API key lacks the "ingest" scope');
    }
    const body = this.parse(msg.data);
    return this.ingestBatch.execute(principal.tenant, body.events);
  }

  private parse(data: Uint8Array): { events: unknown[] } {
    if (data.length > 1024 * 1024) {
      throw new ApiException(413, ErrorCode.PayloadTooLarge, 'request body is over 1 MB');
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      throw new ApiException(400, ErrorCode.ValidationFailed, 'request body is not valid JSON');
    }
    const events = isPlainObject(body) ? body.events : undefined;
    if (!Array.isArray(events) || events.length < 1 || events.length > MAX_BATCH_EVENTS) {
      const issue: ErrorBody['details'] = [
        { field: 'events', message: `must be an array of 1..${MAX_BATCH_EVENTS} events` },
      ];
      throw new ApiException(
        400,
        ErrorCode.ValidationFailed,
        `events: must be an array of 1..${MAX_BATCH_EVENTS} events`,
        issue,
      );
    }
    return { events };
  }
}
