import { Injectable } from '@nestjs/common';
import { ErrorCode, type NatsError } from 'nats';
import {
  PRESENCE_SUBJECTS,
  type BeatVerdict,
  type HeartbeatReport,
  type PresenceBeatsReply,
  type PresenceBeatsRequest,
} from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';
import { natsRequestDuration, timed } from '@cobrowse/observability';

/** Beats per request to the tracker: well under what a NATS message carries, whatever their URLs. */
const BEATS_PER_REQUEST = 100;
const ANSWER_WITHIN_MS = 3_000;

/**
 * Per beat: the leader's verdict, or `unavailable` when a leader was asked and did not answer
 * in time (the relay retries it). When no tracker leads at all (nobody listens) the beats are
 * logged, as every fact was before, and applied once a leader is back.
 */
export type BeatOutcome = BeatVerdict | 'unavailable';

/** Asks the connection-tracker's leader which heartbeats change state (docs/presence.md). */
@Injectable()
export class PresenceClient {
  constructor(private readonly nats: NatsConnectionService) {}

  /** In order, a batch at a time, so the beats of one connection are judged in the order reported. */
  async judge(tenant: string, beats: HeartbeatReport[]): Promise<BeatOutcome[]> {
    const outcomes: BeatOutcome[] = [];
    for (let i = 0; i < beats.length; i += BEATS_PER_REQUEST) {
      const chunk = beats.slice(i, i + BEATS_PER_REQUEST);
      const answer = await this.ask({ tenant, beats: chunk });
      if (answer === 'unavailable') return [...outcomes, ...beats.slice(i).map(() => answer)];
      outcomes.push(...(answer === 'no-leader' ? chunk.map(() => 'log' as const) : answer));
    }
    return outcomes;
  }

  private async ask(request: PresenceBeatsRequest): Promise<BeatVerdict[] | 'no-leader' | 'unavailable'> {
    try {
      const reply = await timed(natsRequestDuration, 'presence', () =>
        this.nats.nc.request(PRESENCE_SUBJECTS.beats, JSON.stringify(request), { timeout: ANSWER_WITHIN_MS }),
      );
      const { verdicts } = JSON.parse(Buffer.from(reply.data).toString('utf8')) as PresenceBeatsReply;
      return Array.isArray(verdicts) && verdicts.length === request.beats.length ? verdicts : 'unavailable';
    } catch (e) {
      return (e as NatsError).code === ErrorCode.NoResponders ? 'no-leader' : 'unavailable';
    }
  }
}
