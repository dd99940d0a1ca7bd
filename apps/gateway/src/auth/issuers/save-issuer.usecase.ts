import { Injectable } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import {
  AuthErrorCode,
  AuthException,
  ISSUER_LIMITS,
  type TrustedIssuer,
  type TrustedIssuerInput,
} from '@cobrowse/contracts';
import { refusedTarget } from '@cobrowse/platform';
import { IssuerKeySets } from '../tokens/issuer-key-sets';
import { TrustedIssuersStore } from './trusted-issuers.store';

/**
 * Trusts an issuer for a tenant, or changes what it trusts under that name. A `jwks_url` must
 * be https on a public address (unless JWKS_ALLOW_PRIVATE) and serve a key set now: a typo is
 * a 400 here rather than every agent's 401 later.
 */
@Injectable()
export class SaveIssuerUseCase {
  constructor(
    private readonly store: TrustedIssuersStore,
    private readonly keySets: IssuerKeySets,
    private readonly config: AppConfig,
  ) {}

  async execute(tenant: string, name: string, input: TrustedIssuerInput): Promise<TrustedIssuer> {
    if (input.jwks_url !== undefined) await this.checkKeySetUrl(input.jwks_url);
    const previous = await this.store.get(tenant, name);
    if (!previous && (await this.store.ofTenant(tenant)).length >= ISSUER_LIMITS.perTenant)
      throw new AuthException(
        AuthErrorCode.IssuerLimitReached,
        `a tenant trusts at most ${ISSUER_LIMITS.perTenant} issuers`,
      );
    const now = new Date().toISOString();
    const issuer: TrustedIssuer = {
      name,
      tenant,
      ...input,
      created_at: previous?.created_at ?? now,
      updated_at: now,
    };
    await this.store.save(issuer, previous);
    return issuer;
  }

  private async checkKeySetUrl(text: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid('jwks_url must be an absolute URL');
    }
    const allowPrivate = this.config.JWKS_ALLOW_PRIVATE;
    if (url.username || url.password) throw invalid('jwks_url may not hold credentials');
    if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
      throw invalid('jwks_url must be https (plain http only where JWKS_ALLOW_PRIVATE is set)');
    if (!allowPrivate) {
      const refusal = await refusedTarget(url.hostname.replace(/^\[|\]$/g, ''));
      if (refusal) throw invalid(`jwks_url: ${refusal}`);
    }
    if (!(await this.keySets.fetchable(url)))
      throw invalid('jwks_url did not answer with a JSON Web Key Set');
  }
}

function invalid(message: string): AuthException {
  return new AuthException(AuthErrorCode.InvalidIssuer, message);
}
