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

/** Fields whose small, flat values repeat whole across records (the same principal, the same capability list). */
const SHARED_OBJECTS = new Set(['principal']);
const MAX_SHARED_ITEMS = 16;

export class Interner {
  private readonly strings = new Map<string, string>();
  /** One copy of each repeated small array of strings and each repeated flat principal (never mutated after reading). */
  private readonly shapes = new Map<string, unknown>();

  /** The record with its repeated strings, string lists and principals replaced by shared copies. */
  record<T>(value: T): T {
    return this.walk(value, '') as T;
  }

  private walk(v: unknown, field: string): unknown {
    if (typeof v === 'string') return this.string(v, field);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.walk(v[i], field);
      return this.sharedList(v);
    }
    const o = v as Record<string, unknown>;
    for (const k in o) o[k] = this.walk(o[k], k);
    return SHARED_OBJECTS.has(field) ? this.sharedFlat(o) : o;
  }

  private string(s: string, field: string): string {
    if (s.length > MAX_LENGTH || UNIQUE.has(field)) return s;
    const prev = this.strings.get(s);
    if (prev !== undefined) return prev;
    this.strings.set(s, s);
    return s;
  }

  /** A short list of strings (capabilities, usage, regions) shared with every equal one. */
  private sharedList(v: unknown[]): unknown[] {
    if (v.length === 0 || v.length > MAX_SHARED_ITEMS) return v;
    let key = '[';
    for (const x of v) {
      if (typeof x !== 'string' || x.length > MAX_LENGTH) return v;
      key += `${x.length}:${x}`;
    }
    return this.shared(key, v) as unknown[];
  }

  /** An object of strings, numbers and booleans only (a principal without tags), shared with every equal one, keys in the same order. */
  private sharedFlat(o: Record<string, unknown>): Record<string, unknown> {
    let key = '{';
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null) return o;
      const text = String(x);
      key += `${k.length}:${k}${typeof x}:${text.length}:${text}`;
    }
    return this.shared(key, o) as Record<string, unknown>;
  }

  private shared(key: string, value: unknown): unknown {
    const prev = this.shapes.get(key);
    if (prev !== undefined) return prev;
    this.shapes.set(key, value);
    return value;
  }
}
