import { Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  type AppendEventResult,
  type AppendEventsReply,
  type AppendEventsRequest,
  type ErrorBody,
} from '@cobrowse/contracts';
import { AppendSessionEventUseCase } from './append-session-event.usecase';

const SESSIONS_IN_PARALLEL = 32;
const EVENT_LOG_UNAVAILABLE: ErrorBody = {
  statusCode: 503,
  code: ErrorCode.ServiceUnavailable,
  message: 'event log unavailable; retry',
};

/**
 * A batch of reported facts: events of one session are decided in request order,
 * sessions independently; one bad event rejects only itself.
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
        for (const index of positions) {
          const event = request.events[index];
          try {
            results[index] = await this.appendOne.execute(request.tenant, event);
          } catch (e) {
            this.logger.error({ msg: 'append failed', error: (e as Error).message });
            results[index] = { event_id: event.event_id, status: 'rejected', error: EVENT_LOG_UNAVAILABLE };
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SESSIONS_IN_PARALLEL, queues.length) }, worker));
    return { results };
  }
}
