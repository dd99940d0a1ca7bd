import type { NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import { CONFIG } from '../config';
import { progress, sleep } from '../stats';

interface Sample {
  at: number;
  floor: number;
  left: number;
}

export interface DrainResult {
  /** Events acknowledged per second, from the first one acknowledged to an empty backlog. */
  eps: number;
  events: number;
  /** From the call (e.g. right after a restart) to an empty backlog. */
  catchUpSeconds: number;
  backlogAtStart: number;
  /** False when it still had a backlog at the timeout (`left` events); the run goes on and says so. */
  caughtUp: boolean;
  left: number;
}

/**
 * Waits until a durable consumer has applied everything, and measures how fast it got there:
 * events acknowledged per second while it had a backlog, timed from its first acknowledgement
 * (so a service's start-up is not counted) to the last.
 */
export async function drain(
  nc: NatsConnection,
  consumer: string,
  timeoutMs = CONFIG.drainTimeoutSeconds * 1000,
): Promise<DrainResult> {
  const jsm = await nc.jetstreamManager();
  const sample = async (): Promise<Sample> => {
    const info = await jsm.consumers.info(EVENTS_STREAM, consumer);
    return {
      at: performance.now(),
      floor: info.ack_floor.stream_seq,
      left: info.num_pending + info.num_ack_pending,
    };
  };
  const called = performance.now();
  const first = await sample();
  let moved: Sample | undefined;
  let last = first;
  let lastProgress = called;
  const deadline = Date.now() + timeoutMs;
  while (last.left > 0 && Date.now() < deadline) {
    await sleep(250);
    const next = await sample();
    if (!moved && next.floor !== last.floor) moved = last;
    if (next.at - lastProgress > 10_000) {
      lastProgress = next.at;
      progress(`  ${consumer}: ${next.left} events left`);
    }
    last = next;
  }
  if (last.left > 0)
    progress(`  ${consumer} did not catch up within ${timeoutMs / 1000} s: ${last.left} events left`);
  const from = moved ?? first;
  const seconds = (last.at - from.at) / 1000;
  // The backlog it was given (the consumer's own count: facts its filter skips are not in it);
  // nothing is appended meanwhile in the phases that measure.
  const events = first.left - last.left;
  return {
    eps: seconds > 0 ? events / seconds : 0,
    events,
    catchUpSeconds: (last.at - called) / 1000,
    backlogAtStart: first.left,
    caughtUp: last.left === 0,
    left: last.left,
  };
}
