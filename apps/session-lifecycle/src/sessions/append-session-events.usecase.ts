import { Injectable, Logger } from '@nestjs/common';
import {
  EARLIER_EVENT_NOT_LOGGED,
  isSessionEventType,
  parseTimestamp,
  RequestErrorCode,
  RequestException,
  validateEventData,
  type AppendEventResult,
  type AppendEventsReply,
  type AppendEventsRequest,
  type ErrorBody,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { AppendSessionEventUseCase } from './append-session-event.usecase';
import { counted } from './append-outcome.metrics';
import { EVENT_LOG_UNAVAILABLE, inKeyOrder } from '../event-log/in-key-order';
import { invalid, itemRefusal } from '../event-log/reported-item.refusal';

const SESSIONS_IN_PARALLEL = 32;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A session event the lifecycle refuses whatever the session holds (itemRefusal first). */
function refusal(tenant: string, event: ReportedSessionEvent): ErrorBody | null {
  const basic = itemRefusal(tenant, event, isSessionEventType, 'session event');
  if (basic) return basic;
  if (typeof event.session_id !== 'string' || !UUID.test(event.session_id))
    return invalid('session_id must be a lower-case UUID');
  if (typeof event.occurred_at !== 'number' || parseTimestamp(event.occurred_at) === null)
    return invalid('occurred_at must be epoch ms within the years 1970-9999');
  const data = validateEventData(event.type, event.data);
  return data.data ? null : invalid(`${data.issues[0].field}: ${data.issues[0].message}`, data.issues);
}

function validData(event: ReportedSessionEvent) {
  return validateEventData(event.type, event.data).data!;
}

/** Given to a session's later events once one could not be logged, so that a retry keeps their order. */
const EARLIER_EVENT_UNAVAILABLE = new RequestException(
  RequestErrorCode.ServiceUnavailable,
  EARLIER_EVENT_NOT_LOGGED,
).toBody();

/**
 * A batch of reported facts: events of one session are decided in request order,
 * sessions independently; one bad event rejects only itself. Once an event of a session
 * could not be logged (retry), its later events are not tried: logged without it, they would
 * be out of order, or refused for good as transitions that would have been valid after it.
 */
@Injectable()
export class AppendSessionEventsUseCase {
  private readonly logger = new Logger(AppendSessionEventsUseCase.name);

  constructor(private readonly appendOne: AppendSessionEventUseCase) {}

  async execute(request: AppendEventsRequest): Promise<AppendEventsReply> {
    const results = await inKeyOrder(
      request.events,
      (event) => String(event?.session_id),
      SESSIONS_IN_PARALLEL,
      async (event, blocked): Promise<AppendEventResult> => {
        const refused = refusal(request.tenant, event);
        if (refused)
          return counted(event?.type, {
            event_id: String(event?.event_id ?? ''),
            status: 'rejected',
            error: refused,
          });
        if (blocked)
          return counted(event.type, {
            event_id: event.event_id,
            status: 'rejected',
            error: EARLIER_EVENT_UNAVAILABLE,
          });
        try {
          const result = await this.appendOne.execute(request.tenant, { ...event, data: validData(event) });
          if (!request.include_session) delete result.session;
          return result;
        } catch (e) {
          this.logger.error({ msg: 'append failed', error: (e as Error).message });
          return counted(event.type, {
            event_id: event.event_id,
            status: 'rejected',
            error: EVENT_LOG_UNAVAILABLE,
          });
        }
      },
    );
    return { results };
  }
}
