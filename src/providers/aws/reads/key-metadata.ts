// kms:DescribeKey: the key's metadata (usage, spec, origin, state, manager, dates).
import { type AwsRun, read } from '../context.ts';
import type { KeyMetadataShape } from '../normalize.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** The metadata; undefined (with a gap on the whole key) when DescribeKey failed. */
export async function readKeyMetadata(run: AwsRun, k: KeyTarget): Promise<KeyMetadataShape | undefined> {
  const out = await read(run, 'kms:DescribeKey', { KeyId: k.keyId }, k.where, keyGap(k, 'the metadata'));
  return out ? ((out.KeyMetadata ?? {}) as KeyMetadataShape) : undefined;
}
