import { z } from 'zod';
import { isUnverifiedPrivate } from '../../model/artifact-finding.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'key-material-in-artifact',
  aliases: ['DBG-02'],
  meta: {
    category: 'exposure',
    severity: 'high',
    fixedLimit: 'no private key material in any scanned artifact',
    description: 'No private key material is found in crash dumps, core files, heap dumps or debug stores.',
    rationale:
      "Storm-0558: a consumer signing key rode out of production inside a crash dump that was moved into an internet-connected debugging environment, and Microsoft's credential scanning did not see it (MSRC, 6 Sep 2023). Anyone who can read the dump holds the key. CSRB rec 6; NIST SP 800-57 Pt 1 §6.1 (protection of private keys); NIST SC-12, SC-28.",
    remediation:
      'Treat a matched key as compromised: rotate it now, revoke or stop trusting the old public key everywhere it is published, and review its use since the dump was taken. Delete or quarantine the artifact, and stop key material reaching dumps (HSM custody, dump scrubbing, no full-memory dumps of signing services).',
    subject: 'artifact',
    reads: ['keyType', 'matchedKeyId', 'materialFormat', 'proof'],
    appliesTo: (a) => a.kind !== 'memory-artifact',
  },
  options: z.strictObject({
    reportEncrypted: z.boolean().default(true).describe('also fail on passphrase-protected private keys (their passphrase may be in the same dump)'),
  }),
  messages: {
    matched: 'Private key of inventoried key {keyId} found in {location} at offset {offset} ({format}, {proof}): presumed compromised, rotate now.',
    unmatched: 'Private {keyType} key found in {location} at offset {offset} ({format}); it matches no inventoried key.',
    encrypted: 'Encrypted private {keyType} key found in {location} at offset {offset} ({format}); its passphrase may be nearby.',
  },
  check(a, ctx) {
    const proof = ctx.need(a.proof, 'proof');
    const data = { location: a.location, offset: a.offset, format: a.materialFormat ?? 'unknown', keyType: a.keyType ?? 'unknown-type' };
    if (proof === 'private-key-present') {
      if (a.matchedKeyId) {
        ctx.report('matched', { ...data, keyId: a.matchedKeyId, proof: 'possession proven' }, { escalateTo: 'critical' });
      } else ctx.report('unmatched', data);
      return;
    }
    if (a.encrypted) {
      if (ctx.options.reportEncrypted) ctx.report('encrypted', data);
      return;
    }
    if (isUnverifiedPrivate(a))
      ctx.need(
        undefined,
        'proof',
        `${data.location} holds ${data.format} private key material at offset ${data.offset} that could not be parsed or verified (damaged, truncated or an unsupported variant), so whether a usable private key is there is undecided; inspect the artifact (\`keyhygiene scan\` on it names the offset) and treat it as exposed until shown otherwise`,
      );
  },
});
