import type { AnySessionEvent, JsonObject } from '@cobrowse/contracts';
import type { EventLog } from '@cobrowse/messaging';
import { mergeShallow } from '@cobrowse/session-domain';

const REMEMBERED_SESSIONS = 10_000;

/**
 * The custom data of the sessions a filtered stream sees, so `filter_<key>` can be applied to
 * every event, not only to those that carry custom data. A session first seen mid-life is
 * folded from its own history in the log, up to the event at hand: exact, and independent of
 * the projector's lag.
 */
export class SessionCustomData {
  private readonly known = new Map<string, JsonObject>();

  constructor(
    private readonly log: EventLog,
    private readonly tenant: string,
  ) {}

  async after(event: AnySessionEvent, seq: number): Promise<JsonObject> {
    let data = this.known.get(event.session_id);
    if (event.type === 'session.created') data = (event.data.custom_data as JsonObject | undefined) ?? {};
    else if (data === undefined) data = await this.fromLog(event.session_id, seq);
    else if (event.type === 'session.metadata-updated' && event.data.custom_data)
      data = mergeShallow(data, event.data.custom_data as JsonObject);
    this.remember(event.session_id, data);
    return data;
  }

  /** What a session-updated snapshot says is the truth as of that event. */
  learn(sessionId: string, customData: JsonObject): void {
    this.remember(sessionId, customData);
  }

  private fromLog(sessionId: string, seq: number): Promise<JsonObject> {
    return customDataNow(this.log, this.tenant, sessionId, seq);
  }

  private remember(sessionId: string, data: JsonObject): void {
    this.known.delete(sessionId);
    this.known.set(sessionId, data);
    if (this.known.size > REMEMBERED_SESSIONS) this.known.delete(this.known.keys().next().value as string);
  }
}

/** A session's custom data folded from its history in the log, up to `seq` (its latest when absent). */
export async function customDataNow(
  log: EventLog,
  tenant: string,
  sessionId: string,
  seq = Infinity,
): Promise<JsonObject> {
  let data: JsonObject = {};
  for (const { seq: at, event } of await log.sessionHistory(tenant, sessionId)) {
    if (at > seq) break;
    if (event.type === 'session.created') data = (event.data.custom_data as JsonObject | undefined) ?? {};
    else if (event.type === 'session.metadata-updated' && event.data.custom_data)
      data = mergeShallow(data, event.data.custom_data as JsonObject);
  }
  return data;
}
