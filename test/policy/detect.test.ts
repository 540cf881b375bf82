import { describe, expect, it } from 'vitest';
import { detectProviders } from '../../src/policy/detect.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { starterPolicy } from '../../src/policy/starter.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
const none = () => false;
const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('detectProviders', () => {
  it('finds nothing in an empty environment', () => {
    expect(detectProviders({ HOME: '/home/u' }, none)).toEqual({ found: [], providers: {} });
  });

  it('AWS from a profile, keys, OIDC or ~/.aws, with the region when one is set; never a secret value', () => {
    const profile = detectProviders({ AWS_PROFILE: 'audit', AWS_REGION: 'eu-west-1', AWS_SECRET_ACCESS_KEY: 's3cr3t-value' }, none);
    expect(profile.found).toEqual([{ provider: 'aws', evidence: 'AWS_PROFILE=audit' }]);
    expect(profile.providers).toEqual({ aws: { regions: ['eu-west-1'] } });
    expect(JSON.stringify(profile)).not.toContain('s3cr3t-value');
    expect(detectProviders({ AWS_ACCESS_KEY_ID: 'AKIA…' }, none).providers).toEqual({ aws: {} });
    expect(detectProviders({ AWS_ROLE_ARN: 'arn:aws:iam::1:role/r', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }, none).found[0]?.evidence).toMatch(/OIDC/);
    expect(detectProviders({ HOME: '/home/u' }, only('/home/u/.aws/config')).found).toEqual([{ provider: 'aws', evidence: '/home/u/.aws/config' }]);
    // The test harness's /dev/null credential files are not credentials.
    expect(detectProviders({ AWS_CONFIG_FILE: '/dev/null' }, () => true).providers.aws).toBeUndefined();
    // A malformed region is not copied into the policy.
    expect(detectProviders({ AWS_PROFILE: 'p', AWS_REGION: 'Europe' }, none).providers).toEqual({ aws: {} });
  });

  it('Azure from a service principal or az login, GCP from ADC, with subscription and project ids', () => {
    const sub = '0a1b2c3d-0000-4000-8000-000000000001';
    const azure = detectProviders({ AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 't', AZURE_FEDERATED_TOKEN_FILE: '/f', AZURE_SUBSCRIPTION_ID: sub }, none);
    expect(azure.found[0]).toEqual({ provider: 'azure', evidence: 'AZURE_CLIENT_ID with a federated token (OIDC)' });
    expect(azure.providers).toEqual({ azure: { subscriptions: [sub] } });
    expect(detectProviders({ HOME: '/h' }, only('/h/.azure/azureProfile.json')).providers).toEqual({ azure: {} });
    const gcp = detectProviders({ HOME: '/h', GOOGLE_CLOUD_PROJECT: 'kms-audit-prod' }, only('/h/.config/gcloud/application_default_credentials.json'));
    expect(gcp.providers).toEqual({ gcp: { projects: ['kms-audit-prod'] } });
    expect(gcp.found[0]?.evidence).toMatch(/application-default login/);
  });
});

describe('starterPolicy', () => {
  const variants = {
    nothing: {},
    aws: { aws: {} },
    'aws with regions': { aws: { regions: ['us-east-1', 'eu-west-1'] } },
    'azure with a subscription': { azure: { subscriptions: ['0a1b2c3d-0000-4000-8000-000000000001'] } },
    'gcp with a project': { gcp: { projects: ['kms-audit-prod'] } },
    'jwks and a snapshot': { jwks: ['https://login.example.com/jwks.json'], snapshot: ['inventory.json'] },
    everything: { aws: {}, azure: {}, gcp: {}, jwks: ['https://a.example/jwks'] },
  };
  for (const [name, providers] of Object.entries(variants)) {
    it(`${name}: validates and configures exactly the chosen providers`, () => {
      const p = resolvePolicyFile(tmp.write(`${name.replace(/\W/g, '-')}.yaml`, starterPolicy(providers)));
      const configured = Object.entries(p.providers)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k)
        .sort();
      expect(configured).toEqual(Object.keys(providers).sort());
    });
  }
});
