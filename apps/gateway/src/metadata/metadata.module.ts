import { Module } from '@nestjs/common';
import { SessionDataController } from './session-data.controller';
import { UpdateSessionDataUseCase } from './update-session-data.usecase';

@Module({ controllers: [SessionDataController], providers: [UpdateSessionDataUseCase] })
export class MetadataModule {}
