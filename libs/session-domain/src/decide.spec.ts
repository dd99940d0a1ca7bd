import {
  SessionErrorCode,
  SessionException,
  type ReportedSessionEvent,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { assertPatchCanFit, decide } from './decide';
import { evolve } from './evolve';

const NOW = 1_700_000_000_000;
const SESSION_ID = '8b0f0f0e-6f5e-4d4c-9b2a-1c1d1e1f2a2b';

function reported(type: ReportedSessionEvent['type'], data: Record<string, unknown> = {}, at = NOW) {
  return {
    event_id: `e-${type}`,
    type,
    session_id: SESSION_ID,
    occurred_at: at,
    data,
  } as ReportedSessionEvent;
}

function sessionIn(state: 'pending' | 'active' | 'ended'): SessionSnapshot {
  let s = evolve(null, {
    event_id: 'c',
    type: 'session.created',
    tenant: 'acme',
    session_id: SESSION_ID,
    occurred_at: NOW,
    recorded_at: NOW,
    version: 1,
    data: { device_id: 'd1', token: '000000001' },
  });
  if (state === 'pending') return s;
  s = evolve(s, { ...base(2), type: 'session.activated', data: { agent: { id: 'a1' } } });
  if (state === 'active') return s;
  return evolve(s, { ...base(3), type: 'session.deactivated', data: { reason: 'agent' } });
}

function base(version: number) {
  return {
    event_id: `v${version}`,
    tenant: 'acme',
    session_id: SESSION_ID,
    occurred_at: NOW,
    recorded_at: NOW,
    version,
  };
}

function rejection(fn: () => unknown): SessionException {
  try {
    fn();
  } catch (e) {
    if (e instanceof SessionException) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('decide', () => {
  it('accepts creation of an unused session id', () => {
    expect(decide(null, reported('session.created'), NOW)).toEqual({ outcome: 'accept' });
  });

  it('rejects creation of an existing session with INVALID_TRANSITION', () => {
    const e = rejection(() => decide(sessionIn('pending'), reported('session.created'), NOW));
    expect(e.code).toBe(SessionErrorCode.InvalidTransition);
    expect(e.statusCode).toBe(409);
  });

  it.each([
    ['session.activated', 'pending', 'accept'],
    ['session.activated', 'active', 'reject'],
    ['session.activated', 'ended', 'reject'],
    ['session.page-entered', 'pending', 'accept'],
    ['session.page-entered', 'active', 'accept'],
    ['session.page-entered', 'ended', 'reject'],
    ['session.deactivated', 'pending', 'accept'],
    ['session.deactivated', 'active', 'accept'],
    ['session.deactivated', 'ended', 'duplicate'],
    ['session.metadata-updated', 'pending', 'accept'],
    ['session.metadata-updated', 'active', 'accept'],
    ['session.metadata-updated', 'ended', 'accept'],
  ] as const)('%s on a %s session: %s', (type, state, expected) => {
    const session = sessionIn(state);
    if (expected === 'reject') {
      const e = rejection(() => decide(session, reported(type), NOW));
      expect(e.code).toBe(SessionErrorCode.InvalidTransition);
      expect(e.message).toBe(`session is ${state}`);
      expect(e.details).toEqual([{ current_state: state, event_type: type }]);
    } else {
      expect(decide(session, reported(type), NOW)).toEqual({ outcome: expected });
    }
  });

  it('answers 404 for any event but creation of an unknown session', () => {
    const e = rejection(() => decide(null, reported('session.activated'), NOW));
    expect(e.code).toBe(SessionErrorCode.SessionNotFound);
    expect(e.statusCode).toBe(404);
  });

  it('rejects occurred_at more than 5 minutes in the future, accepts up to it and any past', () => {
    const e = rejection(() => decide(null, reported('session.created', {}, NOW + 5 * 60_000 + 1), NOW));
    expect(e.code).toBe(SessionErrorCode.OccurredAtInFuture);
    expect(e.statusCode).toBe(400);
    expect(decide(null, reported('session.created', {}, NOW + 5 * 60_000), NOW).outcome).toBe('accept');
    expect(decide(null, reported('session.created', {}, NOW - 86_400_000 * 30), NOW).outcome).toBe('accept');
  });
});

describe('decide on what a session keeps', () => {
  it('refuses the 1,001st page with 409 SESSION_LIMIT_REACHED and accepts the 1,000th', () => {
    const page = { url: 'https://a.test/', title: null, entered_at: NOW, connection_id: null };
    const full = { ...sessionIn('active'), pages: Array.from({ length: 1000 }, () => page) };
    const e = rejection(() =>
      decide(full, reported('session.page-entered', { url: 'https://a.test/' }), NOW),
    );
    expect(e.code).toBe(SessionErrorCode.SessionLimitReached);
    expect(e.statusCode).toBe(409);
    expect(e.details).toEqual([{ field: 'pages', limit: 1000 }]);
    const almost = { ...full, pages: full.pages.slice(1) };
    expect(decide(almost, reported('session.page-entered', { url: 'https://a.test/' }), NOW).outcome).toBe(
      'accept',
    );
  });

  it('refuses an activation beyond 100 agents', () => {
    const agent = { id: 'a', joined_at: NOW };
    const crowded = { ...sessionIn('pending'), agents: Array.from({ length: 100 }, () => agent) };
    const e = rejection(() => decide(crowded, reported('session.activated', { agent: { id: 'b' } }), NOW));
    expect(e.code).toBe(SessionErrorCode.SessionLimitReached);
  });
});

describe('decide on metadata size', () => {
  it('accepts a merge that stays under 10 KB', () => {
    const patch = { metadata: { note: 'x'.repeat(5_000) } };
    expect(decide(sessionIn('active'), reported('session.metadata-updated', patch), NOW).outcome).toBe(
      'accept',
    );
  });

  it('rejects a merge whose result reaches 10 KB with 413 METADATA_TOO_LARGE', () => {
    let session = sessionIn('active');
    session = evolve(session, {
      ...base(3),
      type: 'session.metadata-updated',
      data: { metadata: { a: 'x'.repeat(6_000) } },
    });
    const e = rejection(() =>
      decide(session, reported('session.metadata-updated', { metadata: { b: 'y'.repeat(5_000) } }), NOW),
    );
    expect(e.code).toBe(SessionErrorCode.MetadataTooLarge);
    expect(e.statusCode).toBe(413);
  });

  it('counts deletions: a patch that removes a big key may add another', () => {
    let session = sessionIn('active');
    session = evolve(session, {
      ...base(3),
      type: 'session.metadata-updated',
      data: { custom_data: { a: 'x'.repeat(6_000) } },
    });
    const patch = { custom_data: { a: null, b: 'y'.repeat(6_000) } };
    expect(decide(session, reported('session.metadata-updated', patch), NOW).outcome).toBe('accept');
  });
});

describe('assertPatchCanFit', () => {
  it('refuses a patch whose non-null entries alone reach 10 KB, and lets null deletions through', () => {
    expect(() => assertPatchCanFit({ metadata: { big: 'x'.repeat(10_240) } })).toThrow(
      expect.objectContaining({ code: 'METADATA_TOO_LARGE' }),
    );
    expect(() => assertPatchCanFit({ custom_data: { big: 'x'.repeat(10_240) } })).toThrow();
    const deletions = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, null]));
    expect(() => assertPatchCanFit({ metadata: deletions, custom_data: { a: 1 } })).not.toThrow();
  });
});

describe('decide on If-Match', () => {
  it('accepts the current version and refuses a stale one with 412 VERSION_MISMATCH', () => {
    const session = sessionIn('active');
    const patch = { metadata: { a: 1 } };
    expect(
      decide(session, { ...reported('session.metadata-updated', patch), expected_version: 2 }, NOW).outcome,
    ).toBe('accept');
    const e = rejection(() =>
      decide(session, { ...reported('session.metadata-updated', patch), expected_version: 1 }, NOW),
    );
    expect(e.code).toBe(SessionErrorCode.VersionMismatch);
    expect(e.statusCode).toBe(412);
  });

  it('refuses a creation whose metadata is 10 KB or more', () => {
    const e = rejection(() =>
      decide(null, reported('session.created', { metadata: { a: 'x'.repeat(10_240) } }), NOW),
    );
    expect(e.code).toBe(SessionErrorCode.MetadataTooLarge);
  });
});

describe('evolve', () => {
  it('moves pending → active → ended and records agents, pages and the end', () => {
    let s = sessionIn('pending');
    expect(s).toMatchObject({ state: 'pending', went_live: false, version: 1, token: '000000001' });
    s = evolve(s, { ...base(2), type: 'session.page-entered', data: { url: 'https://a.test/' } });
    s = evolve(s, {
      ...base(3),
      type: 'session.activated',
      occurred_at: NOW + 5,
      data: { agent: { id: 'a1' } },
    });
    s = evolve(s, {
      ...base(4),
      type: 'session.deactivated',
      occurred_at: NOW + 9,
      data: { reason: 'device' },
    });
    expect(s).toMatchObject({
      state: 'ended',
      went_live: true,
      activated_at: NOW + 5,
      ended_at: NOW + 9,
      end_reason: 'device',
      version: 4,
      agents: [{ id: 'a1', joined_at: NOW + 5 }],
      pages: [{ url: 'https://a.test/', entered_at: NOW }],
    });
  });

  it('merges metadata and custom data shallowly', () => {
    let s = sessionIn('active');
    s = evolve(s, {
      ...base(3),
      type: 'session.metadata-updated',
      data: { metadata: { a: 1, b: 2 }, custom_data: { k: 'v' } },
    });
    s = evolve(s, {
      ...base(4),
      type: 'session.metadata-updated',
      data: { metadata: { a: null }, custom_data: { n: 1 } },
    });
    expect(s.metadata).toEqual({ b: 2 });
    expect(s.custom_data).toEqual({ k: 'v', n: 1 });
  });

  it('refuses an event with no creation before it', () => {
    expect(() =>
      evolve(null, { ...base(1), type: 'session.activated', data: { agent: { id: 'a' } } }),
    ).toThrow();
  });
});
