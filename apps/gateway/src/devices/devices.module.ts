import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { DeviceConnectionsController } from './device-connections.controller';
import { DevicesController } from './devices.controller';

@Module({ imports: [IngestModule], controllers: [DevicesController, DeviceConnectionsController] })
export class DevicesModule {}
