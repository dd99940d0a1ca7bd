/** How long log positions are remembered; a deadline older than that waits for the oldest one kept. */
const KEEP_MS = 15 * 60_000;

/**
 * Whether the tracker has applied everything the log held at a given moment. The sweeper
 * samples the log's last position as time goes by; a deadline that fell due at D may only be
 * acted on once the consumer's checkpoint has reached the position sampled at (or just after)
 * D — otherwise activity recorded before D may still be waiting to be applied, and the
 * session would be ended on a stale view.
 */
export class AppliedWatermark {
  private readonly samples: Array<{ at: number; lastSeq: number }> = [];

  record(at: number, lastSeq: number): void {
    this.samples.push({ at, lastSeq });
    while (this.samples.length > 1 && this.samples[0].at < at - KEEP_MS) this.samples.shift();
  }

  /** Whether a deadline due at `dueAt` can be acted on with the consumer's checkpoint at `appliedSeq`. */
  covers(dueAt: number, appliedSeq: number): boolean {
    const sample = this.samples.find((s) => s.at >= dueAt) ?? this.samples[this.samples.length - 1];
    return sample !== undefined && appliedSeq >= sample.lastSeq;
  }
}
