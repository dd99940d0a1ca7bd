import { Injectable } from '@nestjs/common';
import {
  RPC,
  SessionException,
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

/** The session-lifecycle service: the only writer of session events. */
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
    for (const part of splitBySize(toSend, REQUEST_BYTES, (i) => events[i])) {
      const reply = await this.rpc.send<AppendEventsReply, AppendEventsRequest>(
        RPC.lifecycleAppend,
        { tenant, events: part.map((i) => events[i]), include_session: options.includeSession ?? false },
        APPEND_TIMEOUT_MS,
      );
      reply.results.forEach((result, k) => (results[part[k]] = result));
    }
    return results;
  }
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
