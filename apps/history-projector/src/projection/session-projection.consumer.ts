import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, headers as natsHeaders, type ConsumerMessages, type JsMsg } from 'nats';
import {
  DEAD_LETTER_STREAM,
  EVENTS_STREAM,
  SESSION_EVENTS_WILDCARD,
  deadLetterSubject,
  sessionUpdatedSubject,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import {
  ensureDeadLetterStream,
  ensureEventStream,
  eventLogOptions,
  KeyedMutex,
  NatsConnectionService,
} from '@cobrowse/messaging';
import { toSessionResource } from '@cobrowse/session-domain';
import { ApplySessionEventUseCase, PoisonEventError } from './apply-session-event.usecase';
import { parseLoggedEvent } from './parse-event';

export const PROJECTOR_CONSUMER = 'history-projector';
const IN_FLIGHT = 64;
const GAP_RETRY_MS = 250;
const MAX_GAP_REDELIVERIES = 40;

/**
 * Durable JetStream consumer shared by every projector replica. Events of one session
 * are applied in log order within a replica; across replicas the version guard orders
 * them. A message is acked only after its write, so a crash redelivers it.
 */
@Injectable()
export class SessionProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionProjectionConsumer.name);
  private readonly mutex = new KeyedMutex();
  private messages?: ConsumerMessages;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apply: ApplySessionEventUseCase,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = this.nats.jsm;
    await ensureEventStream(jsm, eventLogOptions(this.config));
    await ensureDeadLetterStream(jsm, eventLogOptions(this.config));
    try {
      await jsm.consumers.info(EVENTS_STREAM, PROJECTOR_CONSUMER);
    } catch {
      await jsm.consumers
        .add(EVENTS_STREAM, {
          durable_name: PROJECTOR_CONSUMER,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: SESSION_EVENTS_WILDCARD,
          ack_wait: 30_000_000_000,
          max_ack_pending: 1_000,
        })
        .catch((e: Error) => {
          if (!/already/i.test(e.message)) throw e;
        });
    }
    const consumer = await this.nats.js.consumers.get(EVENTS_STREAM, PROJECTOR_CONSUMER);
    this.messages = await consumer.consume({ max_messages: 256 });
    void this.run(this.messages);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.inFlight++;
      const key = m.subject.split('.').slice(1, 4).join('.');
      void this.mutex
        .run(key, () => this.handle(m))
        .finally(() => {
          this.inFlight--;
          this.waiters.shift()?.();
        });
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const parsed = parseLoggedEvent(m.data);
    if ('reason' in parsed) return this.park(m, parsed.reason);
    try {
      const result = await this.apply.execute(parsed.event);
      if (result.outcome === 'gap') {
        if (m.info.redeliveryCount > MAX_GAP_REDELIVERIES) {
          return this.park(m, `version ${parsed.event.version} never followed version ${result.have}`);
        }
        m.nak(GAP_RETRY_MS);
        return;
      }
      m.ack();
      if (result.outcome === 'applied') {
        const { tenant, id } = result.snapshot;
        this.nats.nc.publish(
          sessionUpdatedSubject(tenant, id),
          JSON.stringify(toSessionResource(result.snapshot, Date.now())),
        );
      }
    } catch (e) {
      if (e instanceof PoisonEventError) return this.park(m, e.message);
      this.logger.warn({
        msg: 'projection write failed; will retry',
        error: (e as Error).message,
        seq: m.seq,
      });
      m.nak(1_000);
    }
  }

  /** Poison events go to the dead-letter stream with the reason, and stop blocking the consumer. */
  private async park(m: JsMsg, reason: string): Promise<void> {
    const h = natsHeaders();
    h.set('Cobrowse-Dead-Letter-Reason', reason.slice(0, 1000));
    h.set('Cobrowse-Original-Subject', m.subject);
    h.set('Cobrowse-Original-Sequence', String(m.seq));
    try {
      await this.nats.js.publish(deadLetterSubject(PROJECTOR_CONSUMER), m.data, {
        headers: h,
        msgID: `${PROJECTOR_CONSUMER}/${m.seq}`,
        expect: { streamName: DEAD_LETTER_STREAM },
      });
      this.logger.error({ msg: 'parked a poison event', seq: m.seq, reason });
      m.term(reason);
    } catch (e) {
      this.logger.warn({ msg: 'could not park; will retry', error: (e as Error).message });
      m.nak(1_000);
    }
  }
}
