// One copy of each repeated string in an inventory: account ids, regions, provider ids, principal ARNs,
// capability and state names repeat across hundreds of thousands of records, and JSON.parse makes a
// fresh string for every occurrence. Fields that are unique per record (ids, names, fingerprints,
// times) are left as they are: remembering them would cost more than it saves.

/** Field names whose values are (nearly) unique per record. */
const UNIQUE = new Set([
  'id',
  'name',
  'uri',
  'arn',
  'spkiSha256',
  'jwkThumbprint',
  'x5tS256',
  'createdAt',
  'currentVersionCreatedAt',
  'lastRotatedAt',
  'nextRotationAt',
  'fingerprint',
  'kid',
]);
const MAX_LENGTH = 512;

export class Interner {
  private readonly strings = new Map<string, string>();

  /** The record with its repeated strings replaced by shared copies (in place). */
  record<T>(value: T): T {
    return this.walk(value, '') as T;
  }

  private walk(v: unknown, field: string): unknown {
    if (typeof v === 'string') return this.string(v, field);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.walk(v[i], field);
      return v;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) o[k] = this.walk(o[k], k);
    return o;
  }

  private string(s: string, field: string): string {
    if (s.length > MAX_LENGTH || UNIQUE.has(field)) return s;
    const prev = this.strings.get(s);
    if (prev !== undefined) return prev;
    this.strings.set(s, s);
    return s;
  }
}
