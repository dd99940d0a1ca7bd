import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';

const FIXED =
  'device_locale,os_version,os_api_level,app_id,app_name,app_version,app_build,sdk_version,platform,' +
  'agent_name,agent_email,session_id,session_created,session_ended';

/** Peak resident memory of a process while `work` runs, sampled from /proc. */
async function peakRssDuring(
  pid: number,
  work: () => Promise<void>,
): Promise<{ baseline: number; peak: number }> {
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  const baseline = rss();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { baseline, peak: Math.max(peak, rss()) };
}

/** Streams the export and counts its lines without keeping it. */
async function streamExport(
  url: string,
  key: string,
): Promise<{ status: number; header: string; lines: number }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let header = '';
  let lines = 0;
  let carry = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = carry + decoder.decode(value, { stream: true });
    const parts = text.split('\r\n');
    carry = parts.pop()!;
    if (!header && parts.length) header = parts[0];
    lines += parts.length;
  }
  return { status: response.status, header, lines };
}

describe('CSV export', () => {
  let system: TestSystem;
  let api: ApiClient;

  beforeAll(async () => {
    // No inactivity timeouts while 100k open sessions sit in the read model.
    system = await TestSystem.start({ env: { SESSION_INACTIVITY_TIMEOUT_MS: String(24 * 3600 * 1000) } });
    api = new ApiClient(system.gatewayUrl);
  });

  afterAll(async () => system?.stop());

  it('writes the SPEC columns, custom data keys sorted, UTC dates, quoting and neutralised formulas', async () => {
    const ingest = api.as('ingest');
    const a = await ingest.post('/v1/sessions', {
      device_id: 'csv-1',
      occurred_at: 1369939707527,
      device: { device_locale: 'en-GB', platform: 'web', app_name: 'Shop, "Best"' },
      custom_data: { zeta: '=HYPERLINK("x")', alpha: 7 },
      tags: ['csv'],
    });
    await ingest.post(`/v1/sessions/${a.body.id}/activate`, {
      agent: { id: 'ag', name: 'Ann', email: 'ann@example.com' },
      occurred_at: 1369939712516,
    });
    await ingest.post(`/v1/sessions/${a.body.id}/deactivate`, { occurred_at: 1369939743522 });
    const b = await ingest.post('/v1/sessions', {
      device_id: 'csv-2',
      occurred_at: 1369939800000,
      tags: ['csv'],
      custom_data: { mid: '-5' },
    });
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${a.body.id}`)).body.state).toBe('ended'),
    );
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${b.body.id}`)).status).toBe(200),
    );

    const r = await fetch(`${system.gatewayUrl}/v1/sessions/export.csv?device_id=csv-1`, {
      headers: { authorization: 'Bearer acme-read-key-00000000000001' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await r.text()).toBe(
      `${FIXED},alpha,zeta\r\n` +
        `en-GB,,,,"Shop, ""Best""",,,,web,Ann,ann@example.com,${a.body.id},2013-05-30 18-48-27,2013-05-30 18-49-03,7,"'=HYPERLINK(""x"")"\r\n`,
    );

    const both = await (
      await fetch(`${system.gatewayUrl}/v1/sessions/export.csv?tags=csv`, {
        headers: { authorization: 'Bearer acme-read-key-00000000000001' },
      })
    ).text();
    const lines = both.trimEnd().split('\r\n');
    expect(lines[0]).toBe(`${FIXED},alpha,mid,zeta`);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes(b.body.id))).toBe(
      `,,,,,,,,,,,${b.body.id},2013-05-30 18-50-00,,,-5,`,
    );
  });

  it('answers 400 for bad filters, 401/403 without a read key, and exports nothing of other tenants', async () => {
    expect((await api.as('read').get('/v1/sessions/export.csv?state=nope')).status).toBe(400);
    expect((await api.get('/v1/sessions/export.csv')).status).toBe(401);
    expect((await api.as('ingest').get('/v1/sessions/export.csv')).status).toBe(403);
    const other = await api.as('otherTenantAdmin').get('/v1/sessions/export.csv');
    expect(other.status).toBe(200);
    expect(other.body).toBe(`${FIXED}\r\n`);
  });

  it('streams 100k sessions without memory growing with the row count', async () => {
    const ingest = api.as('ingest');
    const seed = async (count: number, part: string) => {
      const batches = Math.ceil(count / 500);
      let next = 0;
      const worker = async () => {
        while (next < batches) {
          const batch = next++;
          const events = Array.from({ length: 500 }, (_, i) => ({
            type: 'session.created',
            session_id: randomUUID(),
            data: {
              device_id: `${part}-${batch}-${i}`,
              custom_data: { bulk: 'yes', part, plan: `p${i % 7}` },
              device: { platform: 'web' },
            },
          }));
          const r = await ingest.post('/v1/events', { events });
          expect(r.status).toBe(200);
        }
      };
      await Promise.all([worker(), worker(), worker()]);
    };
    const started = Date.now();
    const phase = (name: string) =>
      process.stdout.write(`${name} after ${Math.round((Date.now() - started) / 1000)} s\n`);
    await seed(10_000, 'small');
    await seed(90_000, 'large');
    phase('100k sessions ingested');
    // Wait on the projection checkpoint (counting would scan 100k documents on FerretDB each time).
    // The connection tracker is still catching up meanwhile: the export runs on a busy database.
    await eventually(async () => {
      const [lag] = (await api.get('/health')).body.services['history-projector'].consumers;
      expect(lag.ack_floor).toBe(lag.last_seq);
    }, 1_200_000);
    phase('100k sessions projected');

    const gateway = system.services.get('gateway')![0].pid!;
    const projector = system.services.get('history-projector')![0].pid!;
    const exportOf = async (query: string, rows: number) => {
      let result = { status: 0, header: '', lines: 0 };
      let projectorPeak = { baseline: 0, peak: 0 };
      const gatewayPeak = await peakRssDuring(gateway, async () => {
        projectorPeak = await peakRssDuring(projector, async () => {
          result = await streamExport(
            `${system.gatewayUrl}/v1/sessions/export.csv?${query}`,
            'acme-read-key-00000000000001',
          );
        });
      });
      expect(result.status).toBe(200);
      expect(result.header).toBe(`${FIXED},bulk,part,plan`);
      expect(result.lines).toBe(rows + 1);
      return { gateway: gatewayPeak, projector: projectorPeak };
    };

    const small = await exportOf('filter_part=small', 10_000);
    const all = await exportOf('filter_bulk=yes', 100_000);
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    const growth = (p: { baseline: number; peak: number }) => p.peak - p.baseline;
    process.stdout.write(
      `CSV export peak RSS: gateway ${mb(small.gateway.peak)} MB (+${mb(growth(small.gateway))}) for 10k rows, ` +
        `${mb(all.gateway.peak)} MB (+${mb(growth(all.gateway))}) for 100k rows; ` +
        `projector ${mb(small.projector.peak)} MB (+${mb(growth(small.projector))}) / ` +
        `${mb(all.projector.peak)} MB (+${mb(growth(all.projector))})\n`,
    );
    // Ten times the rows must not cost anything like ten times the memory. Peaks are compared,
    // not growth from the baseline: where a baseline falls depends on when the GC last ran.
    const bound = (p10k: { peak: number }, p100k: { baseline: number }) =>
      Math.max(p10k.peak, p100k.baseline) + 32 * 1024 * 1024;
    expect(all.gateway.peak).toBeLessThan(bound(small.gateway, all.gateway));
    expect(all.projector.peak).toBeLessThan(bound(small.projector, all.projector));
  }, 1_800_000);
});
