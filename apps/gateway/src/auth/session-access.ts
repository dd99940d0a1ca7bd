import { Injectable } from '@nestjs/common';
import {
  AuthErrorCode,
  AuthException,
  DeviceErrorCode,
  DeviceException,
  policyAllows,
  SessionErrorCode,
  SessionException,
  type DeviceResource,
  type SessionView,
} from '@cobrowse/contracts';
import { ProjectorClient } from '../services/projector.client';
import type { Principal } from './principal';

/**
 * What a principal may see of one session or device (SPEC section 12): everything of its
 * tenant, narrowed by a token's policy. Outside the policy is answered exactly like another
 * tenant's session: 404, the same code and message.
 */
@Injectable()
export class SessionAccess {
  constructor(private readonly projector: ProjectorClient) {}

  async view(principal: Principal, sessionId: string): Promise<SessionView> {
    const view = await this.projector.getSession(principal.tenant, sessionId);
    if (!policyAllows(principal.policy, view.session.custom_data)) throw sessionNotFound(sessionId);
    return view;
  }

  /** For routes that do not read the session themselves: one read, only under a policy. */
  async check(principal: Principal, sessionId: string): Promise<void> {
    if (principal.policy) await this.view(principal, sessionId);
  }
}

export function sessionNotFound(sessionId: string): SessionException {
  return new SessionException(SessionErrorCode.SessionNotFound, `session ${sessionId} not found`);
}

export function checkDeviceVisible(principal: Principal, device: DeviceResource): DeviceResource {
  if (!policyAllows(principal.policy, device.custom_data))
    throw new DeviceException(DeviceErrorCode.DeviceNotFound, `device ${device.id} not found`);
  return device;
}

/**
 * A token with a policy sees part of the tenant; what would reach past it — reporting facts of
 * any session (a batch, a new session), or webhooks, which carry every session — it may not do.
 */
export function refuseUnderPolicy(principal: Principal, what: string): void {
  if (principal.policy)
    throw new AuthException(AuthErrorCode.PolicyForbids, `a token with a policy may not ${what}`);
}
