import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  deviceFactsSubject,
  DeviceErrorCode,
  DeviceException,
  parseLogSubject,
  RPC,
  type EraseDeviceRequest,
  type EraseSessionsReply,
  type EraseSessionsRequest,
  type ErasureRecord,
  type ErasureRemovals,
  type PurgeFromLogReply,
  type PurgeFromLogRequest,
  type GetDeviceRequest,
  type SessionIdsOfDeviceReply,
} from '@cobrowse/contracts';
import { DeadLetters, EventLog, NatsConnectionService, RpcClient } from '@cobrowse/messaging';
import { keyOfDevice } from '../device-list/device-row';
import { DeviceListWriter } from '../device-list/device-list.writer';
import { DevicesRepository } from '../devices/devices.repository';
import { PresenceReader } from '../presence/presence-reader';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { ErasureAuditRepository } from './erasure-audit.repository';
import { deviceSessionsInLog } from './device-sessions-in-log';

/** A write that was already under way when the erasure ran is caught by a second pass this much later. */
const SECOND_PASS_MS = 5_000;
const RPC_TIMEOUT_MS = 60_000;

/**
 * Erases a device and every session it had: first from the event log (so no rebuild can bring
 * them back), then from every read model, then keeps an audit record with ids only.
 */
@Injectable()
export class EraseDeviceUseCase {
  private readonly logger = new Logger(EraseDeviceUseCase.name);

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
    private readonly rpc: RpcClient,
    private readonly devices: DevicesRepository,
    private readonly list: DeviceListWriter,
    private readonly deadlines: DeadlineSchedule,
    private readonly audit: ErasureAuditRepository,
    private readonly presence: PresenceReader,
  ) {}

  async execute({ tenant, device_id: deviceId, requested_by }: EraseDeviceRequest): Promise<ErasureRecord> {
    const sessions = await deviceSessionsInLog(this.log, tenant, deviceId);
    const { session_ids: projected } = await this.rpc.send<SessionIdsOfDeviceReply, GetDeviceRequest>(
      RPC.projectorSessionIdsOfDevice,
      { tenant, device_id: deviceId },
      RPC_TIMEOUT_MS,
    );
    for (const id of projected) if (!sessions.has(id)) sessions.set(id, null);
    const device = await this.devices.findById(tenant, deviceId);
    if (!device && sessions.size === 0 && !(await this.factsInLog(tenant, deviceId)))
      throw new DeviceException(DeviceErrorCode.DeviceNotFound, `device ${deviceId} not found`);
    const sessionIds = [...sessions.keys()].sort();

    const purge: PurgeFromLogRequest = {
      tenant,
      device_id: deviceId,
      sessions: [...sessions].map(([session_id, token]) => ({ session_id, token })),
    };
    const purged = await this.purgeFromLog(purge);
    const removed = await this.removeDerivedCopies(tenant, deviceId, sessionIds);
    setTimeout(
      () =>
        void this.purgeFromLog(purge)
          .then(() => this.removeDerivedCopies(tenant, deviceId, sessionIds))
          .catch((e) => this.logger.warn({ msg: 'erasure second pass failed', error: (e as Error).message })),
      SECOND_PASS_MS,
    ).unref();

    const record: ErasureRecord = {
      erasure_id: randomUUID(),
      tenant,
      device_id: deviceId,
      session_ids: sessionIds,
      requested_by,
      erased_at: new Date().toISOString(),
      ...purged,
      ...removed,
    };
    await this.audit.insert(record);
    this.logger.log({
      msg: 'erased a device',
      erasure_id: record.erasure_id,
      sessions: sessionIds.length,
      ...purged,
      ...removed,
    });
    return record;
  }

  /** A device retention already removed may still have connection facts in the log. */
  private async factsInLog(tenant: string, deviceId: string): Promise<boolean> {
    return (await this.log.read(deviceFactsSubject(tenant, deviceId), 1, 1)).events.length > 0;
  }

  /** The log's part, by its owner: the device's facts and sessions, and the tenant's copy of them. */
  private purgeFromLog(request: PurgeFromLogRequest): Promise<PurgeFromLogReply> {
    return this.rpc.send<PurgeFromLogReply, PurgeFromLogRequest>(RPC.lifecyclePurge, request, RPC_TIMEOUT_MS);
  }

  /** Parked copies of the erased events (a replay would bring them back otherwise). */
  private removeDeadLetters(tenant: string, deviceId: string, sessionIds: string[]): Promise<number> {
    const sessions = new Set(sessionIds);
    return DeadLetters.remove(this.nats, (subject) => {
      const logged = parseLogSubject(subject);
      if (logged?.tenant !== tenant) return false;
      return logged.kind === 'session' ? sessions.has(logged.id) : logged.id === deviceId;
    });
  }

  /**
   * The read models and the dead letters. Idempotent: run at once and once more after writes
   * in flight (and events being parked) have landed.
   */
  private async removeDerivedCopies(
    tenant: string,
    deviceId: string,
    sessionIds: string[],
  ): Promise<ErasureRemovals> {
    const deadLettersRemoved = await this.removeDeadLetters(tenant, deviceId, sessionIds);
    const { deleted } = await this.rpc.send<EraseSessionsReply, EraseSessionsRequest>(
      RPC.projectorEraseSessions,
      { tenant, session_ids: sessionIds },
      RPC_TIMEOUT_MS,
    );
    for (const id of sessionIds) await this.deadlines.remove(tenant, id);
    // The row first: it is found by the device's `added_at`, which goes with the device.
    const device = await this.devices.findById(tenant, deviceId);
    if (device) await this.list.remove(tenant, [keyOfDevice(device)]);
    const deviceDeleted = await this.devices.remove(tenant, deviceId);
    this.presence.forget(tenant, deviceId);
    return {
      dead_letters_removed: deadLettersRemoved,
      read_model_sessions_deleted: deleted,
      device_deleted: deviceDeleted,
    };
  }
}
