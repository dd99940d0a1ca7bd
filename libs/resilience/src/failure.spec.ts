import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { ErrorCode, NatsError } from 'nats';
import { RequestErrorCode, RequestException } from '@cobrowse/contracts';
import { classifyFailure, PoisonMessageError, UnavailableError, waitsOut } from './failure';

describe('classifyFailure', () => {
  it('calls no answer in time, no responders and a cluster electing its leaders transient', () => {
    for (const e of [
      Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' }),
      Object.assign(new Error('x'), { code: '503' }),
      new Error('JetStream system temporarily unavailable'),
      new Error('no suitable peers for placement'),
      new NatsError('no responders', ErrorCode.NoResponders),
    ])
      expect(classifyFailure(e)).toBe('transient');
  });

  it('calls NATS, the event log, the database and a lost lease unreachable an outage', () => {
    for (const e of [
      new NatsError('connection closed', ErrorCode.ConnectionClosed),
      new RequestException(RequestErrorCode.ServiceUnavailable, 'the event log could not be read'),
      new MongoNetworkError('connection reset'),
      new MongoServerSelectionError('no primary', { type: 'Unknown', servers: new Map() } as never),
      Object.assign(new MongoServerError({ message: 'shutting down' }), { code: 91 }),
      new UnavailableError('no longer leads'),
    ])
      expect(classifyFailure(e)).toBe('outage');
  });

  it('calls an answer that says no a refusal, and what can never apply poison', () => {
    expect(classifyFailure(new MongoServerError({ message: 'document failed validation', code: 121 }))).toBe(
      'refusal',
    );
    expect(classifyFailure(new Error('insufficient resources'))).toBe('refusal');
    expect(classifyFailure(new RequestException(RequestErrorCode.ValidationFailed, 'bad'))).toBe('refusal');
    expect(classifyFailure(new PoisonMessageError('not JSON'))).toBe('poison');
  });

  it('waits out transient failures and outages, never refusals or poison', () => {
    expect([waitsOut('transient'), waitsOut('outage'), waitsOut('refusal'), waitsOut('poison')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
