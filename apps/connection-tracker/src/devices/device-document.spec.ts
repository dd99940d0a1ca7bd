import { Binary } from 'mongodb';
import { toDeviceDocument, toDeviceState } from './device-document';
import type { DeviceState } from './device-state';

const device = (appliedSeq?: number): DeviceState => ({
  _id: 'acme/d1',
  tenant: 'acme',
  id: 'd1',
  added_at: 1_000,
  last_seen_at: 2_000,
  current_session_id: null,
  last_url: 'https://shop.example/',
  device: { platform: 'web' },
  custom_data: { 'a\u0000b': 'x', plan: 'gold' },
  connections: [
    {
      unique_connection_id: 'c1',
      current_url: null,
      active_since: 1_000,
      status: 'disconnected',
      has_focus: false,
      last_focus_at: null,
      screen_width: 390,
      screen_height: 844,
      expected_disconnect: null,
      last_seen_at: 1_500,
      disconnected_at: 1_600,
    },
  ],
  ...(appliedSeq !== undefined ? { applied_seq: appliedSeq } : {}),
});

describe('device documents', () => {
  it('pack the state beside the fields queries and the compare-and-set read, and give it back exactly', () => {
    const document = toDeviceDocument(device(42));
    expect(document).toEqual({
      _id: 'acme/d1',
      tenant: 'acme',
      id: 'd1',
      added_at: 1_000,
      last_seen_at: 2_000,
      current_session_id: null,
      applied_seq: 42,
      state_z: expect.any(Binary),
    });
    expect(toDeviceState(document)).toEqual(device(42));
  });

  it('leave out a version the device never had, so a compare-and-set can ask for its absence', () => {
    expect('applied_seq' in toDeviceDocument(device())).toBe(false);
  });

  it('read a device an earlier version stored as its fields', () => {
    expect(toDeviceState(device(7))).toEqual(device(7));
  });
});
