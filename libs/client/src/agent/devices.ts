import { Emitter } from '../emitter.js';
import { CobrowseError } from '../errors.js';
import { sleep } from '../retry.js';
import type { HttpTransport } from '../transport/http.js';
import type { DeviceFilters, DeviceResource, Paging } from '../types.js';
import { PageQuery } from './page-query.js';

export type DeviceEventMap = {
  /** The device's presence or connections changed. */
  updated: (device: Device) => void;
  error: (error: unknown) => void;
};

// The resource's fields are the object's own properties, as in the vendors' SDKs (`session.state`).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Device extends DeviceResource {}

/**
 * A device and its presence. The service has no device stream, so `on('updated')` reads the
 * device every `pollMs` (default 2 s) while a handler is attached, and calls it when anything
 * but `expires_at` changed.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Device extends Emitter<DeviceEventMap> {
  readonly #http: HttpTransport;
  readonly #pollMs: number;
  #polling: AbortController | null = null;

  constructor(http: HttpTransport, resource: DeviceResource, pollMs = 2_000) {
    super();
    this.#http = http;
    this.#pollMs = pollMs;
    Object.assign(this, resource);
  }

  toJSON(): DeviceResource {
    return { ...this };
  }

  async refresh(): Promise<boolean> {
    const { body } = await this.#http.json<DeviceResource>(
      'GET',
      `/v1/devices/${encodeURIComponent(this.id)}`,
      {
        idempotent: true,
      },
    );
    const changed = fingerprint(body) !== fingerprint(this.toJSON());
    Object.assign(this, body);
    return changed;
  }

  override on<E extends keyof DeviceEventMap>(event: E, handler: DeviceEventMap[E]): this {
    super.on(event, handler);
    if (event === 'updated' && !this.#polling) void this.#poll((this.#polling = new AbortController()));
    return this;
  }

  override off<E extends keyof DeviceEventMap>(event: E, handler?: DeviceEventMap[E]): this {
    super.off(event, handler);
    if (this.listenerCount('updated') === 0) this.close();
    return this;
  }

  close(): void {
    this.#polling?.abort();
    this.#polling = null;
  }

  async #poll(control: AbortController): Promise<void> {
    while (!control.signal.aborted) {
      await sleep(this.#pollMs, control.signal);
      if (control.signal.aborted) return;
      try {
        if (await this.refresh()) this.emit('updated', this);
      } catch (error) {
        if (!(error instanceof CobrowseError) || !error.retryable) this.emit('error', error);
      }
    }
  }
}

function fingerprint(device: DeviceResource): string {
  const { expires_at: _ignored, ...rest } = device;
  return JSON.stringify(rest);
}

export class DevicesApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly pollMs?: number,
  ) {}

  /** Newest added first; `await` it for a page or `for await` over every matching device. */
  list(filters: DeviceFilters & Paging = {}): PageQuery<Device, DeviceResource> {
    return new PageQuery(
      this.http,
      '/v1/devices',
      filters,
      (raw: DeviceResource) => new Device(this.http, raw, this.pollMs),
    );
  }

  async get(id: string): Promise<Device> {
    const { body } = await this.http.json<DeviceResource>('GET', `/v1/devices/${encodeURIComponent(id)}`, {
      idempotent: true,
    });
    return new Device(this.http, body, this.pollMs);
  }
}
