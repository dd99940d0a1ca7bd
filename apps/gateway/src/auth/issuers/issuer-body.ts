import type { KeyObject } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import {
  AuthErrorCode,
  AuthException,
  ISSUER_LIMITS,
  TOKEN_ALGORITHMS,
  type TrustedIssuerInput,
} from '@cobrowse/contracts';

const ALGORITHM_OF_KEY_TYPE: Record<string, string> = { RSA: 'RS256', EC: 'ES256', OKP: 'EdDSA' };
/** Members of a JWK that only a private key has: a trusted issuer's set holds public keys only. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * `PUT /v1/auth/issuers/{name}`'s body → the issuer it trusts: `issuer` and `audience` strings,
 * and exactly one of `jwks` (public keys of an allowed algorithm, each imported by jose) or
 * `jwks_url`. The URL's reachability is checked by the save (SaveIssuerUseCase).
 */
export async function checkIssuerBody(body: unknown): Promise<TrustedIssuerInput> {
  const problems: string[] = [];
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  for (const field of Object.keys(input))
    if (!['issuer', 'audience', 'jwks', 'jwks_url'].includes(field))
      problems.push(`${field} is not a field of an issuer`);
  for (const field of ['issuer', 'audience'] as const) {
    const value = input[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > ISSUER_LIMITS.text)
      problems.push(`${field} must be a string of 1..${ISSUER_LIMITS.text} characters`);
  }
  const hasSet = input.jwks !== undefined;
  const hasUrl = input.jwks_url !== undefined;
  if (hasSet === hasUrl) problems.push('give exactly one of jwks and jwks_url');
  if (hasUrl && (typeof input.jwks_url !== 'string' || input.jwks_url.length > ISSUER_LIMITS.text))
    problems.push('jwks_url must be a URL');
  if (hasSet) problems.push(...(await keySetProblems(input.jwks)));
  if (problems.length) throw new AuthException(AuthErrorCode.InvalidIssuer, problems.join('; '), problems);
  return {
    issuer: input.issuer as string,
    audience: input.audience as string,
    ...(hasSet ? { jwks: input.jwks as TrustedIssuerInput['jwks'] } : { jwks_url: input.jwks_url as string }),
  };
}

async function keySetProblems(jwks: unknown): Promise<string[]> {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > ISSUER_LIMITS.keys)
    return [`jwks must be {"keys": [...]} with 1..${ISSUER_LIMITS.keys} keys`];
  const problems: string[] = [];
  for (const [i, key] of keys.entries()) {
    const problem = await keyProblem(key);
    if (problem) problems.push(`jwks.keys[${i}] ${problem}`);
  }
  return problems;
}

async function keyProblem(key: unknown): Promise<string | null> {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'must be a JWK object';
  const jwk = key as JWK;
  const algorithm = jwk.alg ?? ALGORITHM_OF_KEY_TYPE[jwk.kty ?? ''];
  if (!algorithm || !(TOKEN_ALGORITHMS as readonly string[]).includes(algorithm))
    return `must be an RSA, EC (P-256) or OKP (Ed25519) public key for ${TOKEN_ALGORITHMS.join(', ')}`;
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'holds private key material; upload public keys only';
  let imported: unknown;
  try {
    imported = await importJWK(jwk, algorithm);
  } catch (e) {
    return `is not a usable ${algorithm} key: ${(e as Error).message}`;
  }
  // jose verifies RS256 only with 2048-bit keys or longer: a shorter one would refuse every token.
  const bits = (imported as KeyObject).asymmetricKeyDetails?.modulusLength;
  if (jwk.kty === 'RSA' && (bits ?? 0) < 2048)
    return `is not a usable ${algorithm} key: RSA keys need 2048 bits or more`;
  return null;
}
