import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AuthErrorCode,
  RequestErrorCode,
  RequestException,
  type AgentInfo,
  type SessionResource,
} from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { SessionResourceDto } from '../docs/schemas';
import { SessionIdPipe } from '../sessions/session-id.pipe';
import {
  ActivateSessionBodyDto,
  CreateSessionBodyDto,
  DeactivateSessionBodyDto,
  EnterPageBodyDto,
} from './dto/ingest-bodies.dto';
import { newSessionId, toReportedEvent } from './reported-event.factory';
import { ReportSessionEventUseCase } from './report-session-event.usecase';
import { SessionErrorCode } from '@cobrowse/contracts';
import { ApiErrors, BODY_ERRORS } from '../docs/api-errors.decorator';

/** What a fact about an existing session can be refused for. */
const TRANSITION_ERRORS = [
  ...BODY_ERRORS,
  SessionErrorCode.SessionNotFound,
  SessionErrorCode.OccurredAtInFuture,
  SessionErrorCode.InvalidTransition,
  SessionErrorCode.SessionLimitReached,
];

@ApiTags('ingest')
@ApiBearerAuth()
@RequireScope('ingest')
@Controller('v1/sessions')
export class SessionIngestController {
  constructor(private readonly report: ReportSessionEventUseCase) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Report a new session (session.created)' })
  @ApiResponse({ status: 201, type: SessionResourceDto })
  @ApiErrors(
    AuthErrorCode.PolicyForbids,
    ...BODY_ERRORS,
    SessionErrorCode.OccurredAtInFuture,
    SessionErrorCode.InvalidTransition,
    SessionErrorCode.MetadataTooLarge,
  )
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateSessionBodyDto,
  ): Promise<SessionResource> {
    const sessionId = newSessionId(principal.tenant, body);
    return this.report.execute(principal, toReportedEvent('session.created', sessionId, body));
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'An agent joined (session.activated)' })
  @ApiResponse({ status: 200, type: SessionResourceDto })
  @ApiErrors(...TRANSITION_ERRORS)
  activate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Body() body: ActivateSessionBodyDto,
  ): Promise<SessionResource> {
    const agent = body.agent ?? agentOf(principal);
    return this.report.execute(
      principal,
      toReportedEvent('session.activated', id, Object.assign(body, { agent })),
    );
  }

  @Post(':id/pages')
  @HttpCode(200)
  @ApiOperation({ summary: 'The device entered a page (session.page-entered)' })
  @ApiResponse({ status: 200, type: SessionResourceDto })
  @ApiErrors(...TRANSITION_ERRORS)
  enterPage(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Body() body: EnterPageBodyDto,
  ): Promise<SessionResource> {
    return this.report.execute(principal, toReportedEvent('session.page-entered', id, body));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the session (session.deactivated); repeating it is answered as a duplicate' })
  @ApiResponse({ status: 200, type: SessionResourceDto })
  @ApiErrors(...BODY_ERRORS, SessionErrorCode.SessionNotFound, SessionErrorCode.OccurredAtInFuture)
  deactivate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Body() body: DeactivateSessionBodyDto,
  ): Promise<SessionResource> {
    return this.report.execute(
      principal,
      toReportedEvent('session.deactivated', id, Object.assign(body, { reason: body.reason ?? 'api' })),
    );
  }
}

/** Activating without naming an agent names the signed-in one (SPEC section 12). */
function agentOf(principal: Principal): AgentInfo {
  if (!principal.agent)
    throw new RequestException(RequestErrorCode.ValidationFailed, 'agent is required', [
      { field: 'agent', message: 'agent is required unless an agent signs in with a token' },
    ]);
  const { sub, name, email } = principal.agent;
  return { id: sub, ...(name !== null ? { name } : {}), ...(email !== null ? { email } : {}) };
}
