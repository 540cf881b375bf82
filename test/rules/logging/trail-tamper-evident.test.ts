import rule from '../../../src/rules/logging/trail-tamper-evident.ts';
import { trail } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'log file validation on', inventory: { trails: [trail()] }, outcome: 'pass' },
  { name: 'log file validation off', inventory: { trails: [trail({ integrityValidation: false })] }, outcome: 'fail', messages: ['noValidation'] },
  { name: 'validation not collected', inventory: { trails: [trail({ integrityValidation: undefined })] }, outcome: 'unknown', missing: 'integrityValidation' },
  {
    name: 'an Azure diagnostic setting is not judged by default',
    inventory: { trails: [trail({ kind: 'azure-diagnostic-setting', integrityValidation: false })] },
    outcome: 'not-applicable',
  },
  {
    name: 'other trail kinds by option',
    inventory: { trails: [trail({ kind: 'gcp-audit-config', integrityValidation: false })] },
    options: { trailKinds: ['gcp-audit-config'] },
    outcome: 'fail',
    messages: ['noValidation'],
  },
]);
