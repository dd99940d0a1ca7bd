import { Agent as HttpsAgent } from 'node:https';
import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AppConfig } from '@cobrowse/config';
import type { TrustedIssuer } from '@cobrowse/contracts';
import { checkedLookup } from '@cobrowse/platform';

/** How long a fetched key set is used before it is fetched again, whatever the tokens name. */
const CACHE_MAX_AGE_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * Each trusted issuer's keys, as jose verifies with them: an uploaded set as it is, a
 * `jwks_url` fetched and cached (jose refetches on an unknown `kid`, at most once per
 * JWKS_REFETCH_COOLDOWN_MS). Without JWKS_ALLOW_PRIVATE the fetch connects only to public
 * addresses, checked when it connects.
 */
@Injectable()
export class IssuerKeySets {
  /** Keyed by the entry object: a saved change is a new object, so it gets a new key set. */
  private readonly sets = new WeakMap<TrustedIssuer, JWTVerifyGetKey>();
  private readonly agent: HttpsAgent | undefined;

  constructor(private readonly config: AppConfig) {
    this.agent = config.JWKS_ALLOW_PRIVATE
      ? undefined
      : new HttpsAgent({ lookup: checkedLookup, keepAlive: true });
  }

  of(issuer: TrustedIssuer): JWTVerifyGetKey {
    let set = this.sets.get(issuer);
    if (!set) {
      set = issuer.jwks_url
        ? this.remote(new URL(issuer.jwks_url))
        : createLocalJWKSet(issuer.jwks as unknown as JSONWebKeySet);
      this.sets.set(issuer, set);
    }
    return set;
  }

  /** Whether a URL serves a key set now (one fetch, through the same checked connection). */
  async fetchable(url: URL): Promise<boolean> {
    try {
      await this.remote(url).reload();
      return true;
    } catch {
      return false;
    }
  }

  private remote(url: URL) {
    return createRemoteJWKSet(url, {
      ...(this.agent ? { agent: this.agent } : {}),
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: this.config.JWKS_REFETCH_COOLDOWN_MS,
      cacheMaxAge: CACHE_MAX_AGE_MS,
    });
  }
}
