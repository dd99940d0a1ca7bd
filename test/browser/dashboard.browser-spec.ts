import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import {
  ApiClient,
  eventually,
  listedSessionIds,
  TEST_KEYS,
  TestIssuer,
  TestSystem,
  WebhookReceiver,
} from '@cobrowse/testing';
import { launchChromium } from './chromium';

jest.setTimeout(600_000);

const SCREENSHOTS = join(__dirname, '../../.data/test-results/screenshots');

/** The dashboard in a real browser against the real system, as a support lead would use it. */
describe('dashboard', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let rest: ApiClient;
  let ingest: ApiClient;
  const run = randomUUID().slice(0, 8);
  const offOrigin: string[] = [];

  const waitForText = (locator: Locator, text: string) =>
    eventually(async () => expect(await locator.textContent()).toContain(text), 60_000);
  const shot = (name: string, fullPage = true) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
  const sessionRow = (id: string) => page.locator(`tr[data-session-id="${id}"]`);
  const shownIds = () =>
    page
      .locator('tr[data-session-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-session-id')!));
  const applyFilters = async (fields: Record<string, string>) => {
    for (const [label, value] of Object.entries(fields))
      await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByRole('button', { name: 'Apply filters' }).click();
  };
  const restIds = (query: string) => listedSessionIds(rest, query);
  const createSession = async (custom_data: Record<string, string>, tags: string[] = []) => {
    const r = await ingest.post('/v1/sessions', { device_id: `dev-${run}`, custom_data, tags });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    system = await TestSystem.start({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    rest = new ApiClient(system.gatewayUrl).as('admin');
    ingest = new ApiClient(system.gatewayUrl).as('ingest');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('request', (request) => {
      if (!request.url().startsWith(system.gatewayUrl)) offOrigin.push(request.url());
    });
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('is served with a strict Content-Security-Policy and signs in with an API key, by keyboard', async () => {
    const response = await page.goto(`${system.gatewayUrl}/dashboard`);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('API key').fill('not-a-key');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not valid');
    await shot('sign-in');
    await page.getByLabel('API key').fill(TEST_KEYS.admin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sessions', exact: true }).waitFor();
    await expect(page.getByText('Admin key').isVisible()).resolves.toBe(true);
  });

  it('shows sessions appear live as a relay creates them, and the active count', async () => {
    const id = await createSession({ run, kind: 'live' });
    await sessionRow(id).waitFor({ timeout: 60_000 });
    await ingest.post(`/v1/sessions/${id}/activate`, { agent: { id: 'agent-live', name: 'Live Agent' } });
    await eventually(async () => expect(await sessionRow(id).textContent()).toContain('Live Agent'), 60_000);
    const count = (await rest.get('/v1/sessions/count?state=active')).body.count;
    await eventually(async () =>
      expect(await page.getByTestId('active-count').textContent()).toBe(String(count)),
    );
  });

  it('filters by custom data and by tag expression, and shows the error of a bad one', async () => {
    await createSession({ run, kind: 'tagged' }, ['vip']);
    await createSession({ run, kind: 'plain' }, ['test']);
    await eventually(async () => expect(await restIds(`filter_run=${run}`)).toHaveLength(3));
    await applyFilters({ 'Custom data (key=value, …)': `run=${run}`, 'Tag expression': '' });
    await eventually(async () => expect(await shownIds()).toEqual(await restIds(`filter_run=${run}`)));

    // Custom-data keys as optional columns (the README's screenshot is this view).
    await page.getByRole('checkbox', { name: 'kind' }).check();
    await waitForText(page.locator('thead'), 'kind');
    await shot('overview', false);

    await applyFilters({ 'Tag expression': 'vip AND (' });
    const error = page.locator('#filter-tags-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/position \d+/);
    await shot('sessions-tag-error');

    await applyFilters({ 'Tag expression': 'vip AND NOT test' });
    await eventually(async () =>
      expect(await shownIds()).toEqual(
        await restIds(`filter_run=${run}&tags=${encodeURIComponent('vip AND NOT test')}`),
      ),
    );
    expect(await shownIds()).toHaveLength(1);
    expect(await page.locator('#filter-tags-error').count()).toBe(0);
  });

  it('pages through 120 sessions without skipping or repeating one', async () => {
    const batch = `page-${run}`;
    const events = Array.from({ length: 120 }, (_, i) => ({
      type: 'session.created',
      session_id: randomUUID(),
      data: { device_id: `dev-${run}-${i}`, custom_data: { batch } },
    }));
    expect(
      (await ingest.post('/v1/events', { events })).body.results.every(
        (r: { status: string }) => r.status === 'accepted',
      ),
    ).toBe(true);
    await eventually(async () => expect(await restIds(`filter_batch=${batch}`)).toHaveLength(120));
    await applyFilters({ 'Custom data (key=value, …)': `batch=${batch}`, 'Tag expression': '' });
    await page.getByText('Page 1: 50 sessions').waitFor();
    const seen: string[] = [];
    for (let p = 1; ; p++) {
      await page.getByText(`Page ${p}:`).waitFor();
      seen.push(...(await shownIds()));
      if (p === 1) await shot('sessions');
      const next = page.getByRole('button', { name: 'Next page' });
      if (await next.isDisabled()) break;
      await next.click();
    }
    expect(seen).toHaveLength(120);
    expect(seen).toEqual(await restIds(`filter_batch=${batch}`));
  });

  it('downloads exactly the current filter as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const file = await download.path();
    const raw = await fetch(`${system.gatewayUrl}/v1/sessions/export.csv?filter_batch=page-${run}`, {
      headers: { authorization: `Bearer ${TEST_KEYS.admin}` },
    });
    const csv = readFileSync(file!, 'utf8');
    expect(csv).toBe(await raw.text());
    expect(csv.trim().split('\n')).toHaveLength(121);
  });

  it('shows a session with the page durations of the history API', async () => {
    const id = await createSession({ run, kind: 'history' });
    const t0 = Date.now() - 60_000;
    await ingest.post(`/v1/sessions/${id}/activate`, {
      agent: { id: 'a1', name: 'Ana' },
      occurred_at: t0 + 1_000,
    });
    for (const [i, at] of [t0 + 2_000, t0 + 13_500, t0 + 21_000].entries())
      await ingest.post(`/v1/sessions/${id}/pages`, { url: `https://shop.test/${i}`, occurred_at: at });
    await ingest.post(`/v1/sessions/${id}/deactivate`, { occurred_at: t0 + 40_000 });
    const history = await eventually(async () => {
      const r = await rest.get(`/history/sessions/${id}`);
      expect(r.status).toBe(200);
      return r.body;
    });
    await page.goto(`${system.gatewayUrl}/dashboard#/sessions/${id}`);
    await waitForText(page.getByTestId('session-state'), 'ended');
    const durations = await page.getByTestId('page-duration').allTextContents();
    expect(durations.map(Number)).toEqual(history.pages.map((p: { duration: number }) => p.duration));
    expect(durations.map(Number)).toEqual([11, 7, 19]);
    await page.getByText('Raw events from the log').click();
    expect(JSON.parse((await page.getByTestId('raw-events').textContent())!)).toHaveLength(6);
    await shot('session-detail');
  });

  it('edits metadata with If-Match, says so on a conflict, and ends a session live', async () => {
    const id = await createSession({ run, kind: 'edit' });
    await eventually(async () => expect((await rest.get(`/v1/sessions/${id}`)).status).toBe(200));
    await page.goto(`${system.gatewayUrl}/dashboard#/sessions/${id}`);
    await page.getByRole('button', { name: 'Edit metadata' }).click();
    await page.getByLabel('Metadata (JSON; null deletes a key)').fill('{"note": "from the dashboard"}');
    // Someone else changes the session meanwhile.
    expect((await rest.request('PATCH', `/v1/sessions/${id}/metadata`, { other: 1 })).status).toBe(200);
    await eventually(async () => expect(await page.getByTestId('session-version').textContent()).toBe('2'));
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain(
      'changed since you started editing',
    );
    await shot('session-conflict');
    expect((await rest.get(`/v1/sessions/${id}`)).body.metadata).toEqual({ other: 1 });

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Edit metadata' }).click();
    await page.getByLabel('Metadata (JSON; null deletes a key)').fill('{"note": "from the dashboard"}');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByText('Metadata saved.').waitFor();
    await eventually(async () =>
      expect((await rest.get(`/v1/sessions/${id}`)).body.metadata).toEqual({
        other: 1,
        note: 'from the dashboard',
      }),
    );

    await page.getByRole('button', { name: 'End session' }).click();
    await waitForText(page.getByTestId('session-state'), 'ended');
    await eventually(async () => expect((await rest.get(`/v1/sessions/${id}`)).body.state).toBe('ended'));
  });

  it('shows devices with their presence, live', async () => {
    const device = `dev-${run}-presence`;
    await page.goto(`${system.gatewayUrl}/dashboard#/devices`);
    await page.getByRole('heading', { name: 'Devices', exact: true }).waitFor();
    await ingest.post(`/v1/devices/${device}/connections`, {
      connection_id: 'tab-1',
      current_url: 'https://shop.test/p',
    });
    const row = page.locator(`tr[data-device-id="${device}"]`);
    await waitForText(row.getByTestId('presence'), 'online');
    expect(await row.textContent()).toContain('https://shop.test/p');
    await shot('devices');
  });

  it('creates a webhook endpoint, shows its secret once, its attempts, a test and a rotation', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      await page.goto(`${system.gatewayUrl}/dashboard#/webhooks`);
      await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
      await page.getByLabel('URL', { exact: true }).fill(receiver.url('/dashboard'));
      await page.getByLabel('Description').fill(`dashboard ${run}`);
      await page.getByLabel('session.created').check();
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      const secret = await eventually(async () => {
        const text = await page.getByTestId('webhook-secret').textContent();
        expect(text).toMatch(/^whsec_/);
        return text!;
      });
      const row = page.locator('tr[data-endpoint-id]').filter({ hasText: `dashboard ${run}` });
      await waitForText(row.getByTestId('endpoint-state'), 'enabled');

      const id = await createSession({ run, kind: 'webhook' });
      const hook = await eventually(async () => {
        const [got] = receiver.at('/dashboard');
        expect(got?.json.data.session_id).toBe(id);
        return got;
      });
      new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);

      await row.getByRole('button', { name: 'Send test' }).click();
      await page.getByRole('status').filter({ hasText: 'Test sent' }).waitFor();
      await row.getByRole('button', { name: 'Rotate secret' }).click();
      await eventually(async () =>
        expect(await page.getByTestId('webhook-secret').textContent()).not.toBe(secret),
      );
      await row.getByRole('button', { name: 'Attempts' }).click();
      await eventually(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        const attempts = await page.getByTestId('attempt').allTextContents();
        expect(attempts.some((a) => a.includes('session.created') && a.includes('200'))).toBe(true);
        expect(attempts.some((a) => a.includes('webhook.test'))).toBe(true);
      });
      await shot('webhooks');
      await row.getByRole('button', { name: 'Disable' }).click();
      await waitForText(row.getByTestId('endpoint-state'), 'disabled');
    } finally {
      await receiver.stop();
    }
  });

  it('shows a read-only key no admin actions, and fits a phone', async () => {
    const id = await createSession({ run, kind: 'read-only' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(TEST_KEYS.read);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Read-only key').waitFor();
    await eventually(async () => expect((await rest.get(`/v1/sessions/${id}`)).status).toBe(200));
    await page.goto(`${system.gatewayUrl}/dashboard#/sessions/${id}`);
    await page.getByTestId('session-state').waitFor();
    expect(await page.getByRole('button', { name: 'End session' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${system.gatewayUrl}/dashboard#/sessions`);
    await page.locator('tr[data-session-id]').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('sessions-phone');
    expect(offOrigin).toEqual([]);
  });

  it('signs an agent in with a token from the portal, by URL fragment, and shows only what the role may do', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const idp = new TestIssuer('https://idp.browser.test', 'cobrowse-dashboard');
    const key = await TestIssuer.key('b1', 'ES256');
    idp.publish(key);
    const trusted = await rest.request('PUT', '/v1/auth/issuers/browser-idp', {
      issuer: idp.issuer,
      audience: idp.audience,
      jwks: idp.jwks,
    });
    expect(trusted.status).toBe(200);
    const inside = await createSession({ run, kind: 'agent-view', team: 'emea' });
    const outside = await createSession({ run, kind: 'agent-view', team: 'apac' });
    await eventually(async () => expect(await restIds(`filter_kind=agent-view`)).toHaveLength(2));
    const token = await idp.sign(key, {
      sub: 'ada@acme.test',
      name: 'Ada Agent',
      role: 'agent',
      policy: { custom_data: { team: 'emea' } },
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${system.gatewayUrl}/dashboard#/sessions&token=${token}`);
    await waitForText(page.getByTestId('signed-in-as'), 'Ada Agent');
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => location.hash)).toBe('#/sessions');
    await applyFilters({ 'Custom data (key=value, …)': 'kind=agent-view', 'Tag expression': '' });
    await eventually(async () => expect(await shownIds()).toEqual([inside]));
    expect(await page.locator('[data-admin-only]').count()).toBe(0);
    await page.goto(`${system.gatewayUrl}/dashboard#/sessions/${outside}`);
    await eventually(async () => expect(await page.getByText(/not found/i).count()).toBeGreaterThan(0));
    await shot('agent-signed-in');
    // An expired token signs the agent out with the reason.
    const now = Math.floor(Date.now() / 1000);
    const expired = await idp.sign(key, { name: 'Ada Agent', iat: now - 7200, exp: now - 3600 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(expired);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('expired');
  });
});
