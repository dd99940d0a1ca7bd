import { sleep } from '@cobrowse/resilience';

/**
 * Polls until `check` stops throwing (the read models are eventually consistent).
 * The deadline only bounds a hung test; nothing asserts how long it took.
 */
export async function eventually<T>(check: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}
