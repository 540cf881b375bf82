import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'trail-tamper-evident',
  aliases: ['LOG-04'],
  meta: {
    category: 'logging',
    severity: 'medium',
    fixedLimit: 'a trail that records key use validates the integrity of its log files (or delivers to an immutable destination)',
    description: 'Audit trails that record key use validate the integrity of what they deliver (CloudTrail log file validation or an immutable destination).',
    rationale:
      'Logs an intruder can edit cannot establish how or when a key left (CSRB F10); digest files or immutable storage make tampering detectable. CIS AWS 3.2 (v3–v5) / 4.2 (v6–v7); NIST AU-9(3); PCI DSS 10.3.x.',
    remediation:
      'AWS: `aws cloudtrail update-trail --name TRAIL --enable-log-file-validation`; Terraform `enable_log_file_validation = true`. Azure: send the diagnostic setting to a storage account with an immutability policy. GCP: lock the log bucket retention (Bucket Lock).',
    subject: 'trail',
    appliesTo: (t, ctx) => (ctx.options as { trailKinds: string[] }).trailKinds.includes(t.kind),
    needs: ['integrityValidation'],
  },
  options: z.strictObject({
    trailKinds: z
      .array(z.enum(['cloudtrail', 'azure-diagnostic-setting', 'gcp-audit-config', 'declared']))
      .default(['cloudtrail'])
      .describe('kinds of trail judged: CloudTrail has log file validation; add others once their providers report destination immutability'),
  }),
  messages: {
    noValidation: 'Trail {trail} does not validate the integrity of its log files: edits and deletions would go unnoticed.',
  },
  check(trail, ctx) {
    if (trail.integrityValidation === false) ctx.report('noValidation', { trail: trail.name ?? trail.id });
  },
});
