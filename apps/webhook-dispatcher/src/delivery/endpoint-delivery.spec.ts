import type { ConsumerMessages, JsMsg } from 'nats';
import type { AnySessionEvent } from '@cobrowse/contracts';
import type { EndpointDocument } from '../endpoints/endpoint-document';
import { EndpointDelivery, type DeliveryContext } from './endpoint-delivery';
import { RetrySchedule } from './retry-schedule';

const endpoint = {
  _id: 'acme/ep_1',
  tenant: 'acme',
  id: 'ep_1',
  url: 'https://x.test/',
  event_types: null,
  filter: null,
  enabled: true,
  rate_limit: null,
  secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expires_at: null }],
} as unknown as EndpointDocument;

const event = (version: number, session = 's1'): AnySessionEvent =>
  ({
    event_id: `e${version}`,
    type: version === 1 ? 'session.created' : 'session.page-entered',
    tenant: 'acme',
    session_id: session,
    occurred_at: 1,
    recorded_at: 1,
    version,
    data: version === 1 ? { device_id: 'd' } : { url: 'https://a.test/' },
  }) as unknown as AnySessionEvent;

/** A message as the consumer hands it over: the event at `position`. */
const message = (version: number, position: number, session = 's1') => {
  const m = {
    seq: position,
    subject: `cobrowse.acme.session.${session}.x`,
    data: new TextEncoder().encode(JSON.stringify(event(version, session))),
    acked: false,
    ack() {
      m.acked = true;
    },
    working() {},
  };
  return m;
};

/** Messages handed over one by one, then the consumer stays open until closed. */
function consumer(messages: Array<ReturnType<typeof message>>): ConsumerMessages {
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  return {
    async *[Symbol.asyncIterator]() {
      for (const m of messages) yield m as unknown as JsMsg;
      await closed;
    },
    close: async () => close(),
  } as unknown as ConsumerMessages;
}

describe('EndpointDelivery', () => {
  it("sends a session's events in version order when one comes back late, and none twice", async () => {
    const sent: number[] = [];
    const context: DeliveryContext = {
      schedule: new RetrySchedule([0]),
      send: async (_e, headers) => {
        sent.push(Number(headers['webhook-id'].split('_').pop()));
        return { status: 200, error: null, durationMs: 1, response: '', retryAfterSeconds: null };
      },
      record: () => undefined,
      settle: async () => true,
      customData: async () => ({}),
      session: async () => undefined,
      // Version 2 is at position 11 in the log.
      between: async (_event, after, count) =>
        after === 10 && count === 1 ? [{ event: event(2), position: 11 }] : [],
      observe: () => undefined,
      logger: { warn: () => undefined, log: () => undefined },
    };
    // Version 2's message was lost on its way and is handed over again after version 3.
    const messages = [message(1, 10), message(3, 12), message(2, 11)];
    const delivery = new EndpointDelivery(endpoint, consumer(messages), context);
    delivery.start();
    const until = Date.now() + 5_000;
    while (!messages.every((m) => m.acked) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await delivery.stop();
    expect(sent).toEqual([10, 11, 12]);
    expect(messages.every((m) => m.acked)).toBe(true);
  });

  it("spaces an endpoint's deliveries by its rate limit, whatever sessions they belong to", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const sentAt: number[] = [];
      const context: DeliveryContext = {
        schedule: new RetrySchedule([0]),
        send: async () => {
          sentAt.push(Date.now());
          return { status: 200, error: null, durationMs: 1, response: '', retryAfterSeconds: null };
        },
        record: () => undefined,
        settle: async () => true,
        customData: async () => ({}),
        session: async () => undefined,
        between: async () => [],
        observe: () => undefined,
        logger: { warn: () => undefined, log: () => undefined },
      };
      // Three sessions' creations at once, to an endpoint allowing 5 deliveries a second.
      const messages = [1, 2, 3].map((n) => message(1, n, `s${n}`));
      const delivery = new EndpointDelivery({ ...endpoint, rate_limit: 5 }, consumer(messages), context);
      delivery.start();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(sentAt.map((t) => t - 1_000_000)).toEqual([0, 200, 400]);
      await delivery.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
