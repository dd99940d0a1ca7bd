import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { INTERNAL_SUBJECTS, type WebhookEndpointRequest } from '@cobrowse/contracts';
import { LeaderRequests, Leadership, NatsConnectionService } from '@cobrowse/messaging';
import { endpointNotFound } from '../endpoints/update-endpoint.usecase';
import { WebhookEndpointsRepository } from '../endpoints/webhook-endpoints.repository';
import { attemptOf, AttemptsRepository } from './attempts.repository';
import { testMessage } from './webhook-message';
import { sendWebhook } from './webhook-sender';
import { signedHeaders } from './webhook-signature';

interface TestRequest extends WebhookEndpointRequest {
  at: number;
}

/**
 * `POST …/{id}/test`: a `webhook.test` delivery, sent once (no retries) by the dispatcher's
 * leader, which numbers every attempt it records; the answer is its `webhook-id`, the attempt
 * shows in the endpoint's attempts.
 */
@Injectable()
export class SendTestUseCase implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SendTestUseCase.name);
  private readonly requests: LeaderRequests<TestRequest>;

  constructor(
    private readonly config: AppConfig,
    nats: NatsConnectionService,
    leadership: Leadership,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly attempts: AttemptsRepository,
  ) {
    this.requests = new LeaderRequests(
      () => nats.nc,
      leadership,
      INTERNAL_SUBJECTS.webhookSendTest,
      (request) => this.send(request),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.requests.listen();
  }

  onApplicationShutdown(): void {
    this.requests.close();
  }

  async execute(request: WebhookEndpointRequest): Promise<{ webhook_id: string }> {
    if (!(await this.endpoints.find(request.tenant, request.id))) throw endpointNotFound(request.id);
    const at = Date.now();
    await this.requests.ask({ ...request, at });
    return { webhook_id: testMessage(request.id, request.tenant, at).id };
  }

  /** On the leader: sent in the background, so the asking replica is answered at once. */
  private async send({ tenant, id, at }: TestRequest): Promise<void> {
    const endpoint = await this.endpoints.find(tenant, id);
    if (!endpoint) return;
    const message = testMessage(id, tenant, at);
    void (async () => {
      const result = await sendWebhook({
        url: endpoint.url,
        headers: signedHeaders(endpoint, message),
        body: message.body,
        timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
        allowPrivate: this.config.WEBHOOKS_ALLOW_PRIVATE,
      });
      this.attempts.record(tenant, id, attemptOf(message, 1, result, null));
    })().catch((e: Error) => this.logger.warn({ msg: 'test delivery failed', error: e.message }));
  }
}
