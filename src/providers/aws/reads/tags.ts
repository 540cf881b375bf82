// kms:ListResourceTags: the key's tags.
import { type AwsRun, fail, list } from '../context.ts';
import type { TagShape } from '../normalize.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** Every tag; undefined (with a gap on `tags`) when a page failed. */
export async function readTags(run: AwsRun, k: KeyTarget): Promise<TagShape[] | undefined> {
  const tags: TagShape[] = [];
  try {
    await list(run, 'kms:ListResourceTags', { KeyId: k.keyId }, k.where, (p) => tags.push(...((p.Tags ?? []) as TagShape[])));
    return tags;
  } catch (err) {
    fail(run, 'kms:ListResourceTags', err, keyGap(k, 'the tags', ['tags']));
    return undefined;
  }
}
