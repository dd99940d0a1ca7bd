import type { MongoService } from '@cobrowse/persistence';
import type { DeviceState } from './device-state';
import { DevicesRepository } from './devices.repository';

const device = (appliedSeq?: number): DeviceState => ({
  _id: 'acme/d1',
  tenant: 'acme',
  id: 'd1',
  added_at: 1,
  last_seen_at: 1,
  current_session_id: null,
  last_url: null,
  device: {},
  custom_data: {},
  connections: [],
  ...(appliedSeq === undefined ? {} : { applied_seq: appliedSeq }),
});

/** One stored device and every filter a write was given (MongoDB's semantics for the two shapes used). */
function repositoryOver(stored: DeviceState | null, ferret: boolean) {
  const state = { stored, writeFilters: [] as unknown[], reads: 0 };
  const matches = (filter: Record<string, unknown>) =>
    state.stored !== null &&
    filter._id === state.stored._id &&
    (!('applied_seq' in filter) ||
      (typeof filter.applied_seq === 'object'
        ? state.stored.applied_seq === undefined
        : filter.applied_seq === state.stored.applied_seq));
  const collection = {
    findOne: async (filter: Record<string, unknown>) => {
      state.reads++;
      return matches(filter) ? state.stored : null;
    },
    replaceOne: async (filter: Record<string, unknown>, next: DeviceState) => {
      state.writeFilters.push(filter);
      if (!matches(filter)) return { matchedCount: 0 };
      state.stored = next;
      return { matchedCount: 1 };
    },
    deleteOne: async (filter: Record<string, unknown>) => {
      state.writeFilters.push(filter);
      const hit = matches(filter);
      if (hit) state.stored = null;
      return { deletedCount: hit ? 1 : 0 };
    },
  };
  const mongo = {
    db: { collection: () => collection },
    isFerretDb: async () => ferret,
  } as unknown as MongoService;
  return { repository: new DevicesRepository(mongo), state };
}

describe('DevicesRepository writes', () => {
  describe.each([
    ['FerretDB', true],
    ['MongoDB', false],
  ])('on %s', (_engine, ferret) => {
    it('writes over the version it read', async () => {
      const { repository, state } = repositoryOver(device(5), ferret);
      expect(await repository.replaceIfUnchanged(device(5), device(6))).toBe(true);
      expect(state.stored?.applied_seq).toBe(6);
    });

    it('refuses to write over an erased device', async () => {
      const erased = repositoryOver(null, ferret);
      expect(await erased.repository.replaceIfUnchanged(device(5), device(6))).toBe(false);
      expect(erased.state.stored).toBeNull();
    });

    it('treats a device never versioned as its own version', async () => {
      const { repository } = repositoryOver(device(), ferret);
      expect(await repository.replaceIfUnchanged(device(), device(1))).toBe(true);
    });
  });

  it('filters every write on `_id` alone on FerretDB (anything more reads the whole collection)', async () => {
    const { repository, state } = repositoryOver(device(5), true);
    await repository.replaceIfUnchanged(device(5), device(6));
    await repository.replaceIfUnchanged(device(5), device(7));
    await repository.remove('acme', 'd1');
    await repository.deleteDocuments(['acme/d1', 'acme/d2']);
    expect(state.writeFilters.length).toBeGreaterThan(0);
    for (const filter of state.writeFilters) expect(filter).toEqual({ _id: expect.any(String) });
  });

  it('compares and sets in one step on MongoDB, refusing to write over a later version', async () => {
    const { repository, state } = repositoryOver(device(5), false);
    await repository.replaceIfUnchanged(device(5), device(6));
    expect(state.writeFilters).toEqual([{ _id: 'acme/d1', applied_seq: 5 }]);
    const later = repositoryOver(device(7), false);
    expect(await later.repository.replaceIfUnchanged(device(5), device(6))).toBe(false);
    expect(later.state.stored?.applied_seq).toBe(7);
  });

  it('writes over what is stored on FerretDB, by `_id` and without reading it first', async () => {
    const { repository, state } = repositoryOver(device(7), true);
    expect(await repository.replaceIfUnchanged(device(5), device(6))).toBe(true);
    expect(state.stored?.applied_seq).toBe(6);
    expect(state.reads).toBe(0);
  });
});
