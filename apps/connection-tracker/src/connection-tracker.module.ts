import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import { MessagingModule, rpcClientProvider } from '@cobrowse/messaging';
import { PersistenceModule } from '@cobrowse/persistence';
import {
  HEALTH_CONSUMERS,
  HEALTH_DETAILS,
  healthControllerFor,
  LeadershipModule,
  RetentionPolicyClient,
} from '@cobrowse/platform';
import { DeviceListBackfill } from './device-list/device-list.backfill';
import { DeviceListPagesRepository } from './device-list/device-list-pages.repository';
import { DeviceListReader } from './device-list/device-list.reader';
import { DeviceListWriter } from './device-list/device-list.writer';
import { DeviceQueriesController } from './devices/device-queries.controller';
import { DeviceQueriesService } from './devices/device-queries.service';
import { DeviceLocks } from './devices/device-locks';
import { DevicesRepository } from './devices/devices.repository';
import { AbsorbBeatsUseCase } from './presence/absorb-beats.usecase';
import { KnownDevices } from './presence/known-devices';
import { Presence } from './presence/presence';
import { PresenceKeeper } from './presence/presence-keeper';
import { PresenceReader } from './presence/presence-reader';
import { PresenceShardsRepository } from './presence/presence-shards.repository';
import { EraseDeviceUseCase } from './erasure/erase-device.usecase';
import { ErasureAuditRepository } from './erasure/erasure-audit.repository';
import { ErasureController } from './erasure/erasure.controller';
import { DeviceExpiryWatch } from './retention/device-expiry.watch';
import { DeviceRetentionSweeper } from './retention/device-retention.sweeper';
import { DeadlineSchedule } from './timeouts/deadline-schedule';
import { InactivitySweeper } from './timeouts/inactivity-sweeper';
import { SessionDeadlinesRepository } from './timeouts/session-deadlines.repository';
import { ApplyTrackedEventUseCase } from './tracking/apply-tracked-event.usecase';
import { ConnectionTrackingConsumer, TRACKER_CONSUMER } from './tracking/connection-tracking.consumer';

/** Devices, live connections, presence, and sessions ended for inactivity. */
@Module({})
export class ConnectionTrackerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConnectionTrackerModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('connection-tracker'),
        PersistenceModule.forRoot(),
        LeadershipModule.forRoot({ leaseKey: TRACKER_CONSUMER }),
      ],
      controllers: [healthControllerFor('connection-tracker'), DeviceQueriesController, ErasureController],
      providers: [
        { provide: HEALTH_CONSUMERS, useValue: [{ stream: EVENTS_STREAM, consumer: TRACKER_CONSUMER }] },
        {
          provide: HEALTH_DETAILS,
          useFactory: (sweeper: DeviceRetentionSweeper) => [sweeper.stats],
          inject: [DeviceRetentionSweeper],
        },
        rpcClientProvider(config, 'connection-tracker-rpc'),
        DevicesRepository,
        DeviceListPagesRepository,
        DeviceListWriter,
        DeviceListReader,
        DeviceListBackfill,
        DeviceLocks,
        { provide: KnownDevices, useFactory: () => new KnownDevices() },
        { provide: Presence, useFactory: () => new Presence() },
        PresenceShardsRepository,
        AbsorbBeatsUseCase,
        PresenceKeeper,
        PresenceReader,
        SessionDeadlinesRepository,
        DeadlineSchedule,
        ApplyTrackedEventUseCase,
        ConnectionTrackingConsumer,
        InactivitySweeper,
        DeviceQueriesService,
        RetentionPolicyClient,
        DeviceExpiryWatch,
        DeviceRetentionSweeper,
        ErasureAuditRepository,
        EraseDeviceUseCase,
      ],
    };
  }
}
