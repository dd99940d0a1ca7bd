import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AuthErrorCode,
  checkWebhookEndpoint,
  checkWebhookReplay,
  QueryErrorCode,
  WebhookErrorCode,
  WebhookException,
  type ListWebhookAttemptsReply,
  type WebhookEndpointSettings,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from '@cobrowse/contracts';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope, WholeTenant } from '../auth/require-scope.decorator';
import { Audited } from '../audit/audited.decorator';
import { ApiErrors, BODY_ERRORS } from '../docs/api-errors.decorator';
import { WebhooksClient } from '../services/webhooks.client';
import { parseAttemptsQuery } from './attempts-query.parser';
import { checkEndpointId } from './webhook-endpoint-id';
import {
  WebhookAttemptListDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointSettingsDto,
  WebhookEndpointWithSecretDto,
  WebhookReplayDto,
  WebhookTestDto,
} from './webhook-endpoint.dto';

const NOT_FOUND = WebhookErrorCode.WebhookEndpointNotFound;
const byId = (params: Record<string, string>) => ({ target: params.id });

/** Webhook endpoints (SPEC section 11); the tenant is always the key's. */
@ApiTags('webhooks')
@ApiBearerAuth()
@RequireScope('admin')
// An endpoint receives every session of the tenant: not for a token that sees part of it.
@WholeTenant('manage webhook endpoints')
@Controller('v1/webhooks/endpoints')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksClient) {}

  @Post()
  @ApiOperation({ summary: 'Creates an endpoint; its secret is answered only here (and on rotation)' })
  @ApiBody({ type: WebhookEndpointSettingsDto })
  @ApiResponse({ status: 201, type: WebhookEndpointWithSecretDto })
  @ApiErrors(
    AuthErrorCode.PolicyForbids,
    ...BODY_ERRORS,
    WebhookErrorCode.InvalidWebhookEndpoint,
    WebhookErrorCode.WebhookUrlNotAllowed,
    WebhookErrorCode.WebhookEndpointLimitReached,
  )
  @Audited('webhook.created', (_params, result) => ({
    target: (result as WebhookEndpointView).id,
    details: { url: (result as WebhookEndpointView).url },
  }))
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.create({ tenant: principal.tenant, settings: settingsOf(body, false) });
  }

  @Get()
  @ApiOperation({ summary: "The tenant's endpoints, oldest first" })
  @ApiResponse({ status: 200, type: WebhookEndpointListDto })
  @ApiErrors(AuthErrorCode.PolicyForbids)
  list(@CurrentPrincipal() principal: Principal): Promise<{ data: WebhookEndpointView[] }> {
    return this.webhooks.list(principal.tenant);
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: WebhookEndpointDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, NOT_FOUND)
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WebhookEndpointView> {
    return this.webhooks.get({ tenant: principal.tenant, id: checkEndpointId(id) });
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Changes settings; enabling delivers events from now on, disabling drops what was not delivered',
  })
  @ApiBody({ type: WebhookEndpointSettingsDto })
  @ApiResponse({ status: 200, type: WebhookEndpointDto })
  @ApiErrors(
    AuthErrorCode.PolicyForbids,
    ...BODY_ERRORS,
    NOT_FOUND,
    WebhookErrorCode.InvalidWebhookEndpoint,
    WebhookErrorCode.WebhookUrlNotAllowed,
  )
  @Audited('webhook.updated', (params, result) => ({
    target: params.id,
    details: { url: (result as WebhookEndpointView).url, enabled: (result as WebhookEndpointView).enabled },
  }))
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.update({
      tenant: principal.tenant,
      id: checkEndpointId(id),
      settings: settingsOf(body, true),
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('webhook.deleted', byId)
  @ApiResponse({ status: 204, description: 'deleted, with what it had not delivered and its attempts' })
  @ApiErrors(AuthErrorCode.PolicyForbids, NOT_FOUND)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete({ tenant: principal.tenant, id: checkEndpointId(id) });
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new secret; the old one stays valid 24 h and deliveries carry both signatures',
  })
  @ApiResponse({ status: 200, type: WebhookEndpointWithSecretDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, NOT_FOUND)
  @Audited('webhook.secret-rotated', byId)
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret({ tenant: principal.tenant, id: checkEndpointId(id) });
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sends a webhook.test delivery once; its attempt shows in the attempts' })
  @ApiResponse({ status: 202, type: WebhookTestDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, NOT_FOUND)
  test(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ webhook_id: string }> {
    return this.webhooks.test({ tenant: principal.tenant, id: checkEndpointId(id) });
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Sends again, from the log, the events recorded in [since, until] (until: now), with their original webhook-ids',
  })
  @ApiBody({ type: WebhookReplayDto })
  @ApiResponse({ status: 202, type: WebhookReplayDto })
  @ApiErrors(
    AuthErrorCode.PolicyForbids,
    ...BODY_ERRORS,
    NOT_FOUND,
    WebhookErrorCode.InvalidWebhookEndpoint,
    WebhookErrorCode.WebhookEndpointDisabled,
  )
  @Audited('webhook.replayed', (params, result) => ({
    target: params.id,
    details: result as Record<string, unknown>,
  }))
  replay(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<{ since: string; until: string }> {
    const checked = checkWebhookReplay(body, Date.now());
    if (!checked.value)
      throw new WebhookException(
        WebhookErrorCode.InvalidWebhookEndpoint,
        checked.problems.join('; '),
        checked.problems,
      );
    return this.webhooks.replay({ tenant: principal.tenant, id: checkEndpointId(id), range: checked.value });
  }

  @Get(':id/attempts')
  @ApiOperation({ summary: 'Delivery attempts, newest first (the last 1,000 are kept)' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiResponse({ status: 200, type: WebhookAttemptListDto })
  @ApiErrors(
    AuthErrorCode.PolicyForbids,
    NOT_FOUND,
    QueryErrorCode.InvalidQuery,
    QueryErrorCode.InvalidCursor,
  )
  attempts(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() raw: Record<string, unknown>,
  ): Promise<ListWebhookAttemptsReply> {
    const { limit, cursor } = parseAttemptsQuery(raw);
    return this.webhooks.attempts({ tenant: principal.tenant, id: checkEndpointId(id), limit, cursor });
  }
}

function settingsOf(body: unknown, partial: boolean): Partial<WebhookEndpointSettings> {
  const checked = checkWebhookEndpoint(body, partial);
  if (!checked.value)
    throw new WebhookException(
      WebhookErrorCode.InvalidWebhookEndpoint,
      checked.problems.join('; '),
      checked.problems,
    );
  return checked.value;
}
