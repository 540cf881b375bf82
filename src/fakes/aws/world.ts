// Lookups over the simulator's world that several routes share: accounts, keys by id, ARN or alias,
// and the trails an account sees in a region (its own, and the organisation's from the management account).
import type { FakeAccount, FakeKey, FakeTrail, FakeWorld } from './types.ts';
import { AwsError } from './wire.ts';

export interface VisibleTrail {
  owner: string;
  t: FakeTrail;
}

export class WorldView {
  readonly world: FakeWorld;
  readonly accounts: Map<string, FakeAccount>;
  private readonly keyIndex = new Map<string, Map<string, FakeKey>>();

  constructor(world: FakeWorld) {
    this.world = world;
    this.accounts = new Map(world.accounts.map((a) => [a.id, a]));
  }

  keysOf(account: string, region: string): FakeKey[] {
    return this.accounts.get(account)?.regions[region]?.keys ?? [];
  }

  /**
   * A key by id, alias name or key ARN, in the caller's account and region, or for a key ARN in the
   * account and region the ARN names (a cross-account request); NotFoundException otherwise.
   */
  findKey(callerAccount: string, callerRegion: string, keyId: unknown): FakeKey {
    const raw = String(keyId ?? '');
    const arn = /^arn:[^:]+:kms:([^:]+):(\d{12}):key\/(.+)$/.exec(raw);
    const [account, region, id] = arn ? [arn[2] as string, arn[1] as string, arn[3] as string] : [callerAccount, callerRegion, raw];
    const cacheId = `${account}/${region}`;
    let idx = this.keyIndex.get(cacheId);
    if (!idx) {
      idx = new Map();
      for (const k of this.keysOf(account, region)) {
        idx.set(k.id, k);
        for (const a of k.aliases ?? []) idx.set(a, k);
      }
      this.keyIndex.set(cacheId, idx);
    }
    const k = idx.get(id);
    if (!k) throw new AwsError('NotFoundException', `Key '${raw}' does not exist`);
    return k;
  }

  private sees(account: string, owner: string, t: FakeTrail): boolean {
    return owner === account || (t.organization === true && owner === this.world.callerAccount);
  }

  /** The trails DescribeTrails lists for `account` in `region`. */
  trailsVisible(account: string, region: string): VisibleTrail[] {
    const out: VisibleTrail[] = [];
    for (const a of this.world.accounts)
      for (const t of a.trails ?? []) if (this.sees(account, a.id, t) && (t.homeRegion === region || t.multiRegion)) out.push({ owner: a.id, t });
    return out;
  }

  /** A trail by name or ARN, as `account` sees it; TrailNotFoundException otherwise. */
  findTrail(account: string, name: unknown): VisibleTrail {
    const n = String(name ?? '');
    for (const a of this.world.accounts)
      for (const t of a.trails ?? []) if (this.sees(account, a.id, t) && (t.name === n || trailArn(a.id, t) === n)) return { owner: a.id, t };
    throw new AwsError('TrailNotFoundException', `Unknown trail: ${n}`);
  }
}

export const keyArn = (account: string, region: string, k: FakeKey): string => `arn:aws:kms:${region}:${account}:key/${k.id}`;
export const trailArn = (owner: string, t: FakeTrail): string => `arn:aws:cloudtrail:${t.homeRegion}:${owner}:trail/${t.name}`;
