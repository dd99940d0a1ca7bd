/** A random UUID (v4), from Web Crypto: present in Node 20 and in browsers. */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}
