import { checkWebhookEndpoint, webhookLogFilters } from './webhooks';

describe('checkWebhookEndpoint', () => {
  it('takes a full body and normalises the event types', () => {
    const checked = checkWebhookEndpoint(
      {
        url: 'https://crm.test/hooks',
        description: 'CRM',
        event_types: ['session.deactivated', 'session.created', 'session.created'],
        filter: { crm: '42' },
        enabled: true,
        rate_limit: 10,
      },
      false,
    );
    expect(checked.problems).toEqual([]);
    expect(checked.value?.event_types).toEqual(['session.created', 'session.deactivated']);
  });

  it('names every problem', () => {
    const checked = checkWebhookEndpoint(
      {
        url: 'https://u:p@x.test/',
        event_types: [],
        filter: { k: 1 },
        enabled: 'yes',
        rate_limit: 0,
        extra: 1,
      },
      false,
    );
    expect(checked.value).toBeNull();
    expect(checked.problems).toHaveLength(6);
  });

  it('needs a url on creation, not on a change', () => {
    expect(checkWebhookEndpoint({}, false).problems).toEqual(['url is required']);
    expect(checkWebhookEndpoint({ enabled: false }, true)).toEqual({
      value: { enabled: false },
      problems: [],
    });
    expect(checkWebhookEndpoint([], true).value).toBeNull();
  });
});

describe('webhookLogFilters', () => {
  it("reads the tenant's events of the wanted types only", () => {
    expect(webhookLogFilters('acme', null)).toEqual([
      'cobrowse.acme.session.*.*',
      'cobrowse.acme.device.*.*',
    ]);
    expect(webhookLogFilters('acme', ['session.deactivated', 'connection.opened'])).toEqual([
      'cobrowse.acme.session.*.deactivated',
      'cobrowse.acme.device.*.connection-opened',
    ]);
  });
});
