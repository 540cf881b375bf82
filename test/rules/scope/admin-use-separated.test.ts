import rule from '../../../src/rules/scope/admin-use-separated.ts';
import { access, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const admin = access({ id: 'arn:aws:iam::111111111111:role/key-admin', name: 'key-admin' }, ['administer']);

ruleTester(rule, [
  { name: 'administrators and users are different principals', inventory: { keys: [key({ access: [admin, access()] })] }, outcome: 'pass' },
  {
    name: 'one role administers and signs',
    inventory: { keys: [key({ access: [access({}, ['administer', 'use-sign'])] })] },
    outcome: 'fail',
    messages: ['both'],
  },
  {
    name: 'the two capabilities may come from different sources (key policy and grant)',
    inventory: { keys: [key({ access: [access({}, ['administer']), access({}, ['use-sign'], { source: 'grant', sourceId: 'g-1' })] })] },
    outcome: 'fail',
    messages: ['both'],
  },
  {
    name: 'the AWS account root (kind account) is not judged by default',
    inventory: { keys: [key({ access: [access({ kind: 'account', id: 'arn:aws:iam::111111111111:root' }, ['administer', 'use-sign'])] })] },
    outcome: 'pass',
  },
  {
    name: 'an explicitly allowed break-glass role',
    inventory: { keys: [key({ access: [access({ id: 'arn:aws:iam::111111111111:role/break-glass' }, ['administer', 'use-sign'])] })] },
    options: { ignorePrincipals: ['arn:aws:iam::111111111111:role/break-glass'] },
    outcome: 'pass',
  },
  { name: 'access not collected', inventory: { keys: [key({ access: undefined })] }, outcome: 'unknown', missing: 'access' },
  {
    name: 'a provider-managed key (its policy belongs to the cloud)',
    inventory: { keys: [key({ managedBy: 'provider', access: [access({}, ['administer', 'use-sign'])] })] },
    outcome: 'not-applicable',
  },
]);
