// Federated CI identities classified by what their trust admits: a `sub` pattern that admits only
// runs the policy's `ci.production` names (a repository's production environment, protected branch or
// release tag) is production; pull requests, other branches, wildcards and unknown repositories are
// CI; a specific subject with no `ci:` block to judge it is ambiguous (unknown, never a silent pass).
import type { Principal } from '../model/access-entry.ts';
import type { Ci, CiProduction } from '../policy/schema.ts';
import { anyGlobMatch } from '../util/glob.ts';

export type CiVerdict = 'production' | 'ci' | 'undeclared';

interface Run {
  repo: string;
  kind: 'environment' | 'branch' | 'tag' | 'other';
  value: string;
}

const wild = (s: string): boolean => s.includes('*') || s.includes('?');

/** What one `sub` pattern admits, per issuer; undefined for a form we do not read. */
export function parseSubject(issuer: NonNullable<Principal['federation']>['issuer'], sub: string): Run | undefined {
  if (issuer === 'github') {
    const m = /^repo:([^:]+):(.*)$/.exec(sub);
    if (!m) return undefined;
    const [, repo = '', rest = ''] = m;
    if (rest.startsWith('environment:')) return { repo, kind: 'environment', value: rest.slice('environment:'.length) };
    if (rest.startsWith('ref:refs/heads/')) return { repo, kind: 'branch', value: rest.slice('ref:refs/heads/'.length) };
    if (rest.startsWith('ref:refs/tags/')) return { repo, kind: 'tag', value: rest.slice('ref:refs/tags/'.length) };
    return { repo, kind: 'other', value: rest };
  }
  if (issuer === 'gitlab') {
    const m = /^project_path:([^:]+):ref_type:(branch|tag):ref:(.+)$/.exec(sub);
    if (!m) return /^project_path:([^:]+):/.test(sub) ? { repo: sub.split(':')[1] ?? '', kind: 'other', value: sub } : undefined;
    return { repo: m[1] ?? '', kind: m[2] === 'tag' ? 'tag' : 'branch', value: m[3] ?? '' };
  }
  if (issuer === 'terraform-cloud') {
    const m = /^organization:([^:]+):project:[^:]+:workspace:([^:]+):run_phase:(.+)$/.exec(sub);
    return m ? { repo: `${m[1]}/${m[2]}`, kind: 'branch', value: m[3] ?? '' } : undefined;
  }
  return undefined;
}

/** Whether one declared production entry admits exactly this run (no wildcard beyond what it names). */
function admits(p: CiProduction, run: Run, issuer: string): boolean {
  if (wild(run.repo) || !anyGlobMatch(p.repositories, run.repo)) return false;
  if (issuer === 'terraform-cloud') return true;
  const exact = (globs: readonly string[] | undefined) =>
    globs !== undefined && (globs.includes(run.value) || (!wild(run.value) && anyGlobMatch(globs, run.value)));
  if (run.kind === 'environment') return exact(p.environments);
  if (run.kind === 'branch') return exact(p.branches);
  if (run.kind === 'tag') return exact(p.tags);
  return false;
}

/** The verdict for one federated principal, and why. */
export function ciVerdict(federation: NonNullable<Principal['federation']>, ci: Ci | undefined): { verdict: CiVerdict; why: string } {
  if (federation.subjects.length === 0) return { verdict: 'ci', why: 'the trust admits any subject of the issuer' };
  for (const sub of federation.subjects) {
    const run = parseSubject(federation.issuer, sub);
    if (!run) return { verdict: 'undeclared', why: `the subject ${sub} is not a form keyhygiene reads` };
    if (run.kind === 'other' || wild(run.repo)) return { verdict: 'ci', why: `${sub} admits pull requests or any branch` };
    if (!ci && wild(run.value)) return { verdict: 'ci', why: `${sub} admits any ${run.kind}` };
    if (!ci) return { verdict: 'undeclared', why: `no \`ci:\` block says whether ${sub} is production` };
    if (!ci.production.some((p) => admits(p, run, federation.issuer))) return { verdict: 'ci', why: `${sub} is not named production under \`ci.production\`` };
  }
  return { verdict: 'production', why: 'every admitted subject is named production under `ci.production`' };
}
