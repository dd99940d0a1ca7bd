/** The bounds SPEC section 9 puts on every JSON body. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BODY_DEPTH = 64;
/** Below the top level, metadata may nest this deep (SPEC section 6). */
export const MAX_METADATA_DEPTH = 32;

/**
 * How deep a parsed JSON value nests (a scalar is 0, `{}` or `[]` is 1), counted without
 * recursion so no input can overflow the stack; stops counting once past `limit`.
 */
export function jsonDepth(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, here]);
  }
  return deepest;
}
