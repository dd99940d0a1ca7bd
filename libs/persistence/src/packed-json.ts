import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Binary } from 'mongodb';

/** The first byte of a packed value: how the JSON after it is stored. */
const PLAIN = 0x6a; // 'j'
const DEFLATED = 0x7a; // 'z'

/**
 * JSON shorter than this is stored as it is: deflate costs ~0.1 ms a call whatever the size
 * (its window is set up each time), more than FerretDB spends on a few KB.
 */
const DEFLATE_FROM_BYTES = 4_096;

/**
 * Level 1 of deflate: a 500-row page of list rows (270 KB of JSON) shrinks tenfold in ~1.5 ms,
 * and what the database handles per read and write falls with it: FerretDB v1 reads the JSON
 * as a string in ~20 ms and deflated in ~3 ms. Higher levels gain a few KB for several times
 * the CPU on the write path.
 */
const LEVEL = 1;

/**
 * A value as JSON in one binary field, deflated when it is large: how read models store what
 * nothing queries inside (index pages' rows and entries, a session's snapshot). FerretDB v1
 * converts every nested field of a document one by one, so one binary field costs a fraction
 * of the same value as fields; JSON keeps any value exactly, keys with `$` or `.` included.
 * Synchronous: zlib's asynchronous calls cost ~0.5 ms each in thread hand-offs.
 */
export function packJson(value: unknown): Binary {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const [format, body] =
    json.length < DEFLATE_FROM_BYTES ? [PLAIN, json] : [DEFLATED, deflateRawSync(json, { level: LEVEL })];
  return new Binary(Buffer.concat([Buffer.of(format), body]));
}

export function unpackJson<T>(packed: Binary): T {
  const bytes = Buffer.from(packed.value());
  const body = bytes.subarray(1);
  if (bytes[0] === PLAIN) return JSON.parse(body.toString('utf8')) as T;
  if (bytes[0] === DEFLATED) return JSON.parse(inflateRawSync(body).toString('utf8')) as T;
  throw new Error(`not a packed value (format byte ${bytes[0]})`);
}
