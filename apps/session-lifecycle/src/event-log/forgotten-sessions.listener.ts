import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'nats';
import { INTERNAL_SUBJECTS } from '@cobrowse/contracts';
import { NatsConnectionService, onErasedSessions } from '@cobrowse/messaging';
import { SessionHistoryCache, sessionKey } from './session-history.cache';

/**
 * Every replica's part of an erasure: the forget request reaches one replica, which announces
 * the erased sessions, and each replica drops them from its cache, so no replica keeps an
 * erased history in memory. A missed announcement never shows: nothing is answered from a
 * cached history the log no longer backs (AppendSessionEventUseCase), and the entry ages out.
 */
@Injectable()
export class ForgottenSessionsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly cache: SessionHistoryCache,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = onErasedSessions(
      this.nats.nc,
      INTERNAL_SUBJECTS.lifecycleSessionsForgotten,
      ({ tenant, session_ids }) => {
        for (const id of session_ids) this.cache.delete(sessionKey(tenant, id));
      },
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
