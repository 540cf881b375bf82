// One copy of each repeated value in an inventory: account ids, regions, provider ids, principal ARNs,
// capability and state names repeat across hundreds of thousands of records, and so do whole small
// objects (the account-root statement of every key policy in an account, `{ "protected": true }`,
// a condition on the same log group): JSON.parse makes a fresh copy of each occurrence. Strings of
// a record's own unique fields (id, name, times) and fingerprints anywhere are not interned:
// remembering them would cost more than it saves.
//
// Values are shared bottom-up (hash-consing): an object or array is shared when all it holds is a
// primitive or an already shared value, found in a trie over its member names and values (shared
// members compared by identity). Records themselves are never shared, nor are empty lists and objects
// (`aliases: []`, `tags: {}`: the values a reader is most likely to fill in place); nothing shared is
// modified after reading, so sharing is invisible to every reader and report (the same bytes in every format).

/** Record fields whose values are (nearly) unique per record: not interned. */
const UNIQUE = new Set(['id', 'name', 'uri', 'arn', 'createdAt', 'currentVersionCreatedAt', 'lastRotatedAt', 'nextRotationAt', 'fingerprint', 'kid']);
/** Fields unique wherever they are (public-key fingerprints). */
const UNIQUE_ANYWHERE = new Set(['spkiSha256', 'jwkThumbprint', 'x5tS256']);
const MAX_LENGTH = 512;
/** Lists and objects with more items or members are rarely equal whole: they are not looked up. */
const MAX_SHARED_ITEMS = 16;
/**
 * Entries (strings, trie nodes) a table holds before it starts again, so that it stays small
 * however large the snapshot. Starting again costs one more copy of each repeated value.
 */
const MAX_ENTRIES = 1 << 18;
/**
 * A trie node. Most nodes have one child (a member name is followed by the same few values, a
 * value by the next member's name): the first child is held inline and found by one identity
 * comparison, any others in a map. A node per Map cost a hash lookup at every step.
 */
class Node {
  key: unknown = undefined;
  next: Node | undefined = undefined;
  more: Map<unknown, Node> | undefined = undefined;
  /** The shared value that ends here. */
  end: object | undefined = undefined;
}

/**
 * Values inside a record may nest this deep (the record's members are level 1). A key record from a
 * cloud API nests a few levels (a release policy document about ten); JSON.parse reads any depth,
 * but every recursive reader after it (this interner, JSON.stringify of a merged snapshot) stops
 * with a stack overflow somewhere past a few thousand levels.
 */
export const MAX_RECORD_DEPTH = 64;

/** The path to the first object or list in `value` nested deeper than `limit` levels (value's members are level 1), or undefined. */
export function tooDeepAt(value: unknown, limit: number = MAX_RECORD_DEPTH, level = 0): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (level > limit) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const below = tooDeepAt(value[i], limit, level + 1);
      if (below) return [i, ...below];
    }
    return undefined;
  }
  for (const k in value) {
    const below = tooDeepAt((value as Record<string, unknown>)[k], limit, level + 1);
    if (below) return [k, ...below];
  }
  return undefined;
}

/** What a list's or object's members held: some string (STRINGS), nothing that keeps it from being shared (SHAREABLE). */
const STRINGS = 1;
const SHAREABLE = 2;

/** The child of a trie node under `key`, if any. */
const child = (node: Node, key: unknown): Node | undefined => (node.next !== undefined && node.key === key ? node.next : node.more?.get(key));

export class Interner {
  private readonly strings = new Map<string, string>();
  /**
   * One copy of each repeated small object or array (never mutated after reading), found by a walk
   * over its member names and values: strings are the shared copies and shared members are
   * compared by identity, so no key is built or hashed.
   */
  private objects = new Node();
  private lists = new Node();
  private nodes = 0;
  /**
   * Whether the value the last `walk` returned was seen before (a primitive, a string already in the
   * table, a shared object): a value holding anything new cannot equal an earlier one, so it is
   * neither looked up nor remembered, and values seen once (a grant id) cost no trie node.
   */
  private known = true;
  private readonly maxEntries: number;
  /** Set when a record held a value nested deeper than MAX_RECORD_DEPTH (not walked further: the reader refuses the record). */
  tooDeep = false;

  constructor(maxEntries = MAX_ENTRIES) {
    this.maxEntries = maxEntries;
  }

  /** The record with its repeated strings, lists and small objects replaced by shared copies (the record itself is kept). */
  record<T>(value: T): T {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.walk(value, '', true, 0) as T;
    const o = value as Record<string, unknown>;
    for (const k in o) o[k] = this.walk(o[k], k, true, 1);
    return value;
  }

  private walk(v: unknown, field: string, top: boolean, level: number): unknown {
    if (typeof v === 'string') return this.string(v, field, top);
    this.known = true;
    if (v === null || typeof v !== 'object') return v;
    if (level > MAX_RECORD_DEPTH) {
      this.tooDeep = true;
      this.known = false;
      return v;
    }
    return Array.isArray(v) ? this.list(v, field, level) : this.object(v as Record<string, unknown>, level);
  }

  /**
   * A list: its other items walked, then (when it is small and holds nothing new) looked up whole
   * with its strings as parsed; only a list not found puts its strings through the string table.
   */
  private list(v: unknown[], field: string, level: number): object {
    let seen = SHAREABLE;
    for (let i = 0; i < v.length; i++) seen = this.member(v, i, field, level, seen);
    // An empty list is not shared: a reader that fills one (`aliases.push`) would fill every record's.
    const small = v.length > 0 && v.length <= MAX_SHARED_ITEMS;
    const hit = this.lookup(v, seen, small, true);
    if (hit !== undefined) return hit;
    if (seen & STRINGS)
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x !== 'string') continue;
        v[i] = this.string(x, field, false);
        if (!this.known) seen &= ~SHAREABLE;
      }
    return this.shared(v, (seen & SHAREABLE) !== 0 && small, true);
  }

  /** An object, as a list. */
  private object(o: Record<string, unknown>, level: number): object {
    let seen = SHAREABLE;
    let n = 0;
    for (const k in o) {
      seen = this.member(o, k, k, level, seen);
      n++;
    }
    const small = n > 0 && n <= MAX_SHARED_ITEMS;
    const hit = this.lookup(o, seen, small, false);
    if (hit !== undefined) return hit;
    if (seen & STRINGS)
      for (const k in o) {
        const x = o[k];
        if (typeof x !== 'string') continue;
        o[k] = this.string(x, k, false);
        if (!this.known) seen &= ~SHAREABLE;
      }
    return this.shared(o, (seen & SHAREABLE) !== 0 && small, false);
  }

  /**
   * One member of a list or object: a string is left as parsed (looked up with its container), any
   * other value walked and written back. Returns `seen` with STRINGS set for a string and SHAREABLE
   * cleared for a member that cannot be part of a shared value.
   */
  private member(container: unknown[] | Record<string, unknown>, k: string | number, field: string, level: number, seen: number): number {
    const c = container as Record<string | number, unknown>;
    const x = c[k];
    if (typeof x === 'string') return this.internable(x, field) ? seen | STRINGS : (seen | STRINGS) & ~SHAREABLE;
    c[k] = this.walk(x, field, false, level + 1);
    return this.known ? seen : seen & ~SHAREABLE;
  }

  /** The shared copy of a small list or object holding strings and nothing new, found with its strings as parsed; else undefined. */
  private lookup(v: object, seen: number, small: boolean, isList: boolean): object | undefined {
    if (seen !== (STRINGS | SHAREABLE) || !small) return undefined;
    const hit = this.find(isList ? this.lists : this.objects, v, isList);
    if (hit !== undefined) this.known = true;
    return hit;
  }

  /** Whether a string below the top level goes through the string table (not too long, not a fingerprint). */
  private internable(s: string, field: string): boolean {
    return s.length <= MAX_LENGTH && !UNIQUE_ANYWHERE.has(field);
  }

  /**
   * The shared copy of a value, looked up without adding to the trie. Its strings are compared as
   * parsed: the inline child by ===, which compares a fresh string's characters with the shared
   * one's (no hash), the others by the map's hash. Found, the parsed copy and its strings are dropped.
   */
  private find(root: Node, value: object, isList: boolean): object | undefined {
    let node: Node | undefined = root;
    if (isList) {
      for (const x of value as unknown[]) {
        node = child(node, x);
        if (node === undefined) return undefined;
      }
      return node.end;
    }
    for (const k in value) {
      node = child(node, k);
      if (node !== undefined) node = child(node, (value as Record<string, unknown>)[k]);
      if (node === undefined) return undefined;
    }
    return node.end;
  }

  private string(s: string, field: string, top: boolean): string {
    this.known = false;
    if (s.length > MAX_LENGTH || UNIQUE_ANYWHERE.has(field) || (top && UNIQUE.has(field))) return s;
    const prev = this.strings.get(s);
    if (prev !== undefined) {
      this.known = true;
      return prev;
    }
    if (this.strings.size >= this.maxEntries) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  /** The child of `node` under `key`, made when missing. */
  private step(node: Node, key: unknown): Node {
    if (node.next === undefined) {
      node.key = key;
      node.next = new Node();
      this.nodes++;
      return node.next;
    }
    // === as Map's SameValueZero for what JSON holds (no NaN): shared strings and objects by identity.
    if (node.key === key) return node.next;
    node.more ??= new Map();
    let next = node.more.get(key);
    if (next === undefined) {
      next = new Node();
      node.more.set(key, next);
      this.nodes++;
    }
    return next;
  }

  /** The shared copy of an object (or array) whose members were all seen before, else the value itself (then not known). */
  private shared(value: object, all: boolean, isList: boolean): object {
    this.known = false;
    if (!all) return value;
    if (this.nodes >= this.maxEntries) {
      this.objects = new Node();
      this.lists = new Node();
      this.nodes = 0;
    }
    let node = isList ? this.lists : this.objects;
    if (isList) for (const x of value as unknown[]) node = this.step(node, x);
    else
      for (const k in value) {
        node = this.step(node, k);
        node = this.step(node, (value as Record<string, unknown>)[k]);
      }
    const prev = node.end;
    if (prev !== undefined) {
      this.known = true;
      return prev;
    }
    node.end = value;
    return value;
  }
}
