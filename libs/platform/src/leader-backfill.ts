import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Leadership } from '@cobrowse/messaging';

/** Where a backfill's done mark is kept (an IndexPagesStore keeps marks). */
export interface BackfillMarks {
  hasMark(mark: string): Promise<boolean>;
  setMark(mark: string): Promise<void>;
}

/**
 * A one-time job of whichever replica leads, such as filling a read model that came after
 * the data: each new leader runs it in the background unless it is marked done, and marks it
 * done only if it still leads at the end. A leader that stops half-way (lease lost, crash,
 * error) leaves it to the next one, so `fill` must be safe to run again.
 */
export abstract class LeaderBackfill implements OnApplicationBootstrap {
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(
    /** What is backfilled, for the log: "<name> backfilled". */
    private readonly name: string,
    private readonly mark: string,
    private readonly marks: BackfillMarks,
    protected readonly leadership: Leadership,
  ) {}

  /** Does the work while `leads()`; resolves with what to log, or null when leadership ended first. */
  protected abstract fill(leads: () => boolean): Promise<Record<string, unknown> | null>;

  onApplicationBootstrap(): void {
    this.leadership.onChange((leading) => {
      if (leading) void this.run(this.leadership.term);
    });
  }

  async run(term: number): Promise<void> {
    const leads = () => this.leadership.leadsIn(term);
    try {
      if (await this.marks.hasMark(this.mark)) return;
      const done = await this.fill(leads);
      if (done === null || !leads()) return;
      await this.marks.setMark(this.mark);
      this.logger.log({ msg: `${this.name} backfilled`, ...done });
    } catch (e) {
      this.logger.warn({
        msg: `${this.name} backfill stopped; the next leader does it`,
        error: (e as Error).message,
      });
    }
  }
}
