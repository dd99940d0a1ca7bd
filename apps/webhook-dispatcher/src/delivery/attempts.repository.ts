import { Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { ListWebhookAttemptsReply, WebhookAttemptView } from '@cobrowse/contracts';
import { MongoService } from '@cobrowse/persistence';
import { endpointDocumentId } from '../endpoints/endpoint-document';
import type { WebhookMessage } from './webhook-message';
import type { SendResult } from './webhook-sender';

export const WEBHOOK_ATTEMPTS_COLLECTION = 'webhook_attempts';
/** Attempts kept per endpoint: the newest, each older one deleted as a new one is written. */
export const ATTEMPTS_KEPT = 1000;

type AttemptDocument = Omit<WebhookAttemptView, 'id'> & { _id: string };
interface HeadDocument {
  _id: string;
  last: number;
}

export type NewAttempt = Omit<WebhookAttemptView, 'id'>;

/** What is kept of one attempt. */
export function attemptOf(
  message: WebhookMessage,
  attempt: number,
  result: SendResult,
  nextRetryAt: number | null,
): NewAttempt {
  return {
    webhook_id: message.id,
    type: message.type,
    position: message.position,
    attempt,
    at: new Date().toISOString(),
    status: result.status,
    error: result.error,
    duration_ms: result.durationMs,
    response: result.response,
    next_retry_at: nextRetryAt === null ? null : new Date(nextRetryAt).toISOString(),
  };
}

const attemptId = (endpoint: string, n: number) => `${endpoint}/${String(n).padStart(12, '0')}`;
const headId = (endpoint: string) => `${endpoint}/head`;

/**
 * Each endpoint's delivery attempts, numbered in the order made: `<tenant>/<endpoint>/<n>` and a
 * head (`…/head`) with the last number, all read and written by `_id`. Only the dispatcher's
 * leader delivers, so one writer numbers them; newest first is n, n - 1, ….
 */
@Injectable()
export class AttemptsRepository {
  private readonly last = new Map<string, number>();

  constructor(private readonly mongo: MongoService) {}

  private get collection(): Collection<AttemptDocument | HeadDocument> {
    return this.mongo.db.collection<AttemptDocument | HeadDocument>(WEBHOOK_ATTEMPTS_COLLECTION);
  }

  /** Forget the numbers kept in memory (a new term: another replica may have written since). */
  forget(): void {
    this.last.clear();
  }

  async record(tenant: string, endpointId: string, attempt: NewAttempt): Promise<void> {
    const endpoint = endpointDocumentId(tenant, endpointId);
    const n = (this.last.get(endpoint) ?? (await this.lastOf(endpoint))) + 1;
    this.last.set(endpoint, n);
    await this.collection.replaceOne({ _id: attemptId(endpoint, n) }, attempt, { upsert: true });
    await this.collection.replaceOne({ _id: headId(endpoint) }, { last: n }, { upsert: true });
    if (n > ATTEMPTS_KEPT) await this.collection.deleteOne({ _id: attemptId(endpoint, n - ATTEMPTS_KEPT) });
  }

  async list(
    tenant: string,
    endpointId: string,
    limit: number,
    cursor?: string,
  ): Promise<ListWebhookAttemptsReply> {
    const endpoint = endpointDocumentId(tenant, endpointId);
    const from = cursor !== undefined ? Number(cursor) - 1 : await this.lastOf(endpoint);
    const numbers: number[] = [];
    for (let n = from; n > Math.max(0, from - limit); n--) numbers.push(n);
    const found = await Promise.all(
      numbers.map(
        (n) => this.collection.findOne({ _id: attemptId(endpoint, n) }) as Promise<AttemptDocument | null>,
      ),
    );
    const data = found.flatMap((d, i) => {
      if (!d) return [];
      const { _id: _ignored, ...attempt } = d;
      return [{ ...attempt, id: String(numbers[i]) }];
    });
    const oldest = numbers[numbers.length - 1];
    const more = numbers.length === limit && oldest > 1 && oldest > from - ATTEMPTS_KEPT;
    return { data, next_cursor: more ? String(oldest) : null };
  }

  /** Removes an endpoint's attempts (the endpoint was deleted). */
  async deleteAll(tenant: string, endpointId: string): Promise<void> {
    const endpoint = endpointDocumentId(tenant, endpointId);
    const last = await this.lastOf(endpoint);
    for (let n = last; n > Math.max(0, last - ATTEMPTS_KEPT); n--)
      await this.collection.deleteOne({ _id: attemptId(endpoint, n) });
    await this.collection.deleteOne({ _id: headId(endpoint) });
    this.last.delete(endpoint);
  }

  private async lastOf(endpoint: string): Promise<number> {
    const head = (await this.collection.findOne({ _id: headId(endpoint) })) as HeadDocument | null;
    return head?.last ?? 0;
  }
}
