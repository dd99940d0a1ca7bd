import { createHash, timingSafeEqual } from 'node:crypto';
import { isTenantId, SCOPES, type Scope } from '@cobrowse/contracts';
import type { Principal } from './principal';

interface KeyEntry {
  digest: Buffer;
  principal: Principal;
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** COBROWSE_API_KEYS: `[{"key":"<secret>","tenant":"acme","scopes":["ingest","read","admin"]}]`. */
export function parseApiKeys(json: string | undefined): ApiKeyRing {
  if (!json) throw new Error('COBROWSE_API_KEYS is required (a JSON array of {key, tenant, scopes})');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('COBROWSE_API_KEYS must be valid JSON');
  }
  if (!Array.isArray(raw) || raw.length === 0)
    throw new Error('COBROWSE_API_KEYS must be a non-empty JSON array');
  const entries = raw.map((item, i): KeyEntry => {
    const { key, tenant, scopes } = (item ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || key.length < 16) {
      throw new Error(`COBROWSE_API_KEYS[${i}].key must be a string of at least 16 characters`);
    }
    if (!isTenantId(tenant))
      throw new Error(`COBROWSE_API_KEYS[${i}].tenant must match ^[a-z0-9][a-z0-9-]{0,63}$`);
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => SCOPES.includes(s as Scope))) {
      throw new Error(`COBROWSE_API_KEYS[${i}].scopes must be a non-empty list of ${SCOPES.join(', ')}`);
    }
    const d = digest(key);
    return {
      digest: d,
      principal: {
        tenant,
        scopes: new Set(scopes as Scope[]),
        // A short, non-reversible fingerprint of the key for events and audit records; never the key.
        actor: { type: 'key', id: d.toString('hex').slice(0, 12) },
      },
    };
  });
  return new ApiKeyRing(entries);
}

export class ApiKeyRing {
  constructor(private readonly entries: KeyEntry[]) {}

  /** Compares against every key in constant time, so timing reveals neither match nor position. */
  resolve(presented: string): Principal | null {
    const d = digest(presented);
    let found: Principal | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, d)) found = entry.principal;
    }
    return found;
  }
}
