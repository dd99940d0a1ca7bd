import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  policyAllows,
  SessionErrorCode,
  sessionEventsFilter,
  sessionUpdatedSubject,
  QueryErrorCode,
} from '@cobrowse/contracts';
import { EventLog } from '@cobrowse/messaging';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { sessionNotFound } from '../auth/session-access';
import { customDataNow } from './session-custom-data';
import { SessionIdPipe } from '../sessions/session-id.pipe';
import { LIVE_EVENT_NAMES, parseLiveQuery, type LiveQuery } from './live-query.parser';
import { LiveStreamsService } from './live-streams.service';
import { ApiErrors } from '../docs/api-errors.decorator';

const SSE_DESCRIPTION =
  'Server-sent events. Each session event is sent as `event: <type without "session.">`, `id: <log position>`, ' +
  '`data: <envelope>`; after the projector applies an event, `event: session-updated` carries the new session ' +
  'resource (no id: it does not move the resume position). Reconnect with `Last-Event-ID` (or `last_event_id`) ' +
  'to receive everything after that position first, then live events, with no gap and no duplicate. Without it, ' +
  "a session's stream starts with the session's first event and the tenant stream at the present. A comment " +
  'line is sent every SSE_KEEPALIVE_MS (10 s).';

@ApiTags('live')
@ApiBearerAuth()
@RequireScope('read')
@ApiProduces('text/event-stream')
@ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this log position' })
@ApiQuery({
  name: 'types',
  required: false,
  description: `comma-separated: ${LIVE_EVENT_NAMES.join(', ')} (all when absent)`,
})
@ApiResponse({ status: 200, description: 'text/event-stream' })
@Controller('v1')
export class LiveStreamsController {
  constructor(
    private readonly live: LiveStreamsService,
    private readonly log: EventLog,
  ) {}

  @Get('stream')
  @ApiOperation({ summary: 'Every session event of the tenant, live', description: SSE_DESCRIPTION })
  @ApiQuery({
    name: 'filter_{key}',
    required: false,
    type: String,
    description: 'custom data equality, as a string',
  })
  @ApiErrors(QueryErrorCode.InvalidQuery)
  async tenantStream(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const query = parseLiveQuery(raw, lastEventId, { filters: true });
    const tenant = principal.tenant;
    await this.live.stream(response, 'tenant', {
      tenant,
      eventSubjects: eventSubjects(
        query,
        (event) => sessionEventsFilter(tenant, '*', event),
        Object.keys(query.customData).length > 0 || principal.policy !== undefined,
      ),
      snapshotSubject: query.names.has('session-updated') ? sessionUpdatedSubject(tenant, '*') : null,
      query,
      ...(principal.policy ? { policy: principal.policy } : {}),
    });
  }

  @Get('sessions/:id/stream')
  @ApiOperation({ summary: "One session's events, live", description: SSE_DESCRIPTION })
  @ApiErrors(QueryErrorCode.InvalidQuery, SessionErrorCode.SessionNotFound)
  async sessionStream(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) sessionId: string,
    @Query() raw: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const query = parseLiveQuery(raw, lastEventId, { filters: false });
    const tenant = principal.tenant;
    // The log, not the read model, says whether the session exists: no projection lag, and tenant-scoped by subject.
    const start = await this.log.sessionStart(tenant, sessionId);
    if (start === null) throw sessionNotFound(sessionId);
    if (principal.policy && !policyAllows(principal.policy, await customDataNow(this.log, tenant, sessionId)))
      throw sessionNotFound(sessionId);
    await this.live.stream(response, 'session', {
      tenant,
      eventSubjects: eventSubjects(
        query,
        (event) => sessionEventsFilter(tenant, sessionId, event),
        principal.policy !== undefined,
      ),
      snapshotSubject: query.names.has('session-updated') ? sessionUpdatedSubject(tenant, sessionId) : null,
      query,
      // Without a resume position the session's whole history comes first (SPEC section 5).
      startWithoutResume: start,
      ...(principal.policy ? { policy: principal.policy } : {}),
    });
  }
}

/**
 * One subject filter per event type asked for; the stream's wildcard when all are, or when the
 * stream follows custom data (filters, a policy): a session's metadata updates must reach it
 * even when `types` leaves them out, or a session moving into the filter would stay unseen.
 */
function eventSubjects(
  query: LiveQuery,
  subjectOf: (event: string) => string,
  followsCustomData: boolean,
): string[] {
  const events = LIVE_EVENT_NAMES.filter((name) => name !== 'session-updated');
  const wanted = events.filter((name) => query.names.has(name));
  if (followsCustomData || wanted.length === events.length) return [subjectOf('*')];
  return wanted.map(subjectOf);
}
