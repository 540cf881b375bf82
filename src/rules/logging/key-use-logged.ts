import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { locationCause, trailsCause } from '../lib/causes.ts';
import { judgeTrails } from '../lib/trails.ts';

export default defineRule({
  id: 'key-use-logged',
  aliases: ['LOG-01', 'L8'],
  meta: {
    category: 'logging',
    severity: 'high',
    fixedLimit: 'a trail covering the key records its data-plane use (KMS events not excluded, data events on)',
    description:
      'An enabled audit trail records every data-plane use of the key (sign, decrypt…), not only admin events, and does not exclude the key service.',
    rationale:
      'Microsoft could not say how or when the Storm-0558 key was stolen for lack of logs, and only a customer with premium logging detected its use (CSRB F10, F11, rec 5). A trail that excludes kms.amazonaws.com events passes most peer checks yet records no key use. NIST AU-2, AU-12; PCI DSS 10.2.1.',
    remediation:
      'AWS: a multi-region CloudTrail trail with management events (read and write) and no ExcludeManagementEventSources for kms.amazonaws.com. Azure: a diagnostic setting with the AuditEvent category (or audit/allLogs group). GCP: enable DATA_READ Data Access audit logs for cloudkms.googleapis.com (or allServices) at the organization, folder or project, exempt no principal that can use the key (`gcloud projects get-iam-policy P --format=json | jq .auditConfigs`), and keep a sink that routes them (the _Default sink does unless an exclusion drops them).',
    subject: 'key',
  },
  options: z.strictObject({}),
  messages: {
    noTrail: 'No audit trail covers this key: its use would not be recorded anywhere.',
    notRecorded: 'No covering trail records use of this key: {problems}.',
  },
  check(key, ctx) {
    const verdicts = judgeTrails(key, ctx);
    if (verdicts.length === 0) ctx.report('noTrail', {}, { cause: locationCause(key) });
    else if (verdicts.every((v) => v.problem))
      ctx.report(
        'notRecorded',
        { problems: verdicts.map((v) => `${v.trail.name ?? v.trail.id} ${v.problem}`).join('; ') },
        { cause: trailsCause(verdicts.map((v) => v.trail)) },
      );
  },
});
