import type { MongoService } from '@cobrowse/persistence';
import { DEFAULT_RETENTION } from '@cobrowse/contracts';
import { RetentionPolicyRepository } from './retention-policy.repository';

function repositoryOver(findOne: () => Promise<unknown>) {
  const reads = { count: 0 };
  const collection = {
    findOne: () => {
      reads.count++;
      return findOne();
    },
    replaceOne: async () => ({ matchedCount: 1 }),
  };
  const mongo = { db: { collection: () => collection } } as unknown as MongoService;
  return { repository: new RetentionPolicyRepository(mongo), reads };
}

describe('RetentionPolicyRepository', () => {
  it('reads a tenant’s policy once for every caller asking at the same time', async () => {
    const { repository, reads } = repositoryOver(async () => null);
    const policies = await Promise.all(Array.from({ length: 300 }, () => repository.forTenant('acme')));
    expect(reads.count).toBe(1);
    expect(new Set(policies)).toEqual(new Set([DEFAULT_RETENTION]));
  });

  it('reads again after a failed read, and answers a saved policy without reading', async () => {
    let fail = true;
    const { repository, reads } = repositoryOver(async () => {
      if (fail) throw new Error('database down');
      return null;
    });
    await expect(repository.forTenant('acme')).rejects.toThrow('database down');
    fail = false;
    await expect(repository.forTenant('acme')).resolves.toEqual(DEFAULT_RETENTION);
    expect(reads.count).toBe(2);

    const saved = { ended_session_ttl_seconds: 60, device_ttl_seconds: 120 };
    await repository.save('globex', saved);
    await expect(repository.forTenant('globex')).resolves.toEqual(saved);
    expect(reads.count).toBe(2);
  });
});
