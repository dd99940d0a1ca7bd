import { formatLength, lengthSeconds, pageDurations } from './durations';

const page = (entered_at: number) => ({
  url: 'https://x.test/',
  title: null,
  entered_at,
  connection_id: null,
});

describe('pageDurations', () => {
  it('gives 11, 7, 11 for the reference worked example', () => {
    const session = {
      activated_at: 1369939712516,
      ended_at: 1369939743522,
      pages: [page(1369939712594), page(1369939723764), page(1369939731685)],
    };
    expect(pageDurations(session, Date.now())).toEqual([11, 7, 11]);
  });

  it('counts pages entered before activation from the activation', () => {
    const session = { activated_at: 10_000, ended_at: 30_000, pages: [page(1_000), page(20_000)] };
    expect(pageDurations(session, 0)).toEqual([10, 10]);
  });

  it('is never negative when a page was left before activation', () => {
    const session = {
      activated_at: 10_000,
      ended_at: 30_000,
      pages: [page(1_000), page(5_000), page(12_000)],
    };
    expect(pageDurations(session, 0)).toEqual([0, 2, 18]);
  });

  it('is 0 for every page of a session that never activated', () => {
    const session = { activated_at: null, ended_at: 50_000, pages: [page(1_000), page(20_000)] };
    expect(pageDurations(session, 0)).toEqual([0, 0]);
  });

  it('runs the last page of an open session up to now', () => {
    const session = { activated_at: 0, ended_at: null, pages: [page(0)] };
    expect(pageDurations(session, 65_900)).toEqual([65]);
  });
});

describe('lengthSeconds', () => {
  it('is activation to end, floored', () => {
    expect(lengthSeconds({ activated_at: 1_000, ended_at: 71_999 }, 0)).toBe(70);
  });
  it('is 0 when never activated', () => {
    expect(lengthSeconds({ activated_at: null, ended_at: 71_999 }, 0)).toBe(0);
  });
  it('counts to now while open', () => {
    expect(lengthSeconds({ activated_at: 0, ended_at: null }, 3_000)).toBe(3);
  });
});

describe('formatLength', () => {
  it.each([
    [0, '00:00'],
    [70, '01:10'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3723, '1:02:03'],
    [36000 + 61, '10:01:01'],
  ])('formats %i seconds as %s', (seconds, text) => {
    expect(formatLength(seconds)).toBe(text);
  });
});
