import { z } from 'zod';
import { EnvironmentKind } from '../../model/common.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'memory-artifact-in-untrusted-store',
  aliases: ['DBG-01'],
  meta: {
    category: 'exposure',
    severity: 'high',
    fixedLimit: 'memory images are kept only in production stores not reachable from the internet',
    description:
      'Memory images (crash dumps, core files, heap dumps, hibernation files) stay out of debug, development, CI, test, corporate and internet-reachable stores.',
    rationale:
      'A memory image holds whatever the process held, keys included. In Storm-0558 a crash dump of a signing system was moved from the isolated production network into the debugging environment on the corporate network, where an attacker with a compromised engineer account found the key (MSRC, 6 Sep 2023). CSRB recommendation 6.',
    remediation:
      'Keep dumps of key-holding systems inside production, scrubbed of key material before any transfer; delete this artifact from the store or move it back into a production-grade, access-logged location.',
    subject: 'artifact',
    reads: ['artifactType', 'store'],
    appliesTo: (a) => a.kind === 'memory-artifact',
  },
  options: z.strictObject({
    untrustedKinds: z
      .array(EnvironmentKind)
      .default(['debug', 'development', 'ci', 'test', 'corporate'])
      .describe('environment kinds where a memory image is a finding'),
  }),
  messages: {
    untrusted: 'Memory image {location} ({artifactType}) is kept in {environment}, a {kind} environment.',
    internet: 'Memory image {location} ({artifactType}) is kept in a store reachable from the internet.',
  },
  check(a, ctx) {
    const data = { location: a.location, artifactType: a.artifactType };
    if (a.store?.internetReachable === true) ctx.report('internet', data, { key: 'internet', escalateTo: 'critical' });
    if (a.store?.environment === undefined && a.store?.internetReachable === false) return;
    const environment = ctx.need(a.store?.environment, 'store.environment');
    const kind = ctx.need(ctx.artifactScope(a).environmentKind, 'store.environment');
    if (ctx.options.untrustedKinds.includes(kind)) ctx.report('untrusted', { ...data, environment, kind }, { key: 'environment' });
  },
});
