import { readSnapshots } from '../../inventory/snapshots.ts';
import { inputFile } from '../../util/stdin-path.ts';
import { defineProvider, inputReader, type ProviderOutput } from '../types.ts';
import { SnapshotConfig } from './schema.ts';

/**
 * Reads inventory snapshots written earlier: re-evaluate evidence offline, with no API call. This is
 * also what `audit --snapshot FILE` runs. The output carries the snapshots' own provider runs, so a
 * report says which clouds the evidence came from and when each was read.
 */
export const snapshotProvider = defineProvider({
  id: 'snapshot',
  description: 'inventory snapshot files written by `keyhygiene inventory`',
  configSchema: SnapshotConfig,
  operations: ['fs:ReadFile'],
  fills: ['*'],
  async collect(config, ctx): Promise<ProviderOutput> {
    const inv = readSnapshots(
      config.paths.map((p) => ({ file: inputFile(ctx.baseDir, p), label: p })),
      inputReader(ctx),
    );
    return {
      run: { id: 'snapshot', finishedAt: inv.generatedAt },
      runs: inv.providers,
      keys: inv.keys,
      trails: inv.trails,
      publishedKeys: inv.publishedKeys,
      artifacts: inv.artifacts,
      gaps: inv.gaps,
      validated: true,
    };
  },
});

export default snapshotProvider;
