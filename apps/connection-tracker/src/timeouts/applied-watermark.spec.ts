import { AppliedWatermark } from './applied-watermark';

describe('AppliedWatermark', () => {
  it('covers a deadline once everything logged by its due time is applied', () => {
    const w = new AppliedWatermark();
    w.record(1_000, 10);
    w.record(2_000, 25);
    w.record(3_000, 40);
    expect(w.covers(1_500, 24)).toBe(false);
    expect(w.covers(1_500, 25)).toBe(true);
    expect(w.covers(2_000, 25)).toBe(true);
    expect(w.covers(2_500, 39)).toBe(false);
  });

  it('is conservative for deadlines older than every sample, and knows nothing before the first', () => {
    const w = new AppliedWatermark();
    expect(w.covers(0, 1_000)).toBe(false);
    w.record(5_000, 50);
    expect(w.covers(1, 49)).toBe(false);
    expect(w.covers(1, 50)).toBe(true);
  });

  it('uses the newest sample for a deadline after every sample', () => {
    const w = new AppliedWatermark();
    w.record(1_000, 10);
    expect(w.covers(9_000, 10)).toBe(true);
    expect(w.covers(9_000, 9)).toBe(false);
  });
});
