import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256' | 'EdDSA';
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

/**
 * A company's identity provider as a test needs one: its own keys, a JWKS served on loopback
 * (the keys it publishes can be rotated), and tokens signed with any of its keys.
 */
export class TestIssuer {
  private published: SigningKey[] = [];
  private server?: Server;
  /** How often the JWKS was fetched. */
  fetches = 0;

  constructor(
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async key(kid: string, alg: SigningKey['alg'] = 'RS256'): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
    return {
      kid,
      alg,
      privateKey,
      publicKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    };
  }

  publish(...keys: SigningKey[]): void {
    this.published = keys;
  }

  get jwks(): { keys: Array<Record<string, unknown>> } {
    return { keys: this.published.map((k) => ({ ...k.jwk })) };
  }

  async serve(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.jwks));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** A token of `key` for `sub`, valid 10 minutes from now unless the claims say otherwise. */
  async sign(key: SigningKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.issuer,
      aud: this.audience,
      sub: 'agent@acme.test',
      iat: now,
      exp: now + 600,
      ...claims,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
      .sign(key.privateKey);
  }
}
