import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'collection-complete',
  aliases: ['F12'],
  meta: {
    category: 'coverage',
    severity: 'medium',
    fixedLimit: 'every read the policy covers succeeded: no collection gap',
    description: 'Everything the policy covers could be read: each collection gap is reported, never treated as a pass.',
    rationale: 'Peers have reported unreadable vaults as compliant and dropped every key after one AccessDenied. A gap is evidence that the audit is incomplete; it also sets exit code 3.',
    remediation: 'Grant the read permission named in the gap (see `keyhygiene permissions`), open the network path, or narrow the policy\'s scope to what you can read.',
    subject: 'gap',
  },
  options: z.strictObject({}),
  messages: {
    gap: 'Could not read {what}: {operation} failed: {reason}.',
  },
  check(gap, ctx) {
    const s = gap.scope;
    const where = [s.account && `account ${s.account}`, s.region && `region ${s.region}`, s.container && `container ${s.container}`, s.subjectId].filter(Boolean).join(', ');
    ctx.report('gap', { what: `${gap.provider}${where ? ` (${where})` : ''}`, operation: gap.operation, reason: gap.reason });
  },
});
