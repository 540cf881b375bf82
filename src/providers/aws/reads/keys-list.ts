// kms:ListKeys and kms:ListAliases: the key ids of one account and region, and their aliases.
import { type AwsRun, fail, list, type Where } from '../context.ts';

/** The key ids; `failed` when the list could not be read completely (a region gap is recorded). */
export async function listKeyIds(run: AwsRun, where: Where): Promise<{ ids: string[]; failed: boolean }> {
  const ids: string[] = [];
  const { account, caller } = where;
  try {
    await list(run, 'kms:ListKeys', {}, where, (p) => {
      for (const k of (p.Keys ?? []) as { KeyId?: string }[]) if (k.KeyId) ids.push(k.KeyId);
    });
    return { ids, failed: false };
  } catch (err) {
    fail(run, 'kms:ListKeys', err, { what: `the KMS keys of account ${account} in ${caller.region}`, account, region: caller.region });
    return { ids, failed: true };
  }
}

/** Key id → alias names; undefined (with a gap on `aliases`) when the aliases could not be read. */
export async function listAliases(run: AwsRun, where: Where): Promise<Map<string, string[]> | undefined> {
  const map = new Map<string, string[]>();
  const { account, caller } = where;
  try {
    await list(run, 'kms:ListAliases', {}, where, (p) => {
      for (const a of (p.Aliases ?? []) as { AliasName?: string; TargetKeyId?: string }[]) {
        if (a.AliasName && a.TargetKeyId) map.set(a.TargetKeyId, [...(map.get(a.TargetKeyId) ?? []), a.AliasName]);
      }
    });
    return map;
  } catch (err) {
    const what = `the KMS aliases of account ${account} in ${caller.region}`;
    fail(run, 'kms:ListAliases', err, { what, account, region: caller.region, affects: ['aliases'] });
    return undefined;
  }
}
