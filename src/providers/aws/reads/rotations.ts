// kms:GetKeyRotationStatus and kms:ListKeyRotations: automatic rotation settings and the rotation history.
import { type AwsRun, fail, list, read } from '../context.ts';
import type { RotationShape, RotationStatusShape } from '../normalize.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** The rotation settings; undefined (with a gap on the rotation fields) when the read failed. */
export async function readRotationStatus(run: AwsRun, k: KeyTarget): Promise<RotationStatusShape | undefined> {
  const gap = keyGap(k, 'the rotation status', ['rotation.automatic', 'rotation.periodDays', 'rotation.nextRotationAt']);
  return (await read(run, 'kms:GetKeyRotationStatus', { KeyId: k.keyId }, k.where, gap)) as RotationStatusShape | undefined;
}

/** Every past rotation; undefined under the fast profile, or (with a gap on material age) when a page failed. */
export async function readRotations(run: AwsRun, k: KeyTarget): Promise<RotationShape[] | undefined> {
  if (run.fast) return undefined;
  const rotations: RotationShape[] = [];
  try {
    await list(run, 'kms:ListKeyRotations', { KeyId: k.keyId }, k.where, (p) => rotations.push(...((p.Rotations ?? []) as RotationShape[])));
    return rotations;
  } catch (err) {
    fail(run, 'kms:ListKeyRotations', err, keyGap(k, 'the rotation history', ['currentVersionCreatedAt', 'rotation.lastRotatedAt', 'versionCount']));
    return undefined;
  }
}
