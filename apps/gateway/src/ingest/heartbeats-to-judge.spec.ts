import { heartbeatsToJudge } from './heartbeats-to-judge';

const beat = (device_id: string) => ({ type: 'connection.heartbeat' as const, device_id });
const opened = (device_id: string) => ({ type: 'connection.opened' as const, device_id });
const closed = (device_id: string) => ({ type: 'connection.closed' as const, device_id });

describe('heartbeatsToJudge', () => {
  it('judges every heartbeat of a batch of heartbeats', () => {
    expect(heartbeatsToJudge([beat('a'), beat('b'), beat('a')])).toEqual([0, 1, 2]);
  });

  it('logs the heartbeats that follow another fact of their device, and only those', () => {
    expect(heartbeatsToJudge([beat('a'), opened('a'), beat('a'), beat('b'), closed('b'), beat('b')])).toEqual(
      [0, 3],
    );
  });
});
