import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { type IdentityEvent, issuerLinks, judgeIdentityRecords } from '../lib/identity.ts';

const EVENTS: readonly { event: IdentityEvent; field: 'issuance' | 'use'; message: 'issuanceNotKept' | 'useNotKept' }[] = [
  { event: 'token-issuance', field: 'issuance', message: 'issuanceNotKept' },
  { event: 'token-use', field: 'use', message: 'useNotKept' },
];

export default defineRule({
  id: 'token-key-logging',
  aliases: ['LOG-06'],
  meta: {
    category: 'logging',
    severity: 'high',
    fixedLimit: "the key class's identity-plane logging days (keyClasses.<class>.logging) are kept for the tokens the key signs",
    description:
      "A token-signing key whose class sets `logging` has a premium-grade record of the tokens it issues (the issuer's sign-in logs) and of their use at the relying party (MailItemsAccessed), each kept the class's days.",
    rationale:
      'Storm-0558 forged tokens were caught only by a customer with Purview Audit (Premium) MailItemsAccessed events (AA23-193A); 30-day sign-in retention hid when it began (CSRB p.3, F10, F11). CSRB rec 4, 5 and 10; OMB M-21-31 (12 months active); CISA SCuBA MS.EXO.17.1–17.3; NIST AU-2, AU-11, AU-12.',
    remediation:
      'Link the key to its issuer (policy `tokenIssuers` with `keys` and `tenants`, or publish it in a JWKS the jwks provider reads). Export SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs and ManagedIdentitySignInLogs through an Entra ID diagnostic setting to a Log Analytics workspace whose retention covers `logging.issuance`; turn on unified audit log ingestion and MailItemsAccessed on every mailbox (AuditOwner, AuditDelegate, AuditAdmin), and hold Purview Audit (Premium) (M365_ADVANCED_AUDITING) or a retention policy covering `logging.use`.',
    subject: 'key',
    reads: ['fingerprints', 'classification'],
    appliesTo: (k, ctx) => ctx.scope(k).keyClass?.logging !== undefined,
    // The issuers a key signs for include those of the published sets it is found in: an unread set may add one.
    needsEveryPublishedSet: true,
  },
  options: z.strictObject({}),
  messages: {
    noIssuer:
      'Key class {class} requires identity-plane records of the tokens this key signs, but no token issuer is linked to it: declare it under tokenIssuers (keys, tenants) or publish it in a JWKS the jwks provider reads.',
    issuanceNotKept: 'No record of tokens issued with this key is kept {min} days (class {class}): {why}.',
    useNotKept: 'No premium-grade record of the use of tokens signed with this key is kept {min} days (class {class}): {why}.',
  },
  check(key, ctx) {
    const keyClass = ctx.scope(key).keyClass;
    const logging = keyClass?.logging;
    if (!keyClass || !logging) return;
    const links = issuerLinks(key, ctx);
    if (links.length === 0) return ctx.report('noIssuer', { class: keyClass.name });
    for (const { event, field, message } of EVENTS) {
      const min = logging[field];
      if (min === undefined) continue;
      const v = judgeIdentityRecords(links, event, min, ctx.inventory);
      if (v.met) continue;
      if (v.undecided) ctx.need(undefined, v.undecided);
      ctx.report(message, { min, class: keyClass.name, why: v.shortfalls.join('; ') || 'nothing records it' }, { key: field });
    }
  },
});
