import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '@cobrowse/config';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRing, parseApiKeys } from './api-keys';

@Global()
@Module({
  providers: [
    {
      provide: ApiKeyRing,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => parseApiKeys(config.COBROWSE_API_KEYS),
    },
    ApiKeyGuard,
    { provide: APP_GUARD, useExisting: ApiKeyGuard },
  ],
  exports: [ApiKeyRing, ApiKeyGuard],
})
export class AuthModule {}
