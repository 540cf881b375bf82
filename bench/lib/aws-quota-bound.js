// The quota bound of an AWS collection, from what the simulator served: the longest time any one
// quota (account × region × operation or shared group) needs for its calls at `fraction` of its
// published rate. `before` (an earlier stats.served) leaves out what an earlier run was served;
// `shareOf(account)` is the share of that account's quotas the run may use (a shard of N takes 1/N of
// the caller account's, which every shard spends).

/** { bound (s), by (which quota, how many calls), calls (total counted) } */
export function quotaBound(served, { fraction, quotas, quotaKeyOf, before = {}, shareOf = () => 1 }) {
  const per = new Map();
  for (const [k, n] of Object.entries(served)) {
    const d = n - (before[k] ?? 0);
    if (!d) continue;
    const [account, region, op] = k.split('/');
    const id = `${account}/${region}/${quotaKeyOf(op)}`;
    per.set(id, (per.get(id) ?? 0) + d);
  }
  let bound = 0;
  let by = '';
  for (const [id, n] of per) {
    const [account, , q] = id.split('/');
    const t = n / (fraction * shareOf(account) * (quotas[q] ?? 1));
    if (t > bound) [bound, by] = [t, `${q} (${n} calls)`];
  }
  return { bound, by, calls: [...per.values()].reduce((a, b) => a + b, 0) };
}
