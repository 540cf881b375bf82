// Relying parties joined with published key sets, on the bundled Storm-0558 estate: enterprise mail
// trusts the multi-tenant common endpoint (consumer + enterprise) without validating the issuer.
import { describe, expect, it } from 'vitest';
import { relyingPartyIndex } from '../../src/engine/relying-parties.ts';
import { markdownReporter } from '../../src/report/markdown.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { textReporter } from '../../src/report/text.ts';
import { stormRun } from '../helpers/storm-result.ts';

const COMMON = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';
const { policy, inventory, result } = stormRun();
const failures = (rule: string) => result.results.filter((r) => r.ruleId === rule && r.outcome === 'fail');

describe('relying parties on the storm-0558 example', () => {
  it('joins enterprise-mail to both keys of the common endpoint', () => {
    const partiesOf = relyingPartyIndex(policy);
    const joined = inventory.publishedKeys.map((k) => [k.kid, partiesOf(k).map((rp) => rp.name)]);
    expect(joined).toEqual([
      ['consumer-2016-04', ['enterprise-mail']],
      ['enterprise-2024-02', ['enterprise-mail']],
    ]);
  });

  it('fails the relying party that would accept the consumer key, not the keys the endpoint serves', () => {
    const foreign = failures('relying-party-foreign-key');
    expect(foreign.map((r) => [r.subject.id, r.rootCause?.resource])).toEqual([
      [`${COMMON}#consumer-2016-04`, { kind: 'relying-party', id: 'enterprise-mail' }],
    ]);
    // The good enterprise key in the common endpoint is not "published outside its scope".
    const scoped = result.results.filter((r) => r.ruleId === 'key-published-in-one-scope' && r.subject.id.includes('enterprise-token-signing'));
    expect(scoped.map((r) => r.outcome)).toEqual([]);
    expect(failures('key-published-in-one-scope').map((r) => r.subject.id)).not.toContain(
      'https://kv-enterprise-prod.vault.azure.net/keys/enterprise-token-signing',
    );
  });

  it('groups the endpoint flaw into one root cause: the endpoint, with both keys affected', () => {
    const endpoint = failures('shared-endpoint-issuer-validation');
    expect(endpoint.map((r) => r.subject.id)).toEqual([`${COMMON}#consumer-2016-04`, `${COMMON}#enterprise-2024-02`]);
    const causes = (result.rootCauses ?? []).filter((c) => c.ruleId === 'shared-endpoint-issuer-validation');
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ resource: { kind: 'endpoint', id: COMMON }, subjects: endpoint.map((r) => r.subject.id) });
  });

  it('shows the flaw in Markdown as one row per root cause and in text with root causes counted', () => {
    const md = markdownReporter.render(result, reportMeta({})) as string;
    const row = md.split('\n').find((l) => l.includes('`shared-endpoint-issuer-validation`'));
    expect(row).toContain(`endpoint ${COMMON} \\(2 subjects\\)`);
    expect(md.split('\n').filter((l) => l.includes('`shared-endpoint-issuer-validation`'))).toHaveLength(1);
    expect(md).toMatch(/relying-party enterprise-mail \\\(1 subject\\\)/);
    const text = textReporter.render(result, reportMeta({ color: false })) as string;
    // One text row for the endpoint, the keys it fails listed under it.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('shared-endpoint-issuer-validation') && l.includes(`endpoint ${COMMON} (2 subjects)`));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.filter((l) => l.includes('shared-endpoint-issuer-validation'))).toHaveLength(1);
    expect(lines.slice(at + 1, at + 3).some((l) => l.trim() === `- ${COMMON}#enterprise-2024-02`)).toBe(true);
    const fails = result.summary.outcomes.fail;
    expect(text).toContain(`${result.summary.rootCauses?.total} root causes`);
    expect(text).toContain(`of ${fails} failures`);
    expect(result.summary.rootCauses?.total).toBeLessThan(fails);
  });
});
