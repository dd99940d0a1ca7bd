import { groupBy } from '@cobrowse/platform';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { INTERNAL_SUBJECTS } from '@cobrowse/contracts';
import { KeyedMutex, LeaderRequests, Leadership, NatsConnectionService } from '@cobrowse/messaging';
import type { IndexChange, IndexKey } from '@cobrowse/persistence';
import { deviceDocumentId, type DeviceState } from '../devices/device-state';
import { DeviceListPagesRepository } from './device-list-pages.repository';
import { rowOf, type DeviceRow } from './device-row';

interface RemovalRequest {
  tenant: string;
  keys: IndexKey[];
}

/** Rows remembered as written, to skip unchanged ones: about 150 bytes each. */
const MAX_REMEMBERED = 50_000;
/** Keys per removal request: far below a NATS message. */
const KEYS_PER_REQUEST = 2_000;

/**
 * Keeps each tenant's devices list in step with its devices. Only the tracker's leader writes
 * (it alone writes devices), one tenant's change at a time; a removal asked on another replica
 * (an erasure) goes to the leader. The rows this leader wrote in its term are remembered, so a
 * batch whose devices kept their custom data reads and writes no page, and so are the pages
 * it wrote, so an edit reads none of those back; a new term starts with none remembered, so
 * the first batch after a crash writes the rows its predecessor may have left unwritten.
 */
@Injectable()
export class DeviceListWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly tenants = new KeyedMutex();
  private readonly written = new Map<string, string>();
  private writtenInTerm = -1;
  private readonly removals: LeaderRequests<RemovalRequest>;

  constructor(
    private readonly pages: DeviceListPagesRepository,
    private readonly leadership: Leadership,
    nats: NatsConnectionService,
  ) {
    this.removals = new LeaderRequests(
      () => nats.nc,
      leadership,
      INTERNAL_SUBJECTS.trackerListRemove,
      ({ tenant, keys }) => this.edit(tenant, { remove: keys }),
      new Logger(DeviceListWriter.name),
    );
  }

  onApplicationBootstrap(): void {
    this.removals.listen();
  }

  onApplicationShutdown(): void {
    this.removals.close();
  }

  /** Makes these devices' rows what the devices are now. */
  async put(devices: Iterable<DeviceState>): Promise<void> {
    this.startTermIfNew();
    const changed = [...devices].filter((d) => this.written.get(d._id) !== JSON.stringify(rowOf(d)));
    for (const [tenant, ofTenant] of groupBy(changed, (d) => d.tenant))
      await this.edit(tenant, { put: ofTenant.map(rowOf) });
  }

  /** Rows of devices stored before the list existed, where they are missing. */
  add(tenant: string, devices: DeviceState[]): Promise<void> {
    return this.edit(tenant, { add: devices.map(rowOf) });
  }

  /** Removes devices' rows, through the leader whichever replica asks. */
  async remove(tenant: string, keys: IndexKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST)
      await this.removals.ask({ tenant, keys: keys.slice(i, i + KEYS_PER_REQUEST) });
  }

  private edit(tenant: string, change: IndexChange<DeviceRow>) {
    return this.tenants.run(tenant, async () => {
      this.startTermIfNew();
      this.leadership.assertLeader();
      for (const key of change.remove ?? []) this.written.delete(deviceDocumentId(tenant, key[1]));
      await this.pages.edit(tenant, change);
      for (const row of change.put ?? []) this.remember(deviceDocumentId(tenant, row.id), row);
    });
  }

  private remember(documentId: string, row: DeviceRow): void {
    this.written.delete(documentId);
    this.written.set(documentId, JSON.stringify(row));
    if (this.written.size > MAX_REMEMBERED) this.written.delete(this.written.keys().next().value!);
  }

  private startTermIfNew(): void {
    if (this.leadership.term === this.writtenInTerm) return;
    this.written.clear();
    this.pages.forgetWrites();
    this.writtenInTerm = this.leadership.term;
  }
}
