import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, startService, type NatsServerHandle } from '@cobrowse/local-runtime';
import { TEST_API_KEYS_JSON } from '@cobrowse/testing';

/** SPEC section 8: a NATS server the services cannot work with stops them with one clear line. */
describe('start-up checks', () => {
  let dir: string;
  let nats: NatsServerHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cobrowse-startup-'));
    nats = await startNatsServer(join(dir, 'nats'), join(dir, 'nats-server.log'), undefined, undefined, {
      jetstream: false,
    });
  });

  afterAll(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['session-lifecycle', 'gateway'] as const)(
    '%s stops with one line naming the missing JetStream, without a stack trace',
    async (service) => {
      const process = startService(
        service,
        {
          NATS_URL: nats.url,
          MONGODB_URL: 'mongodb://127.0.0.1:1/unused',
          COBROWSE_API_KEYS: TEST_API_KEYS_JSON,
          PROBE_PORT: '0',
        },
        dir,
      );
      expect(await process.waitForExit()).toBe(2);
      const lines = readFileSync(join(dir, `${service}-1.log`), 'utf8')
        .trim()
        .split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 'fatal',
        message: expect.stringMatching(/^NATS server \d+\.\d+\.\d+ has JetStream disabled/),
      });
    },
  );
});
