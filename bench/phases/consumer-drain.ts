import type { NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import { progress, sleep } from '../stats';

interface Sample {
  at: number;
  floor: number;
  left: number;
}

/**
 * Waits until a durable consumer has applied everything, and measures how fast it got there:
 * events acknowledged per second while it still had a backlog.
 */
export async function drain(nc: NatsConnection, consumer: string, timeoutMs = 600_000): Promise<number> {
  const jsm = await nc.jetstreamManager();
  const sample = async (): Promise<Sample> => {
    const info = await jsm.consumers.info(EVENTS_STREAM, consumer);
    return {
      at: performance.now(),
      floor: info.ack_floor.consumer_seq,
      left: info.num_pending + info.num_ack_pending,
    };
  };
  const first = await sample();
  let last = first;
  const deadline = Date.now() + timeoutMs;
  while (last.left > 0 && Date.now() < deadline) {
    await sleep(1_000);
    const next = await sample();
    if (Math.floor(next.at / 10_000) !== Math.floor(last.at / 10_000))
      progress(`  ${consumer}: ${next.left} events left`);
    last = next;
  }
  if (last.left > 0) throw new Error(`${consumer} did not catch up within ${timeoutMs / 1000} s`);
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0 ? (last.floor - first.floor) / seconds : 0;
}
