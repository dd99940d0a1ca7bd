import { isRequesterInbox, parseTenantIngestSubject, tenantIngestSubject } from './subjects';

describe('NATS subjects', () => {
  it("reads the tenant off the services' side of an ingest import, and nothing else", () => {
    expect(parseTenantIngestSubject(tenantIngestSubject('acme'))).toBe('acme');
    for (const subject of [
      'cobrowse.ingest',
      'cobrowse.ingest.ACME',
      'cobrowse.ingest.a.b',
      'cobrowse.other.acme',
      'x.ingest.acme',
    ])
      expect(parseTenantIngestSubject(subject)).toBeNull();
  });

  it("answers only a requester's own inbox: the import's reply subject, or the services' inbox", () => {
    expect(isRequesterInbox('_R_.Ab12.Cd34')).toBe(true);
    expect(isRequesterInbox('_INBOX.abc.def')).toBe(true);
    for (const subject of [
      'cobrowse.globex.session.s1.created',
      '$KV.cobrowse_leases.history-projector',
      'cobrowse-svc.projector.step-down',
      '_INBOX',
      '_INBOX.',
      '_INBOX.a..b',
      '_INBOX.>',
      '_R_.*',
      '_INBOX_relay.x',
      '',
    ])
      expect(isRequesterInbox(subject)).toBe(false);
  });
});
