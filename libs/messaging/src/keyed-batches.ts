import type { Logger } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { BACKOFF, classifyFailure, delayBefore, waitsOut } from '@cobrowse/resilience';
import { describeFailure } from './settle-message';

/** One key's messages of a batch, in log order. */
export interface MessageGroup {
  key: string;
  messages: JsMsg[];
}

/**
 * How a group went: its first `applied` messages are done (they are acked); the next one
 * failed with `failure` (the rest of the group waits behind it).
 */
export interface GroupOutcome {
  applied: number;
  failure?: unknown;
}

export type ApplyBatch = (groups: MessageGroup[]) => Promise<GroupOutcome[]>;

export interface KeyedBatchesOptions {
  applyBatch: ApplyBatch;
  /** Messages per batch at most. */
  maxBatch: number;
  /** Refusals of one message before it is parked (outages, by classifyFailure, are waited out). */
  maxAttempts: number;
  park: (m: JsMsg, reason: string, attempts: number) => Promise<void>;
  logger: Pick<Logger, 'warn' | 'error'>;
  context: Record<string, unknown>;
  /** Called for each message once applied and acked (the projection delay metric). */
  onApplied?: (m: JsMsg) => void;
}

interface Held {
  messages: JsMsg[];
  notBefore: number;
}

/** A key whose message failed: how often it was refused, and how often retried (its back-off). */
interface Retry {
  refusals: number;
  retries: number;
}

const IDLE_WAIT_MS = 1_000;

/**
 * Applies a consumer's messages in batches: everything that arrived while the previous
 * batch was being written goes into the next one (group commit), grouped by key so the
 * applier can fold a key's messages into one write. A key whose message failed waits (its
 * later messages behind it, in order) while other keys go on: a poison message is parked at
 * once, a refused one after `maxAttempts`, and an outage is waited out without counting.
 */
export class KeyedBatches {
  private readonly held = new Map<string, Held>();
  private readonly retries = new Map<string, Retry>();
  private count = 0;
  private inBatch = 0;
  private wake?: () => void;
  /** When the last message was settled: the progress watchdog's clock. */
  lastProgressAt = Date.now();

  constructor(private readonly options: KeyedBatchesOptions) {}

  /** Messages taken in and not yet settled. */
  get pending(): number {
    return this.count + this.inBatch;
  }

  add(key: string, m: JsMsg): void {
    const held = this.held.get(key);
    if (held) held.messages.push(m);
    else this.held.set(key, { messages: [m], notBefore: 0 });
    if (this.pending === 0) this.lastProgressAt = Date.now();
    this.count++;
    this.wake?.();
  }

  /** Applies batches while `active` says so; then hands every message it holds back (nak). */
  async run(active: () => boolean): Promise<void> {
    while (active()) {
      const batch = this.takeReady(Date.now());
      if (batch.length === 0) {
        await this.waitForWork();
        continue;
      }
      let outcomes: GroupOutcome[];
      try {
        outcomes = await this.options.applyBatch(batch);
      } catch (e) {
        outcomes = batch.map(() => ({ applied: 0, failure: e }));
      }
      for (let i = 0; i < batch.length; i++) await this.settle(batch[i], outcomes[i] ?? { applied: 0 });
      this.inBatch = 0;
    }
    this.handBack();
  }

  /** Ends a wait for work at once (the consumer stopped). */
  interrupt(): void {
    this.wake?.();
  }

  private takeReady(now: number): MessageGroup[] {
    const batch: MessageGroup[] = [];
    let taken = 0;
    for (const [key, held] of this.held) {
      if (taken >= this.options.maxBatch) break;
      if (held.notBefore > now) continue;
      const messages = held.messages.splice(0, this.options.maxBatch - taken);
      if (held.messages.length === 0) this.held.delete(key);
      batch.push({ key, messages });
      taken += messages.length;
    }
    this.count -= taken;
    this.inBatch = taken;
    return batch;
  }

  /** Acks what applied; parks or holds back the message that failed, and what follows it. */
  private async settle(group: MessageGroup, outcome: GroupOutcome): Promise<void> {
    const applied = Math.min(outcome.applied, group.messages.length);
    for (const m of group.messages.slice(0, applied)) {
      m.ack();
      this.options.onApplied?.(m);
    }
    if (applied > 0) this.lastProgressAt = Date.now();
    const rest = group.messages.slice(applied);
    if (outcome.failure === undefined) this.retries.delete(group.key);
    if (rest.length === 0) return;
    const held = this.holdBack(group.key, rest);
    if (outcome.failure === undefined) return; // not reached this time: the next batch has them
    const failure = outcome.failure;
    const retry = this.retries.get(group.key) ?? { refusals: 0, retries: 0 };
    this.retries.set(group.key, retry);
    const reason = (failure as Error)?.message ?? String(failure);
    const kind = classifyFailure(failure);
    const poison = kind === 'poison';
    const outage = waitsOut(kind);
    const context = { ...this.options.context, seq: rest[0].seq };
    if (poison || (!outage && ++retry.refusals >= this.options.maxAttempts)) {
      try {
        await this.options.park(rest[0], reason, poison ? retry.refusals + 1 : retry.refusals);
        this.options.logger.error({
          msg: 'parked an event',
          ...context,
          attempts: retry.refusals,
          ...(poison ? { reason } : describeFailure(failure)),
        });
        held.messages.shift();
        this.count--;
        this.lastProgressAt = Date.now();
        if (held.messages.length === 0) this.held.delete(group.key);
        this.retries.delete(group.key);
        return;
      } catch (e) {
        this.options.logger.warn({
          msg: 'could not park; will retry',
          ...context,
          error: (e as Error).message,
        });
      }
    } else {
      this.options.logger.warn({ msg: 'apply failed; will retry', ...context, ...describeFailure(failure) });
    }
    held.notBefore = Date.now() + delayBefore(BACKOFF.dependency, ++retry.retries);
    for (const m of held.messages) m.working();
  }

  /** Puts a group's unsettled messages back in front of any that arrived meanwhile. */
  private holdBack(key: string, messages: JsMsg[]): Held {
    this.count += messages.length;
    const held = this.held.get(key);
    if (held) {
      held.messages.unshift(...messages);
      return held;
    }
    const fresh: Held = { messages, notBefore: 0 };
    this.held.set(key, fresh);
    return fresh;
  }

  private waitForWork(): Promise<void> {
    const now = Date.now();
    let wait = IDLE_WAIT_MS;
    for (const held of this.held.values()) wait = Math.min(wait, Math.max(0, held.notBefore - now));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private handBack(): void {
    for (const held of this.held.values()) for (const m of held.messages) m.nak();
    this.held.clear();
    this.retries.clear();
    this.count = 0;
  }
}
