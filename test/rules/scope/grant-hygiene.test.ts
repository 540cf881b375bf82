import rule from '../../../src/rules/scope/grant-hygiene.ts';
import { access, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const grant = (id: string, caps: Parameters<typeof access>[1], p: Parameters<typeof access>[0] = {}) => access(p, caps, { source: 'grant', sourceId: id });

ruleTester(rule, [
  { name: 'one grant for a named service', inventory: { keys: [key({ access: [access(), grant('g-1', ['use-sign'])] })] }, outcome: 'pass' },
  {
    name: 'a grant that can create grants',
    inventory: { keys: [key({ access: [grant('g-1', ['use-sign', 'create-grant'])] })] },
    outcome: 'fail',
    messages: ['delegates'],
  },
  {
    name: 'a wildcard grantee',
    inventory: { keys: [key({ access: [grant('g-2', ['use-decrypt'], { kind: 'public', id: '*', account: undefined, name: undefined })] })] },
    outcome: 'fail',
    messages: ['wildcard'],
  },
  {
    name: 'two identical grants',
    inventory: { keys: [key({ access: [grant('g-1', ['use-sign']), grant('g-2', ['use-sign'])] })] },
    outcome: 'fail',
    messages: ['duplicate'],
  },
  {
    name: 'delegation allowed for a named grantee',
    inventory: { keys: [key({ access: [grant('g-1', ['use-sign', 'create-grant'])] })] },
    options: { allowDelegation: ['arn:aws:iam::111111111111:role/token-service'] },
    outcome: 'pass',
  },
  {
    name: 'key-policy entries are not grants',
    inventory: { keys: [key({ access: [access({}, ['use-sign', 'create-grant']), access({}, ['use-sign', 'create-grant'])] })] },
    outcome: 'pass',
  },
  { name: 'grants not collected (ListGrants denied)', inventory: { keys: [key({ access: undefined })] }, outcome: 'unknown', missing: 'access' },
  {
    name: 'a provider-managed key',
    inventory: { keys: [key({ managedBy: 'provider', access: [grant('g-1', ['use-sign', 'create-grant'])] })] },
    outcome: 'not-applicable',
  },
]);
