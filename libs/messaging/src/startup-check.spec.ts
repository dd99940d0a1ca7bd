import { checkNatsServer, StartupCheckError, versionAtLeast } from './startup-check';

describe('startup check of the NATS server', () => {
  it('compares versions', () => {
    expect(versionAtLeast('2.11.15', '2.11.0')).toBe(true);
    expect(versionAtLeast('2.12.0', '2.11.0')).toBe(true);
    expect(versionAtLeast('2.10.22', '2.11.0')).toBe(false);
    expect(versionAtLeast('2.9.25', '2.11.0')).toBe(false);
    expect(versionAtLeast('garbage', '2.11.0')).toBe(false);
  });

  it('names the found and the required version, or the missing JetStream', () => {
    expect(() => checkNatsServer({ version: '2.9.25', jetstream: true })).toThrow(
      new StartupCheckError('NATS server 2.9.25 is too old: 2.11.0 or newer is required'),
    );
    expect(() => checkNatsServer({ version: '2.11.15', jetstream: false })).toThrow(/JetStream disabled/);
    expect(() => checkNatsServer({ version: '2.11.15', jetstream: true })).not.toThrow();
  });
});
