import { Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import {
  AGENT_ROLES,
  AuthErrorCode,
  AuthException,
  parsePolicyClaim,
  TOKEN_ALGORITHMS,
  type AgentRole,
  type Scope,
  type TrustedIssuer,
} from '@cobrowse/contracts';
import { TrustedIssuersStore } from '../issuers/trusted-issuers.store';
import type { Principal } from '../principal';
import { IssuerKeySets } from './issuer-key-sets';

/** SPEC section 12: 60 s of clock tolerance, and a token lives at most 24 h. */
export const CLOCK_TOLERANCE_S = 60;
export const MAX_TOKEN_LIFETIME_S = 24 * 3600;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const SCOPES_OF_ROLE: Record<AgentRole, Scope[]> = { agent: ['read'], administrator: ['read', 'admin'] };

/** Whether a bearer credential is shaped like a JWT (an API key never reaches the verifier as one). */
export function looksLikeJwt(credential: string): boolean {
  return JWT_SHAPE.test(credential);
}

/**
 * A bearer JWT → the agent it signs in, or a 401 with the reason. jose parses and verifies;
 * this picks the one trusted entry (`iss` + `aud`), holds the algorithm to the allow-list
 * before any key is looked at (so `none` and an HMAC keyed with a public key never verify),
 * and reads the claims of SPEC section 12.
 */
@Injectable()
export class TokenVerifier {
  constructor(
    private readonly issuers: TrustedIssuersStore,
    private readonly keySets: IssuerKeySets,
  ) {}

  async verify(token: string): Promise<Principal> {
    const { alg, unverified } = decodeUnverified(token);
    if (!(TOKEN_ALGORITHMS as readonly string[]).includes(alg))
      throw refuse(
        AuthErrorCode.AlgorithmNotAllowed,
        `tokens signed with ${alg} are not accepted; use RS256, ES256 or EdDSA`,
      );
    const trusted = await this.trustedEntry(unverified);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keySets.of(trusted), {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: [...TOKEN_ALGORITHMS],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (e) {
      throw refusalOf(e);
    }
    if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_S)
      throw refuse(AuthErrorCode.TokenLifetimeTooLong, 'exp may be at most 24 hours after iat');
    if (payload.iat! > Date.now() / 1000 + CLOCK_TOLERANCE_S)
      throw refuse(AuthErrorCode.TokenNotYetValid, 'the token was issued in the future');
    return principalOf(trusted, payload);
  }

  private async trustedEntry(claims: JWTPayload): Promise<TrustedIssuer> {
    if (typeof claims.iss !== 'string') throw refuse(AuthErrorCode.UntrustedIssuer, 'the token has no iss');
    const entries = await this.issuers.withIss(claims.iss);
    if (entries.length === 0) throw refuse(AuthErrorCode.UntrustedIssuer, 'no tenant trusts this issuer');
    const audiences =
      typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    const entry = entries.find((e) => audiences.includes(e.audience));
    if (!entry) throw refuse(AuthErrorCode.AudienceMismatch, 'the token is not meant for this service (aud)');
    return entry;
  }
}

function decodeUnverified(token: string): { alg: string; unverified: JWTPayload } {
  if (!looksLikeJwt(token)) throw refuse(AuthErrorCode.InvalidToken, 'the token is not a JWT');
  try {
    const { alg } = decodeProtectedHeader(token);
    const unverified = decodeJwt(token);
    return { alg: typeof alg === 'string' ? alg : 'no algorithm', unverified };
  } catch {
    throw refuse(AuthErrorCode.InvalidToken, 'the token is not a well-formed JWT');
  }
}

function principalOf(trusted: TrustedIssuer, payload: JWTPayload): Principal {
  const claim = (name: string) => {
    const value = payload[name];
    if (value === undefined) return null;
    if (typeof value !== 'string' || value.length > 1024)
      throw refuse(AuthErrorCode.InvalidToken, `${name} must be a string`);
    return value;
  };
  const sub = claim('sub');
  if (!sub) throw refuse(AuthErrorCode.InvalidToken, 'the token has no sub');
  const role = (claim('role') ?? 'agent') as AgentRole;
  if (!AGENT_ROLES.includes(role))
    throw refuse(AuthErrorCode.InvalidToken, 'role must be agent or administrator');
  const name = claim('name');
  const principal: Principal = {
    tenant: trusted.tenant,
    scopes: new Set(SCOPES_OF_ROLE[role]),
    actor: { type: 'agent', sub, name },
    agent: { sub, name, email: claim('email'), role },
  };
  if (payload.policy !== undefined) {
    const policy = parsePolicyClaim(payload.policy);
    if (typeof policy === 'string') throw refuse(AuthErrorCode.InvalidToken, policy);
    principal.policy = policy;
  }
  return principal;
}

function refusalOf(e: unknown): AuthException {
  if (e instanceof errors.JWTExpired) return refuse(AuthErrorCode.TokenExpired, 'the token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return refuse(AuthErrorCode.TokenNotYetValid, 'the token is not valid yet (nbf)');
    if (e.claim === 'aud')
      return refuse(AuthErrorCode.AudienceMismatch, 'the token is not meant for this service (aud)');
    if (e.claim === 'iss') return refuse(AuthErrorCode.UntrustedIssuer, 'no tenant trusts this issuer');
    return refuse(AuthErrorCode.InvalidToken, `the token's ${e.claim} claim is missing or invalid`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed)
    return refuse(
      AuthErrorCode.AlgorithmNotAllowed,
      'the token is signed with an algorithm that is not accepted',
    );
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys)
    return refuse(AuthErrorCode.UnknownSigningKey, "no key of the issuer's key set matches the token (kid)");
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return refuse(AuthErrorCode.InvalidSignature, 'the token signature does not verify');
  const fetchFailed =
    !(e instanceof errors.JOSEError) || e.constructor === errors.JOSEError || e instanceof errors.JWKSTimeout;
  if (fetchFailed || e instanceof errors.JWKSInvalid)
    return refuse(AuthErrorCode.UnknownSigningKey, "the issuer's key set could not be fetched");
  return refuse(AuthErrorCode.InvalidToken, 'the token is not a valid JWT');
}

function refuse(code: AuthErrorCode, message: string): AuthException {
  return new AuthException(code, message);
}
