import { Injectable, Logger } from '@nestjs/common';
import {
  EARLIER_FACT_NOT_LOGGED,
  isConnectionEventType,
  parseTimestamp,
  RequestErrorCode,
  RequestException,
  validateConnectionData,
  type AppendConnectionFactsReply,
  type AppendConnectionFactsRequest,
  type AppendEventResult,
  type ErrorBody,
  type ReportedConnectionEvent,
} from '@cobrowse/contracts';
import { EVENT_LOG_UNAVAILABLE, inKeyOrder } from '../event-log/in-key-order';
import { invalid, itemRefusal } from '../event-log/reported-item.refusal';
import { counted } from '../sessions/append-outcome.metrics';
import { ConnectionFactLog } from './connection-fact.log';

const DEVICES_IN_PARALLEL = 32;
const NOT_TRIED = new RequestException(RequestErrorCode.ServiceUnavailable, EARLIER_FACT_NOT_LOGGED).toBody();

/** A connection fact as the lifecycle logs it (its data as validated), or why it refuses it (itemRefusal first). */
function checked(
  tenant: string,
  fact: ReportedConnectionEvent,
): { fact: ReportedConnectionEvent } | { refused: ErrorBody } {
  const refuse = (error: ErrorBody) => ({ refused: error });
  const basic = itemRefusal(tenant, fact, isConnectionEventType, 'connection fact');
  if (basic) return refuse(basic);
  if (typeof fact.occurred_at !== 'number' || parseTimestamp(fact.occurred_at) === null)
    return refuse(invalid('occurred_at must be epoch ms within the years 1970-9999'));
  const { data, issues } = validateConnectionData(fact.type, fact.data);
  if (!data) return refuse(invalid(`${issues[0].field}: ${issues[0].message}`, issues));
  if (data.device_id !== fact.device_id) return refuse(invalid('device_id must be the one in data'));
  return { fact: { ...fact, data } };
}

/**
 * A request's connection facts into the log (SPEC section 7): a device's facts in request
 * order, devices side by side; once a device's fact could not be logged, its later ones are
 * not tried, so a retry keeps their order.
 */
@Injectable()
export class AppendConnectionFactsUseCase {
  private readonly logger = new Logger(AppendConnectionFactsUseCase.name);

  constructor(private readonly log: ConnectionFactLog) {}

  async execute({ tenant, facts }: AppendConnectionFactsRequest): Promise<AppendConnectionFactsReply> {
    const results = await inKeyOrder(
      facts,
      (fact) => String(fact?.device_id),
      DEVICES_IN_PARALLEL,
      async (fact, blocked): Promise<AppendEventResult> => {
        const check = checked(tenant, fact);
        const eventId = String(fact?.event_id ?? '');
        if ('refused' in check)
          return counted(fact?.type, { event_id: eventId, status: 'rejected', error: check.refused });
        if (blocked) return counted(fact.type, { event_id: eventId, status: 'rejected', error: NOT_TRIED });
        try {
          return { event_id: eventId, status: await this.log.append(tenant, check.fact) };
        } catch (e) {
          this.logger.warn({ msg: 'a connection fact could not be logged', error: (e as Error).message });
          return counted(fact.type, { event_id: eventId, status: 'rejected', error: EVENT_LOG_UNAVAILABLE });
        }
      },
    );
    return { results };
  }
}
