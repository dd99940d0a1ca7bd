import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import type { AppConfig } from '@cobrowse/config';
import type { TrustedIssuer } from '@cobrowse/contracts';
import type { TrustedIssuersStore } from '../issuers/trusted-issuers.store';
import { IssuerKeySets } from './issuer-key-sets';
import { looksLikeJwt, TokenVerifier } from './token-verifier';

describe('TokenVerifier', () => {
  let privateKey: KeyLike;
  let verifier: TokenVerifier;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: 'https://idp.test', aud: 'svc', sub: 'ada', iat: now(), exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .sign(privateKey);
  const refusal = (token: string) =>
    verifier.verify(token).then(
      () => 'accepted',
      (e: { code: string }) => e.code,
    );

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const entry: TrustedIssuer = {
      name: 'idp',
      tenant: 'acme',
      issuer: 'https://idp.test',
      audience: 'svc',
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k' }] },
      created_at: '',
      updated_at: '',
    };
    const store = { withIss: async (iss: string) => (iss === entry.issuer ? [entry] : []) };
    const config = { JWKS_ALLOW_PRIVATE: true, JWKS_REFETCH_COOLDOWN_MS: 0 } as AppConfig;
    verifier = new TokenVerifier(store as unknown as TrustedIssuersStore, new IssuerKeySets(config));
  });

  it('maps role to scopes and keeps the agent and the policy', async () => {
    const agent = await verifier.verify(await sign({ name: 'Ada' }));
    expect([...agent.scopes]).toEqual(['read']);
    expect(agent.actor).toEqual({ type: 'agent', sub: 'ada', name: 'Ada' });
    const admin = await verifier.verify(
      await sign({ role: 'administrator', policy: { custom_data: { team: ['emea', 'apac'] } } }),
    );
    expect([...admin.scopes]).toEqual(['read', 'admin']);
    expect(admin.policy).toEqual({ custom_data: { team: ['emea', 'apac'] } });
    expect(admin.tenant).toBe('acme');
  });

  it('accepts an aud list that holds the audience, and the 60 s of tolerance', async () => {
    expect(await refusal(await sign({ aud: ['other', 'svc'] }))).toBe('accepted');
    expect(await refusal(await sign({ exp: now() - 30, iat: now() - 600 }))).toBe('accepted');
    expect(await refusal(await sign({ nbf: now() + 30 }))).toBe('accepted');
  });

  it.each([
    ['exp beyond tolerance', { exp: Math.floor(Date.now() / 1000) - 120 }, 'TOKEN_EXPIRED'],
    ['nbf ahead', { nbf: Math.floor(Date.now() / 1000) + 600 }, 'TOKEN_NOT_YET_VALID'],
    [
      'iat ahead',
      { iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 900 },
      'TOKEN_NOT_YET_VALID',
    ],
    ['a lifetime over 24 h', { exp: Math.floor(Date.now() / 1000) + 86_401 }, 'TOKEN_LIFETIME_TOO_LONG'],
    ['no iat', { iat: undefined }, 'INVALID_TOKEN'],
    ['no sub', { sub: undefined }, 'INVALID_TOKEN'],
    ['a name that is not a string', { name: { first: 'A' } }, 'INVALID_TOKEN'],
    ['an aud list without the audience', { aud: ['other'] }, 'TOKEN_AUDIENCE_MISMATCH'],
    ['an untrusted iss', { iss: 'https://other.test' }, 'UNTRUSTED_ISSUER'],
    ['no iss', { iss: undefined }, 'UNTRUSTED_ISSUER'],
  ])('refuses %s', async (_name, claims, code) => {
    expect(await refusal(await sign(claims))).toBe(code);
  });

  it('tells a JWT from an API key by its shape', () => {
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.e30.')).toBe(true);
    expect(looksLikeJwt('acme-admin-key-0000000000001')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
  });
});
