// One key being read: where it lives and how its gaps are named.
import type { AwsGapSpec, Where } from '../context.ts';

export interface KeyTarget {
  where: Where;
  /** The id ListKeys gave (the API input). */
  keyId: string;
  /** The key's ARN (DescribeKey's once read). */
  arn: string;
  /** The bare key id, last part of the key's gap ids. */
  idSuffix: string;
}

/** The gap spec of a read about this key: `what` names the key, `affects` the fields it leaves unknown. */
export const keyGap = (k: KeyTarget, what: string, affects?: string[]): AwsGapSpec => ({
  what: `${what} of key ${k.arn}`,
  account: k.where.account,
  region: k.where.caller.region,
  subjectId: k.arn,
  idSuffix: k.idSuffix,
  ...(affects ? { affects } : {}),
});
