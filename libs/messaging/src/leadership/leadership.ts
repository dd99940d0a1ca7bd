import type { Logger } from '@nestjs/common';
import { UnavailableError } from '@cobrowse/resilience';

/** The lease a Leadership holds (LeaderLease on NATS KV; a fake in unit tests). */
export interface Lease {
  readonly ttlMs: number;
  tryAcquire(): Promise<boolean>;
  /** False when someone else holds the lease now (ours expired). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Something the holder must keep doing to deserve the lease: it says how long it has been stuck. */
export interface ProgressCheck {
  name: string;
  /** Milliseconds without progress while there was work to do; 0 when fine. */
  stalledFor(now: number): number;
}

export type LeadershipListener = (leading: boolean) => Promise<void> | void;

export interface LeadershipOptions {
  /** What is led, for logs (e.g. `history-projector`). */
  name: string;
  /** A holder that makes no progress for this long steps down. */
  stallLimitMs: number;
  logger: Pick<Logger, 'log' | 'warn'>;
}

/** The part of the lease a holder may use: it stops writing this long before the lease can expire. */
const FENCE_FRACTION = 0.6;
const TICKS_PER_LEASE = 5;

/**
 * Thrown by a write that finds this replica no longer leads: an outage (classifyFailure), so
 * the message is handed back to the next leader, never counted against it.
 */
export class NotLeaderError extends UnavailableError {
  constructor(name: string) {
    super(`this replica no longer leads ${name}`);
    this.name = 'NotLeaderError';
  }
}

/**
 * Which replica of a stateful service does its singleton work (consume the log into a read
 * model, sweep, purge): the one holding a lease. FerretDB v1 updates are read-then-write, so a
 * read model must have exactly one writer at a time.
 *
 * Fencing: the holder counts its lease from before each renewal request and stops leading at
 * 60% of it, so it has stopped writing (and dropped prefetched work) well before the lease
 * can expire on the server; a successor can only create the key once the full lease has run
 * out since the last renewal. Progress: the lease is renewed only while every watched check
 * (the consumer applies, the database answers) makes progress, so a stuck holder — a hung
 * driver included — steps down and a healthy standby takes over.
 */
export class Leadership {
  private leading = false;
  private validUntil = 0;
  private holdOffUntil = 0;
  private stopped = false;
  private ticking = false;
  private timer?: NodeJS.Timeout;
  private fenceTimer?: NodeJS.Timeout;
  private readonly listeners: LeadershipListener[] = [];
  private readonly checks: ProgressCheck[] = [];
  /** Listener calls in order, so a quick lose-then-win never overtakes itself. */
  private notifying: Promise<void> = Promise.resolve();
  private terms = 0;

  constructor(
    private readonly lease: Lease,
    private readonly options: LeadershipOptions,
  ) {}

  /** Whether this replica leads now: it holds the lease and is inside its fenced part. */
  get isLeader(): boolean {
    return this.leading && Date.now() < this.validUntil;
  }

  /**
   * Which time this replica leads (counted from 1 at each acquisition). A listener still busy
   * with a term that ended is told by this, even when the replica leads again meanwhile.
   */
  get term(): number {
    return this.terms;
  }

  /** Whether this replica leads now, in the given term. */
  leadsIn(term: number): boolean {
    return this.isLeader && this.terms === term;
  }

  /** For a write about to happen: throws when this replica must not write any more. */
  assertLeader(): void {
    if (!this.isLeader) throw new NotLeaderError(this.options.name);
  }

  /** Called with true when this replica starts leading and false when it stops (awaited in order). */
  onChange(listener: LeadershipListener): void {
    this.listeners.push(listener);
    if (this.leading) this.notify([listener], true);
  }

  /** Adds a check that must show progress for the lease to be renewed. */
  watch(check: ProgressCheck): void {
    this.checks.push(check);
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, this.lease.ttlMs / TICKS_PER_LEASE));
  }

  /** Stops leading (listeners finish their work first), then frees the lease for a successor. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const wasLeading = this.leading;
    await this.lose('shutting down');
    if (wasLeading) await this.lease.release().catch(() => undefined);
  }

  /** Hands the lease over and stays away for `holdOffMs` (a rebuild asks; 0 says it is done). */
  async stepDown(holdOffMs: number, reason: string): Promise<void> {
    this.holdOffUntil = Date.now() + holdOffMs;
    if (!this.leading) return;
    await this.lose(reason);
    await this.lease.release().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    try {
      if (this.leading && Date.now() >= this.validUntil) await this.lose('lease not renewed in time');
      const stalled = this.firstStalled(Date.now());
      if (this.leading) {
        if (stalled) return await this.stepDown(2 * this.lease.ttlMs, `no progress: ${stalled}`);
        const askedAt = Date.now();
        if (await this.lease.renew()) this.extend(askedAt);
        else await this.lose('someone else holds the lease');
      } else if (!stalled && Date.now() >= this.holdOffUntil) {
        const askedAt = Date.now();
        if (await this.lease.tryAcquire()) {
          this.extend(askedAt);
          this.leading = true;
          this.terms++;
          this.options.logger.log({ msg: 'leading', of: this.options.name });
          this.notify(this.listeners, true);
        }
      }
    } catch (e) {
      this.options.logger.warn({
        msg: 'lease check failed',
        of: this.options.name,
        error: (e as Error).message,
      });
    } finally {
      this.ticking = false;
    }
  }

  private extend(askedAt: number): void {
    if (this.stopped) return;
    this.validUntil = askedAt + this.lease.ttlMs * FENCE_FRACTION;
    clearTimeout(this.fenceTimer);
    this.fenceTimer = setTimeout(
      () => void this.lose('lease not renewed in time'),
      Math.max(0, this.validUntil - Date.now()),
    );
  }

  private firstStalled(now: number): string | undefined {
    const limit = this.options.stallLimitMs;
    return this.checks.find((c) => c.stalledFor(now) > limit)?.name;
  }

  private async lose(reason: string): Promise<void> {
    clearTimeout(this.fenceTimer);
    this.validUntil = 0;
    if (!this.leading) return this.notifying;
    this.leading = false;
    this.options.logger.warn({ msg: 'stopped leading', of: this.options.name, reason });
    return this.notify(this.listeners, false);
  }

  private notify(listeners: LeadershipListener[], leading: boolean): Promise<void> {
    this.notifying = this.notifying.then(async () => {
      for (const listener of listeners) {
        try {
          await listener(leading);
        } catch (e) {
          this.options.logger.warn({
            msg: 'leadership listener failed',
            of: this.options.name,
            error: (e as Error).message,
          });
        }
      }
    });
    return this.notifying;
  }
}
