import { parseBeatsRequest, parseReadRequest } from './presence-requests';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const beat = { event_id: 'e', device_id: 'd', connection_id: 'c', occurred_at: 1 };

describe('presence requests', () => {
  it('takes a null URL or focus as reported, and marks a malformed beat alone', () => {
    const parsed = parseBeatsRequest(
      bytes({
        tenant: 'acme',
        beats: [
          { ...beat, current_url: null, has_focus: null },
          { ...beat, occurred_at: 'x' },
        ],
      }),
    );
    expect(parsed).toEqual({
      tenant: 'acme',
      beats: [{ ...beat, current_url: null, has_focus: null }, null],
    });
  });

  it('refuses what is no batch at all', () => {
    expect(parseBeatsRequest(bytes('not json'))).toBeNull();
    expect(parseBeatsRequest(bytes({ beats: [beat] }))).toBeNull();
    expect(parseBeatsRequest(bytes([beat]))).toBeNull();
    expect(parseReadRequest(bytes({ tenant: 'acme', device_ids: ['d', 3] }))).toBeNull();
    expect(parseReadRequest(bytes({ tenant: 'acme', device_ids: ['d'] }))).toEqual({
      tenant: 'acme',
      device_ids: ['d'],
    });
  });
});
