import { Injectable } from '@nestjs/common';
import { LifecycleClient } from '../services/lifecycle.client';
import {
  EARLIER_FACT_NOT_LOGGED,
  eventTypeLabel,
  RequestErrorCode,
  RequestException,
  type AppendEventResult,
  type ErrorBody,
  type HeartbeatReport,
  type ReportedConnectionEvent,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { eventsRejected, heartbeatsKept } from '@cobrowse/observability';
import type { BatchResultDto } from './dto/ingest-batch.dto';
import { parseBatchItem } from './batch-item.parser';
import { heartbeatsToJudge } from './heartbeats-to-judge';
import { PresenceClient, type BeatOutcome } from './presence.client';
import { refuseUnderPolicy } from '../auth/session-access';
import type { Principal } from '../auth/principal';

/**
 * POST /v1/events and cobrowse.ingest: 1..500 facts of any sessions; every item gets a
 * result, in request order; invalid items are rejected here and never reach the log.
 */
@Injectable()
export class IngestBatchUseCase {
  constructor(
    private readonly lifecycle: LifecycleClient,
    private readonly presence: PresenceClient,
  ) {}

  async execute(principal: Principal, items: unknown[]): Promise<{ results: BatchResultDto[] }> {
    refuseUnderPolicy(principal, 'report batches of events');
    const { tenant, actor } = principal;
    const results: BatchResultDto[] = new Array(items.length);
    const valid: ReportedSessionEvent[] = [];
    const positions: number[] = [];
    const connections: Array<{ index: number; event: ReportedConnectionEvent }> = [];
    items.forEach((item, index) => {
      const parsed = parseBatchItem(tenant, item);
      if (parsed.ok && parsed.kind === 'session') {
        valid.push({ ...parsed.event, actor });
        positions.push(index);
      } else if (parsed.ok) {
        connections.push({ index, event: { ...parsed.event, actor } });
      } else {
        results[index] = {
          event_id: parsed.event_id,
          session_id: parsed.session_id,
          status: 'rejected',
          error: errorOf(parsed.error),
        };
        eventsRejected.inc({
          type: eventTypeLabel((item as { type?: unknown })?.type),
          code: parsed.error.code,
        });
      }
    });
    if (valid.length) {
      const decided = await this.lifecycle.append(tenant, valid);
      decided.forEach((result, i) => {
        const event = valid[i];
        results[positions[i]] = {
          event_id: result.event_id,
          session_id: event.session_id,
          status: result.status,
          ...(result.version !== undefined ? { version: result.version } : {}),
          ...(result.error ? { error: errorOf(result.error) } : {}),
        };
      });
    }
    // Heartbeats that may change nothing are judged by the tracker first (one request per 100):
    // those it keeps as presence are done, the rest are logged below with the other facts.
    const judged = heartbeatsToJudge(connections.map((c) => c.event));
    const outcomes = new Map<number, BeatOutcome>();
    if (judged.length) {
      const verdicts = await this.presence.judge(
        tenant,
        judged.map((i) => heartbeatReport(connections[i].event)),
      );
      judged.forEach((i, n) => outcomes.set(i, verdicts[n]));
    }
    // Facts of one device must reach the log in request order: once one could not be judged,
    // the device's later facts are not tried (the relay retries them in order); the lifecycle
    // keeps the same rule for facts it cannot log.
    const blockedDevices = new Set<string>();
    const toLog: Array<{ index: number; event: ReportedConnectionEvent }> = [];
    for (const [n, { index, event }] of connections.entries()) {
      if (blockedDevices.has(event.device_id)) {
        results[index] = unavailable(event, EARLIER_FACT_NOT_LOGGED);
        continue;
      }
      const outcome = outcomes.get(n);
      if (outcome === 'seen' || outcome === 'duplicate') {
        results[index] = { event_id: event.event_id, status: outcome === 'seen' ? 'accepted' : 'duplicate' };
        if (outcome === 'seen') heartbeatsKept.inc();
      } else if (outcome === 'unavailable') {
        blockedDevices.add(event.device_id);
        results[index] = unavailable(event, 'presence unavailable; retry');
      } else toLog.push({ index, event });
    }
    if (toLog.length) {
      const logged = await this.lifecycle
        .appendConnectionFacts(
          tenant,
          toLog.map((c) => c.event),
        )
        .catch(() => toLog.map(({ event }) => unavailableResult(event, 'event log unavailable; retry')));
      logged.forEach((result, k) => (results[toLog[k].index] = batchResult(result)));
    }
    return { results };
  }
}

function heartbeatReport(event: ReportedConnectionEvent): HeartbeatReport {
  const data = event.data as Partial<HeartbeatReport>;
  return {
    event_id: event.event_id,
    device_id: event.device_id,
    connection_id: data.connection_id!,
    occurred_at: event.occurred_at,
    ...(data.current_url !== undefined ? { current_url: data.current_url } : {}),
    ...(data.has_focus !== undefined ? { has_focus: data.has_focus } : {}),
  };
}

/** A connection fact that could not be judged or logged now: the relay retries it. */
function unavailable(event: ReportedConnectionEvent, message: string): BatchResultDto {
  return batchResult(unavailableResult(event, message));
}

function unavailableResult(event: ReportedConnectionEvent, message: string): AppendEventResult {
  eventsRejected.inc({ type: event.type, code: RequestErrorCode.ServiceUnavailable });
  return {
    event_id: event.event_id,
    status: 'rejected',
    error: new RequestException(RequestErrorCode.ServiceUnavailable, message).toBody(),
  };
}

function batchResult(result: AppendEventResult): BatchResultDto {
  return {
    event_id: result.event_id,
    status: result.status,
    ...(result.error ? { error: errorOf(result.error) } : {}),
  };
}

/** A batch item's error as the result carries it: the body without its HTTP status. */
function errorOf(body: ErrorBody): BatchResultDto['error'] {
  return { code: body.code, message: body.message, details: body.details };
}
