import { ExpiryWatch } from './expiry-watch';

const ttl = (seconds: number) => async () => seconds;

describe('ExpiryWatch', () => {
  it('asks for a scan until one has been made', async () => {
    const watch = new ExpiryWatch();
    expect(await watch.isDue(0, ttl(10))).toBe(true);
    watch.beginScan().finish();
    expect(await watch.isDue(0, ttl(10))).toBe(false);
  });

  it('is due when the earliest kept item expires', async () => {
    const watch = new ExpiryWatch();
    const scan = watch.beginScan();
    scan.keep('acme', 5_000, 10);
    scan.keep('acme', 2_000, 10);
    scan.finish();
    expect(await watch.isDue(11_999, ttl(10))).toBe(false);
    expect(await watch.isDue(12_000, ttl(10))).toBe(true);
  });

  it('is due when a noted item expires, also for a tenant the scan did not see', async () => {
    const watch = new ExpiryWatch();
    watch.beginScan().finish();
    watch.note('globex', 1_000);
    watch.note('globex', 3_000);
    expect(await watch.isDue(10_999, ttl(10))).toBe(false);
    expect(await watch.isDue(11_000, ttl(10))).toBe(true);
  });

  it('is due when a tenant TTL changed since the scan', async () => {
    const watch = new ExpiryWatch();
    const scan = watch.beginScan();
    scan.keep('acme', 0, 3600);
    scan.finish();
    expect(await watch.isDue(1_000, ttl(3600))).toBe(false);
    expect(await watch.isDue(1_000, ttl(1))).toBe(true);
  });

  it('keeps what was noted during a scan, and forgets everything on reset', async () => {
    const watch = new ExpiryWatch();
    const scan = watch.beginScan();
    watch.note('acme', 0);
    scan.finish();
    expect(await watch.isDue(10_000, ttl(10))).toBe(true);
    watch.reset();
    expect(await watch.isDue(0, ttl(10))).toBe(true);
  });
});
