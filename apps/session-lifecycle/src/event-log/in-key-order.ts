import { RequestErrorCode, RequestException, type AppendEventResult } from '@cobrowse/contracts';

/** An item the log did not take now (an outage, a timeout): the client retries it. */
export const EVENT_LOG_UNAVAILABLE = new RequestException(
  RequestErrorCode.ServiceUnavailable,
  'event log unavailable; retry',
).toBody();

const isUnavailable = (result: AppendEventResult) =>
  result.status === 'rejected' && result.error?.code === RequestErrorCode.ServiceUnavailable;

/**
 * The results of a batch's items, in request order: the items of one key (a session, a
 * device) one after another in request order, keys `parallel` at a time. `attempt` is told
 * whether an earlier item of the key could not be logged (answered SERVICE_UNAVAILABLE): its
 * later items must not be logged without it, or they would be out of order for good.
 */
export async function inKeyOrder<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  parallel: number,
  attempt: (item: T, blocked: boolean) => Promise<AppendEventResult>,
): Promise<AppendEventResult[]> {
  const results: AppendEventResult[] = new Array(items.length);
  const byKey = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const positions = byKey.get(key);
    if (positions) positions.push(index);
    else byKey.set(key, [index]);
  });
  const queues = [...byKey.values()];
  const worker = async () => {
    for (let positions = queues.shift(); positions; positions = queues.shift()) {
      let blocked = false;
      for (const index of positions) {
        results[index] = await attempt(items[index], blocked);
        blocked ||= isUnavailable(results[index]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queues.length) }, worker));
  return results;
}
