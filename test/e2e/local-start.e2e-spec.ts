import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindable, canConnect, repoRoot } from '@cobrowse/local-runtime';
import { eventually } from '@cobrowse/testing';

/** The local start command (`npm start` after its build): the whole system, supervised. */
describe('local start', () => {
  let dir: string;
  let start: ChildProcess;
  let stdout = '';
  let stderr = '';
  let gatewayPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cobrowse-start-'));
    // The gateway's port and the four after it (the services' probe ports) must be free to bind.
    // Below the ephemeral range: there a port can be free of listeners yet bound by an outgoing
    // connection (one of the services' own), and the service that wants it cannot start.
    for (;;) {
      gatewayPort = 20_000 + Math.floor(Math.random() * 12_000);
      const free = await Promise.all([0, 1, 2, 3, 4].map((i) => bindable(gatewayPort + i)));
      if (free.every(Boolean)) break;
    }
    start = spawn(process.execPath, [join(repoRoot(), 'dist/deploy/local/start.js')], {
      env: { ...process.env, COBROWSE_LOCAL_DIR: dir, GATEWAY_PORT: String(gatewayPort), LOG_LEVEL: 'warn' },
    });
    start.stdout!.on('data', (d) => (stdout += d));
    start.stderr!.on('data', (d) => (stderr += d));
    await eventually(async () => expect(stdout).toContain('Co-browse session service is up.'), 120_000);
  });

  afterAll(async () => {
    if (start.exitCode === null) start.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const pidOf = (service: string) =>
    Number(new RegExp(`${service}\\s+\\S+\\s+\\(pid (\\d+)\\)`).exec(stdout)?.[1]);

  it('prints the gateway, each service with its probe address, and the NATS identities it wrote', () => {
    expect(stdout).toContain(`gateway:  http://127.0.0.1:${gatewayPort}`);
    for (const service of [
      'session-lifecycle',
      'history-projector',
      'connection-tracker',
      'webhook-dispatcher',
    ])
      expect(pidOf(service)).toBeGreaterThan(0);
    for (const identity of ['services', 'relay-dev', 'subscriber-dev']) {
      const file = join(dir, '.local', 'nats', `${identity}.json`);
      expect(stdout).toContain(file);
      expect(existsSync(file)).toBe(true);
    }
  });

  it('serves the dashboard, with a strict Content-Security-Policy', async () => {
    expect(stdout).toContain(`dashboard: http://127.0.0.1:${gatewayPort}/dashboard`);
    const page = await fetch(`http://127.0.0.1:${gatewayPort}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<script type="module" src="/dashboard/app.js">');
    const script = await fetch(`http://127.0.0.1:${gatewayPort}/dashboard/app.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`http://127.0.0.1:${gatewayPort}/dashboard/nope.js`)).status).toBe(404);
  });

  it('restarts a service that dies, logs the restart, and the service serves again', async () => {
    const before = pidOf('session-lifecycle');
    process.kill(before, 'SIGKILL');
    await eventually(async () => {
      expect(stderr).toMatch(
        new RegExp(`session-lifecycle \\(pid ${before}\\) exited on a signal .*restart #1`),
      );
      expect(stderr).toMatch(/session-lifecycle restarted \(pid \d+\)/);
    });
    const after = Number(/session-lifecycle restarted \(pid (\d+)\)/.exec(stderr)![1]);
    expect(after).not.toBe(before);
    await eventually(async () => {
      const ready = await fetch(`http://127.0.0.1:${gatewayPort + 1}/readyz`);
      expect(ready.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${gatewayPort}/health`)).status).toBe(200);
    }, 60_000);
  });

  it('Ctrl-C stops everything it started', async () => {
    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    start.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await canConnect(gatewayPort)).toBe(false);
    expect(await canConnect(gatewayPort + 2)).toBe(false);
  });
});
