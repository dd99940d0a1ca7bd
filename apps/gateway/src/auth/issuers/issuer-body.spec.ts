import { exportJWK, generateKeyPair } from 'jose';
import { checkIssuerBody } from './issuer-body';

const problemsOf = (body: unknown) =>
  checkIssuerBody(body).then(
    () => [],
    (e: { code: string; details: string[] }) => (expect(e.code).toBe('INVALID_ISSUER'), e.details),
  );

describe('checkIssuerBody', () => {
  it('takes public RSA, EC P-256 and Ed25519 keys, or a URL', async () => {
    const keys = await Promise.all(
      (['RS256', 'ES256', 'EdDSA'] as const).map(async (alg) =>
        exportJWK((await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {})).publicKey),
      ),
    );
    expect(await checkIssuerBody({ issuer: 'i', audience: 'a', jwks: { keys } })).toEqual({
      issuer: 'i',
      audience: 'a',
      jwks: { keys },
    });
    expect(
      await checkIssuerBody({ issuer: 'i', audience: 'a', jwks_url: 'https://idp.test/k' }),
    ).toHaveProperty('jwks_url');
  });

  it.each([
    ['no body', null, /issuer must be/],
    ['neither keys nor URL', { issuer: 'i', audience: 'a' }, /exactly one of jwks and jwks_url/],
    ['both', { issuer: 'i', audience: 'a', jwks: { keys: [] }, jwks_url: 'https://x' }, /exactly one/],
    [
      'an unknown field',
      { issuer: 'i', audience: 'a', jwks_url: 'https://x', alg: 'none' },
      /alg is not a field/,
    ],
    [
      'a shared secret',
      { issuer: 'i', audience: 'a', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      /public key/,
    ],
    [
      'an HMAC alg',
      { issuer: 'i', audience: 'a', jwks: { keys: [{ kty: 'RSA', alg: 'HS256', n: 'x', e: 'AQAB' }] } },
      /public key/,
    ],
    [
      'a private key',
      { issuer: 'i', audience: 'a', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] } },
      /private key material/,
    ],
    [
      'a broken key',
      { issuer: 'i', audience: 'a', jwks: { keys: [{ kty: 'RSA', n: '!', e: '!' }] } },
      /not a usable RS256 key/,
    ],
    ['too many keys', { issuer: 'i', audience: 'a', jwks: { keys: Array(21).fill({}) } }, /1\.\.20 keys/],
  ])('refuses %s', async (_name, body, problem) => {
    expect((await problemsOf(body)).join('; ')).toMatch(problem);
  });
});
