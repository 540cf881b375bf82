// ec2:DescribeRegions: the regions enabled for an account, unless the policy names them.
import { type AwsRun, read, type Where } from '../context.ts';

export async function readRegions(run: AwsRun, where: Where, homeRegion: string): Promise<string[]> {
  if (run.config.regions) return [...run.config.regions];
  const out = await read(run, 'ec2:DescribeRegions', {}, where, { what: `the enabled regions of account ${where.account}`, account: where.account });
  if (!out) return [homeRegion];
  const names = ((out.Regions ?? []) as { RegionName?: string; OptInStatus?: string }[])
    .filter((r) => r.RegionName && r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName as string);
  return names.length ? names.sort() : [homeRegion];
}
