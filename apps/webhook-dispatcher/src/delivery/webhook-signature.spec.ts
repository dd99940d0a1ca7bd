import { Webhook } from 'standardwebhooks';
import { newSecret } from '../endpoints/endpoint-secret';
import { signedHeaders } from './webhook-signature';

describe('signedHeaders', () => {
  const message = {
    id: 'msg_ep_1_42',
    type: 'session.created',
    position: 42,
    body: '{"type":"session.created"}',
  };

  it('signs as Standard Webhooks do: the reference library verifies it', () => {
    const secret = newSecret();
    const headers = signedHeaders({ secrets: [{ secret, expires_at: null }] }, message);
    expect(headers['webhook-id']).toBe(message.id);
    expect(new Webhook(secret).verify(message.body, headers)).toEqual({ type: 'session.created' });
  });

  it('carries one signature per valid secret, and none of an expired one', () => {
    const [current, previous, expired] = [newSecret(), newSecret(), newSecret()];
    const headers = signedHeaders(
      {
        secrets: [
          { secret: current, expires_at: null },
          { secret: previous, expires_at: Date.now() + 60_000 },
          { secret: expired, expires_at: Date.now() - 1 },
        ],
      },
      message,
    );
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous])
      expect(() => new Webhook(secret).verify(message.body, headers)).not.toThrow();
    expect(() => new Webhook(expired).verify(message.body, headers)).toThrow();
  });
});
