import { Injectable, Logger } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { ListWebhookAttemptsReply, WebhookAttemptView } from '@cobrowse/contracts';
import { bulkWriteInCommands, MongoService, UPDATES_PER_COMMAND } from '@cobrowse/persistence';
import { endpointDocumentId } from '../endpoints/endpoint-document';
import type { WebhookMessage } from './webhook-message';
import type { SendResult } from './webhook-sender';

export const WEBHOOK_ATTEMPTS_COLLECTION = 'webhook_attempts';
/** Attempts kept per endpoint: the newest, each older one deleted as a new one is written. */
export const ATTEMPTS_KEPT = 1000;

type AttemptDocument = Omit<WebhookAttemptView, 'id'> & { _id: string; n: number };

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

/** The last attempt's number is written down this often, so a new term reads at most this many slots to find it. */
const HEAD_EVERY = 100;
/** Attempt n of an endpoint is kept in slot n mod ATTEMPTS_KEPT: a new one replaces the one ATTEMPTS_KEPT before it. */
const slotId = (endpoint: string, n: number) => `${endpoint}/${n % ATTEMPTS_KEPT}`;

/**
 * Each endpoint's delivery attempts, numbered in the order made, in a ring of ATTEMPTS_KEPT
 * slots (`<tenant>/<endpoint>/<n mod ATTEMPTS_KEPT>`, read and written by `_id`): one write per
 * attempt (and a head every HEAD_EVERY). Only the dispatcher's leader records them, so one writer
 * numbers them; a new term finds the last number from the head and the slots after it. Newest first is n, n - 1, ….
 */
@Injectable()
export class AttemptsRepository {
  private readonly logger = new Logger(AttemptsRepository.name);
  /** Per endpoint, the number its last attempt got (once the term's first lookup is done). */
  private readonly numbering = new Map<string, Promise<number>>();
  private readonly queued: Array<{ endpoint: string; n: number; attempt: NewAttempt }> = [];
  private flushing?: Promise<void>;

  constructor(private readonly mongo: MongoService) {}

  private get collection(): Collection<AttemptDocument> {
    return this.mongo.db.collection<AttemptDocument>(WEBHOOK_ATTEMPTS_COLLECTION);
  }

  private get heads(): Collection<{ _id: string; n: number }> {
    return this.mongo.db.collection<{ _id: string; n: number }>(`${WEBHOOK_ATTEMPTS_COLLECTION}_heads`);
  }

  /** Forget the numbers kept in memory (a new term: another replica may have written since). */
  forget(): void {
    this.numbering.clear();
  }

  /**
   * Numbers an attempt and queues it for the next write: a delivery never waits for the record
   * of its attempt (on a busy database that would hold every delivery back). Attempts in the
   * queue when the process dies are not kept.
   */
  record(tenant: string, endpointId: string, attempt: NewAttempt): void {
    const endpoint = endpointDocumentId(tenant, endpointId);
    const numbered = (this.numbering.get(endpoint) ?? this.lastOf(endpoint)).then((n) => {
      this.queued.push({ endpoint, n: n + 1, attempt });
      if (!this.flushing) this.flushing = this.flush().finally(() => (this.flushing = undefined));
      return n + 1;
    });
    this.numbering.set(endpoint, numbered);
    numbered.catch(() => this.numbering.delete(endpoint));
  }

  /** Writes the queued attempts, UPDATES_PER_COMMAND to a command, until none is left. */
  private async flush(): Promise<void> {
    while (this.queued.length) {
      const batch = this.queued.splice(0, UPDATES_PER_COMMAND);
      const heads = batch.filter(({ n }) => n % HEAD_EVERY === 0);
      try {
        await bulkWriteInCommands(
          this.collection,
          batch.map(({ endpoint, n, attempt }) => ({
            replaceOne: {
              filter: { _id: slotId(endpoint, n) },
              replacement: { ...attempt, n },
              upsert: true,
            },
          })),
          (_i, e) => this.logger.warn({ msg: 'an attempt was not recorded', error: (e as Error).message }),
        );
        for (const { endpoint, n } of heads)
          await this.heads.replaceOne({ _id: endpoint }, { n }, { upsert: true });
      } catch (e) {
        this.logger.warn({
          msg: 'delivery attempts not recorded',
          count: batch.length,
          error: (e as Error).message,
        });
      }
    }
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
      numbers.map((n) => this.collection.findOne({ _id: slotId(endpoint, n) })),
    );
    const data = found.flatMap((d, i) => {
      if (!d || d.n !== numbers[i]) return [];
      const { _id: _slot, n: _n, ...attempt } = d;
      return [{ ...attempt, id: String(numbers[i]) }];
    });
    const oldest = numbers[numbers.length - 1];
    const more = data.length === limit && oldest > 1;
    return { data, next_cursor: more ? String(oldest) : null };
  }

  /** Removes an endpoint's attempts (the endpoint was deleted). */
  async deleteAll(tenant: string, endpointId: string): Promise<void> {
    const endpoint = endpointDocumentId(tenant, endpointId);
    const last = await this.lastOf(endpoint);
    for (let n = last; n > Math.max(0, last - ATTEMPTS_KEPT); n--)
      await this.collection.deleteOne({ _id: slotId(endpoint, n) });
    await this.heads.deleteOne({ _id: endpoint });
    this.numbering.delete(endpoint);
  }

  /**
   * The newest attempt's number: from the head (written every HEAD_EVERY attempts), the slots
   * that follow in the ring until one holds an older attempt or none.
   */
  private async lastOf(endpoint: string): Promise<number> {
    let n = (await this.heads.findOne({ _id: endpoint }))?.n ?? 0;
    for (;;) {
      const next = await this.collection.findOne({ _id: slotId(endpoint, n + 1) });
      if (!next || next.n <= n) return n;
      n = next.n;
    }
  }
}
