export { CobrowseClient, type CobrowseClientOptions } from './agent/cobrowse-client.js';
export { SessionsApi } from './agent/sessions.js';
export { Session, type SessionEventMap } from './agent/session.js';
export { Device, DevicesApi, type DeviceEventMap } from './agent/devices.js';
export { RetentionApi } from './agent/retention.js';
export { WebhooksApi } from './agent/webhooks.js';
export { IssuersApi } from './agent/issuers.js';
export { verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions } from './webhook-verify.js';
export { PageQuery, type Page } from './agent/page-query.js';
export { TenantSubscription, type SubscribeOptions } from './agent/subscription.js';
export {
  RelayClient,
  type RelayClientOptions,
  type FactOptions,
  type FactResult,
} from './relay/relay-client.js';
export { INGEST_SUBJECT } from './relay/ingest-transport.js';
export { CobrowseError, type ErrorBody } from './errors.js';
export type { RetryPolicy } from './retry.js';
export type { Credentials, HttpOptions } from './transport/http.js';
export * from './types.js';
