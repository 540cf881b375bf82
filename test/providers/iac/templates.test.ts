import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES, userError } from './helpers.ts';

const CFN = `${FIXTURES}/cloudformation/template.yaml`;
const CDK = `${FIXTURES}/cloudformation/cdk.template.json`;
const ARM = `${FIXTURES}/arm/main.json`;

describe('iac provider: CloudFormation and CDK', () => {
  it('evaluates short-form intrinsics over parameter defaults, mappings and conditions', async () => {
    const out = await collectIac([CFN], { account: '111111111111', region: 'eu-west-1' });
    const signing = out.keys?.find((k) => k.source?.address === 'SigningKey');
    expect(signing).toMatchObject({ aliases: ['alias/consumer-signing-cfn'], usage: ['sign', 'verify'], keyType: 'RSA', tags: { env: 'prod' } });
    expect(signing?.source).toEqual({ address: 'SigningKey', file: CFN, line: 29, action: 'create' });
    const admin = signing?.access?.find((e) => e.sourceId === 'Admin');
    expect(admin?.principal.id).toBe('arn:aws:iam::111111111111:role/kms-admin-prod'); // !Sub with AWS::AccountId
    const debug = signing?.access?.find((e) => e.sourceId === 'DebugSign');
    expect(debug?.principal).toMatchObject({ kind: 'role', name: 'prod-debug-sign', tags: { env: 'debug' } }); // !GetAtt DebugRole.Arn
    const data = out.keys?.find((k) => k.source?.address === 'DataKey');
    expect(data?.rotation).toEqual({ supported: true, automatic: true, periodDays: 180 }); // !If [Rotate, true, false]
    const trail = out.trails?.[0];
    expect(trail).toMatchObject({ enabled: true, capturesDataPlane: false, integrityValidation: false, retentionDays: 400 }); // !FindInMap
  });

  it('a parameter without default leaves the field unknown (a gap), never a pass', async () => {
    const out = await collectIac([CFN], { account: '111111111111' });
    const audited = out.keys?.find((k) => k.source?.address === 'AuditedKey');
    expect(audited?.access).toBeUndefined();
    expect(out.gaps?.find((g) => g.scope.subjectId === audited?.id)?.reason).toMatch(/parameter AuditorArn has no default/);
  });

  it('pseudo parameters without a configured account are unknown', async () => {
    const out = await collectIac([CFN]);
    const signing = out.keys?.find((k) => k.source?.address === 'SigningKey');
    expect(signing?.access).toBeUndefined();
    expect(out.gaps?.find((g) => g.scope.subjectId === signing?.id && g.affects?.includes('access'))?.reason).toMatch(/AWS::AccountId/);
  });

  it('CDK synth output: results name the construct path', async () => {
    const out = await collectIac([CDK], { account: '222222222222', region: 'us-east-1' });
    expect(out.keys).toHaveLength(1);
    expect(out.keys?.[0]?.source).toMatchObject({ address: 'IdentityStack/SigningKey/Resource', file: CDK, line: 3 });
    expect(out.keys?.[0]?.access?.[0]?.principal).toMatchObject({ kind: 'account', account: '222222222222' });
    // No trail in the template: trails are unknown before deployment, not absent.
    expect(out.gaps?.find((g) => g.affects?.includes('trails'))).toBeDefined();
  });
});

describe('iac provider: ARM templates', () => {
  it('evaluates parameters, variables, format() and copy loops; child resources join their parent', async () => {
    const out = await collectIac([ARM]);
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual(['kv-legacy/legacy-signing', 'kv-prod-signing/signing-0', 'kv-prod-signing/signing-1']);
    const k0 = out.keys?.find((k) => k.source?.address === 'kv-prod-signing/signing-0');
    expect(k0).toMatchObject({
      provider: 'azure-keyvault',
      container: 'kv-prod-signing',
      region: 'westeurope',
      keyType: 'RSA',
      keySize: 3072,
      protection: 'hsm',
      accessModel: 'rbac',
      deletion: { protected: true },
      network: { publicAccess: false },
      rotation: { supported: true, automatic: true, periodDays: 60 },
      expiresAt: '2030-01-01T00:00:00Z',
      tags: { env: 'prod', 'trust-domain': 'enterprise', 'key-class': 'token-signing-tenant' },
    });
    expect(k0?.source?.line).toBe(48);
  });

  it('a role assignment to an identity of the same template classifies it by its tags', async () => {
    const out = await collectIac([ARM]);
    const k0 = out.keys?.find((k) => k.source?.address === 'kv-prod-signing/signing-0');
    expect(k0?.access).toHaveLength(1);
    expect(k0?.access?.[0]).toMatchObject({ source: 'rbac', principal: { kind: 'managed-identity', name: 'id-debug', tags: { env: 'debug' } } });
    expect(k0?.access?.[0]?.capabilities).toContain('use-sign');
  });

  it('the diagnostic setting becomes a trail over its vault with the workspace retention; the legacy vault has none', async () => {
    const out = await collectIac([ARM]);
    expect(out.trails).toHaveLength(1);
    expect(out.trails?.[0]).toMatchObject({
      kind: 'azure-diagnostic-setting',
      capturesDataPlane: true,
      retentionDays: 400,
      scope: { containers: ['kv-prod-signing'] },
    });
    const legacy = out.keys?.find((k) => k.source?.address === 'kv-legacy/legacy-signing');
    expect(legacy).toMatchObject({
      accessModel: 'access-policy',
      deletion: { protected: false },
      network: { publicAccess: true },
      rotation: { automatic: false },
    });
    // The access policy names a parameter without default: who can sign is unknown.
    expect(legacy?.access).toBeUndefined();
    expect(out.gaps?.find((g) => g.scope.subjectId === legacy?.id)?.reason).toMatch(/legacyReaderId has no default/);
  });
});

describe('iac provider: inputs that are not plans or templates exit 2 with file and place', () => {
  it.each([
    ['state.json', /Terraform state .*not a plan/, 1],
    ['truncated-plan.json', /truncated/, undefined],
    ['unknown-intrinsic.yaml', /unknown tag !Concat/, 6],
    ['unknown-function.json', /unknown intrinsic function Fn::Concat/, 5],
    ['deployment.yaml', /Kubernetes manifest/, 1],
    ['bad-arm-expression.json', /invalid ARM template expression/, 8],
  ])('%s', async (file, message, line) => {
    const err = await userError([`${FIXTURES}/malformed/${file}`]);
    expect(err.exitCode).toBe(2);
    const d = err.diagnostics[0];
    expect(d?.file).toBe(`${FIXTURES}/malformed/${file}`);
    expect(d?.message).toMatch(message);
    if (line !== undefined) expect(d?.line).toBe(line);
    else expect(d?.line).toBeGreaterThan(1);
    expect(d?.expected ?? d?.hint).toBeTruthy();
  });

  it('Terraform source instead of a plan says how to make the plan', async () => {
    const err = await userError([`${FIXTURES}/terraform/main.tf`]);
    expect(err.message).toMatch(/Terraform source .*terraform show -json/s);
  });
});
