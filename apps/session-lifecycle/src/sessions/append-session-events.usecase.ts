import { Injectable, Logger } from '@nestjs/common';
import {
  EVENT_ID_PATTERN,
  isSessionEventType,
  isTenantId,
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
import { countAppendOutcome } from './append-outcome.metrics';

const SESSIONS_IN_PARALLEL = 32;
const EVENT_LOG_UNAVAILABLE = new RequestException(
  RequestErrorCode.ServiceUnavailable,
  'event log unavailable; retry',
).toBody();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The gateway validates first; this is the lifecycle not taking that on trust, since
 * anything on NATS could send it a request.
 */
function refusal(tenant: string, event: ReportedSessionEvent): ErrorBody | null {
  const invalid = (message: string, details: unknown[] = []): ErrorBody =>
    new RequestException(RequestErrorCode.ValidationFailed, message, details).toBody();
  if (!isTenantId(tenant)) return invalid('tenant is not valid');
  if (typeof event !== 'object' || event === null) return invalid('event must be an object');
  if (typeof event.event_id !== 'string' || !EVENT_ID_PATTERN.test(event.event_id))
    return invalid('event_id is not valid');
  if (!isSessionEventType(event.type)) return invalid('type is not a session event type');
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
  'not tried: an earlier event of this session in the batch could not be logged; retry them in order',
).toBody();

const isUnavailable = (result: AppendEventResult) =>
  result.status === 'rejected' && result.error?.code === RequestErrorCode.ServiceUnavailable;

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
    const results: AppendEventResult[] = new Array(request.events.length);
    const bySession = new Map<string, number[]>();
    request.events.forEach((event, index) => {
      const positions = bySession.get(event.session_id) ?? [];
      positions.push(index);
      bySession.set(event.session_id, positions);
    });

    const queues = [...bySession.values()];
    const worker = async () => {
      for (let positions = queues.shift(); positions; positions = queues.shift()) {
        let blocked = false;
        for (const index of positions) {
          const event = request.events[index];
          const refused = refusal(request.tenant, event);
          if (refused) {
            results[index] = { event_id: String(event?.event_id ?? ''), status: 'rejected', error: refused };
            countAppendOutcome(event?.type, results[index]);
            continue;
          }
          if (blocked) {
            results[index] = {
              event_id: event.event_id,
              status: 'rejected',
              error: EARLIER_EVENT_UNAVAILABLE,
            };
            countAppendOutcome(event.type, results[index]);
            continue;
          }
          try {
            const result = await this.appendOne.execute(request.tenant, { ...event, data: validData(event) });
            if (!request.include_session) delete result.session;
            results[index] = result;
          } catch (e) {
            this.logger.error({ msg: 'append failed', error: (e as Error).message });
            results[index] = { event_id: event.event_id, status: 'rejected', error: EVENT_LOG_UNAVAILABLE };
            countAppendOutcome(event.type, results[index]);
          }
          blocked = isUnavailable(results[index]);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SESSIONS_IN_PARALLEL, queues.length) }, worker));
    return { results };
  }
}
