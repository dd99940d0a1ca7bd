import type { SessionSnapshot } from '@cobrowse/contracts';
import { wholeSnapshots } from './announcements';

const step = (tenant: string, id: string, version: number) => ({ tenant, id, version }) as SessionSnapshot;

describe('wholeSnapshots', () => {
  it("announces each session's last step of a batch whole and the steps before it slim", () => {
    const changed = [
      step('acme', 's1', 1),
      step('acme', 's1', 2),
      step('acme', 's2', 1),
      step('globex', 's1', 1),
      step('acme', 's1', 3),
    ];
    expect(wholeSnapshots(changed)).toEqual([false, false, true, true, true]);
  });
});
