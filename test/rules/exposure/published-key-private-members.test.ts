import rule from '../../../src/rules/exposure/published-key-private-members.ts';
import { published } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'public members only', inventory: { publishedKeys: [published()] }, outcome: 'pass' },
  {
    name: 'RSA key with d, p, q…',
    inventory: { publishedKeys: [published({ privateMembers: ['d', 'p', 'q', 'dp', 'dq', 'qi'] })] },
    outcome: 'fail',
    messages: ['privateMembers'],
    severity: 'critical',
  },
  {
    name: 'EC key with d',
    inventory: { publishedKeys: [published({ kty: 'EC', curve: 'P-256', privateMembers: ['d'] })] },
    outcome: 'fail',
    messages: ['privateMembers'],
  },
  {
    name: 'symmetric key in a published set',
    inventory: { publishedKeys: [published({ kty: 'oct', privateMembers: ['k'], fingerprints: {} })] },
    outcome: 'fail',
    messages: ['symmetric'],
  },
  {
    name: 'not checked for private members',
    inventory: { publishedKeys: [published({ privateMembers: undefined })] },
    outcome: 'unknown',
    missing: 'privateMembers',
  },
  {
    name: 'a deliberately private fixture excepted by option',
    inventory: { publishedKeys: [published({ url: 'test/fixtures/signer.jwk.json', privateMembers: ['d'] })] },
    options: { exceptUrls: ['test/fixtures/*'] },
    outcome: 'not-applicable',
  },
]);
