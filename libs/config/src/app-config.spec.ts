import { ConfigValidationError, databaseName, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' });
    expect(config).toMatchObject({
      GATEWAY_PORT: 3000,
      SESSION_INACTIVITY_TIMEOUT_MS: 300000,
      RETENTION_SWEEP_INTERVAL_MS: 60000,
      LOG_LEVEL: 'info',
    });
  });

  it('names every bad value at once', () => {
    let error: ConfigValidationError | undefined;
    try {
      loadConfig({ NATS_URL: 'localhost', GATEWAY_PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e as ConfigValidationError;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('NATS_URL'),
        expect.stringContaining('GATEWAY_PORT'),
        expect.stringContaining('LOG_LEVEL'),
      ]),
    );
  });

  it('reports required variables that are missing', () => {
    expect(() => loadConfig({ NATS_URL: 'nats://h:1' }, ['MONGODB_URL'])).toThrow(/MONGODB_URL is required/);
  });

  it('parses numbers', () => {
    expect(
      loadConfig({ NATS_URL: 'nats://h:1', SESSION_INACTIVITY_TIMEOUT_MS: '2500' })
        .SESSION_INACTIVITY_TIMEOUT_MS,
    ).toBe(2500);
  });
});

describe('databaseName', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/', 'cobrowse'],
    ['mongodb://127.0.0.1:27017', 'cobrowse'],
    ['mongodb://u:p@h1,h2/prod?replicaSet=rs0', 'prod'],
  ])('%s → %s', (url, name) => expect(databaseName(url)).toBe(name));
});
