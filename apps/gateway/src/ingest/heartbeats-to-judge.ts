import type { ReportedConnectionEvent } from '@cobrowse/contracts';

/**
 * Which facts of a batch (their positions) are heartbeats the tracker may keep out of the log:
 * those of a device with no other fact before them in the batch. Once an opened or closed fact
 * of a device goes to the log, its later heartbeats follow it there, in order: judged against
 * the state before that fact, they could be kept as presence and overtake it.
 */
export function heartbeatsToJudge(
  facts: ReadonlyArray<Pick<ReportedConnectionEvent, 'type' | 'device_id'>>,
): number[] {
  const logged = new Set<string>();
  const judged: number[] = [];
  facts.forEach((fact, index) => {
    if (fact.type !== 'connection.heartbeat') logged.add(fact.device_id);
    else if (!logged.has(fact.device_id)) judged.push(index);
  });
  return judged;
}
