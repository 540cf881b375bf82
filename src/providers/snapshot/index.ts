import { resolve } from 'node:path';
import { parseInventory } from '../../inventory/parse.ts';
import { defineProvider, inputReader, type ProviderOutput } from '../types.ts';
import { SnapshotConfig } from './schema.ts';

/** Reads inventory snapshots written earlier: re-evaluate evidence offline, with no API call. */
export const snapshotProvider = defineProvider({
  id: 'snapshot',
  description: 'inventory snapshot files written by `keyhygiene inventory`',
  configSchema: SnapshotConfig,
  operations: ['fs:ReadFile'],
  fills: ['*'],
  async collect(config, ctx): Promise<ProviderOutput> {
    const out: Required<Omit<ProviderOutput, 'skipped'>> = { run: { id: 'snapshot' }, keys: [], trails: [], publishedKeys: [], artifacts: [], gaps: [] };
    const taken: string[] = [];
    for (const p of config.paths) {
      const file = resolve(ctx.baseDir, p);
      const inv = parseInventory(inputReader(ctx)(file, 'snapshot', 'check the path, or write one with `keyhygiene inventory --output FILE`'), p);
      taken.push(inv.generatedAt);
      out.keys.push(...inv.keys);
      out.trails.push(...inv.trails);
      out.publishedKeys.push(...inv.publishedKeys);
      out.artifacts.push(...inv.artifacts);
      out.gaps.push(...inv.gaps);
    }
    // The evidence is as old as its oldest snapshot.
    out.run.finishedAt = taken.sort()[0];
    return out;
  },
});

export default snapshotProvider;
