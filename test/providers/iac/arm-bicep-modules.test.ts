// A `bicep build` output with modules (fixture: test/fixtures/iac/arm-bicep-modules, written from
// Microsoft Learn's ARM template pages: nested templates with inner scope, resource/property/variable
// iteration, conditional deployment, user-defined functions, `existing` resources of languageVersion 2.0).
import { describe, expect, it } from 'vitest';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const TEMPLATE = `${FIXTURES}/arm-bicep-modules/main.json`;

describe('iac provider: ARM templates as bicep build writes them (modules, loops, conditions)', () => {
  it('keys a module deploys (a nested deployment with inner scope) are subjects; its parameters come from the parent', async () => {
    const out = await collectIac([TEMPLATE]);
    const addresses = (out.keys ?? []).map((k) => k.source?.address).sort();
    // The vault name comes from a user-defined function, the key names from a variable loop.
    expect(addresses).toEqual(['kv-prod-signing/signing-0', 'kv-prod-signing/signing-1', 'kv-shared/legacy']);
    const k = out.keys?.find((x) => x.source?.address === 'kv-prod-signing/signing-1');
    expect(k).toMatchObject({ keyType: 'RSA', keySize: 3072, protection: 'hsm', container: 'kv-prod-signing', rotation: { automatic: true } });
  });

  it('a resource whose condition is false is not deployed', async () => {
    const out = await collectIac([TEMPLATE]);
    expect(out.keys?.some((k) => k.source?.address?.endsWith('/dev-only'))).toBe(false);
  });

  it('accessPolicies built by a property loop are the vault access (they were dropped: no one could use the key)', async () => {
    const out = await collectIac([TEMPLATE]);
    const k = out.keys?.find((x) => x.source?.address === 'kv-prod-signing/signing-0');
    const ids = [...new Set(k?.access?.map((e) => e.principal.id))].sort();
    expect(ids).toEqual(['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '7c9e6679-7425-40de-944b-e07fc1f90ae7']);
    expect(k?.access?.find((e) => e.principal.id === '7c9e6679-7425-40de-944b-e07fc1f90ae7')?.capabilities).toContain('administer');
  });

  it('an existing vault is not deployed: the key made in it has its vault settings as gaps', async () => {
    const out = await collectIac([TEMPLATE]);
    const legacy = out.keys?.find((x) => x.source?.address === 'kv-shared/legacy');
    const gap = out.gaps?.find((g) => g.scope.subjectId === legacy?.id && g.affects?.includes('access'));
    expect(gap?.reason).toContain('its vault is not part of this plan');
  });

  it('a diagnostic setting deployed only under a parameter without default logs nothing for sure: key-use-logged is unknown', async () => {
    const out = await collectIac([TEMPLATE]);
    const trail = out.trails?.find((t) => t.source?.address === 'kv-audit');
    expect(trail).toBeDefined();
    expect(trail?.enabled).toBeUndefined();
    expect(out.gaps?.find((g) => g.scope.subjectId === trail?.id)?.reason).toContain(
      'kv-audit is deployed only if its condition "[parameters(\'enableDiagnostics\')]" holds',
    );
    const k = out.keys?.find((x) => x.source?.address === 'kv-prod-signing/signing-0');
    if (!k) throw new Error('no key');
    const r = runRule(keyUseLogged, { inventory: { keys: [k], trails: out.trails ?? [], gaps: out.gaps ?? [] } });
    expect(r.outcome).toBe('unknown');
  });

  it('a nested deployment of a linked template (templateLink) is a gap: the audit is incomplete', async () => {
    const out = await collectIac([TEMPLATE]);
    const gap = out.gaps?.find((g) => g.operation === 'arm:templateLink');
    expect(gap).toMatchObject({ provider: 'iac', scope: {} });
    expect(gap?.reason).toContain('nested deployment hsm-module deploys a linked template');
  });

  it('"[[" escapes a literal "[" in a value', async () => {
    const out = await collectIac([TEMPLATE]);
    const k = out.keys?.find((x) => x.source?.address === 'kv-prod-signing/signing-0');
    expect(k?.tags).toEqual({ env: 'prod', note: '[not an expression]' });
  });

  it("languageVersion 2.0: reference('identity').principalId names the planned identity, so its role assignment is read (it was unknown)", async () => {
    const out = await collectIac([`${FIXTURES}/arm-bicep-modules/symbolic.json`]);
    const k = out.keys?.find((x) => x.source?.address === 'kv-rbac-prod/signing');
    expect(k?.access?.map((e) => [e.principal.name, e.principal.tags?.env, e.principal.kind])).toEqual([['id-debugger', 'debug', 'managed-identity']]);
    expect(k?.access?.[0]?.capabilities).toContain('use-sign');
  });
});
