// `inventory --plan-shards N`: list the collection units once (one Organizations walk) and split them
// over N shards, balanced by count; the plan file is what each shard reads with --shard-plan, and the
// matrix is what a GitHub Actions job hands its matrix (`fromJSON`).
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { sourceMap, zodDiagnostics } from '../util/diagnose.ts';
import { parseJsonText } from '../util/json-text.ts';
import { readTextFile } from '../util/read-text.ts';

export const ShardPlan = z.strictObject({
  kind: z.literal('keyhygiene-shard-plan'),
  version: z.literal(1),
  generatedAt: z.string(),
  count: z.number().int().positive(),
  matrix: z.strictObject({ include: z.array(z.strictObject({ shard: z.string() })) }),
  shards: z.array(z.strictObject({ shard: z.string(), units: z.array(z.string()) })),
});
export type ShardPlan = z.infer<typeof ShardPlan>;

/** Units sorted and dealt round-robin: shard sizes differ by at most one unit. */
export function splitUnits(units: readonly string[], count: number, generatedAt: string): ShardPlan {
  const sorted = [...new Set(units)].sort();
  const shards = Array.from({ length: count }, (_, i) => ({ shard: `${i + 1}/${count}`, units: [] as string[] }));
  sorted.forEach((u, i) => {
    shards[i % count]?.units.push(u);
  });
  return { kind: 'keyhygiene-shard-plan', version: 1, generatedAt, count, matrix: { include: shards.map((s) => ({ shard: s.shard })) }, shards };
}

/** Read a plan file: unit → owning shard. */
export function readShardPlan(file: string): { count: number; owners: Record<string, number> } {
  const text = readTextFile(file, 'shard plan', 'write one with `keyhygiene inventory --plan-shards N --output plan.json`', 'other');
  const raw = parseJsonText(text, file, {
    what: 'shard plan',
    expected: 'the JSON plan `keyhygiene inventory --plan-shards N --output plan.json` writes',
    hint: 'write it again with `keyhygiene inventory --plan-shards N`',
  });
  const parsed = ShardPlan.safeParse(raw);
  if (!parsed.success) throw new UserError(zodDiagnostics(parsed.error.issues, ShardPlan, sourceMap(file, text), file, raw));
  const owners: Record<string, number> = {};
  parsed.data.shards.forEach((s, i) => {
    for (const u of s.units) owners[u] = i + 1;
  });
  return { count: parsed.data.count, owners };
}
