import { KeyedMutex } from './keyed-mutex';

describe('KeyedMutex', () => {
  it('runs tasks of one key in order, one at a time', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string, ms: number) => () =>
      new Promise<void>((resolve) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          resolve();
        }, ms);
      });
    await Promise.all([mutex.run('k', task('a', 20)), mutex.run('k', task('b', 1))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('keeps going after a task fails', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('k', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(mutex.run('k', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
