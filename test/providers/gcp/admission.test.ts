// What a workload identity pool member admits through a provider, with the mappings and conditions of
// Google's documentation (GitHub: google.subject=assertion.sub, attribute.repository=assertion.repository,
// condition on repository_owner; GitLab: project_path, namespace_path, ref_type, ref; Terraform Cloud:
// terraform_organization_name, terraform_workspace_name, terraform_run_phase; Confidential Space:
// the attestation assertions) and how each term is classified.
import { describe, expect, it } from 'vitest';
import { ciVerdict } from '../../../src/engine/classify-ci.ts';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import { admittedTerms, ciAdmission, federatedEntries, parseWifMember, type RawWifProvider, type WifMember } from '../../../src/providers/gcp/admission.ts';

const POOL = 'projects/123/locations/global/workloadIdentityPools/ci';
const member = (rest: string, type = 'principalSet'): WifMember => parseWifMember(`${type}://iam.googleapis.com/${POOL}/${rest}`) as WifMember;
const oidc = (issuerUri: string, attributeMapping: Record<string, string>, attributeCondition?: string): RawWifProvider => ({
  name: `${POOL}/providers/p`,
  issuerUri,
  attributeMapping,
  protocol: 'oidc',
  ...(attributeCondition ? { attributeCondition } : {}),
});
const GH = 'https://token.actions.githubusercontent.com';
const GH_MAP = { 'google.subject': 'assertion.sub', 'attribute.repository': 'assertion.repository', 'attribute.environment': 'assertion.environment' };
const subsOf = (m: WifMember, p: RawWifProvider) => (admittedTerms(m, p) ?? []).map((t) => ciAdmission('github', t));
const CI = { production: [{ repositories: ['org/app'], environments: ['production'], branches: ['main'] }] };

describe('parseWifMember', () => {
  it('reads the documented principal identifiers of workload identity pools', () => {
    expect(member('subject/repo:org/app:ref:refs/heads/main', 'principal').select).toEqual({ kind: 'subject', value: 'repo:org/app:ref:refs/heads/main' });
    expect(member('attribute.repository/org/app').select).toEqual({ kind: 'attribute', name: 'repository', value: 'org/app' });
    expect(member('group/admins').select).toEqual({ kind: 'group', value: 'admins' });
    expect(member('*')).toMatchObject({ project: '123', pool: POOL, select: { kind: 'all' } });
    // Workforce pools (people) and other members are not workload identity pools.
    expect(parseWifMember('principalSet://iam.googleapis.com/locations/global/workforcePools/staff/*')).toBeUndefined();
    expect(parseWifMember('serviceAccount:a@p.iam.gserviceaccount.com')).toBeUndefined();
  });
});

describe('GitHub Actions through attribute mapping and condition', () => {
  it.each([
    // member, condition, admitted sub patterns, ci verdict
    ['attribute.repository/org/app', undefined, ['repo:org/app:*'], 'ci'],
    ['*', "assertion.repository_owner == 'org'", ['repo:org/*:*'], 'ci'],
    ['attribute.repository/org/app', "assertion.environment == 'production'", ['repo:org/app:environment:production'], 'production'],
    ['attribute.environment/production', "assertion.repository == 'org/app'", ['repo:org/app:environment:production'], 'production'],
    ['attribute.repository/org/app', "assertion.ref == 'refs/heads/main'", ['repo:org/app:ref:refs/heads/main'], 'production'],
    ['attribute.repository/org/app', "assertion.ref_type == 'branch'", ['repo:org/app:ref:refs/heads/*'], 'ci'],
    ['attribute.repository/org/app', "assertion.ref.startsWith('refs/heads/')", ['repo:org/app:ref:refs/heads/*'], 'ci'],
    // Disjunctions are one admitted set each; `in` a list is a disjunction.
    [
      'attribute.repository/org/app',
      "assertion.environment in ['production', 'staging']",
      ['repo:org/app:environment:production', 'repo:org/app:environment:staging'],
      'ci',
    ],
    // Identity-only claims (an owner id) narrow who, not which runs.
    [
      'attribute.repository/org/app',
      "assertion.repository_owner_id == '4242' && assertion.environment == 'production'",
      ['repo:org/app:environment:production'],
      'production',
    ],
  ])('%s if %s admits %j (%s)', (sel, cond, subs, verdict) => {
    const admitted = subsOf(member(sel), oidc(GH, GH_MAP, cond));
    expect(admitted.map((a) => a.sub)).toEqual(subs);
    expect(admitted.every((a) => a.narrowing.length === 0)).toBe(true);
    const v = admitted.map((a) => ciVerdict({ provider: 'p', issuer: 'github', subjects: [a.sub] }, CI).verdict);
    expect(v.includes('ci') ? 'ci' : 'production').toBe(verdict);
  });

  it('a subject member pinned by google.subject=assertion.sub admits exactly its subject', () => {
    expect(subsOf(member('subject/repo:org/app:pull_request', 'principal'), oidc(GH, GH_MAP)).map((a) => a.sub)).toEqual(['repo:org/app:pull_request']);
  });

  it('what the pattern cannot say is kept as narrowing (the entry is undecided): matches(), !=, event_name', () => {
    const [a] = subsOf(member('attribute.repository/org/app'), oidc(GH, GH_MAP, "assertion.event_name != 'pull_request' && assertion.workflow_ref == 'x'"));
    expect(a).toEqual({ sub: 'repo:org/app:*', narrowing: ["assertion.event_name != 'pull_request'", "assertion.workflow_ref == 'x'"] });
  });

  it('contradictory pins admit nothing; `false` admits nothing; `true` everything', () => {
    expect(admittedTerms(member('attribute.repository/org/app'), oidc(GH, GH_MAP, "assertion.repository == 'org/other'"))).toEqual([]);
    expect(admittedTerms(member('*'), oidc(GH, GH_MAP, 'false'))).toEqual([]);
    expect(admittedTerms(member('*'), oidc(GH, GH_MAP, 'true'))).toEqual([[]]);
  });

  it('an attribute whose mapping is not one claim is opaque, naming the claims it reads', () => {
    const map = { 'google.subject': 'assertion.sub', 'attribute.branch': 'assertion.ref.extract("refs/heads/{branch}")' };
    const [a] = subsOf(member('attribute.branch/main'), oidc(GH, map));
    expect(a?.sub).toBe('repo:*:*');
    expect(a?.narrowing[0]).toContain("attribute.branch == 'main'");
  });

  it('a condition that is not valid CEL is undecided, with the expression', () => {
    const p = oidc(GH, GH_MAP, "assertion.repository == 'org/app' &&");
    expect(admittedTerms(member('*'), p)).toBeUndefined();
    const base: AccessEntry = { principal: { kind: 'group', id: member('*').member }, capabilities: ['use-sign'], source: 'iam-binding' };
    const [e] = federatedEntries(base, member('*'), { name: POOL }, [p], []);
    expect(e?.undecided).toEqual([expect.objectContaining({ operator: 'CEL', values: ["assertion.repository == 'org/app' &&"] })]);
  });
});

describe('GitLab and Terraform Cloud', () => {
  it('GitLab project_path, ref_type and ref become its sub form; a project alone admits any ref', () => {
    const p = oidc(
      'https://gitlab.com',
      { 'google.subject': 'assertion.sub', 'attribute.project_path': 'assertion.project_path' },
      "assertion.ref_type == 'branch' && assertion.ref == 'main'",
    );
    const [a] = (admittedTerms(member('attribute.project_path/group/app'), p) ?? []).map((t) => ciAdmission('gitlab', t));
    expect(a?.sub).toBe('project_path:group/app:ref_type:branch:ref:main');
    const [any] = (admittedTerms(member('attribute.project_path/group/app'), { ...p, attributeCondition: "assertion.namespace_path == 'group'" }) ?? []).map(
      (t) => ciAdmission('gitlab', t),
    );
    expect(any?.sub).toBe('project_path:group/app:*');
    expect(ciVerdict({ provider: 'p', issuer: 'gitlab', subjects: [any?.sub ?? ''] }, undefined).verdict).toBe('ci');
  });

  it('Terraform Cloud organization, workspace and run phase', () => {
    const p = oidc(
      'https://app.terraform.io',
      { 'google.subject': 'assertion.sub' },
      "assertion.terraform_organization_name == 'org' && assertion.terraform_workspace_name == 'prod' && assertion.terraform_run_phase == 'apply'",
    );
    const [a] = (admittedTerms(member('*'), p) ?? []).map((t) => ciAdmission('terraform-cloud', t));
    expect(a?.sub).toBe('organization:org:project:*:workspace:prod:run_phase:apply');
  });
});

describe('federatedEntries', () => {
  const base: AccessEntry = {
    principal: { kind: 'group', id: 'x' },
    capabilities: ['use-decrypt'],
    source: 'iam-binding',
    sourceId: 'k#roles/cloudkms.cryptoKeyDecrypter',
  };
  it('a disabled or deleted pool or provider admits nobody', () => {
    const m = member('*');
    const p = oidc(GH, GH_MAP);
    expect(federatedEntries(base, m, { name: POOL, disabled: true }, [p], [])).toEqual([]);
    expect(federatedEntries(base, m, { name: POOL, state: 'DELETED' }, [p], [])).toEqual([]);
    expect(federatedEntries(base, m, { name: POOL }, [{ ...p, disabled: true }], [])).toEqual([]);
    expect(federatedEntries(base, m, undefined, [p], [])).toEqual([]);
    expect(federatedEntries(base, m, { name: POOL }, [p], [])).toHaveLength(1);
  });

  it('Confidential Space pins become attestation conditions; an opaque test of a required claim is undecided', () => {
    const cs = oidc(
      'https://confidentialcomputing.googleapis.com/',
      { 'google.subject': 'assertion.sub' },
      "assertion.swname == 'CONFIDENTIAL_SPACE' && 'STABLE' in assertion.submods.confidential_space.support_attributes && assertion.submods.container.image_digest.matches('^sha256:')",
    );
    const [e] = federatedEntries(base, member('*'), { name: POOL }, [cs], []);
    expect(e?.principal).toMatchObject({ kind: 'service-principal', name: 'Confidential Space workloads of pool ci (provider p)' });
    expect(e?.principal.federation).toBeUndefined();
    expect(e?.conditions).toEqual(
      expect.arrayContaining([
        { key: 'assertion.swname', operator: 'StringEquals', values: ['CONFIDENTIAL_SPACE'] },
        { key: 'assertion.submods.confidential_space.support_attributes', operator: 'ForAnyValue:StringEquals', values: ['STABLE'] },
      ]),
    );
    expect(e?.undecided).toEqual([
      { key: 'assertion.submods.container.image_digest', operator: 'CEL', values: ["assertion.submods.container.image_digest.matches('^sha256:')"] },
    ]);
  });
});
