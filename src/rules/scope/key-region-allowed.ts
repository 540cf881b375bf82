import { z } from 'zod';
import { anyGlobMatch } from '../../util/glob.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'key-region-allowed',
  aliases: ['S9'],
  meta: {
    category: 'scope',
    severity: 'low',
    fixedLimit: 'the key lives in a region the rule options allow (allowedRegions, deniedRegions)',
    description:
      'Keys live in an allowed location: not in a multi-region or global location (GCP `global` key rings) and, when a list is set, only in allowed regions.',
    rationale:
      'A key ring in the GCP `global` location is served from every region, beyond data-residency and blast-radius boundaries; pinning keys to regions keeps them beside the data they protect. Mondoo checks key-ring location; NIST SC-12; PCI DSS 3.6.1.4.',
    remediation:
      'Create the key ring in a specific region (`gcloud kms keyrings create RING --location europe-west1`), move workloads to the new key, then disable the old one.',
    subject: 'key',
    appliesTo: (k) => k.managedBy !== 'provider',
    needs: ['region'],
    reads: ['managedBy'],
  },
  options: z.strictObject({
    deniedRegions: z.array(z.string()).default(['global']).describe('locations no key may use (globs)'),
    allowedRegions: z.array(z.string()).default(['*']).describe('locations keys may use (globs); default any'),
  }),
  messages: {
    denied: 'Key lives in the {region} location, which the policy denies.',
    notAllowed: 'Key lives in {region}, outside the allowed regions ({allowed}).',
  },
  check(key, ctx) {
    const region = key.region as string;
    if (anyGlobMatch(ctx.options.deniedRegions, region)) ctx.report('denied', { region });
    else if (!anyGlobMatch(ctx.options.allowedRegions, region)) ctx.report('notAllowed', { region, allowed: ctx.options.allowedRegions.join(', ') });
  },
});
