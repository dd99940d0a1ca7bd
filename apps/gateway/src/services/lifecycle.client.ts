import { Injectable } from '@nestjs/common';
import {
  EARLIER_EVENT_NOT_LOGGED,
  EARLIER_FACT_NOT_LOGGED,
  RequestErrorCode,
  RequestException,
  RPC,
  SessionException,
  type AppendConnectionFactsReply,
  type AppendConnectionFactsRequest,
  type ReportedConnectionEvent,
  type AppendEventResult,
  type AppendEventsReply,
  type AppendEventsRequest,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';
import { assertPatchCanFit } from '@cobrowse/session-domain';

/** Long enough for a 500-event batch on a busy log; a dead replica's requests fail after this. */
const APPEND_TIMEOUT_MS = 15_000;
/**
 * A request carries at most this much JSON: a 1 MB body can grow past NATS's 1 MB once ids
 * are filled in, so a large batch goes as several requests, in order (a session's events keep
 * their order because the requests follow one another).
 */
const REQUEST_BYTES = 512 * 1024;

/** The session-lifecycle service: the only writer of the event log. */
@Injectable()
export class LifecycleClient {
  constructor(private readonly rpc: RpcClient) {}

  /** Results in request order; `includeSession` asks for the session as decided (single-event endpoints). */
  async append(
    tenant: string,
    events: ReportedSessionEvent[],
    options: { includeSession?: boolean } = {},
  ): Promise<AppendEventResult[]> {
    const results: AppendEventResult[] = new Array(events.length);
    const toSend: number[] = [];
    events.forEach((event, i) => {
      const refused = refusedHere(event);
      if (refused) results[i] = refused;
      else toSend.push(i);
    });
    const sent = await inOrderedParts(
      toSend.map((i) => events[i]),
      (event) => event.session_id,
      EARLIER_EVENT_NOT_LOGGED,
      async (part) =>
        (
          await this.rpc.send<AppendEventsReply, AppendEventsRequest>(
            RPC.lifecycleAppend,
            { tenant, events: part, include_session: options.includeSession ?? false },
            APPEND_TIMEOUT_MS,
          )
        ).results,
    );
    sent.forEach((result, k) => (results[toSend[k]] = result));
    return results;
  }

  /** Connection facts for the log, results in request order (a device's facts are logged in that order). */
  appendConnectionFacts(tenant: string, facts: ReportedConnectionEvent[]): Promise<AppendEventResult[]> {
    return inOrderedParts(
      facts,
      (fact) => fact.device_id,
      EARLIER_FACT_NOT_LOGGED,
      async (part) =>
        (
          await this.rpc.send<AppendConnectionFactsReply, AppendConnectionFactsRequest>(
            RPC.lifecycleAppendConnectionFacts,
            { tenant, facts: part },
            APPEND_TIMEOUT_MS,
          )
        ).results,
    );
  }
}

/**
 * Sends items as requests of at most REQUEST_BYTES, one after another. Once an item of a key
 * (a session, a device) could not be logged, the key's items in later requests are not sent:
 * the lifecycle keeps that rule within a request, this keeps it across them.
 */
async function inOrderedParts<T extends { event_id: string }>(
  items: T[],
  keyOf: (item: T) => string,
  notTried: string,
  send: (part: T[]) => Promise<AppendEventResult[]>,
): Promise<AppendEventResult[]> {
  const results: AppendEventResult[] = new Array(items.length);
  const blocked = new Set<string>();
  const skipped = new RequestException(RequestErrorCode.ServiceUnavailable, notTried).toBody();
  for (const part of splitBySize(
    items.map((_, i) => i),
    REQUEST_BYTES,
    (i) => items[i],
  )) {
    const toSend = part.filter((i) => !blocked.has(keyOf(items[i])));
    for (const i of part)
      if (blocked.has(keyOf(items[i])))
        results[i] = { event_id: items[i].event_id, status: 'rejected', error: skipped };
    if (!toSend.length) continue;
    const replies = await send(toSend.map((i) => items[i]));
    replies.forEach((result, k) => {
      results[toSend[k]] = result;
      if (result.status === 'rejected' && result.error?.code === RequestErrorCode.ServiceUnavailable)
        blocked.add(keyOf(items[toSend[k]]));
    });
  }
  return results;
}

/** A fact the lifecycle would refuse whatever the session holds: metadata that cannot fit (and might not fit in a request). */
function refusedHere(event: ReportedSessionEvent): AppendEventResult | null {
  try {
    assertPatchCanFit(event.data);
    return null;
  } catch (e) {
    if (!(e instanceof SessionException)) throw e;
    return { event_id: event.event_id, status: 'rejected', error: e.toBody() };
  }
}

/** Consecutive runs of items whose JSON (of `measured(item)`) stays within `maxBytes` (one item per run at least). */
export function splitBySize<T>(
  items: T[],
  maxBytes: number,
  measured: (item: T) => unknown = (item) => item,
): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(measured(item))) + 1;
    if (current.length && bytes + size > maxBytes) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) parts.push(current);
  return parts;
}
