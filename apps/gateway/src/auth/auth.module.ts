import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '@cobrowse/config';
import { ApiKeyRing, parseApiKeys } from './api-keys';
import { AuthGuard } from './auth.guard';
import { IssuersController } from './issuers/issuers.controller';
import { SaveIssuerUseCase } from './issuers/save-issuer.usecase';
import { TrustedIssuersStore } from './issuers/trusted-issuers.store';
import { MeController } from './me.controller';
import { SessionAccess } from './session-access';
import { IssuerKeySets } from './tokens/issuer-key-sets';
import { TokenVerifier } from './tokens/token-verifier';

/** Who a request comes from (API keys, agents' tokens), and what it may see. */
@Global()
@Module({
  controllers: [IssuersController, MeController],
  providers: [
    {
      provide: ApiKeyRing,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => parseApiKeys(config.COBROWSE_API_KEYS),
    },
    TrustedIssuersStore,
    IssuerKeySets,
    TokenVerifier,
    SaveIssuerUseCase,
    SessionAccess,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [ApiKeyRing, AuthGuard, SessionAccess],
})
export class AuthModule {}
