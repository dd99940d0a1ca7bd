import type { Leadership } from '@cobrowse/messaging';

/**
 * Points the read model at the rebuilt generation, fenced: only while the rebuild has led the
 * projection without a break since `term` (it took over from the live projector then, so
 * nothing was written to the old generation meanwhile that the new one lacks), and only when
 * it heard every erasure announced during the rebuild (a missed one would come back).
 */
export async function fencedSwitch(
  { leadership, term, heardEverything }: { leadership: Leadership; term: number; heardEverything: boolean },
  switchTo: () => Promise<void>,
): Promise<void> {
  if (!heardEverything)
    throw new Error(
      'the connection to NATS dropped during the rebuild, so an erasure announced meanwhile may have been missed; run it again',
    );
  if (!leadership.leadsIn(term))
    throw new Error('the rebuild lost the projection lease before its switch; run it again');
  await switchTo();
}
