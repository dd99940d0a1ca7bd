import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import {
  AUTH_ISSUERS_BUCKET,
  AuthErrorCode,
  AuthException,
  RequestErrorCode,
  RequestException,
  type TrustedIssuer,
} from '@cobrowse/contracts';
import { NatsConnectionService, openKvBucket, type KvBucket } from '@cobrowse/messaging';

const issuerKey = (tenant: string, name: string) => `issuer.${tenant}.${name}`;
/** Which issuer entry holds an `iss` + `aud` pair: one per service, so a token names one tenant. */
const claimKey = (issuer: Pick<TrustedIssuer, 'issuer' | 'audience'>) =>
  `claim.${createHash('sha256').update(`${issuer.issuer}\u0000${issuer.audience}`).digest('hex')}`;
/** How long a request waits for the entries to load before it is answered from what has. */
const READY_WAIT_MS = 5_000;
const logger = new Logger('TrustedIssuers');
const holderOf = (issuer: Pick<TrustedIssuer, 'tenant' | 'name'>) => `${issuer.tenant}/${issuer.name}`;

/**
 * The issuers every tenant trusts, in a JetStream KV bucket every gateway replica watches: a
 * save on one replica is in every replica's memory within a round trip, and verifying a token
 * reads no database. Saves and deletes go to the bucket; the claim keys make an `iss` + `aud`
 * pair trusted by at most one entry (kv.create is atomic across replicas).
 */
@Injectable()
export class TrustedIssuersStore implements OnModuleInit, OnModuleDestroy {
  private bucket!: KvBucket;
  private readonly byKey = new Map<string, TrustedIssuer>();
  private readonly byIss = new Map<string, Map<string, TrustedIssuer>>();
  private ready: Promise<void> = Promise.resolve();
  private stopWatching = () => {};
  private stopped = false;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bucket = await openKvBucket(this.nats, AUTH_ISSUERS_BUCKET, {
      replicas: this.config.EVENTS_STREAM_REPLICAS,
    });
    await this.follow();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.stopWatching();
  }

  /**
   * Loads every entry and follows changes; a watch that ends (its subscription failed) is
   * started again, so the memory never silently stops following the bucket.
   * Requests wait for the first load, but not forever.
   */
  private async follow(): Promise<void> {
    // Not cleared first: a new watch delivers every key's latest entry, deletions included
    // (the bucket keeps their markers), so entries stay usable while it catches up.
    const watch = await this.bucket.watch('issuer.>', (key, value) => this.apply(key, value));
    this.ready = Promise.race([
      watch.ready,
      new Promise<void>((resolve) => setTimeout(resolve, READY_WAIT_MS).unref()),
    ]);
    this.stopWatching = watch.stop;
    void watch.ended.then(() => this.followAgain());
  }

  private async followAgain(): Promise<void> {
    while (!this.stopped) {
      logger.warn({ msg: 'trusted issuers watch ended; watching again' });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (this.stopped) return;
      try {
        return await this.follow();
      } catch (e) {
        logger.error({ msg: 'trusted issuers watch could not start', error: (e as Error).message });
      }
    }
  }

  /** The entries trusting tokens with this `iss` (across tenants; at most one per audience). */
  async withIss(iss: string): Promise<TrustedIssuer[]> {
    await this.ready;
    return [...(this.byIss.get(iss)?.values() ?? [])];
  }

  async ofTenant(tenant: string): Promise<TrustedIssuer[]> {
    await this.ready;
    return [...this.byKey.values()]
      .filter((i) => i.tenant === tenant)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Read from the bucket, not the watch: a client sees its own save at once. */
  async get(tenant: string, name: string): Promise<TrustedIssuer | null> {
    const entry = await this.bucket.get(issuerKey(tenant, name));
    return entry?.value ? (JSON.parse(entry.value) as TrustedIssuer) : null;
  }

  /** Saves an entry once its `iss` + `aud` pair is claimed for it; frees the pair it had before. */
  async save(issuer: TrustedIssuer, previous: TrustedIssuer | null): Promise<void> {
    await this.claim(issuer);
    await this.bucket.put(issuerKey(issuer.tenant, issuer.name), JSON.stringify(issuer));
    if (previous && claimKey(previous) !== claimKey(issuer)) await this.release(previous);
  }

  async remove(issuer: TrustedIssuer): Promise<void> {
    const entry = await this.bucket.get(issuerKey(issuer.tenant, issuer.name));
    if (entry?.value) await this.bucket.delete(issuerKey(issuer.tenant, issuer.name), entry.revision);
    await this.release(issuer);
  }

  private async claim(issuer: TrustedIssuer): Promise<void> {
    const key = claimKey(issuer);
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.bucket.create(key, holderOf(issuer))) !== null) return;
      const held = await this.bucket.get(key);
      if (!held) continue;
      if (held.value === holderOf(issuer)) return;
      if (held.value !== null && (await this.stillHolds(held.value, key))) {
        throw new AuthException(
          AuthErrorCode.IssuerAlreadyTrusted,
          'another trusted issuer entry already has this issuer and audience; give this one its own audience',
        );
      }
      // A claim left by a save or delete that stopped half way: take it over.
      if ((await this.bucket.update(key, holderOf(issuer), held.revision)) !== null) return;
    }
    throw new RequestException(RequestErrorCode.ServiceUnavailable, 'trusted issuers are changing; retry');
  }

  private async stillHolds(holder: string, key: string): Promise<boolean> {
    const [tenant, name] = holder.split('/');
    const current = await this.get(tenant, name);
    return current !== null && claimKey(current) === key;
  }

  private async release(issuer: TrustedIssuer): Promise<void> {
    const key = claimKey(issuer);
    const held = await this.bucket.get(key);
    if (held?.value === holderOf(issuer)) await this.bucket.delete(key, held.revision);
  }

  private apply(key: string, value: string | null): void {
    const before = this.byKey.get(key);
    if (before) {
      this.byIss.get(before.issuer)?.delete(key);
      if (this.byIss.get(before.issuer)?.size === 0) this.byIss.delete(before.issuer);
      this.byKey.delete(key);
    }
    if (value === null) return;
    const issuer = JSON.parse(value) as TrustedIssuer;
    this.byKey.set(key, issuer);
    if (!this.byIss.has(issuer.issuer)) this.byIss.set(issuer.issuer, new Map());
    this.byIss.get(issuer.issuer)!.set(key, issuer);
  }
}
