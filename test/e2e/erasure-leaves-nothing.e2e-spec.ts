import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { CONSUMERS, DEAD_LETTER_STREAM, DEAD_LETTER_WILDCARD, deadLetterSubject } from '@cobrowse/contracts';
import { repoRoot } from '@cobrowse/local-runtime';
import { DEAD_LETTER_HEADERS, readSubject } from '@cobrowse/messaging';
import { ApiClient, eventually, readEventLog, TestSystem } from '@cobrowse/testing';

const run = promisify(execFile);

/**
 * An erasure leaves no copy behind (SPEC section 5): not in the dead letters, not through a
 * replay of one parked while it ran, not in any session-lifecycle replica's cache.
 */
describe('erasure leaves nothing', () => {
  let system: TestSystem;
  let nc: NatsConnection;
  let api: ApiClient;

  beforeAll(async () => {
    // Info: the projector's line for each erasure pass is what the rebuild test waits on.
    system = await TestSystem.start({ replicas: { 'session-lifecycle': 2 }, env: { LOG_LEVEL: 'info' } });
    nc = await connect(system.natsAs('services'));
    api = new ApiClient(system.gatewayUrl);
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  const createSession = async (deviceId: string) => {
    const created = await api
      .as('ingest')
      .post('/v1/sessions', { device_id: deviceId, custom_data: { email: 'erase@me.test' } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const erase = async (deviceId: string) => {
    const erased = await api.as('admin').request('DELETE', `/v1/devices/${deviceId}`);
    expect(erased.status).toBe(200);
    return erased.body as { session_ids: string[]; dead_letters_removed: number };
  };
  const parked = async () =>
    (await readSubject(nc, DEAD_LETTER_STREAM, DEAD_LETTER_WILDCARD)).map((m) => ({
      seq: m.seq,
      subject: m.headers?.get(DEAD_LETTER_HEADERS.subject) ?? '',
      data: Buffer.from(m.data).toString('utf8'),
    }));
  const deadLetters = async (...args: string[]) =>
    (
      await run(process.execPath, [join(repoRoot(), 'dist/deploy/local/dead-letters.js'), ...args], {
        env: { ...process.env, ...system.env },
      }).catch((e: { stdout: string }) => ({ stdout: e.stdout }))
    ).stdout;
  /** An event that cannot follow the session's first (a version gap): parked at once by the projector. */
  const poison = (tenant: string, sessionId: string, secret: string) =>
    nc.jetstream().publish(
      `cobrowse.${tenant}.session.${sessionId}.metadata-updated`,
      JSON.stringify({
        event_id: randomUUID(),
        type: 'session.metadata-updated',
        tenant,
        session_id: sessionId,
        occurred_at: Date.now(),
        recorded_at: Date.now(),
        version: 7,
        data: { metadata: { secret } },
      }),
    );

  it('removes the parked copies of what it erases, of every consumer, and only those', async () => {
    const erased = await createSession('dead-letter-device');
    const kept = await createSession('dead-letter-keeper');
    await poison('acme', erased, 'erased-secret');
    await poison('acme', kept, 'kept-secret');
    await eventually(async () => {
      const subjects = (await parked()).map((p) => p.subject);
      expect(subjects).toContain(`cobrowse.acme.session.${erased}.metadata-updated`);
      expect(subjects).toContain(`cobrowse.acme.session.${kept}.metadata-updated`);
    });

    const record = await erase('dead-letter-device');
    expect(record.session_ids).toEqual([erased]);
    expect(record.dead_letters_removed).toBeGreaterThanOrEqual(1);
    const left = await parked();
    expect(left.filter((p) => p.subject.includes(erased))).toEqual([]);
    expect(left.map((p) => p.data).join('\n')).not.toContain('erased-secret');
    expect(left.map((p) => p.data).join('\n')).toContain('kept-secret');
    expect((await api.as('read').get(`/v1/sessions/${erased}`)).status).toBe(404);
  });

  it('removes, unapplied, an event parked after its erasure when it is replayed', async () => {
    const device = 'parked-late-device';
    const sessionId = await createSession(device);
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${sessionId}`)).status).toBe(200),
    );
    const [creation] = await readEventLog(nc, `cobrowse.acme.session.${sessionId}.*`);
    await erase(device);
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${sessionId}`)).status).toBe(404),
    );

    // As the projector parks it (DeadLetters.park) had it failed a moment before the erasure
    // purged the log, and parked it just after the erasure's last pass.
    const h = natsHeaders();
    h.set(DEAD_LETTER_HEADERS.reason, 'the database refused it');
    h.set(DEAD_LETTER_HEADERS.consumer, CONSUMERS.projector);
    h.set(DEAD_LETTER_HEADERS.subject, creation.subject);
    h.set(DEAD_LETTER_HEADERS.sequence, String(creation.seq));
    h.set(DEAD_LETTER_HEADERS.attempts, '5');
    const late = await nc
      .jetstream()
      .publish(deadLetterSubject(CONSUMERS.projector), JSON.stringify(creation.envelope), { headers: h });

    const output = await deadLetters('replay', '--consumer', CONSUMERS.projector);
    expect(output).toContain(`${late.seq} ${CONSUMERS.projector}: gone`);
    expect((await parked()).map((p) => p.seq)).not.toContain(late.seq);
    expect((await api.as('read').get(`/v1/sessions/${sessionId}`)).status).toBe(404);
    expect((await api.as('read').get(`/v1/devices/${device}`)).status).toBe(404);
  });

  it('leaves no session-lifecycle replica answering from the erased session it cached', async () => {
    const device = 'cached-device';
    const sessionId = randomUUID();
    const send = async (...events: object[]) => {
      const r = await api.as('ingest').post('/v1/events', { events });
      expect(r.status).toBe(200);
      return r.body.results as Array<{ status: string; session?: unknown; error?: { code: string } }>;
    };
    const created = {
      event_id: 'cached-1',
      type: 'session.created',
      session_id: sessionId,
      data: { device_id: device },
    };
    const updated = {
      event_id: 'cached-2',
      type: 'session.metadata-updated',
      session_id: sessionId,
      data: { metadata: { email: 'erase@me.test' } },
    };
    expect((await send(created, updated)).map((r) => r.status)).toEqual(['accepted', 'accepted']);
    // Each retry reaches either replica; the one that did not append reads the log and caches it too.
    for (let i = 0; i < 12; i++) expect((await send(updated))[0].status).toBe('duplicate');

    await erase(device);
    for (let i = 0; i < 12; i++) {
      const [answer] = await send(updated);
      expect(answer.status).toBe('rejected');
      expect(answer.error?.code).toBe('SESSION_NOT_FOUND');
      expect(JSON.stringify(answer)).not.toContain('erase@me.test');
    }
  });

  it('is not undone by a rebuild it ran during', async () => {
    // Tenant globex: no other test's erasure (acme's second passes land 5 s later) is counted below.
    const globex = api.as('otherTenantAdmin');
    const device = 'rebuilt-device';
    const created = await globex.post('/v1/sessions', {
      device_id: device,
      custom_data: { email: 'erase@me.test' },
    });
    expect(created.status).toBe(201);
    const sessionId = created.body.id as string;
    await eventually(async () => expect((await globex.get(`/v1/sessions/${sessionId}`)).status).toBe(200));
    // More log than one replay batch (500), so the rebuild is still replaying after its first.
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 500 }, () => ({
        type: 'session.created',
        session_id: randomUUID(),
        data: { device_id: `rebuild-filler-${batch}` },
      }));
      const r = await globex.post('/v1/events', { events });
      expect(r.status).toBe(200);
    }

    const rebuild = system.startRebuild();
    // Its first line comes after its first batch, which holds the session: stopped there.
    await eventually(
      async () => expect(rebuild.output()).toMatch(/rebuild replaying: log position \d+/),
      60_000,
    );
    rebuild.child.kill('SIGSTOP');
    const erasurePasses = () =>
      system
        .logLines('history-projector', 1)
        .filter(
          (l) => l.message?.msg === 'erased sessions from the read model' && l.message?.tenant === 'globex',
        ).length;
    try {
      expect((await globex.request('DELETE', `/v1/devices/${device}`)).status).toBe(200);
      // Both of the erasure's passes ran while the old generation was live (the second 5 s later).
      await eventually(async () => expect(erasurePasses()).toBe(2), 30_000);
    } finally {
      rebuild.child.kill('SIGCONT');
    }
    expect(await rebuild.done).toMatch(/rebuild done/);

    expect((await globex.get(`/v1/sessions/${sessionId}`)).status).toBe(404);
    expect((await globex.get(`/v1/sessions?device_id=${device}`)).body.data).toEqual([]);
    expect((await globex.get(`/v1/sessions/count?device_id=${device}`)).body.count).toBe(0);
  });
});
