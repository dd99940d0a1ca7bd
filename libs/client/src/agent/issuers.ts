import type { HttpTransport } from '../transport/http.js';
import type { TrustedIssuer, TrustedIssuerSettings } from '../types.js';

const ISSUERS = '/v1/auth/issuers';
const at = (name: string) => `${ISSUERS}/${encodeURIComponent(name)}`;

/** The JWT issuers the tenant trusts to sign agents in (scope `admin`). */
export class IssuersApi {
  constructor(private readonly http: HttpTransport) {}

  /** By name. */
  async list(): Promise<TrustedIssuer[]> {
    return (await this.http.json<{ data: TrustedIssuer[] }>('GET', ISSUERS, { idempotent: true })).body.data;
  }

  async get(name: string): Promise<TrustedIssuer> {
    return (await this.http.json<TrustedIssuer>('GET', at(name), { idempotent: true })).body;
  }

  /** Trusts an issuer under `name` (names match `^[a-z0-9][a-z0-9_-]{0,63}$`), or replaces what it trusts. */
  async put(name: string, settings: TrustedIssuerSettings): Promise<TrustedIssuer> {
    return (await this.http.json<TrustedIssuer>('PUT', at(name), { body: settings, idempotent: true })).body;
  }

  /** Stops trusting it: its tokens are refused from the next request on. */
  async delete(name: string): Promise<void> {
    await this.http.json('DELETE', at(name), { idempotent: true });
  }
}
