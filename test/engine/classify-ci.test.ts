// Federated CI identities: what each issuer's documented `sub` forms admit, judged by `ci.production`.
import { describe, expect, it } from 'vitest';
import { ciVerdict } from '../../src/engine/classify-ci.ts';
import { Ci } from '../../src/policy/schema.ts';

const ci = Ci.parse({
  production: [{ repositories: ['org/app', 'group/service', 'acme/prod-network'], branches: ['main'], environments: ['production'], tags: ['v*'] }],
});
const fed = (issuer: 'github' | 'gitlab' | 'terraform-cloud' | 'other', ...subjects: string[]) => ({ provider: 'p', issuer, subjects });

describe('ciVerdict', () => {
  it.each([
    ['github', 'repo:org/app:environment:production', 'production'],
    ['github', 'repo:org/app:ref:refs/heads/main', 'production'],
    ['github', 'repo:org/app:ref:refs/tags/v*', 'production'],
    ['github', 'repo:org/app:ref:refs/tags/v1.2.0', 'production'],
    ['github', 'repo:org/app:pull_request', 'ci'],
    ['github', 'repo:org/app:*', 'ci'],
    ['github', 'repo:org/app:ref:refs/heads/feature-x', 'ci'],
    ['github', 'repo:org/app:environment:staging', 'ci'],
    ['github', 'repo:org/*:environment:production', 'ci'],
    ['github', 'repo:other/tool:environment:production', 'ci'],
    ['gitlab', 'project_path:group/service:ref_type:branch:ref:main', 'production'],
    ['gitlab', 'project_path:group/service:ref_type:branch:ref:dev', 'ci'],
    ['terraform-cloud', 'organization:acme:project:Default Project:workspace:prod-network:run_phase:apply', 'production'],
    ['terraform-cloud', 'organization:acme:project:Default Project:workspace:*:run_phase:*', 'ci'],
    ['other', 'system:serviceaccount:ns:sa', 'undeclared'],
  ] as const)('%s %s is %s', (issuer, sub, verdict) => {
    expect(ciVerdict(fed(issuer, sub), ci).verdict).toBe(verdict);
  });
  it('a trust with no sub condition admits anyone: CI, whatever the policy says', () => {
    expect(ciVerdict(fed('github'), ci).verdict).toBe('ci');
  });
  it('without a ci: block a specific subject is undeclared (unknown), a pull request is still CI', () => {
    expect(ciVerdict(fed('github', 'repo:org/app:environment:production'), undefined).verdict).toBe('undeclared');
    expect(ciVerdict(fed('github', 'repo:org/app:pull_request'), undefined).verdict).toBe('ci');
  });
});
