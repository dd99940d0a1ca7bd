import { differs, eventStreamConfig } from './log-streams';

describe('differs (a stream is updated only when its configuration changed)', () => {
  const wanted = eventStreamConfig({ replicas: 3, duplicateWindowMs: 120_000, maxAgeDays: 400 });

  it('finds nothing to change in the configuration the server reports back', () => {
    const reported = {
      ...wanted,
      subjects: [...(wanted.subjects ?? [])].reverse(),
      sealed: false,
      max_msgs: -1,
    };
    expect(differs(reported, wanted)).toBe(false);
  });

  it('finds a changed setting', () => {
    expect(differs({ ...wanted, num_replicas: 1 }, wanted)).toBe(true);
    expect(differs({ ...wanted, subjects: ['cobrowse.*.session.*.*'] }, wanted)).toBe(true);
  });
});
