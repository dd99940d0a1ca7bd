import type { JsonObject } from '@cobrowse/contracts';

/**
 * SPEC section 6: top-level keys only; present keys overwrite, new keys are added,
 * unmentioned keys stay, a null value deletes the key, nested objects are replaced whole.
 */
export function mergeShallow(target: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
