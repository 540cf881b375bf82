import rule from '../../../src/rules/scope/vault-rbac-authorization.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const azure = (o: Parameters<typeof key>[0] = {}) =>
  key({ id: 'https://kv-prod.vault.azure.net/keys/signing', provider: 'azure-keyvault', container: 'kv-prod', ...o });

ruleTester(rule, [
  { name: 'RBAC vault', inventory: { keys: [azure({ accessModel: 'rbac' })] }, outcome: 'pass' },
  { name: 'access-policy vault', inventory: { keys: [azure({ accessModel: 'access-policy' })] }, outcome: 'fail', messages: ['accessPolicies'] },
  { name: 'access model not collected', inventory: { keys: [azure()] }, outcome: 'unknown', missing: 'accessModel' },
  { name: 'an AWS key', inventory: { keys: [key({ accessModel: 'key-policy' })] }, outcome: 'not-applicable' },
]);
