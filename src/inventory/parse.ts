import { type Diagnostic, UserError } from '../errors.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import { INVENTORY_VERSION, Inventory } from '../model/inventory.ts';
import { type PublishedKey, trustSummary } from '../model/published-key.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { locate, sourceMap, zodDiagnostics } from '../util/diagnose.ts';
import { type JsonFileDescription, parseJsonText } from '../util/json-text.ts';
import { MAX_RECORD_DEPTH, tooDeepAt } from './intern.ts';
import { inventoryValidator, nestingProblem, RECORD_ARRAYS } from './validate-part.ts';

/** A snapshot, for the words of a JSON syntax error in one (whole-text and streamed readers alike). */
export const SNAPSHOT_JSON: JsonFileDescription = {
  what: 'snapshot',
  expected: 'a keyhygiene inventory snapshot (JSON)',
  hint: 'regenerate it with `keyhygiene inventory --output FILE`',
};

/**
 * Parse and validate an inventory snapshot. Any problem becomes a UserError that names the file,
 * line and column and says what was expected: a truncated or newer snapshot is never half-read.
 */
export function parseInventory(text: string, file: string): Inventory {
  const raw = parseJsonText(text, file, SNAPSHOT_JSON);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError({
      file,
      line: 1,
      column: 1,
      message: 'the snapshot must be a JSON object.',
      expected: '{"kind": "keyhygiene-inventory", "version": 1, …}',
    });
  }
  const obj = raw as Record<string, unknown>;
  if (obj.kind !== 'keyhygiene-inventory') {
    const src = sourceMap(file, text);
    throw new UserError({
      ...locate(src, [], 'kind'),
      message: `this is not a keyhygiene inventory snapshot (kind is ${JSON.stringify(obj.kind)}).`,
      expected: '"kind": "keyhygiene-inventory"',
      hint: 'pass a file written by `keyhygiene inventory --output FILE`; results of `audit` are not snapshots',
    });
  }
  if (typeof obj.version === 'number' && obj.version > INVENTORY_VERSION) {
    throw new UserError({
      ...locate(sourceMap(file, text), [], 'version'),
      message: `snapshot format version ${obj.version} is newer than this keyhygiene reads (up to ${INVENTORY_VERSION}).`,
      hint: 'upgrade keyhygiene, or write the snapshot with the version that will audit it',
    });
  }
  const inv = validated(raw, text, file);
  refuseDeepRecords(inv, text, file);
  return inv;
}

function validated(raw: object, text: string, file: string): Inventory {
  // Large snapshots are validated in place by a compiled JSON Schema (generated from the same zod
  // schema), several times faster and without copying; any failure is re-checked by zod for the
  // located diagnostics below.
  if (text.length >= FAST_PATH_BYTES && inventoryValidator()(raw)) return raw as Inventory;
  const parsed = Inventory.safeParse(raw);
  if (parsed.success) return parsed.data;
  const diags: Diagnostic[] = zodDiagnostics(parsed.error.issues, Inventory, sourceMap(file, text), file, raw);
  throw new UserError(diags.slice(0, 20).concat(diags.length > 20 ? [{ message: `…and ${diags.length - 20} more problems.` }] : []));
}

/** A value nested deeper than MAX_RECORD_DEPTH (valid JSON, and the schema's free-form policy documents allow it) is refused as the streamed reader refuses it. */
function refuseDeepRecords(inv: Inventory, text: string, file: string): void {
  for (const kind of RECORD_ARRAYS) {
    const list = inv[kind] as readonly unknown[];
    for (let i = 0; i < list.length; i++) {
      const path = tooDeepAt(list[i]);
      if (path) throw new UserError({ ...locate(sourceMap(file, text), [kind, i, ...path.slice(0, MAX_RECORD_DEPTH + 1)]), ...nestingProblem(kind, i, path) });
    }
  }
}

/** Snapshots at least this large take the compiled-validator path. */
export const FAST_PATH_BYTES = 1_000_000;

/** Merge several provider outputs or snapshots into one inventory, sorted for determinism. */
export function mergeInventories(parts: readonly Inventory[], generatedAt: string): Inventory {
  const conflicts: CollectionGap[] = [];
  const keys = mergeById(
    parts.flatMap((p) => p.keys),
    conflicts,
  );
  const trails = mergeById(
    parts.flatMap((p) => p.trails),
    conflicts,
  );
  const publishedKeys = mergeById(
    parts.flatMap((p) => p.publishedKeys),
    conflicts,
    joinTrust,
  );
  const artifacts = mergeById(
    parts.flatMap((p) => p.artifacts),
    conflicts,
  );
  conflicts.push(...missingShards(parts));
  return {
    kind: 'keyhygiene-inventory',
    version: INVENTORY_VERSION,
    generatedAt,
    providers: parts.flatMap((p) => p.providers),
    keys,
    trails,
    publishedKeys,
    artifacts,
    gaps: mergeById([...parts.flatMap((p) => p.gaps), ...conflicts], []),
  };
}

/**
 * Parts of a sharded collection that did not arrive: a gap per missing shard naming the units it
 * held (as the parts that did arrive enumerated them). Parts of different splits cannot be merged.
 */
function missingShards(parts: readonly Inventory[]): CollectionGap[] {
  const sharded = parts.filter((p) => p.shard);
  if (sharded.length === 0) return [];
  const count = sharded[0]?.shard?.count as number;
  const other = sharded.find((p) => p.shard?.count !== count);
  if (other)
    throw new UserError({
      message: `the snapshots are parts of different splits (${count} and ${other.shard?.count} shards); they cannot be merged.`,
      hint: 'merge the parts of one run: the files written by the same `inventory --shard K/N` matrix',
    });
  const present = new Set(sharded.map((p) => p.shard?.index));
  const gaps: CollectionGap[] = [];
  for (let k = 1; k <= count; k++) {
    if (present.has(k)) continue;
    const units = [
      ...new Set(
        sharded.flatMap((p) =>
          Object.entries(p.shard?.units ?? {})
            .filter(([, owner]) => owner === k)
            .map(([u]) => u),
        ),
      ),
    ].sort();
    const named = units.length
      ? `: its units ${units.slice(0, 20).join(', ')}${units.length > 20 ? ` and ${units.length - 20} more` : ''} were not collected`
      : ': the units it held are not known (no part enumerated any)';
    gaps.push({
      id: `merge:shard:${k}/${count}`,
      provider: 'merge',
      scope: {},
      operation: 'merge',
      reason: `shard ${k}/${count} is missing from the merged snapshots${named}`,
    });
  }
  return gaps;
}

/**
 * Two copies of one published key that differ only in who trusts their set are one key trusted by
 * both: a sharded jwks run reads a set once per shard owning an issuer that names it, and each part
 * knows only its own issuers. The joined copy carries every trust entry, and the issuer and labels
 * derived from all of them, as one unsharded run would have. Copies that differ in anything else are
 * not joined (a conflict).
 */
function joinTrust(a: PublishedKey, b: PublishedKey): PublishedKey | undefined {
  if (!a.trustedBy || !b.trustedBy) return undefined;
  const { issuer: _ai, labels: _al, trustedBy: at, ...restA } = a;
  const { issuer: _bi, labels: _bl, trustedBy: bt, ...restB } = b;
  if (canonicalJson(restA) !== canonicalJson(restB)) return undefined;
  return { ...restA, ...trustSummary([...at, ...(bt ?? [])]) };
}

/**
 * Records by id, sorted. Identical copies collapse; copies that `join` can make one become one;
 * other copies that differ keep the one whose canonical text sorts first (so the result does not
 * depend on the order of the inputs) and record a conflict gap for the subject, which leaves whatever
 * depends on it `unknown`.
 */
function mergeById<T extends { id: string; provider: string }>(xs: readonly T[], conflicts: CollectionGap[], join?: (a: T, b: T) => T | undefined): T[] {
  // Already sorted by id with no id twice (one snapshot, as keyhygiene writes them): nothing to merge.
  if (xs.every((x, i) => i === 0 || (xs[i - 1] as T).id < x.id)) return [...xs];
  // No id twice (one part, or parts that do not overlap): sorted, with no table of every record.
  const sorted = [...xs].sort(byId);
  if (sorted.every((x, i) => i === 0 || (sorted[i - 1] as T).id !== x.id)) return sorted;
  // The canonical text is computed only for ids seen twice: a million distinct records cost no stringify.
  const m = new Map<string, { x: T; text?: string; variants: number }>();
  for (const x of xs) {
    const prev = m.get(x.id);
    if (!prev) {
      m.set(x.id, { x, variants: 1 });
      continue;
    }
    prev.text ??= canonicalJson(prev.x);
    const text = canonicalJson(x);
    if (prev.text === text) continue;
    const joined = prev.variants === 1 ? join?.(prev.x, x) : undefined;
    if (joined) m.set(x.id, { x: joined, text: canonicalJson(joined), variants: 1 });
    else m.set(x.id, { ...(text < prev.text ? { x, text } : prev), variants: prev.variants + 1 });
  }
  for (const [id, { x, variants }] of m)
    if (variants > 1)
      conflicts.push({
        id: `${x.provider}:merge:${id}`,
        provider: x.provider,
        scope: { subjectId: id },
        operation: 'merge',
        reason: `the merged inventories hold ${variants} different records with this id; which one is current is not known`,
      });
  return [...m.values()].map((e) => e.x).sort(byId);
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
